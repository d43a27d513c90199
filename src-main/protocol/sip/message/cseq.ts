/** CSeq (RFC 3261 §20.16, §8.1.1.5): CSeq = 1*DIGIT LWS Method; the number fits in 32 bits. */
import { TOKEN, isDigit } from './char-classes.js';
import type { Cursor } from './cursor.js';
import { UINT32_MAX, parseBoundedInt } from './scalars.js';

export interface CSeq {
  readonly seq: number;
  readonly method: string;
}

export function parseCSeqAt(c: Cursor): CSeq | undefined {
  c.skipWsp();
  const s = c.s;
  const start = c.pos;
  while (c.pos < c.end && isDigit(s.charCodeAt(c.pos))) c.pos++;
  const seq = parseBoundedInt(s, start, c.pos, UINT32_MAX);
  if (seq === undefined) return c.fail(start === c.pos ? 'missing sequence number' : 'sequence number above 2^32-1');
  const before = c.pos;
  c.skipWsp();
  if (c.pos === before) return c.fail('missing whitespace before the method');
  const method = c.take(TOKEN);
  if (method === '') return c.fail('missing method');
  c.skipWsp();
  if (!c.atEnd()) return c.fail('unexpected text after the method');
  return { seq, method };
}

export function formatCSeq(v: CSeq): string {
  return `${v.seq} ${v.method}`;
}
