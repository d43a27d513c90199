import type { Clock } from '../../src-main/base/clock.js';
import type { Disposable } from '../../src-main/base/disposable.js';

interface Timer {
  id: number;
  due: number;
  period: number | undefined;
  callback: () => void;
  /** Cancelled or (one-shot) fired: skipped when it reaches the top of the heap. */
  dead: boolean;
}

const before = (a: Timer, b: Timer): boolean => a.due < b.due || (a.due === b.due && a.id < b.id);

/**
 * A deterministic clock for state-machine tests and the soak: time only moves when the test calls
 * `advance` (or steps with `fireNext`). Timers fire in due order (ties in the order they were
 * set); `pendingTimers` supports leak checks. Timers live in a binary heap with lazy
 * cancellation, so setting, cancelling and firing cost O(log n) and runs with millions of timers
 * (test/soak: a month of registration) stay fast.
 *
 * - `fireNext(limit)` fires the one earliest timer and returns, so a driver can await the promise
 *   continuations it started before firing the next (async code then runs in the order it would on
 *   a real clock).
 * - `sleep(ms)`: the machine is suspended. The wall clock (`now`) jumps; the monotonic clock and
 *   the timers stand still, as on Linux, where CLOCK_MONOTONIC (libuv's timer base) stops during
 *   suspend.
 * - Delays as `SystemClock` reads them: NaN is no delay, Infinity never fires.
 */
export class FakeClock implements Clock {
  private mono = 0;
  private slept = 0;
  private nextId = 1;
  private readonly heap: Timer[] = [];
  private live = 0;
  /** Timers fired so far (a figure for the soak's report). */
  fired = 0;

  constructor(private wall = Date.UTC(2026, 0, 1)) {}

  now(): number {
    return this.wall + this.mono + this.slept;
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

  get pendingTimers(): number {
    return this.live;
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in order. */
  advance(ms: number): void {
    const target = this.mono + ms;
    while (this.fireNext(target));
    this.mono = target;
  }

  /** Monotonic due time of the earliest live timer, or undefined. */
  nextDue(): number | undefined {
    return this.top()?.due;
  }

  /** Moves monotonic time to `t` (never backwards) without firing anything. */
  moveTo(t: number): void {
    if (t > this.mono) this.mono = t;
  }

  /** Fires the earliest live timer if it is due at or before `limit` (monotonic); returns whether one fired. */
  fireNext(limit: number): boolean {
    const t = this.top();
    if (t === undefined || t.due > limit) return false;
    if (t.due > this.mono) this.mono = t.due;
    this.pop();
    if (t.period === undefined) {
      t.dead = true;
      this.live--;
    } else {
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

  /** Fires timers until none are left or `limitMs` of fake time has passed. */
  runAll(limitMs = 3_600_000): void {
    const end = this.mono + limitMs;
    for (;;) {
      const t = this.top();
      if (t === undefined || t.due > end) break;
      this.advance(t.due - this.mono);
    }
  }

  private add(ms: number, period: number | undefined, callback: () => void): Disposable {
    const delay = Number.isNaN(ms) ? 0 : Math.max(0, ms);
    const timer: Timer = { id: this.nextId++, due: this.mono + delay, period, callback, dead: false };
    this.push(timer);
    this.live++;
    return {
      dispose: () => {
        if (timer.dead) return;
        timer.dead = true;
        this.live--;
      },
    };
  }

  /** The earliest live timer (dead ones on top are dropped). */
  private top(): Timer | undefined {
    while (this.heap.length > 0 && this.heap[0]!.dead) this.pop();
    return this.heap[0];
  }

  private push(t: Timer): void {
    const h = this.heap;
    let i = h.push(t) - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(t, h[p]!)) break;
      h[i] = h[p]!;
      i = p;
    }
    h[i] = t;
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const c = r < h.length && before(h[r]!, h[l]!) ? r : l;
      if (!before(h[c]!, last)) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = last;
  }
}
