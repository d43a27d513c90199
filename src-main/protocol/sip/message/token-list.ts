/**
 * Token lists and media types:
 * Allow, Supported, Require, Proxy-Require, Unsupported, Allow-Events (RFC 3261 §20.5, §20.32, §20.37,
 * §20.29, §20.40): `[token *(COMMA token)]`;
 * Content-Type / Accept entries (§20.15, §20.1): m-type SLASH m-subtype *(SEMI m-parameter).
 */
import { TOKEN } from './char-classes.js';
import type { Cursor } from './cursor.js';
import { parseParams, type SipParam, type SipParams, formatParams } from './parameters.js';

/** `token *(COMMA token)`, possibly empty. */
export function parseTokenListAt(c: Cursor, out: string[]): boolean {
  c.skipWsp();
  if (c.atEnd()) return true;
  for (;;) {
    const t = c.take(TOKEN);
    if (t === '') {
      c.fail('expected a token');
      return false;
    }
    out.push(t);
    if (c.sep(0x2c)) continue;
    c.skipWsp();
    if (!c.atEnd()) {
      c.fail(`unexpected "${c.s[c.pos]!}" in token list`);
      return false;
    }
    return true;
  }
}

export interface MediaType {
  /** Lower-cased type and subtype. */
  readonly type: string;
  readonly subtype: string;
  readonly params: SipParams;
}

export function parseMediaTypeAt(c: Cursor): MediaType | undefined {
  c.skipWsp();
  const type = c.take(TOKEN);
  if (type === '' || !c.sep(0x2f)) return c.fail('malformed media type');
  const subtype = c.take(TOKEN);
  if (subtype === '') return c.fail('malformed media subtype');
  const params: SipParam[] = [];
  if (!parseParams(c, params)) return undefined;
  c.skipWsp();
  if (!c.atEnd()) return c.fail('unexpected text after the media type');
  return { type: type.toLowerCase(), subtype: subtype.toLowerCase(), params };
}

export function formatMediaType(m: MediaType): string {
  return `${m.type}/${m.subtype}${formatParams(m.params)}`;
}
