/**
 * One persistent SIP flow per account (RFC 5626 §4.2 "one flow per server", §4.4 keep-alive,
 * §4.5 flow recovery): locate the server (RFC 3263), connect with failover and verification,
 * keep the flow alive, carry requests both ways on it, and when it fails, reconnect with
 * exponential backoff and jitter. Every state change is surfaced with its typed reason.
 *
 *   idle ─start→ resolving ─→ connecting ─→ connected ─(closed/dead)→ waiting ─(timer)→ resolving
 *                    │              └───────(all targets failed)──→ waiting
 *                    └──(dns failure)──────────────────────────────→ waiting
 *   any ─stop→ stopped
 *
 * A flow found dead while open (no pong, a REGISTER unanswered: `abandon`) or whose peer sent what
 * cannot be framed sends its target to the back of the list for `demoteForMs`, so the reconnect
 * moves to the next target (RFC 3263 §4.3) instead of the same black hole. A flow whose local
 * address vanished (`networkChanged`: Wi-Fi switch, VPN down) is replaced at once, without waiting
 * for the keep-alive to give up and without backoff.
 *
 * UDP is not a flow: see udp-transport.ts.
 */
import type { Clock } from '../../base/clock.js';
import type { Disposable } from '../../base/disposable.js';
import { Emitter, type Event } from '../../base/event.js';
import type { Logger } from '../../base/logger.js';
import { err, type Result } from '../../base/result.js';
import type { Rng } from '../../base/rng.js';
import type { CertificateReport } from '../tls/certificate-report.js';
import type { TlsConnector } from '../tls/tls-connector.js';
import { tlsError, type TlsError } from '../tls/tls-error.js';
import type { EffectiveTlsSettings } from '../tls/tls-settings.js';
import type { AnchorSet } from '../tls/trust-store.js';
import { connectWithFailover, type AttemptFailure, type AttemptRecord } from './connect-failover.js';
import { hopSecurity } from './hop-security.js';
import type { KeepAliveOptions } from './keep-alive.js';
import { machineAddresses } from './network-monitor.js';
import { ReconnectBackoff, type BackoffOptions } from './reconnect-backoff.js';
import type { SipServerLocator } from './rfc3263-resolver.js';
import { normalizeAddress, type LocateRequest, type ResolvedTarget } from './sip-hop.js';
import { SipStreamFlow, type FlowCloseReason, type FlowInfo } from './sip-stream-flow.js';
import { defaultFramerFactory, type StreamFramerFactory } from './stream-framing.js';
import type { TcpConnector } from './tcp-connector.js';

export type AccountFlowState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'resolving' }
  | { readonly kind: 'connecting'; readonly target: ResolvedTarget; readonly index: number; readonly of: number; readonly dns: readonly string[] }
  | { readonly kind: 'connected'; readonly flow: FlowInfo; readonly attempts: readonly AttemptRecord[] }
  /** Failed (or lost) and waiting to retry; `retryInMs` is absent once stopped. */
  | {
      readonly kind: 'failed';
      readonly error: TlsError;
      readonly attempts: readonly AttemptRecord[];
      readonly consecutiveFailures: number;
      readonly retryInMs: number;
      /** Set when an established flow was lost (rather than a connect failing). */
      readonly lost?: FlowCloseReason['kind'];
    }
  | { readonly kind: 'stopped' };

export interface AccountFlowConfig {
  /** Account label for logs and the TLS event log. */
  readonly account: string;
  /** What to locate. Stream transports only: UDP targets are ignored. */
  readonly hop: LocateRequest;
  /** Required whenever the hop may use TLS. */
  readonly tls?: { readonly settings: EffectiveTlsSettings; readonly anchors: AnchorSet };
  readonly keepAlive?: KeepAliveOptions | false;
  readonly backoff?: BackoffOptions;
  readonly connectTimeoutMs?: number;
  /** A flow that lived this long resets the failure count (default 30 s). */
  readonly stableAfterMs?: number;
  /** Longest a header section / a whole message may take on the flow (sip-stream-flow.ts defaults). */
  readonly headerTimeoutMs?: number;
  readonly messageTimeoutMs?: number;
  /** How long a target found dead stays at the back of the list (default 5 min). */
  readonly demoteForMs?: number;
}



