import { defineStore } from 'pinia';
import { ref, watch } from 'vue';
import type { AccountView } from '../../src-shared/model/account';
import type { CertificateReportView, InspectionView } from '../../src-shared/model/certificate';
import type { TlsEventView, TrustActionsView } from '../../src-shared/model/diagnostics';
import type { SoftphoneApi } from '../../src-shared/ipc/client';
import { useApi } from '../bridge';
import { toShownProblem, type ShownProblem } from './problem';
import { useRegistrationStore } from './registration';

/** The newest TLS events kept per account (the list shows newest first). */
export const TLS_EVENTS_KEPT = 200;

export type InspectRequest = Parameters<SoftphoneApi['requests']['certificates']['inspect']>[0];
export type ExportTarget = Parameters<SoftphoneApi['requests']['certificates']['exportChain']>[0];

/** What an action came to: main's answer, or its refusal in main's words (message + fix). */
export type ActionResult<T> = { ok: true; value: T } | { ok: false; problem: ShownProblem };

/** One account as the panel shows it: its last report and allowed actions, the per-address check, its TLS events. */
export interface AccountPanel {
  readonly report: CertificateReportView | null;
  readonly actions: TrustActionsView | null;
  readonly loaded: boolean;
  readonly loading: boolean;
  readonly problem: ShownProblem | null;
  readonly addresses: InspectionView | null;
  readonly checking: boolean;
  readonly addressProblem: ShownProblem | null;
  /** Newest first, at most TLS_EVENTS_KEPT. */
  readonly events: readonly TlsEventView[];
}

const EMPTY: AccountPanel = { report: null, actions: null, loaded: false, loading: false, problem: null, addresses: null, checking: false, addressProblem: null, events: [] };

/**
 * The certificate panel (issue 13), a projection of main's CertificateService: an account's
 * report and the trust actions policy allows, the check of every address behind its server,
 * inspections of any host, and the TLS event log followed live. Main decides every verdict and
 * every word; the store only asks and keeps the answers. After a trust action the account
 * reconnects in main, and the report is asked again once it has (its registration settles, or a
 * TLS event for it arrives).
 */
