/**
 * Authentication header values (RFC 3261 §20.27, §20.28, §20.7, §20.44, §25.1; RFC 7235 §2.1; RFC 7616 §3.3–3.4):
 *   challenge   = auth-scheme LWS auth-param *(COMMA auth-param)      (WWW-Authenticate, Proxy-Authenticate)
 *   credentials = auth-scheme LWS auth-param *(COMMA auth-param)      (Authorization, Proxy-Authorization)
 *   auth-param  = auth-param-name EQUAL ( token / quoted-string )
 * Token68 forms (`Bearer abc=`) are kept whole. One header field normally holds one challenge, but
 * several may be comma-joined (RFC 7235 §4.1); a new challenge starts at `COMMA token LWS token`.
 */
import { TOKEN, isWsp } from './char-classes.js';
import { Cursor, quote } from './cursor.js';
import type { SipParam, SipParams } from './parameters.js';

export interface AuthValue {
  /** Scheme as written ("Digest"); compare case-insensitively. */
  readonly scheme: string;
  /** auth-params; values raw (quoted strings keep their quotes). */
  readonly params: SipParams;
  /** A token68 credential or challenge instead of params. */
  readonly token68: string | undefined;
}

const TOKEN68 = new Uint8Array(256);
for (const ch of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/') TOKEN68[ch.charCodeAt(0)] = 1;

export function parseAuthListAt(c: Cursor, out: AuthValue[]): boolean {
  c.skipWsp();
  for (;;) {
    const scheme = c.take(TOKEN);
    if (scheme === '') {
      c.fail('missing authentication scheme');
      return false;
    }
    const before = c.pos;
    c.skipWsp();
    if (c.atEnd()) {
      out.push({ scheme, params: [], token68: undefined });
      return true;
    }
    if (c.pos === before) {
      c.fail('missing whitespace after the authentication scheme');
      return false;
    }
    // token68?
    const t68Start = c.pos;
    c.take(TOKEN68);
    while (c.peek() === 0x3d) c.pos++;
    const afterT68 = c.pos;
    c.skipWsp();
    if (afterT68 > t68Start && (c.atEnd() || c.peek() === 0x2c)) {
      out.push({ scheme, params: [], token68: c.s.slice(t68Start, afterT68) });
    } else {
      c.pos = t68Start;
      const params: SipParam[] = [];
      for (;;) {
        const name = c.take(TOKEN);
        if (name === '' || !c.sep(0x3d)) {
          c.fail('malformed auth-param');
          return false;
        }
        let value: string | undefined;
        if (c.peek() === 0x22) value = c.quoted();
        else {
          value = c.take(TOKEN);
          if (value === '') value = c.fail(`auth-param ${name} has an empty value`);
        }
        if (value === undefined) return false;
        params.push({ name, value });
        const save = c.pos;
        if (!c.sep(0x2c)) break;
        if (startsNewChallenge(c)) {
          c.pos = save;
          break;
        }
      }
      out.push({ scheme, params, token68: undefined });
    }
    c.skipWsp();
    if (c.atEnd()) return true;
    if (!c.sep(0x2c)) {
      c.fail('unexpected text in authentication header');
      return false;
    }
  }
}

/** At `token LWS token [=…]` (a new scheme) rather than `token = …` (another param). */
function startsNewChallenge(c: Cursor): boolean {
  const s = c.s;
  let p = c.pos;
  while (p < c.end && TOKEN[s.charCodeAt(p)] === 1) p++;
  if (p === c.pos || p >= c.end || !isWsp(s.charCodeAt(p))) return false;
  while (p < c.end && isWsp(s.charCodeAt(p))) p++;
  return p < c.end && s.charCodeAt(p) !== 0x3d;
}

export function parseAuthValues(value: string): AuthValue[] | undefined {
  const out: AuthValue[] = [];
  const c = new Cursor(value);
  return parseAuthListAt(c, out) ? out : undefined;
}

/** Parameters whose values are always quoted in Digest (RFC 7616 §3.4). */
const QUOTED = new Set(['realm', 'nonce', 'opaque', 'domain', 'username', 'uri', 'response', 'cnonce']);

/** Formats an AuthValue; param values given without quotes are quoted when RFC 7616 requires it. */
export function formatAuthValue(v: AuthValue): string {
  if (v.token68 !== undefined) return `${v.scheme} ${v.token68}`;
  const parts = v.params.map((p) => {
    const raw = p.value ?? '';
    const needsQuotes = raw.charCodeAt(0) !== 0x22 && (QUOTED.has(p.name.toLowerCase()) || !isAllToken(raw));
    return `${p.name}=${needsQuotes ? quote(raw) : raw}`;
  });
  return `${v.scheme} ${parts.join(', ')}`;
}

function isAllToken(s: string): boolean {
  if (s === '') return false;
  for (let i = 0; i < s.length; i++) if (TOKEN[s.charCodeAt(i)] !== 1) return false;
  return true;
}
