/**
 * The TLS event log per account (issue 13; the seed's "log TLS events"): every connection of an
 * account's flow with the version, cipher and how the server was verified, every reconnection
 * (verified again from scratch: the phone never resumes trust from an earlier handshake), and
 * every failure with its typed problem. Bounded per account; pushed live to the panel.
 */
import { DisposableStore, type Disposable } from '../../base/disposable.js';
import { Emitter, type Event } from '../../base/event.js';
import type { Clock } from '../../base/clock.js';
import { CERTIFICATE_PROBLEM_CODES } from '../../../src-shared/ipc/errors.js';
import type { TlsEventView } from '../../../src-shared/model/diagnostics.js';
import type { CertificateReport } from '../../platform/tls/certificate-report.js';
import { connectionProblem } from '../phone/connection-problem.js';
import type { PhoneEvent } from '../phone/phone-service.js';
import type { ConnectionState } from '../phone/ports.js';
import { reportProblem } from '../phone/views/certificate-view.js';

const PER_ACCOUNT = 200;

export interface TlsEventSource {
  readonly onEvent: Event<PhoneEvent>;
  /** The account's current (or last attempted) TLS report. */
  reportOf(accountId: string): CertificateReport | undefined;
}

export class TlsEventService implements Disposable {
  private readonly byAccount = new Map<string, TlsEventView[]>();
  private readonly connectedBefore = new Set<string>();
  private readonly emitter = new Emitter<TlsEventView>();
  private readonly store = new DisposableStore();
  readonly onEvent: Event<TlsEventView> = this.emitter.event;
  private seq = 0;

  constructor(
    source: TlsEventSource,
    private readonly clock: Clock,
  ) {
    this.store.add(
      source.onEvent((e) => {
        if (e.type === 'connection') this.connection(e.accountId, e.state, source.reportOf(e.accountId));
      }),
    );
  }

  list(accountId: string): TlsEventView[] {
    return [...(this.byAccount.get(accountId) ?? [])];
  }

  /** Every account's events, oldest first (the diagnostics bundle). */
  all(): TlsEventView[] {
    return [...this.byAccount.values()].flat().sort((a, b) => a.seq - b.seq);
  }

  forget(accountId: string): void {
    this.byAccount.delete(accountId);
    this.connectedBefore.delete(accountId);
  }

  dispose(): void {
    this.store.dispose();
    this.emitter.dispose();
  }

  private connection(accountId: string, s: ConnectionState, report: CertificateReport | undefined): void {
    if (s.kind === 'connected') {
      if (s.transport !== 'tls') return;
      const kind = this.connectedBefore.has(accountId) ? 'reconnected' : 'connected';
      this.connectedBefore.add(accountId);
      this.record(accountId, kind, report, null, s.remote);
    } else if (s.kind === 'failed') {
      const certificateFailure = (CERTIFICATE_PROBLEM_CODES as readonly string[]).includes(s.code);
      const p = certificateFailure && report !== undefined ? (reportProblem(report) ?? connectionProblem(s)) : connectionProblem(s);
      const where = typeof s.detail?.['address'] === 'string' ? `${String(s.detail['address'])}:${String(s.detail['port'] ?? '')}` : undefined;
      this.record(accountId, 'failed', certificateFailure ? report : undefined, p, where);
    } else if (s.kind === 'stopped') {
      this.connectedBefore.delete(accountId);
    }
  }

  private record(accountId: string, kind: TlsEventView['kind'], r: CertificateReport | undefined, p: TlsEventView['problem'], remote: string | undefined): void {
    const [address, port] = r !== undefined ? [r.target.address, r.target.port] : splitRemote(remote);
    const cipher = r?.cipher?.standardName ?? r?.cipher?.name ?? null;
    const presented = r?.chain.filter((c) => c.presented).length ?? 0;
    const how = r === undefined ? '' : r.mode === 'chain-only' ? 'verified by chain only (weaker)' : r.mode === 'pinned' ? 'pinned key matched' : r.mode === 'insecure' ? 'NOT verified (insecure mode)' : 'verified (full)';
    const summary =
      kind === 'failed'
        ? `${p?.message ?? 'The connection failed.'}${r?.protocol === undefined ? '' : ` (${r.protocol})`}`
        : `${r?.protocol ?? 'TLS'} ${cipher ?? ''}, ${how}${kind === 'reconnected' ? ', verified again' : ''} · ${presented} certificate${presented === 1 ? '' : 's'} sent`.replace(/ +,/, ',');
    const view: TlsEventView = {
      seq: ++this.seq,
      time: new Date(this.clock.now()).toISOString(),
      accountId,
      kind,
      domain: r?.target.domain ?? '',
      address,
      port,
      sni: r?.target.sni ?? null,
      mode: r?.mode ?? '',
      tlsVersion: r?.protocol ?? null,
      cipher,
      level: r?.verdict.level ?? 'failed',
      revocation: r?.revocation.status ?? 'not checked',
      durationMs: null,
      chain: (r?.chain ?? []).map((c) => ({ subject: c.subject, fingerprintSha256: c.fingerprintSha256, notAfter: c.notAfter })),
      summary,
      problem: p,
    };
    let ring = this.byAccount.get(accountId);
    if (ring === undefined) this.byAccount.set(accountId, (ring = []));
    ring.push(view);
    if (ring.length > PER_ACCOUNT) ring.splice(0, ring.length - PER_ACCOUNT);
    this.emitter.fire(view);
  }
}

function splitRemote(remote: string | undefined): [string, number] {
  if (remote === undefined) return ['', 0];
  const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(remote);
  return m === null ? [remote, 0] : [m[1]!, Number(m[2])];
}

