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

  setTimer(ms: number, callback: () => void): Disposable {
    const handle = setTimeout(callback, Math.max(0, ms));
    if (this.options.unrefTimers === true) handle.unref?.();
    return { dispose: () => clearTimeout(handle) };
  }

  setInterval(ms: number, callback: () => void): Disposable {
    const handle = setInterval(callback, Math.max(1, ms));
    if (this.options.unrefTimers === true) handle.unref?.();
    return { dispose: () => clearInterval(handle) };
  }
}
