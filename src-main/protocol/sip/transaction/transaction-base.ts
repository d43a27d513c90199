/**
 * What every transaction has (RFC 3261 §17): a state from a closed union, named timers from the
 * injected Clock (DESIGN.md rule 1), sends through the TransportPort, and explicit disposal
 * (rule 8: no timer outlives its transaction).
 */
import type { Clock } from '../../../base/clock.js';
import type { Disposable } from '../../../base/disposable.js';
import { Emitter, type Event } from '../../../base/event.js';
import type { Logger } from '../../../base/logger.js';
import type { SipMessage } from '../message/message.js';
import type { TimerValues } from './timer-values.js';
import type { TransportAddress, TransportPort } from './transport-port.js';

/** Timer names: RFC 3261 §17 letters, RFC 6026 L and M, and the §17.2.1 200 ms "send 100 Trying" delay. */
export type TimerName = 'A' | 'B' | 'D' | 'E' | 'F' | 'G' | 'H' | 'I' | 'J' | 'K' | 'L' | 'M' | 'Trying';

export interface TransactionContext {
  readonly transport: TransportPort;
  readonly clock: Clock;
  readonly timers: TimerValues;
  readonly logger: Logger;
  /** Called once with the transaction's id when it reaches Terminated, so the layer forgets it. */
  readonly terminated: (id: string) => void;
}

export interface StateChange<S extends string> {
  readonly from: S;
  readonly to: S;
  /** What caused it, e.g. "2xx received", "Timer B". */
  readonly cause: string;
}

export abstract class TransactionBase<S extends string> implements Disposable {
  private current: S;
  private readonly running = new Map<TimerName, Disposable>();
  private readonly stateEmitter = new Emitter<StateChange<S>>();
  private done = false;
  readonly onStateChange: Event<StateChange<S>> = this.stateEmitter.event;

  protected constructor(
    /** The key the layer files it under. */
    readonly id: string,
    protected readonly ctx: TransactionContext,
    initial: S,
    private readonly terminal: S,
  ) {
    this.current = initial;
  }

  get state(): S {
    return this.current;
  }

  /** Names of the timers now running (for diagnostics and tests). */
  get activeTimers(): TimerName[] {
    return [...this.running.keys()].sort();
  }

  protected get reliable(): boolean {
    return this.ctx.transport.reliable;
  }

  protected transition(to: S, cause: string): void {
    const from = this.current;
    if (from === to || this.done) return;
    this.current = to;
    this.ctx.logger.debug('transaction state', { id: this.id, from, to, cause });
    this.stateEmitter.fire({ from, to, cause });
    if (to === this.terminal) this.finish();
  }

  protected startTimer(name: TimerName, ms: number, fire: () => void): void {
    this.stopTimer(name);
    if (this.done) return;
    const handle = this.ctx.clock.setTimer(ms, () => {
      this.running.delete(name);
      if (!this.done) fire();
    });
    this.running.set(name, handle);
  }

  protected stopTimer(...names: TimerName[]): void {
    for (const name of names) {
      this.running.get(name)?.dispose();
      this.running.delete(name);
    }
  }

  /** Sends; on failure moves to the terminal state and reports a transport error (§17.1.4, §17.2.4). */
  protected send(message: SipMessage, destination: TransportAddress): boolean {
    if (this.ctx.transport.send(message, destination)) return true;
    this.ctx.logger.warn('transport error', { id: this.id });
    this.transition(this.terminal, 'transport error');
    this.transportFailed();
    return false;
  }

  /** Tells the TU about a transport error. */
  protected abstract transportFailed(): void;

  private finish(): void {
    this.done = true;
    for (const t of this.running.values()) t.dispose();
    this.running.clear();
    this.ctx.terminated(this.id);
    this.stateEmitter.dispose();
  }

  /** Stops every timer and forgets the transaction without notifying anyone (layer shutdown). */
  dispose(): void {
    if (this.done) return;
    this.done = true;
    for (const t of this.running.values()) t.dispose();
    this.running.clear();
    this.stateEmitter.dispose();
  }
}
