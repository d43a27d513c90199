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

/**
 * The longest delay Node's timers take: a larger one (or a non-finite one) fires after 1 ms,
 * with only a warning (TimeoutOverflowWarning). SystemClock splits longer delays.
 */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/** The real clock, backed by the host's timers. Timers are unref'd only when asked. */
export class SystemClock implements Clock {
  private readonly maxDelay: number;

  constructor(private readonly options: { unrefTimers?: boolean; /** Tests only: split delays at this length. */ maxDelayMs?: number } = {}) {
    this.maxDelay = Math.min(options.maxDelayMs ?? MAX_TIMER_DELAY_MS, MAX_TIMER_DELAY_MS);
  }

  now(): number {
    return Date.now();
  }

  monotonic(): number {
    return performance.now();
  }

  // Whole milliseconds, rounded up: Node keeps a fractional delay in its timer list but arms
  // libuv's millisecond timer with the truncated value, so a 19.4 ms timer wakes the process at
  // 19 ms, finds itself early and wakes it again (measured: two wake-ups per media frame).
  // A delay beyond what Node's timers take is armed in pieces against a monotonic deadline, so
  // it never fires early; an infinite one never fires; NaN counts as 0.
  setTimer(ms: number, callback: () => void): Disposable {
    if (ms === Infinity) return { dispose: () => undefined };
    const delay = Number.isNaN(ms) ? 0 : Math.max(0, Math.ceil(ms));
    if (delay <= this.maxDelay) {
      const handle = setTimeout(callback, delay);
      if (this.options.unrefTimers === true) handle.unref?.();
      return { dispose: () => clearTimeout(handle) };
    }
    const deadline = performance.now() + delay;
    let handle: ReturnType<typeof setTimeout> | undefined;
    const arm = (): void => {
      const left = Math.ceil(deadline - performance.now());
      if (left <= 0) {
        handle = undefined;
        callback();
        return;
      }
      handle = setTimeout(arm, Math.min(left, this.maxDelay));
      if (this.options.unrefTimers === true) handle.unref?.();
    };
    arm();
    return { dispose: () => (handle === undefined ? undefined : clearTimeout(handle)) };
  }

  setInterval(ms: number, callback: () => void): Disposable {
    if (ms === Infinity) return { dispose: () => undefined };
    const period = Number.isNaN(ms) ? 1 : Math.max(1, Math.ceil(ms));
    if (period <= this.maxDelay) {
      const handle = setInterval(callback, period);
      if (this.options.unrefTimers === true) handle.unref?.();
      return { dispose: () => clearInterval(handle) };
    }
    // Longer than a host timer takes: one split timer after another.
    let current: Disposable | undefined;
    let disposed = false;
    const next = (): void => {
      current = this.setTimer(period, () => {
        if (disposed) return;
        next();
        callback();
      });
    };
    next();
    return {
      dispose: () => {
        disposed = true;
        current?.dispose();
      },
    };
  }
}
