/**
 * Retry-After (RFC 3261 §20.33): delta-seconds [ comment ] *( SEMI retry-param ), 32-bit seconds
 * (RFC 4475 §3.1.2.5 sends 949302838503028349304023988).
 * Warning (RFC 3261 §20.43): warn-code SP warn-agent SP warn-text, warn-code = 3DIGIT (RFC 4475 sends 1812).
 */
import { HOST_CHARS, TOKEN, isDigit } from './char-classes.js';
import type { Cursor } from './cursor.js';
import { byteStringToText } from './byte-string.js';
import { unquote } from './cursor.js';
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

export interface Warning {
  readonly code: number;
  readonly agent: string;
  readonly text: string;
}

export function parseWarningListAt(c: Cursor, out: Warning[]): boolean {
  for (;;) {
    c.skipWsp();
    const codeStart = c.pos;
    while (c.pos < c.end && isDigit(c.s.charCodeAt(c.pos))) c.pos++;
    if (c.pos - codeStart !== 3) {
      c.fail('warn-code must be 3 digits');
      return false;
    }
    const code = Number(c.s.slice(codeStart, c.pos));
    if (c.peek() !== 0x20) {
      c.fail('malformed Warning');
      return false;
    }
    c.pos++;
    const agentStart = c.pos;
    if (c.peek() === 0x5b) {
      const close = c.s.indexOf(']', c.pos);
      c.pos = close < 0 ? c.end : close + 1;
    } else c.take(HOST_CHARS.map((v, i) => v | (TOKEN[i] ?? 0)));
    if (c.peek() === 0x3a) {
      c.pos++;
      while (c.pos < c.end && isDigit(c.s.charCodeAt(c.pos))) c.pos++;
    }
    const agent = c.s.slice(agentStart, c.pos);
    if (agent === '' || c.peek() !== 0x20) {
      c.fail('malformed warn-agent');
      return false;
    }
    c.pos++;
    const q = c.quoted();
    if (q === undefined) return false;
    out.push({ code, agent, text: byteStringToText(unquote(q)) });
    if (c.sep(0x2c)) continue;
    c.skipWsp();
    if (!c.atEnd()) {
      c.fail('unexpected text in Warning');
      return false;
    }
    return true;
  }
}