export interface AccountFlowDeps {
  readonly locator: SipServerLocator;
  readonly tls: TlsConnector;
  readonly tcp: TcpConnector;
  readonly clock: Clock;
  readonly rng: Rng;
  /** Default: the SIP stream framer from protocol/sip/message. */
  readonly framerFactory?: StreamFramerFactory;
  readonly logger?: Logger;
  /** The machine's current addresses (default `machineAddresses()`); tests simulate a network change. */
  readonly localAddresses?: () => ReadonlySet<string>;
}

export interface InboundMessage {
  readonly bytes: Buffer;
  readonly flow: FlowInfo;
}

export class AccountFlow implements Disposable {
  private readonly stateEmitter = new Emitter<AccountFlowState>();
  private readonly messageEmitter = new Emitter<InboundMessage>();
  readonly onState: Event<AccountFlowState> = this.stateEmitter.event;
  /** Every SIP message received on the account's flow: responses and the server's requests. */
  readonly onMessage: Event<InboundMessage> = this.messageEmitter.event;
  private current: AccountFlowState = { kind: 'idle' };
  private flow: SipStreamFlow | undefined;
  private flowSince = 0;
  private retryTimer: Disposable | undefined;
  private abort: AbortController | undefined;
  /** Bumped on every start/stop so stale async results are ignored. */
  private generation = 0;
  private readonly backoff: ReconnectBackoff;
  private lastReport: CertificateReport | undefined;
  /** The target of the current flow. */
  private flowTarget: ResolvedTarget | undefined;
  /** Targets found dead while open, by key, with when (monotonic). */
  private readonly demoted = new Map<string, number>();

  constructor(
    private readonly config: AccountFlowConfig,
    private readonly deps: AccountFlowDeps,
  ) {
    this.backoff = new ReconnectBackoff(deps.rng, config.backoff);
  }

  get state(): AccountFlowState {
    return this.current;
  }

  get flowInfo(): FlowInfo | undefined {
    return this.flow?.info;
  }

  /** The certificate report of the current (or last attempted) TLS connection. */
  certificateReport(): CertificateReport | undefined {
    return this.flow?.info.report ?? this.lastReport;
  }

  start(): void {
    if (this.current.kind !== 'idle' && this.current.kind !== 'stopped') return;
    this.backoff.reset();
    void this.connect();
  }

  /** Skips the backoff wait (network change, user pressed "retry"). */
  reconnectNow(): void {
    if (this.current.kind !== 'failed') return;
    this.retryTimer?.dispose();
    this.retryTimer = undefined;
    void this.connect();
  }

  /**
   * The network changed (an address appeared or went away, or the machine woke up): a failed flow
   * reconnects now; a connected flow whose local address is no longer the machine's is replaced
   * at once (it cannot carry anything any more, and the keep-alive would take up to 40 s to say
   * so); a flow whose address is still there is pinged now, so that a path that died with the
   * change is found within the pong wait. Returns whether a new connection was started.
   */
  networkChanged(): boolean {
    if (this.current.kind === 'failed') {
      this.reconnectNow();
      return true;
    }
    const flow = this.flow;
    if (this.current.kind !== 'connected' || flow === undefined) return false;
    const local = normalizeAddress(flow.info.local.address);
    if (local === '' || (this.deps.localAddresses ?? machineAddresses)().has(local)) {
      // The address is still ours, but the path may not be (new NAT, sleep): ping now.
      flow.probe();
      return false;
    }
    this.deps.logger?.info('the flow\'s local address is gone: replacing the flow now', { account: this.config.account });
    this.flow = undefined;
    flow.close({ kind: 'address-gone', error: tlsError('flow-closed', { reason: 'local address no longer present' }) });
    this.setState({ kind: 'failed', error: tlsError('flow-closed', { reason: 'address-gone' }), attempts: [], consecutiveFailures: this.backoff.consecutiveFailures, retryInMs: 0, lost: 'address-gone' });
    void this.connect();
    return true;
  }

