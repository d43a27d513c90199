/**
 * name-addr / addr-spec with header parameters (RFC 3261 §25.1, §20.10, §20.20, §20.39):
 *   name-addr = [ display-name ] LAQUOT addr-spec RAQUOT;  display-name = *(token LWS) / quoted-string
 * used by From, To, Contact, Route, Record-Route, Reply-To, Refer-To, P-Asserted-Identity…
 *
 * DEVIATION(RFC 3261 §25.1): like RFC 4475 §3.1.1.6 asks, no LWS is required between a token
 * display name and "<" (`caller<sip:…>`).
 * In addr-spec form the URI ends at ";" "," or whitespace, so `;x` after it is a header parameter
 * (RFC 4475 §3.3.12); a URI with escaped headers must be in <> (RFC 4475 §3.1.2.13).
 */
import { byteStringToText, textToByteString } from './byte-string.js';
import { TOKEN, isWsp } from './char-classes.js';
import { Cursor, quote, unquote } from './cursor.js';
import { formatParams, getParam, parseParams, type SipParam, type SipParams } from './parameters.js';
import { formatUri, parseUriAt, type Uri } from './uri.js';

export interface NameAddr {
  /** Display name as text (unquoted, UTF-8 decoded); undefined when there is none. */
  readonly displayName: string | undefined;
  readonly uri: Uri;
  /** Header parameters after the address (`;tag=…`, `;expires=…`, `;lr` for Route URIs is inside uri.params). */
  readonly params: SipParams;
}

/**
 * Parses one name-addr (or addr-spec unless `nameAddrOnly`) with its parameters at the cursor.
 * Stops after the parameters; the caller checks what follows.
 */
export function parseNameAddrAt(c: Cursor, nameAddrOnly: boolean): NameAddr | undefined {
  c.skipWsp();
  const s = c.s;
  let displayName: string | undefined;
  let bracketed = false;
  const first = c.peek();
  if (first === 0x22 /* " */) {
    const q = c.quoted();
    if (q === undefined) return undefined;
    displayName = byteStringToText(unquote(q));
    c.skipWsp();
    if (c.peek() !== 0x3c) return c.fail('expected <addr-spec> after the display name');
    bracketed = true;
  } else if (first === 0x3c /* < */) {
    bracketed = true;
  } else {
    // Either a token display name followed by "<", or an addr-spec.
    const start = c.pos;
    let lastEnd = start;
    for (;;) {
      const t = c.take(TOKEN);
      if (t === '') break;
      lastEnd = c.pos;
      c.skipWsp();
    }
    if (c.peek() === 0x3c && lastEnd > start) {
      displayName = byteStringToText(s.slice(start, lastEnd));
      bracketed = true;
    } else {
      c.pos = start;
    }
  }
  let uri: Uri | undefined;
  if (bracketed) {
    const gt = s.indexOf('>', c.pos + 1);
    if (gt < 0 || gt >= c.end) return c.fail('missing ">" after the address');
    c.pos++;
    uri = parseUriAt(c, gt, 'name-addr');
    if (uri === undefined) return undefined;
    c.pos = gt + 1;
  } else {
    if (nameAddrOnly) return c.fail('the address must be enclosed in <>');
    let end = c.pos;
    while (end < c.end) {
      const ch = s.charCodeAt(end);
      if (ch === 0x3b || ch === 0x2c || isWsp(ch)) break;
      end++;
    }
    if (end === c.pos) return c.fail('missing address');
    uri = parseUriAt(c, end, 'addr-spec');
    if (uri === undefined) {
      const lt = s.indexOf('<', end);
      if (lt >= 0 && lt < c.end) {
        c.error = 'a display name with characters other than tokens must be quoted (RFC 3261 §25.1)';
      }
      return undefined;
    }
  }
  const params: SipParam[] = [];
  if (!parseParams(c, params)) return undefined;
  return { displayName, uri, params };
}

/** A single name-addr value occupying the whole header value (From, To, Refer-To…). */
export function parseNameAddr(value: string, nameAddrOnly = false): NameAddr | undefined {
  return parseNameAddrValue(new Cursor(value), nameAddrOnly);
}

export function parseNameAddrValue(c: Cursor, nameAddrOnly: boolean): NameAddr | undefined {
  const na = parseNameAddrAt(c, nameAddrOnly);
  if (na === undefined) return undefined;
  c.skipWsp();
  if (!c.atEnd()) return c.fail(`unexpected "${c.s[c.pos]!}" after the address`);
  return na;
}

/** A comma-separated list of name-addr (Route, Record-Route, Path) or name-addr/addr-spec (Contact) values. */
export function parseNameAddrListAt(c: Cursor, nameAddrOnly: boolean, out: NameAddr[]): boolean {
  for (;;) {
    const na = parseNameAddrAt(c, nameAddrOnly);
    if (na === undefined) return false;
    out.push(na);
    if (c.sep(0x2c /* , */)) continue;
    c.skipWsp();
    if (!c.atEnd()) {
      c.fail(`unexpected "${c.s[c.pos]!}" after the address`);
      return false;
    }
    return true;
  }
}

/** The `tag` parameter (From/To, RFC 3261 §19.3). */
export function tagOf(na: NameAddr): string | undefined {
  const t = getParam(na.params, 'tag');
  return t === null ? undefined : t;
}

/** Formats as `"Display" <uri>;params` (always the name-addr form: safe whatever the URI holds). */
export function formatNameAddr(na: NameAddr): string {
  const dn = na.displayName === undefined ? '' : `${quote(textToByteString(na.displayName))} `;
  return `${dn}<${formatUri(na.uri)}>${formatParams(na.params)}`;
}