export const useCertificatesStore = defineStore('certificates', () => {
  const panels = ref<Record<string, AccountPanel>>({});
  const inspection = ref<InspectionView | null>(null);
  const inspecting = ref(false);
  const inspectProblem = ref<ShownProblem | null>(null);
  /** Whether the shown inspection asked for every address behind the name. */
  const inspectedAll = ref(false);

  let started = false;
  /** Per account, the generation of the newest report request (older answers are dropped). */
  const reportGeneration = new Map<string, number>();
  let inspectGeneration = 0;
  /** Accounts changed by a trust action, waiting for their reconnection to ask for the report again. */
  const awaitingReconnect = new Set<string>();

  function panel(accountId: string): AccountPanel {
    return panels.value[accountId] ?? EMPTY;
  }

  function patch(accountId: string, change: Partial<AccountPanel>): void {
    panels.value = { ...panels.value, [accountId]: { ...panel(accountId), ...change } };
  }

  /** Subscribes to the live TLS events (once, before any snapshot is asked for). */
  function init(): void {
    if (started) return;
    started = true;
    useApi().events.certificates.tlsEvent((e) => {
      addEvents(e.accountId, [e]);
      // A new connection (or a failed one) is a new report: follow it when the panel has one.
      awaitingReconnect.delete(e.accountId);
      if (panel(e.accountId).loaded) void forAccount(e.accountId);
    });
  }

  // Created with the store (its own scope), not in init(): a watch made there would belong to the
  // component that happened to call init first and stop when it unmounts.
  const registration = useRegistrationStore();
  watch(
    () => registration.byAccount,
    (now, before) => {
      for (const id of [...awaitingReconnect]) {
        const r = now[id];
        if (r === undefined || r === before[id] || r.state === 'connecting' || r.state === 'unregistered') continue;
        awaitingReconnect.delete(id);
        void forAccount(id);
      }
    },
  );

  function addEvents(accountId: string, incoming: readonly TlsEventView[]): void {
    const bySeq = new Map<number, TlsEventView>();
    for (const e of panel(accountId).events) bySeq.set(e.seq, e);
    for (const e of incoming) bySeq.set(e.seq, e);
    const events = [...bySeq.values()].sort((a, b) => b.seq - a.seq).slice(0, TLS_EVENTS_KEPT);
    patch(accountId, { events });
  }

  /** The report of the account's current (or last attempted) TLS connection and the actions allowed. */
  async function forAccount(accountId: string): Promise<void> {
    init();
    const mine = (reportGeneration.get(accountId) ?? 0) + 1;
    reportGeneration.set(accountId, mine);
    patch(accountId, { loading: true });
    try {
      const answer = await useApi().requests.certificates.forAccount({ accountId });
      if (reportGeneration.get(accountId) !== mine) return;
      patch(accountId, { report: answer.report, actions: answer.actions, loaded: true, loading: false, problem: null });
    } catch (e) {
      if (reportGeneration.get(accountId) !== mine) return;
      patch(accountId, { loading: false, loaded: true, problem: toShownProblem(e) });
    }
  }

  /** The TLS event log so far (events that arrived live meanwhile are merged by seq). */
  async function tlsEvents(accountId: string): Promise<void> {
    init();
    try {
      const { events } = await useApi().requests.certificates.tlsEvents({ accountId });
      addEvents(accountId, events);
    } catch (e) {
      patch(accountId, { problem: toShownProblem(e) });
    }
  }

  /** Opens an account in the panel: its report and its TLS events. */
  async function open(accountId: string): Promise<void> {
    init();
    await Promise.all([forAccount(accountId), tlsEvents(accountId)]);
  }

  /** Every address behind the account's server, each with its own handshake and verdict. */
  async function checkAddresses(accountId: string): Promise<void> {
    init();
    patch(accountId, { checking: true, addressProblem: null });
    try {
      const addresses = await useApi().requests.certificates.checkAccountAddresses({ accountId });
      patch(accountId, { addresses, checking: false });
    } catch (e) {
      patch(accountId, { checking: false, addressProblem: toShownProblem(e) });
    }
  }

  /** Checks any host[:port] (the "Check a server" form). */
  async function inspect(form: InspectRequest): Promise<InspectionView | null> {
    const mine = ++inspectGeneration;
    inspecting.value = true;
    inspectProblem.value = null;
    try {
      const result = await useApi().requests.certificates.inspect(form);
      if (mine !== inspectGeneration) return null;
      inspection.value = result;
      inspectedAll.value = form.allAddresses === true;
      return result;
    } catch (e) {
      if (mine === inspectGeneration) {
        inspectProblem.value = toShownProblem(e);
        inspection.value = null;
      }
      return null;
    } finally {
      if (mine === inspectGeneration) inspecting.value = false;
    }
  }

  function dismissInspectProblem(): void {
    inspectProblem.value = null;
  }

  async function act(accountId: string, request: () => Promise<AccountView>): Promise<ActionResult<AccountView>> {
    try {
      const value = await request();
      // Main reconnects the account with the new setting; the report follows once it has.
      awaitingReconnect.add(accountId);
      return { ok: true, value };
    } catch (e) {
      return { ok: false, problem: toShownProblem(e) };
    }
  }

  /** Trusts a CA of the account's last chain (by fingerprint) for this account; main reconnects it. */
  function trustCa(accountId: string, fingerprintSha256: string): Promise<ActionResult<AccountView>> {
    return act(accountId, () => useApi().requests.certificates.trustCa({ accountId, fingerprintSha256 }));
  }

  function pin(accountId: string, what: 'key' | 'certificate'): Promise<ActionResult<AccountView>> {
    return act(accountId, () => useApi().requests.certificates.pin({ accountId, what }));
  }

  /** Chain-only verification: the person has read the warning (the panel asks first). */
  function useChainOnly(accountId: string): Promise<ActionResult<AccountView>> {
    return act(accountId, () => useApi().requests.certificates.useChainOnly({ accountId, acknowledgeWeaker: true }));
  }

  /** The chain as PEM from main, saved by the page as a download. */
  async function exportChain(target: ExportTarget): Promise<ActionResult<{ fileName: string; count: number }>> {
    try {
      const pem = await useApi().requests.certificates.exportChain(target);
      downloadText(pem.fileName, pem.pem, 'application/x-pem-file');
      return { ok: true, value: { fileName: pem.fileName, count: pem.count } };
    } catch (e) {
      return { ok: false, problem: toShownProblem(e) };
    }
  }

  return { panels, inspection, inspecting, inspectProblem, inspectedAll, panel, init, open, forAccount, tlsEvents, checkAddresses, inspect, dismissInspectProblem, trustCa, pin, useChainOnly, exportChain, copyText };
});

/** Saves text as a file through the page (a Blob behind an `a[download]`), as a browser download. */
export function downloadText(fileName: string, text: string, type = 'text/plain'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** Puts text on the clipboard; without the async clipboard (no secure context) through a hidden textarea. */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard !== undefined && typeof navigator.clipboard.writeText === 'function') {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Refused (no permission, no focus): fall through to the old way.
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  const active = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  document.body.append(area);
  area.focus();
  area.select();
  let done: boolean;
  try {
    // execCommand is deprecated but is the only way left without the async clipboard.
    done = document.execCommand('copy');
  } catch {
    done = false;
  }
  area.remove();
  active?.focus();
  return done;
}