  /**
   * The current flow is open but dead (a REGISTER on it got no response at all): close it, send
   * its target to the back of the list, and reconnect after the usual backoff (to the next target).
   */
  abandon(flowId: string, reason: string): void {
    const flow = this.flow;
    if (flow === undefined || flow.info.id !== flowId) return;
    flow.close({ kind: 'unresponsive', error: tlsError('timeout', { reason }) });
  }

  /** Sends bytes on the account's flow; fails with `flow-closed` when there is none. */
  send(bytes: Uint8Array): Result<void, TlsError> {
    if (this.flow === undefined || !this.flow.isOpen) return err(tlsError('flow-closed'));
    return this.flow.send(bytes);
  }

  /** RFC 5626 §4.4.1 Flow-Timer from the registrar's response. */
  setServerFlowTimer(seconds: number): void {
    this.flow?.setServerFlowTimer(seconds);
  }

  stop(): void {
    this.generation++;
    this.abort?.abort();
    this.abort = undefined;
    this.retryTimer?.dispose();
    this.retryTimer = undefined;
    const flow = this.flow;
    this.flow = undefined;
    flow?.close({ kind: 'local' });
    if (this.current.kind !== 'stopped') this.setState({ kind: 'stopped' });
  }

  dispose(): void {
    this.stop();
    this.stateEmitter.dispose();
    this.messageEmitter.dispose();
  }

  private setState(s: AccountFlowState): void {
    this.current = s;
    this.stateEmitter.fire(s);
  }

  private async connect(): Promise<void> {
    const gen = ++this.generation;
    this.abort?.abort();
    const abort = new AbortController();
    this.abort = abort;
    const { clock } = this.deps;
    this.setState({ kind: 'resolving' });
    const hop: LocateRequest = { ...this.config.hop, supported: (this.config.hop.supported ?? ['tls', 'tcp']).filter((t) => t !== 'udp') };
    const located = await this.deps.locator.locate(hop);
    if (gen !== this.generation) return;
    if (!located.ok) {
      this.failed(located.error, []);
      return;
    }
    const targets = this.ordered(located.value.targets);
    // The DNS walk in words (RFC 3263: NAPTR → SRV → A/AAAA) and the targets it gave, for the connection test.
    const dns = [...located.value.trace, ...targets.map((t, i) => `target ${i + 1}: ${t.transport.toUpperCase()} ${t.family === 6 ? `[${t.address}]` : t.address}:${t.port} (${t.hostname}, from ${t.source})`)];
    const result = await connectWithFailover(targets, (t) => this.attempt(t, abort.signal), {
      clock,
      signal: abort.signal,
      onAttempt: (target, index) => {
        if (gen === this.generation) this.setState({ kind: 'connecting', target, index, of: targets.length, dns });
      },
    });
    if (gen !== this.generation) {
      if (result.ok) result.value.value.dispose();
      return;
    }
    if (!result.ok) {
      this.failed(result.error.error, result.error.attempts);
      return;
    }
    const flow = result.value.value;
    this.flow = flow;
    this.flowTarget = result.value.target;
    this.flowSince = clock.monotonic();
    if (flow.info.report !== undefined) this.lastReport = flow.info.report;
    flow.onMessage((bytes) => this.messageEmitter.fire({ bytes, flow: flow.info }));
    flow.onClose((reason) => this.flowClosed(flow, reason));
    this.deps.logger?.info('sip flow connected', {
      account: this.config.account,
      transport: flow.info.transport,
      remote: flow.info.remote,
      skipped: result.value.attempts.filter((a) => a.outcome !== 'connected').map((a) => ({ address: a.target.address, port: a.target.port, error: a.error?.code })),
    });
    this.setState({ kind: 'connected', flow: flow.info, attempts: result.value.attempts });
  }

