import type { Clock } from '../../src-main/base/clock.js';
import type { Disposable } from '../../src-main/base/disposable.js';
import { Emitter, type Event } from '../../src-main/base/event.js';
import type { Rng } from '../../src-main/base/rng.js';

/** Impairments of one direction of a simulated path. All probabilities are 0..1. */
export interface NetworkConditions {
  /** Fixed one-way delay. */
  readonly baseDelayMs?: number;
  /** Extra delay per datagram, uniform in [0, jitterMs]; reorders when larger than the send interval. */
  readonly jitterMs?: number;
  readonly lossRate?: number;
  /** Probability that a datagram is delivered twice (the copy gets its own delay). */
  readonly duplicateRate?: number;
  /** Probability that a datagram is held back by `reorderDelayMs` more (forced reordering). */
  readonly reorderRate?: number;
  readonly reorderDelayMs?: number;
  /** Gilbert-style bursts: probability that a loss is followed by another. */
  readonly burstLossRate?: number;
}

export interface NetworkStats {
  sent: number;
  lost: number;
  duplicated: number;
  delivered: number;
  /** Datagrams delivered after one that was sent later. */
  reordered: number;
}

export interface Delivery<T> {
  readonly datagram: T;
  /** Monotonic clock time of delivery. */
  readonly at: number;
  /** Index of the datagram in send order (copies share it). */
  readonly index: number;
}

/**
 * One direction of a lossy, jittery, reordering, duplicating datagram path, deterministic for a
 * given Rng seed and driven by a Clock (FakeClock in unit tests). Datagrams are delivered
 * through `onDeliver`; the path holds timers until disposed.
 */
export class SimulatedPath<T> implements Disposable {
  private readonly emitter = new Emitter<Delivery<T>>();
  private readonly timers = new Set<Disposable>();
  private index = 0;
  private highestDelivered = -1;
  private lastLost = false;
  private conditions: NetworkConditions;
  readonly stats: NetworkStats = { sent: 0, lost: 0, duplicated: 0, delivered: 0, reordered: 0 };

  constructor(
    private readonly clock: Clock,
    private readonly rng: Rng,
    conditions: NetworkConditions = {},
  ) {
    this.conditions = conditions;
  }

  readonly onDeliver: Event<Delivery<T>> = this.emitter.event;

  /** Changes the impairments for datagrams sent from now on. */
  setConditions(conditions: NetworkConditions): void {
    this.conditions = conditions;
  }

  send(datagram: T): void {
    const c = this.conditions;
    const index = this.index++;
    this.stats.sent++;
    const lossP = this.lastLost && c.burstLossRate !== undefined ? c.burstLossRate : (c.lossRate ?? 0);
    if (this.chance(lossP)) {
      this.stats.lost++;
      this.lastLost = true;
      return;
    }
    this.lastLost = false;
    this.schedule(datagram, index);
    if (this.chance(c.duplicateRate ?? 0)) {
      this.stats.duplicated++;
      this.schedule(datagram, index);
    }
  }

  dispose(): void {
    for (const t of this.timers) t.dispose();
    this.timers.clear();
    this.emitter.dispose();
  }

  private schedule(datagram: T, index: number): void {
    const c = this.conditions;
    let delay = (c.baseDelayMs ?? 0) + this.uniform() * (c.jitterMs ?? 0);
    if (this.chance(c.reorderRate ?? 0)) delay += c.reorderDelayMs ?? 30;
    const timer = this.clock.setTimer(delay, () => {
      this.timers.delete(timer);
      this.stats.delivered++;
      if (index < this.highestDelivered) this.stats.reordered++;
      this.highestDelivered = Math.max(this.highestDelivered, index);
      this.emitter.fire({ datagram, at: this.clock.monotonic(), index });
    });
    this.timers.add(timer);
  }

  private uniform(): number {
    return this.rng.uint32() / 0x1_0000_0000;
  }

  private chance(p: number): boolean {
    return p > 0 && this.uniform() < p;
  }
}

/** A loopback datagram endpoint: what one side of a call sees of the network. */
export interface LoopbackEndpoint<T> extends Disposable {
  send(datagram: T): void;
  readonly onMessage: Event<T>;
}

/** Two endpoints joined by two independent simulated paths (A→B and B→A). */
export function createLoopbackPair<T>(
  clock: Clock,
  rng: Rng,
  aToB: NetworkConditions = {},
  bToA: NetworkConditions = {},
): { a: LoopbackEndpoint<T>; b: LoopbackEndpoint<T>; ab: SimulatedPath<T>; ba: SimulatedPath<T> } {
  const ab = new SimulatedPath<T>(clock, rng, aToB);
  const ba = new SimulatedPath<T>(clock, rng, bToA);
  const endpoint = (out: SimulatedPath<T>, inbound: SimulatedPath<T>): LoopbackEndpoint<T> => {
    const messages = new Emitter<T>();
    const sub = inbound.onDeliver((d) => messages.fire(d.datagram));
    return {
      send: (d) => out.send(d),
      onMessage: messages.event,
      dispose: () => {
        sub.dispose();
        messages.dispose();
      },
    };
  };
  return { a: endpoint(ab, ba), b: endpoint(ba, ab), ab, ba };
}
