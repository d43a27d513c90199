/**
 * Bounds on every duration a peer supplies (issue 15). The grammar allows any number of digits in
 * delta-seconds (RFC 3261 §25.1; `Expires`, the Contact `expires` parameter, `Retry-After`,
 * RFC 4028 `Session-Expires` and `Min-SE`, RFC 6665 `Subscription-State;expires`); whatever a
 * registrar, a PBX or a stranger sends, each is clamped here, where it is read, to a range in which
 * the phone neither storms (a grant of 0 or 1 s refreshed every second) nor goes quiet for years
 * (a grant of 2^32-1 s, or a 20-digit number).
 *
 * DEVIATION(RFC 3261 §10.2.1, §10.2.4): the RFC has the UA refresh before the granted expiry,
 * however short; a registrar granting less than MIN_REGISTRATION_REFRESH_S is refreshed no sooner
 * than that (the binding may lapse in between: a storm is worse), and a grant longer than
 * MAX_REGISTRATION_S is refreshed as if it were that long.
 * DEVIATION(RFC 3261 §21.5.4, §20.33): Retry-After is honoured up to MAX_RETRY_AFTER_S, and never
 * as a retry sooner than the client's own backoff (a Retry-After of 0 is not "retry now").
 * DEVIATION(RFC 4028 §7.4, §10): a Session-Expires in a 2xx below our Min-SE (the peer broke
 * §7.4) runs as our Min-SE; one above MAX_SESSION_EXPIRES_S runs as that (as a UAS we answer the
 * lower value, which §9 allows).
 * DEVIATION(RFC 5626 §4.4.1): a Flow-Timer outside [MIN_FLOW_TIMER_S, MAX_FLOW_TIMER_S] is clamped.
 * DEVIATION(RFC 6665 §4.1.2.1): a subscription granted outside [MIN_SUBSCRIPTION_REFRESH_S,
 * MAX_SUBSCRIPTION_S] is refreshed as if it were the nearer bound.
 */
import { isDigit, isWsp } from '../message/char-classes.js';
import { UINT32_MAX } from '../message/scalars.js';

/**
 * A registration is refreshed at most this often (seconds), whatever the registrar grants: a grant
 * of 1 s is a REGISTER every 8 s, not every second, while a short but real grant (10 s, as our
 * Kamailio interop configuration has) is still refreshed at 90%.
 */
export const MIN_REGISTRATION_REFRESH_S = 8;
/** The longest registration we rely on (one day): a longer grant is refreshed after a day. */
export const MAX_REGISTRATION_S = 86_400;
/** The longest Retry-After we wait for (one hour); the user can still retry now. */
export const MAX_RETRY_AFTER_S = 3_600;
/** The longest session interval we run (one day); RFC 4028 recommends 1800 s. */
export const MAX_SESSION_EXPIRES_S = 86_400;
/** Flow-Timer bounds (RFC 5626 §5.3): keep-alives at least this far apart, and at least this often. */
export const MIN_FLOW_TIMER_S = 10;
export const MAX_FLOW_TIMER_S = 3_600;
/** Subscriptions (voicemail, refer): refreshed at most this often, and relied on for at most a day. */
export const MIN_SUBSCRIPTION_REFRESH_S = 30;
export const MAX_SUBSCRIPTION_S = 86_400;
/** How many times in a row a 423 (Min-Expires) or 422 (Min-SE) is followed with a longer retry. */
export const MAX_INTERVAL_RETRIES = 3;

/**
 * delta-seconds as the grammar has it (1*DIGIT, surrounding whitespace allowed): any length,
 * saturated at 2^32-1 (RFC 3261 §10.2.1.1 / §20.19 take larger values as the largest); undefined
 * when it is not one.
 */
export function parseDeltaSecondsSaturating(raw: string | undefined | null): number | undefined {
  if (raw === undefined || raw === null) return undefined;
  let a = 0;
  let b = raw.length;
  while (a < b && isWsp(raw.charCodeAt(a))) a++;
  while (b > a && isWsp(raw.charCodeAt(b - 1))) b--;
  if (a === b) return undefined;
  let v = 0;
  for (let i = a; i < b; i++) {
    const c = raw.charCodeAt(i);
    if (!isDigit(c)) return undefined;
    if (v < UINT32_MAX) v = Math.min(UINT32_MAX, v * 10 + (c - 0x30));
  }
  return v;
}

/** `v` within [min, max]; NaN counts as `min`. */
export function clamp(v: number, min: number, max: number): number {
  if (Number.isNaN(v)) return min;
  return Math.min(max, Math.max(min, v));
}

/** A granted registration (seconds, > 0) as the phone relies on it. */
export function boundedRegistration(granted: number): number {
  return clamp(granted, 1, MAX_REGISTRATION_S);
}

/** When to refresh a registration granted for `expires` seconds (ms): before expiry, never sooner than the floor. */
export function registrationRefreshMs(expires: number): number {
  const e = boundedRegistration(expires);
  // At 90% of short intervals, at most 60 s early for long ones.
  const early = Math.min(e * 0.9, e - Math.min(60, e * 0.1));
  return Math.max(MIN_REGISTRATION_REFRESH_S, early) * 1000;
}

/** A Retry-After (seconds) as a delay (ms) no shorter than `floorMs` (the client's own backoff). */
export function retryAfterMs(seconds: number | undefined, floorMs: number): number {
  if (seconds === undefined) return floorMs;
  return Math.max(floorMs, clamp(seconds, 0, MAX_RETRY_AFTER_S) * 1000);
}

export function boundedFlowTimer(seconds: number): number {
  return clamp(seconds, MIN_FLOW_TIMER_S, MAX_FLOW_TIMER_S);
}

/** A session interval from a 2xx or a request, within [minSe, MAX_SESSION_EXPIRES_S]. */
export function boundedSessionExpires(seconds: number, minSe: number): number {
  return clamp(seconds, minSe, MAX_SESSION_EXPIRES_S);
}

/** When to refresh a subscription granted for `seconds` (ms): at 90%, within the bounds. */
export function subscriptionRefreshMs(seconds: number): number {
  return clamp(seconds * 0.9, MIN_SUBSCRIPTION_REFRESH_S, MAX_SUBSCRIPTION_S) * 1000;
}
