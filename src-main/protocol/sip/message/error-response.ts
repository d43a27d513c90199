/**
 * Answering malformed requests (RFC 3261 §8.2.1–§8.2.2, §21.4.1, §21.5.6): a 400 (or 505) whose
 * Reason-Phrase names the problem, built statelessly from whatever Via, From, To, Call-ID and CSeq
 * lines can be found in the raw bytes (copied as received, §8.2.6.2). No response is possible for
 * responses, for ACK (§17.1.1.3: never answered), or when one of those five headers is missing.
 */
import { looksLikeStatusLine } from './start-line.js';
import { SipHeaders } from './headers.js';
import { EMPTY_BODY, type SipResponse } from './message.js';
import { headerKey } from './header-names.js';
import type { SipParseError } from './sip-parse-error.js';
import { asBuffer } from './byte-string.js';

const COPIED: ReadonlyArray<readonly [string, string]> = [
  ['via', 'Via'],
  ['from', 'From'],
  ['to', 'To'],
  ['call-id', 'Call-ID'],
  ['cseq', 'CSeq'],
];

export interface ErrorResponseOptions {
  /** A To tag to add when the request's To has none (RFC 3261 §8.2.6.2). */
  readonly toTag?: string;
}

export function createParseErrorResponse(bytes: Uint8Array, error: SipParseError, options: ErrorResponseOptions = {}): SipResponse | undefined {
  const buf = asBuffer(bytes);
  let start = 0;
  while (start < buf.length && (buf[start] === 0x0d || buf[start] === 0x0a)) start++;
  const a = buf.indexOf('\n\r\n', start, 'latin1');
  const b = buf.indexOf('\n\n', start, 'latin1');
  const end = a >= 0 && (b < 0 || a < b) ? a : b >= 0 ? b : buf.length;
  const text = buf.toString('latin1', start, Math.min(end, start + 65_536)).replace(/\r?\n[ \t]+/g, ' ');
  const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  const first = lines[0] ?? '';
  if (looksLikeStatusLine(first)) return undefined;
  const method = /^([A-Za-z0-9\-.!%*_+`'~]+) /.exec(first)?.[1];
  if (method === undefined || method === 'ACK') return undefined;
  const found = new Map<string, string[]>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = headerKey(line.slice(0, colon).trim());
    if (!COPIED.some(([k]) => k === key)) continue;
    const value = line.slice(colon + 1).trim();
    if (value === '' || value.includes('\r')) continue;
    const list = found.get(key) ?? [];
    list.push(value);
    found.set(key, list);
  }
  const headers = new SipHeaders();
  for (const [key, name] of COPIED) {
    const values = found.get(key);
    if (values === undefined) return undefined;
    for (const v of key === 'via' ? values : values.slice(0, 1)) {
      const value = key === 'to' && options.toTag !== undefined && !/;\s*tag\s*=/i.test(v) ? `${v};tag=${options.toTag}` : v;
      headers.appendRaw(name, value);
    }
  }
  headers.appendRaw('Content-Length', '0');
  return { kind: 'response', status: error.status, reason: error.reason, headers, body: EMPTY_BODY };
}