  private async attempt(target: ResolvedTarget, signal: AbortSignal): Promise<Result<SipStreamFlow, AttemptFailure>> {
    const timeoutMs = this.config.connectTimeoutMs ?? 10_000;
    const flowDeps = {
      clock: this.deps.clock,
      rng: this.deps.rng,
      framer: (this.deps.framerFactory ?? defaultFramerFactory)(),
      keepAlive: this.config.keepAlive ?? {},
      ...(this.config.headerTimeoutMs === undefined ? {} : { headerTimeoutMs: this.config.headerTimeoutMs }),
      ...(this.config.messageTimeoutMs === undefined ? {} : { messageTimeoutMs: this.config.messageTimeoutMs }),
      ...(this.deps.logger === undefined ? {} : { logger: this.deps.logger }),
    };
    if (target.transport === 'tls') {
      const tls = this.config.tls;
      if (tls === undefined) return err({ error: tlsError('policy-violation', { reason: 'TLS target but no TLS settings for this account' }) });
      const r = await this.deps.tls.connect({
        address: target.address,
        port: target.port,
        domain: target.identity,
        settings: tls.settings,
        anchors: tls.anchors,
        timeoutMs,
        signal,
        account: this.config.account,
      });
      if (!r.ok) {
        this.lastReport = r.error.report;
        return err({ error: r.error.error, report: r.error.report });
      }
      const report = r.value.report;
      return { ok: true, value: new SipStreamFlow(r.value.adopt(), { transport: 'tls', identity: target.identity, security: hopSecurity('tls', report), report }, flowDeps) };
    }
    if (target.transport === 'tcp') {
      const r = await this.deps.tcp.connect({ address: target.address, port: target.port, timeoutMs, signal });
      if (!r.ok) return err({ error: r.error.error });
      return { ok: true, value: new SipStreamFlow(r.value.adopt(), { transport: 'tcp', identity: target.identity, security: hopSecurity('tcp') }, flowDeps) };
    }
    return err({ error: tlsError('no-targets', { reason: 'UDP is not a stream flow' }) });
  }

  private flowClosed(flow: SipStreamFlow, reason: FlowCloseReason): void {
    if (this.flow !== flow) return;
    this.flow = undefined;
    if (reason.kind === 'local' || reason.kind === 'address-gone') return;
    if ((reason.kind === 'dead' || reason.kind === 'unresponsive' || reason.kind === 'framing') && this.flowTarget !== undefined) {
      this.demoted.set(targetKey(this.flowTarget), this.deps.clock.monotonic());
    }
    if (this.deps.clock.monotonic() - this.flowSince >= (this.config.stableAfterMs ?? 30_000)) this.backoff.reset();
    const error = 'error' in reason ? reason.error : tlsError('flow-closed', { reason: reason.kind });
    this.failed(error, [], reason.kind);
  }

  /**
   * The located targets with those found dead lately moved to the back (oldest demotion first),
   * the others in RFC 3263 order; demotions older than `demoteForMs` are forgotten.
   */
  private ordered(targets: readonly ResolvedTarget[]): readonly ResolvedTarget[] {
    const now = this.deps.clock.monotonic();
    const keep = this.config.demoteForMs ?? 300_000;
    for (const [key, at] of this.demoted) if (now - at >= keep) this.demoted.delete(key);
    if (this.demoted.size === 0) return targets;
    const fresh = targets.filter((t) => !this.demoted.has(targetKey(t)));
    const dead = targets.filter((t) => this.demoted.has(targetKey(t))).sort((a, b) => this.demoted.get(targetKey(a))! - this.demoted.get(targetKey(b))!);
    return [...fresh, ...dead];
  }

  private failed(error: TlsError, attempts: readonly AttemptRecord[], lost?: FlowCloseReason['kind']): void {
    const gen = this.generation;
    const retryInMs = this.backoff.next();
    this.deps.logger?.warn('sip flow failed', { account: this.config.account, error: error.code, retryInMs, ...(lost === undefined ? {} : { lost }) });
    this.setState({
      kind: 'failed',
      error,
      attempts,
      consecutiveFailures: this.backoff.consecutiveFailures,
      retryInMs,
      ...(lost === undefined ? {} : { lost }),
    });
    this.retryTimer = this.deps.clock.setTimer(retryInMs, () => {
      this.retryTimer = undefined;
      if (gen === this.generation) void this.connect();
    });
  }
}

function targetKey(t: ResolvedTarget): string {
  return `${t.transport} ${normalizeAddress(t.address)} ${t.port}`;
}
