import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { BundleResult, ExplainSdp, SdpExplanation, SipLogEntryView, SipLogPage } from '../../src-shared/model/diagnostics';
import { useApi } from '../bridge';
import { toShownProblem, type ShownProblem } from './problem';

/** The most messages the log keeps in memory: the list stays responsive, main keeps the rest. */
export const SIP_LOG_CAP = 2000;
/** How many of the newest messages a (re)load asks main for. */
export const SIP_LOG_LOAD = 1000;

export type SipLogCall = SipLogPage['calls'][number];

/** The SIP log's filters: main filters by account and call, the search box filters here. */
export interface SipLogFilter {
  readonly accountId: string | null;
  readonly callId: string | null;
}

/**
 * Diagnostics: the SIP message log (loaded from main, then followed live while the view is open),
 * the SDP check and the diagnostics bundle. Everything shown is masked by main before it crosses.
 */
export const useDiagnosticsStore = defineStore('diagnostics', () => {
  // Immutable view models, replaced whole: shallow, so 2000 messages are not made deeply reactive.
  const entries = shallowRef<readonly SipLogEntryView[]>([]);
  const calls = ref<SipLogCall[]>([]);
  const dropped = ref(0);
  const filter = ref<SipLogFilter>({ accountId: null, callId: null });
  /** Client-side substring filter on the first line. */
  const search = ref('');
  const follow = ref(true);
  const loading = ref(false);
  const loaded = ref(false);
  const problem = ref<ShownProblem | null>(null);
  const selectedSeq = ref<number | null>(null);
  /** The last navigation.sipLogRequest acted upon. */
  const sipLogHandled = ref(0);

  let unsubscribe: (() => void) | null = null;
  /** Live messages that arrive while a load is under way, merged when it answers. */
  let pending: SipLogEntryView[] | null = null;
  let loadSerial = 0;

  const shown = computed<readonly SipLogEntryView[]>(() => {
    const q = search.value.trim().toLowerCase();
    return q === '' ? entries.value : entries.value.filter((e) => e.firstLine.toLowerCase().includes(q));
  });
  const selected = computed<SipLogEntryView | null>(() => (selectedSeq.value === null ? null : (entries.value.find((e) => e.seq === selectedSeq.value) ?? null)));

  function matches(e: SipLogEntryView): boolean {
    const f = filter.value;
    return (f.accountId === null || e.accountId === f.accountId) && (f.callId === null || e.callId === f.callId);
  }

  function onMessage(e: SipLogEntryView): void {
    if (!follow.value) return;
    if (pending !== null) {
      // Judged once the load answers: the call filter may be resolved by then.
      pending.push(e);
      return;
    }
    if (!matches(e)) return;
    entries.value = merge(entries.value, [e]);
    noteCall(e);
  }

  /** A call first seen live joins the Call filter (main names the calls it has seen on a load). */
  function noteCall(e: SipLogEntryView): void {
    if (e.callId === null || e.method !== 'INVITE' || e.status !== null) return;
    if (calls.value.some((c) => c.callId === e.callId)) return;
    calls.value = [{ callId: e.callId, accountId: e.accountId, firstLine: e.firstLine, time: e.time }, ...calls.value];
  }

  /** Subscribes to live messages (before loading, so none is lost in between), then loads. */
  async function open(): Promise<void> {
    if (unsubscribe === null) unsubscribe = useApi().events.diagnostics.sipMessage(onMessage);
    await load();
  }

  /** Stops following (the view closed): main need not be heard while nobody looks. */
  function close(): void {
    unsubscribe?.();
    unsubscribe = null;
    pending = null;
  }

  async function load(): Promise<void> {
    const serial = ++loadSerial;
    pending = [];
    loading.value = true;
    problem.value = null;
    const f = filter.value;
    try {
      const page = await useApi().requests.diagnostics.sipLog({
        ...(f.accountId === null ? {} : { accountId: f.accountId }),
        ...(f.callId === null ? {} : { callId: f.callId }),
        limit: SIP_LOG_LOAD,
      });
      if (serial !== loadSerial) return;
      // A call asked for by its CallView id comes back under its SIP Call-ID: the filter (and so
      // the live messages and the Call combobox) follows main's name for it.
      const sipCallId = page.entries[0]?.callId ?? null;
      if (f.callId !== null && sipCallId !== null && sipCallId !== f.callId && page.entries.every((e) => e.callId === sipCallId)) filter.value = { ...filter.value, callId: sipCallId };
      const live = (pending ?? []).filter(matches);
      entries.value = merge(
        page.entries.filter((e) => f.accountId === null || e.accountId === f.accountId),
        live,
      );
      calls.value = page.calls;
      for (const e of live) noteCall(e);
      dropped.value = page.dropped;
      loaded.value = true;
      if (selectedSeq.value !== null && !entries.value.some((e) => e.seq === selectedSeq.value)) selectedSeq.value = null;
    } catch (e) {
      if (serial === loadSerial) problem.value = toShownProblem(e);
    } finally {
      if (serial === loadSerial) {
        pending = null;
        loading.value = false;
      }
    }
  }

  function setFilter(next: Partial<SipLogFilter>): Promise<void> {
    filter.value = { ...filter.value, ...next };
    return load();
  }

  /** The log of one call (or of every call), from any account, with no search: "Show SIP messages". */
  async function showCall(callId: string | null): Promise<void> {
    search.value = '';
    selectedSeq.value = null;
    filter.value = { accountId: null, callId };
    // Loaded by open() when the log mounts after this; reloaded now when it is open already.
    if (unsubscribe !== null) await load();
  }

  /** Following again catches up with what went by while paused. */
  function setFollow(on: boolean): Promise<void> | void {
    follow.value = on;
    if (on) return load();
  }

  function select(seq: number | null): void {
    selectedSeq.value = selectedSeq.value === seq ? null : seq;
  }

  /** The log as main writes it for a file (masked), for the current account and call filter. */
  async function exportLog(): Promise<{ text: string; fileName: string } | null> {
    problem.value = null;
    const f = filter.value;
    try {
      const { text, fileName } = await useApi().requests.diagnostics.exportSipLog({
        ...(f.accountId === null ? {} : { accountId: f.accountId }),
        ...(f.callId === null ? {} : { callId: f.callId }),
        limit: 5000,
      });
      return { text, fileName };
    } catch (e) {
      problem.value = toShownProblem(e);
      return null;
    }
  }

  // ---- SDP check ----
  const explanation = ref<SdpExplanation | null>(null);
  const explaining = ref(false);
  const sdpProblem = ref<ShownProblem | null>(null);

  async function explainSdp(request: ExplainSdp): Promise<SdpExplanation | null> {
    explaining.value = true;
    sdpProblem.value = null;
    try {
      explanation.value = await useApi().requests.diagnostics.explainSdp(request);
      return explanation.value;
    } catch (e) {
      explanation.value = null;
      sdpProblem.value = toShownProblem(e);
      return null;
    } finally {
      explaining.value = false;
    }
  }

  // ---- Bundle ----
  const bundle = ref<BundleResult | null>(null);
  const bundling = ref(false);
  const bundleProblem = ref<ShownProblem | null>(null);

  async function writeBundle(): Promise<BundleResult | null> {
    bundling.value = true;
    bundleProblem.value = null;
    bundle.value = null;
    try {
      bundle.value = await useApi().requests.diagnostics.writeBundle({});
      return bundle.value;
    } catch (e) {
      bundleProblem.value = toShownProblem(e);
      return null;
    } finally {
      bundling.value = false;
    }
  }

  return {
    entries,
    calls,
    dropped,
    filter,
    search,
    follow,
    loading,
    loaded,
    problem,
    selectedSeq,
    selected,
    shown,
    sipLogHandled,
    open,
    close,
    load,
    setFilter,
    showCall,
    setFollow,
    select,
    exportLog,
    explanation,
    explaining,
    sdpProblem,
    explainSdp,
    bundle,
    bundling,
    bundleProblem,
    writeBundle,
  };
});

/** Messages in seq order, each once, the newest SIP_LOG_CAP kept. */
function merge(known: readonly SipLogEntryView[], incoming: readonly SipLogEntryView[]): SipLogEntryView[] {
  const last = known.at(-1);
  // The common case, one live message newer than all: append without re-sorting 2000 entries.
  if (incoming.length === 1 && (last === undefined || incoming[0]!.seq > last.seq)) {
    const next = [...known, incoming[0]!];
    return next.length > SIP_LOG_CAP ? next.slice(next.length - SIP_LOG_CAP) : next;
  }
  const bySeq = new Map<number, SipLogEntryView>();
  for (const e of known) bySeq.set(e.seq, e);
  for (const e of incoming) bySeq.set(e.seq, e);
  const all = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  return all.length > SIP_LOG_CAP ? all.slice(all.length - SIP_LOG_CAP) : all;
}
