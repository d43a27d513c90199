/** Call-ID (RFC 3261 §20.8): callid = word [ "@" word ]; compared case-sensitively. */
import { WORD } from './char-classes.js';
import type { Cursor } from './cursor.js';

export function parseCallIdAt(c: Cursor): string | undefined {
  c.skipWsp();
  const start = c.pos;
  const first = c.take(WORD);
  if (first === '') return c.fail('empty Call-ID');
  if (c.peek() === 0x40 /* @ */) {
    c.pos++;
    if (c.take(WORD) === '') return c.fail('empty host part in Call-ID');
  }
  const end = c.pos;
  c.skipWsp();
  if (!c.atEnd()) return c.fail(`invalid character in Call-ID`);
  return c.s.slice(start, end);
}
