/**
 * Retry-After (RFC 3261 §20.33): delta-seconds [ comment ] *( SEMI retry-param ), 32-bit seconds
 * (RFC 4475 §3.1.2.5 sends 949302838503028349304023988).
 */
import { isDigit } from './char-classes.js';
import type { Cursor } from './cursor.js';
import { byteStringToText } from './byte-string.js';
import { parseParams, type SipParam, type SipParams } from './parameters.js';
import { UINT32_MAX, parseBoundedInt } from './scalars.js';

export interface RetryAfter {
  readonly seconds: number;
  readonly comment: string | undefined;
  readonly params: SipParams;
}

export function parseRetryAfterAt(c: Cursor): RetryAfter | undefined {
  c.skipWsp();
  const start = c.pos;
  while (c.pos < c.end && isDigit(c.s.charCodeAt(c.pos))) c.pos++;
  const seconds = parseBoundedInt(c.s, start, c.pos, UINT32_MAX);
  if (seconds === undefined) return c.fail('Retry-After is not a 32-bit number of seconds');
  c.skipWsp();
  let comment: string | undefined;
  if (c.peek() === 0x28 /* ( */) {
    let depth = 0;
    const cs = c.pos;
    do {
      const ch = c.s.charCodeAt(c.pos);
      if (ch === 0x5c) c.pos++;
      else if (ch === 0x28) depth++;
      else if (ch === 0x29) depth--;
      c.pos++;
    } while (depth > 0 && c.pos < c.end);
    if (depth !== 0) return c.fail('unterminated comment in Retry-After');
    comment = byteStringToText(c.s.slice(cs + 1, c.pos - 1));
  }
  const params: SipParam[] = [];
  if (!parseParams(c, params)) return undefined;
  c.skipWsp();
  if (!c.atEnd()) return c.fail('unexpected text in Retry-After');
  return { seconds, comment, params };
}
