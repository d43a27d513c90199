/**
 * CRLF keep-alive for connection-oriented SIP flows, RFC 5626 §4.4.1 (and §3.5.1 ping/pong):
 * the client sends a "ping" (CRLF CRLF) at a randomised interval and expects a "pong" (CRLF)
 * within 10 seconds; otherwise the flow has failed and must be replaced (§4.4.1, §4.5).
 *
 * States (house rule 9): stopped → waiting (timer to the next ping) → awaiting-pong (timer to the
 * failure) → waiting … A complete SIP message while awaiting a pong also proves the peer alive;
 * other bytes do not (a peer that answers pings with garbage is dead, issue 15): the flow calls
 * `onTraffic` for whole messages only.
 *
 * DEVIATION(RFC 5626 §4.4.1): the RFC's recommended interval for TCP/TLS is 120 s (or the
 * server's Flow-Timer); softphones behind consumer NATs lose idle bindings sooner, so the default
 * is ~30 s (issue 4). The jitter (80-100 % of the interval) and the 10 s pong wait follow the RFC;
 * `setServerFlowTimer` applies a Flow-Timer from the registrar.
 */
import type { Clock } from '../../base/clock.js';
import type { Disposable } from '../../base/disposable.js';
import type { Rng } from '../../base/rng.js';

export interface KeepAliveOptions {
  /** Nominal ping interval (default 30 000 ms); each wait is 80-100 % of it. */
  readonly intervalMs?: number;
  /** How long to wait for the pong (default 10 000 ms, RFC 5626 §4.4.1). */
  readonly pongTimeoutMs?: number;
  /**
   * Whether a missing pong fails the flow (default true). Off for servers that do not implement
   * RFC 5626 pongs: the ping still refreshes NAT bindings, and dead peers are found by TCP.
   */
  readonly expectPong?: boolean;
}

export interface KeepAliveActions {
  /** Writes CRLF CRLF on the flow. */
  sendPing(): void;
  /** The flow is considered failed. */
  onDead(): void;
}

type State = { readonly kind: 'stopped' } | { readonly kind: 'waiting'; readonly timer: Disposable } | { readonly kind: 'awaiting-pong'; readonly timer: Disposable };

export const DEFAULT_KEEPALIVE_INTERVAL_MS = 30_000;
export const DEFAULT_PONG_TIMEOUT_MS = 10_000;

export class CrlfKeepAlive implements Disposable {
  private state: State = { kind: 'stopped' };
  private intervalMs: number;
  private readonly pongTimeoutMs: number;
  private readonly expectPong: boolean;
  private pingsSent = 0;

  constructor(
    private readonly clock: Clock,
    private readonly rng: Rng,
    options: KeepAliveOptions,
    private readonly actions: KeepAliveActions,
  ) {
    this.intervalMs = options.intervalMs ?? DEFAULT_KEEPALIVE_INTERVAL_MS;
    this.pongTimeoutMs = options.pongTimeoutMs ?? DEFAULT_PONG_TIMEOUT_MS;
    this.expectPong = options.expectPong ?? true;
  }

  get stateKind(): State['kind'] {
    return this.state.kind;
  }

  get pings(): number {
    return this.pingsSent;
  }

  /** Begins the cycle (flow established). */
  start(): void {
    this.transition(this.waiting());
  }

  /** A CRLF pong arrived (RFC 5626 §3.5.1). */
  onPong(): void {
    if (this.state.kind === 'awaiting-pong') this.transition(this.waiting());
  }

  /** A complete SIP message arrived: the peer is alive (never called for mere bytes). */
  onTraffic(): void {
    if (this.state.kind === 'awaiting-pong') this.transition(this.waiting());
  }

  /** RFC 5626 §4.4.1: a Flow-Timer header (seconds) from the registrar sets the interval. */
  setServerFlowTimer(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds <= 0) return;
    this.intervalMs = seconds * 1000;
    if (this.state.kind === 'waiting') this.transition(this.waiting());
  }

  stop(): void {
    this.transition({ kind: 'stopped' });
  }

  dispose(): void {
    this.stop();
  }

  /** 80-100 % of the interval (RFC 5626 §4.4.1). */
  nextDelay(): number {
    const fraction = 0.8 + 0.2 * (this.rng.uint32() / 0xffffffff);
    return Math.round(this.intervalMs * fraction);
  }

  /**
   * Pings now instead of at the next interval (the network changed, the machine woke up): a dead
   * flow is then found within the pong wait. Nothing while a pong is awaited already or stopped.
   */
  probeNow(): void {
    if (this.state.kind === 'waiting') this.ping();
  }

  private waiting(): State {
    return { kind: 'waiting', timer: this.clock.setTimer(this.nextDelay(), () => this.ping()) };
  }

  private ping(): void {
    this.pingsSent++;
    if (this.expectPong) {
      // Enter awaiting-pong before writing: a pong can only come after the ping.
      this.transition({ kind: 'awaiting-pong', timer: this.clock.setTimer(this.pongTimeoutMs, () => this.dead()) });
      this.actions.sendPing();
    } else {
      this.transition(this.waiting());
      this.actions.sendPing();
    }
  }

  private dead(): void {
    this.transition({ kind: 'stopped' });
    this.actions.onDead();
  }

  private transition(next: State): void {
    if (this.state.kind !== 'stopped') this.state.timer.dispose();
    this.state = next;
  }
}
