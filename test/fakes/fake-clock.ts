import type { Clock } from '../../src-main/base/clock.js';
import type { Disposable } from '../../src-main/base/disposable.js';

interface Timer {
  id: number;
  due: number;
  period: number | undefined;
  callback: () => void;
}

/**
 * A deterministic clock for state-machine tests: time only moves when the test calls
 * `advance`. Timers fire in due order; `pendingTimers` supports leak checks.
 */
export class FakeClock implements Clock {
  private mono = 0;
  private nextId = 1;
  private timers: Timer[] = [];

  constructor(private wall = Date.UTC(2026, 0, 1)) {}

  now(): number {
    return this.wall + this.mono;
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
    return this.timers.length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in order. */
  advance(ms: number): void {
    const target = this.mono + ms;
    for (;;) {
      this.timers.sort((a, b) => a.due - b.due || a.id - b.id);
      const t = this.timers[0];
      if (t === undefined || t.due > target) break;
      this.mono = t.due;
      if (t.period === undefined) this.timers.shift();
      else t.due += t.period;
      t.callback();
    }
    this.mono = target;
  }

  /** Fires timers until none are left or `limitMs` of fake time has passed. */
  runAll(limitMs = 3_600_000): void {
    const end = this.mono + limitMs;
    while (this.timers.length > 0) {
      this.timers.sort((a, b) => a.due - b.due);
      const next = this.timers[0]!.due;
      if (next > end) break;
      this.advance(next - this.mono);
    }
  }

  private add(ms: number, period: number | undefined, callback: () => void): Disposable {
    const timer: Timer = { id: this.nextId++, due: this.mono + Math.max(0, ms), period, callback };
    this.timers.push(timer);
    return {
      dispose: () => {
        this.timers = this.timers.filter((t) => t !== timer);
      },
    };
  }
}
