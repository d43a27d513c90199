/**
 * The soak's clock: a fake Clock (like test/fakes/fake-clock.ts) that a month-long run can step
 * through event by event, and that can sleep like a laptop does.
 *
 * - `fireNext()` fires the one earliest timer and returns; the driver awaits the promise
 *   continuations it started before firing the next, so async code (connect, locate) runs in the
 *   order it would on a real clock. A binary heap keeps each step O(log n) over millions of steps.
 * - `sleep(ms)`: the machine is suspended. The wall clock (`now`) jumps; the monotonic clock and
 *   the timers do not move, as on Linux, where CLOCK_MONOTONIC (libuv's timer base) stops during
 *   suspend. What the phone sees on resume is only a wall clock that jumped.
 */
import type { Clock } from '../../src-main/base/clock.js';
import type { Disposable } from '../../src-main/base/disposable.js';

interface Timer {
  readonly id: number;
  due: number;
  readonly period: number | undefined;
  readonly callback: () => void;
  live: boolean;
}

export class SoakClock implements Clock {
  private mono = 0;
  private slept = 0;
  private nextId = 1;
  private heap: Timer[] = [];
  private live = 0;
  /** Timers fired so far (a figure for the report). */
  fired = 0;

  constructor(private readonly wallStart = Date.UTC(2026, 0, 1)) {}

  now(): number {
    return this.wallStart + this.mono + this.slept;
  }

  monotonic(): number {
    return this.mono;
  }

  setTimer(ms: number, callback: () => void): Disposable {
    return this.add(ms, undefined, callback);
  }

  setInterval(ms: number, callback: () => void): Disposable {
    return this.add(ms, Math.max(1, ms), callback);
  }

  /** Timers armed and not yet fired or disposed (the leak check). */
  get pendingTimers(): number {
    return this.live;
  }

  /** Monotonic due time of the earliest live timer, or undefined. */
  nextDue(): number | undefined {
    this.dropDead();
    return this.heap[0]?.due;
  }

  /** Moves monotonic time to `t` (never backwards) without firing anything. */
  moveTo(t: number): void {
    if (t > this.mono) this.mono = t;
  }

  /** Fires the earliest live timer if it is due at or before `limit`; returns whether one fired. */
  fireNext(limit: number): boolean {
    this.dropDead();
    const t = this.heap[0];
    if (t === undefined || t.due > limit) return false;
    if (t.due > this.mono) this.mono = t.due;
    if (t.period === undefined) {
      this.pop();
      t.live = false;
      this.live--;
    } else {
      this.pop();
      t.due += t.period;
      this.push(t);
    }
    this.fired++;
    t.callback();
    return true;
  }

  /** The machine sleeps for `ms`: the wall clock jumps, monotonic time and timers stand still. */
  sleep(ms: number): void {
    this.slept += ms;
  }

  private add(ms: number, period: number | undefined, callback: () => void): Disposable {
    const delay = Number.isFinite(ms) ? Math.max(0, ms) : Number.MAX_SAFE_INTEGER;
    const timer: Timer = { id: this.nextId++, due: this.mono + delay, period, callback, live: true };
    this.push(timer);
    this.live++;
    return {
      dispose: () => {
        if (!timer.live) return;
        timer.live = false;
        this.live--;
      },
    };
  }

  private dropDead(): void {
    while (this.heap.length > 0 && !this.heap[0]!.live) this.pop();
  }

  private less(a: Timer, b: Timer): boolean {
    return a.due < b.due || (a.due === b.due && a.id < b.id);
  }

  private push(t: Timer): void {
    const h = this.heap;
    h.push(t);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop();
    if (last === undefined || h.length === 0) return;
    h[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
      if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
      if (m === i) break;
      [h[i], h[m]] = [h[m]!, h[i]!];
      i = m;
    }
  }
}
