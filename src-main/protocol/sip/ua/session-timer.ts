/**
 * Session timers, RFC 4028: Session-Expires (§4) with the refresher role, Min-SE (§5), and 422
 * Session Interval Too Small (§6). Refreshes at half the interval (§10); without a refresh, the
 * side that is not the refresher ends the session at SE - min(32, SE/3) (§10).
 * Values are read with any number of digits, saturated at 2^32-1; their users bound them
 * (peer-durations.ts, call-session-timer.ts).
 */
import type { SipMessage } from '../message/message.js';
import { parseDeltaSecondsSaturating } from './peer-durations.js';

export const DEFAULT_MIN_SE = 90;

export interface SessionExpires {
  readonly seconds: number;
  readonly refresher?: 'uac' | 'uas';
}

export function parseSessionExpires(message: SipMessage): SessionExpires | undefined {
  const raw = message.headers.get('session-expires');
  if (raw === undefined) return undefined;
  const m = /^\s*(\d+)\s*(?:;(.*))?$/.exec(raw);
  if (m === null) return undefined;
  const seconds = parseDeltaSecondsSaturating(m[1]);
  if (seconds === undefined || seconds <= 0) return undefined;
  const refresher = /(?:^|;)\s*refresher\s*=\s*(uac|uas)\b/i.exec(m[2] ?? '')?.[1]?.toLowerCase() as 'uac' | 'uas' | undefined;
  return refresher === undefined ? { seconds } : { seconds, refresher };
}

export function parseMinSe(message: SipMessage): number | undefined {
  const raw = message.headers.get('min-se');
  const n = raw === undefined ? undefined : parseDeltaSecondsSaturating(/^\s*(\d+)/.exec(raw)?.[1]);
  return n !== undefined && n > 0 ? n : undefined;
}

export function formatSessionExpires(se: SessionExpires): string {
  return se.refresher === undefined ? String(se.seconds) : `${se.seconds};refresher=${se.refresher}`;
}

/** When the refresher sends its refresh (§10: half the interval). */
export function refreshDelayMs(seconds: number): number {
  return (seconds * 1000) / 2;
}

/** When the other side gives up waiting for a refresh (§10). */
export function expiryDelayMs(seconds: number): number {
  return (seconds - Math.min(32, seconds / 3)) * 1000;
}
