import type { Disposable } from './disposable.js';

/**
 * Time, injected (DESIGN.md house rule 1). Protocol code never calls Date.now or setTimeout;
 * it receives a Clock. Tests use test/fakes/fake-clock.ts.
 */
export interface Clock {
  /** Wall-clock milliseconds since the Unix epoch (for timestamps shown to people and NTP fields). */
  now(): number;
  /** Monotonic milliseconds (for durations and timers); never goes backwards. */
  monotonic(): number;
  /** Runs `callback` once after `ms`. Disposing the handle cancels it. */
  setTimer(ms: number, callback: () => void): Disposable;
  /** Runs `callback` every `ms` until disposed. */
  setInterval(ms: number, callback: () => void): Disposable;
}

/** The real clock, backed by the host's timers. Timers are unref'd only when asked. */
export class SystemClock implements Clock {
  constructor(private readonly options: { unrefTimers?: boolean } = {}) {}

  now(): number {
    return Date.now();
  }

  monotonic(): number {
    return performance.now();
  }

  // Whole milliseconds, rounded up: Node keeps a fractional delay in its timer list but arms
  // libuv's millisecond timer with the truncated value, so a 19.4 ms timer wakes the process at
  // 19 ms, finds itself early and wakes it again (measured: two wake-ups per media frame).
  setTimer(ms: number, callback: () => void): Disposable {
    const handle = setTimeout(callback, Math.max(0, Math.ceil(ms)));
    if (this.options.unrefTimers === true) handle.unref?.();
    return { dispose: () => clearTimeout(handle) };
  }

  setInterval(ms: number, callback: () => void): Disposable {
    const handle = setInterval(callback, Math.max(1, Math.ceil(ms)));
    if (this.options.unrefTimers === true) handle.unref?.();
    return { dispose: () => clearInterval(handle) };
  }
}
