/**
 * Reconnect delays, RFC 5626 §4.5: wait-time = min(max-time, base-time × 2^consecutive-failures),
 * then a uniformly random value between 50 % and 100 % of it (jitter, so that many phones behind
 * one failed server do not reconnect in lockstep).
 *
 * DEVIATION(RFC 5626 §4.5): the RFC's base-time is 30 s (90 s when other flows are up) and
 * max-time 1800 s, tuned for registrars with many flows per UA. A softphone has one flow per
 * account and a person waiting: the account must be registered again within 5 s of its server
 * being back (issue 15), so the defaults are base 2 s and max 4 s (an attempt every 2-4 s while
 * the server is away: a TCP/TLS connect, no REGISTER until one succeeds). Both configurable
 * (`RFC5626_BACKOFF` for the RFC's values).
 */
import type { Rng } from '../../base/rng.js';

export interface BackoffOptions {
  readonly baseMs?: number;
  readonly maxMs?: number;
}

export const RFC5626_BACKOFF: Required<BackoffOptions> = { baseMs: 30_000, maxMs: 1_800_000 };
export const DEFAULT_BACKOFF: Required<BackoffOptions> = { baseMs: 2_000, maxMs: 4_000 };

export class ReconnectBackoff {
  private failures = 0;
  private readonly baseMs: number;
  private readonly maxMs: number;

  constructor(
    private readonly rng: Rng,
    options: BackoffOptions = {},
  ) {
    this.baseMs = options.baseMs ?? DEFAULT_BACKOFF.baseMs;
    this.maxMs = options.maxMs ?? DEFAULT_BACKOFF.maxMs;
  }

  get consecutiveFailures(): number {
    return this.failures;
  }

  /** The upper bound before jitter for the current failure count. */
  ceilingMs(): number {
    return Math.min(this.maxMs, this.baseMs * 2 ** Math.min(this.failures, 30));
  }

  /** Records a failure and returns how long to wait before the next attempt. */
  next(): number {
    const ceiling = this.ceilingMs();
    this.failures++;
    const fraction = 0.5 + 0.5 * (this.rng.uint32() / 0xffffffff);
    return Math.round(ceiling * fraction);
  }

  reset(): void {
    this.failures = 0;
  }
}
