/**
 * Numeric header values with the bounds RFC 4475 §3.1.2.4/§3.1.2.5 test: CSeq numbers and
 * delta-seconds are 32-bit (RFC 3261 §8.1.1.5, §20.19), Max-Forwards is 0..255 (§20.22),
 * Content-Length is a non-negative decimal (§20.14) and must never be used when it is not one
 * (RFC 4475 §3.1.2.3). Leading zeros are legal (RFC 4475 §3.1.1.1: `0068` = 68).
 */
import { isDigit, isWsp } from './char-classes.js';

export const UINT32_MAX = 0xffffffff;

/** Parses 1*DIGIT in [start, end) as an integer ≤ max; undefined otherwise (including overflow). */
export function parseBoundedInt(s: string, start: number, end: number, max: number): number | undefined {
  if (end <= start) return undefined;
  let p = start;
  while (p < end - 1 && s.charCodeAt(p) === 0x30) p++;
  if (end - p > 10) return undefined;
  let v = 0;
  for (let i = p; i < end; i++) {
    const c = s.charCodeAt(i);
    if (!isDigit(c)) return undefined;
    v = v * 10 + (c - 0x30);
  }
  return v <= max ? v : undefined;
}

/** A header value that is exactly one bounded decimal, with optional surrounding whitespace. */
export function parseIntValue(value: string, max: number): number | undefined {
  let a = 0;
  let b = value.length;
  while (a < b && isWsp(value.charCodeAt(a))) a++;
  while (b > a && isWsp(value.charCodeAt(b - 1))) b--;
  return parseBoundedInt(value, a, b, max);
}

export const parseContentLength = (v: string): number | undefined => parseIntValue(v, UINT32_MAX);
export const parseMaxForwards = (v: string): number | undefined => parseIntValue(v, 255);
/** delta-seconds (Expires, Min-Expires, Session-Expires without params) */
export const parseDeltaSeconds = (v: string): number | undefined => parseIntValue(v, UINT32_MAX);
