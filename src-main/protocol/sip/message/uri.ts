/**
 * URIs: SIP-URI / SIPS-URI (RFC 3261 §19.1, §25.1), tel (RFC 3966 §3) and any other absoluteURI
 * (RFC 2396 §3, kept opaque). Components are byte strings (see byte-string.ts) with %HEX escapes
 * resolved exactly once (RFC 4475 §3.1.1.3: `v%61lue%25%34%31` is `value%41`); formatting
 * re-escapes whatever the component grammar does not allow raw.
 */
import {
  HOST_CHARS,
  PASSWORD_CHARS,
  SCHEME_CHARS,
  TOKEN,
  URIC,
  URI_HEADER_CHARS,
  URI_PARAM_CHARS,
  USER_CHARS,
  hexValue,
  indexOfIn,
  isAlpha,
  isDigit,
  isHex,
} from './char-classes.js';
import type { Cursor } from './cursor.js';
import { classifyHost, hostAddress, type HostKind } from './host.js';
import type { SipParam, SipParams } from './parameters.js';

export interface SipUri {
  readonly kind: 'sip';
  readonly scheme: 'sip' | 'sips';
  readonly user: string | undefined;
  readonly password: string | undefined;
  /** As written; IPv6 references keep their brackets (`[2001:db8::1]`). */
  readonly host: string;
  readonly hostKind: HostKind;
  readonly port: number | undefined;
  /** uri-parameters, unescaped (`;transport=tls;lr`). */
  readonly params: SipParams;
  /** Escaped headers after `?`, unescaped. */
  readonly headers: SipParams;
}

export interface TelUri {
  readonly kind: 'tel';
  readonly scheme: 'tel';
  /** The telephone-subscriber number as written (`+1-201-555-0123`). */
  readonly number: string;
  readonly params: SipParams;
}

/** Any other absolute URI (`http:`, `urn:`, `isbn:`), kept as written after the colon. */
export interface AbsoluteUri {
  readonly kind: 'absolute';
  /** Lower-cased. */
  readonly scheme: string;
  readonly opaque: string;
}

export type Uri = SipUri | TelUri | AbsoluteUri;

/** Where the URI sits decides what it may contain (RFC 3261 §19.1.1 table, §20.10). */
export type UriContext = 'request-uri' | 'name-addr' | 'addr-spec';

/** Parses a URI occupying the whole range [c.pos, end). Returns undefined with c.error on failure. */
export function parseUriAt(c: Cursor, end: number, context: UriContext): Uri | undefined {
  const s = c.s;
  const start = c.pos;
  const colon = indexOfIn(s, 0x3a /* : */, start, end);
  if (colon < 0 || colon === start) return c.fail('URI without a scheme');
  if (!isAlpha(s.charCodeAt(start))) return c.fail('invalid URI scheme');
  for (let i = start + 1; i < colon; i++) {
    const ch = s.charCodeAt(i);
    if (ch > 255 || SCHEME_CHARS[ch] !== 1) return c.fail('invalid URI scheme');
  }
  const scheme = s.slice(start, colon).toLowerCase();
  c.pos = end;
  if (scheme === 'sip' || scheme === 'sips') return parseSipUri(c, s, scheme, colon + 1, end, context);
  if (scheme === 'tel') return parseTelUri(c, s, colon + 1, end);
  if (colon + 1 >= end) return c.fail('empty absolute URI');
  for (let i = colon + 1; i < end; i++) {
    const ch = s.charCodeAt(i);
    if (ch > 255 || URIC[ch] !== 1) return c.fail(`invalid character in ${scheme}: URI`);
    if (ch === 0x25 && !(isHex(s.charCodeAt(i + 1)) && isHex(s.charCodeAt(i + 2)) && i + 2 < end)) return c.fail('invalid % escape in URI');
  }
  return { kind: 'absolute', scheme, opaque: s.slice(colon + 1, end) };
}

function parseSipUri(c: Cursor, s: string, scheme: 'sip' | 'sips', from: number, end: number, context: UriContext): SipUri | undefined {
  let p = from;
  let user: string | undefined;
  let password: string | undefined;
  const at = indexOfIn(s, 0x40 /* @ */, p, end);
  if (at >= 0) {
    const pw = indexOfIn(s, 0x3a /* : */, p, at);
    const userEnd = pw >= 0 ? pw : at;
    user = unescapeRange(s, p, userEnd, USER_CHARS);
    if (user === undefined || userEnd === p) return c.fail('invalid user part in SIP URI');
    if (userEnd < at) {
      password = unescapeRange(s, userEnd + 1, at, PASSWORD_CHARS, true);
      if (password === undefined) return c.fail('invalid password in SIP URI');
    }
    p = at + 1;
  }
  // host
  let hostEnd: number;
  if (s.charCodeAt(p) === 0x5b /* [ */) {
    const close = indexOfIn(s, 0x5d /* ] */, p, end);
    if (close < 0) return c.fail('unterminated IPv6 reference in SIP URI');
    hostEnd = close + 1;
  } else {
    hostEnd = p;
    while (hostEnd < end) {
      const ch = s.charCodeAt(hostEnd);
      if (ch > 255 || HOST_CHARS[ch] !== 1) break;
      hostEnd++;
    }
  }
  const host = s.slice(p, hostEnd);
  const hostKind = classifyHost(host);
  if (hostKind === undefined) return c.fail(`invalid host "${host}" in SIP URI`);
  p = hostEnd;
  let port: number | undefined;
  if (p < end && s.charCodeAt(p) === 0x3a /* : */) {
    p++;
    let v = 0;
    const ds = p;
    while (p < end && isDigit(s.charCodeAt(p)) && p - ds < 6) v = v * 10 + (s.charCodeAt(p++) - 0x30);
    if (p === ds || v > 65535) return c.fail('invalid port in SIP URI');
    port = v;
  }
  const params: SipParam[] = [];
  while (p < end && s.charCodeAt(p) === 0x3b /* ; */) {
    p++;
    let q = p;
    while (q < end && s.charCodeAt(q) !== 0x3b && s.charCodeAt(q) !== 0x3d && s.charCodeAt(q) !== 0x3f) q++;
    const name = unescapeRange(s, p, q, URI_PARAM_CHARS);
    if (name === undefined) return c.fail('invalid or empty URI parameter name');
    let value: string | null = null;
    if (q < end && s.charCodeAt(q) === 0x3d) {
      const vs = ++q;
      while (q < end && s.charCodeAt(q) !== 0x3b && s.charCodeAt(q) !== 0x3f) q++;
      const v = unescapeRange(s, vs, q, URI_PARAM_CHARS);
      if (v === undefined) return c.fail(`invalid value of URI parameter ${name}`);
      value = v;
    }
    params.push({ name, value });
    p = q;
  }
  const headers: SipParam[] = [];
  if (p < end && s.charCodeAt(p) === 0x3f /* ? */) {
    if (context !== 'name-addr') {
      return c.fail(context === 'request-uri' ? 'escaped headers are not allowed in a Request-URI' : 'a URI with headers must be enclosed in <>');
    }
    do {
      p++;
      let q = p;
      while (q < end && s.charCodeAt(q) !== 0x3d && s.charCodeAt(q) !== 0x26) q++;
      const name = unescapeRange(s, p, q, URI_HEADER_CHARS);
      if (name === undefined || q >= end || s.charCodeAt(q) !== 0x3d) return c.fail('invalid URI header');
      const vs = ++q;
      while (q < end && s.charCodeAt(q) !== 0x26) q++;
      const value = unescapeRange(s, vs, q, URI_HEADER_CHARS, true);
      if (value === undefined) return c.fail('invalid URI header value');
      headers.push({ name, value });
      p = q;
    } while (p < end && s.charCodeAt(p) === 0x26 /* & */);
  }
  if (p !== end) return c.fail('unexpected character in SIP URI');
  return { kind: 'sip', scheme, user, password, host, hostKind, port, params, headers };
}

const TEL_NUMBER = new Uint8Array(256);
for (const ch of '0123456789abcdefABCDEF*#+-.()') TEL_NUMBER[ch.charCodeAt(0)] = 1;

function parseTelUri(c: Cursor, s: string, from: number, end: number): TelUri | undefined {
  let p = from;
  while (p < end && TEL_NUMBER[s.charCodeAt(p)] === 1) p++;
  const number = s.slice(from, p);
  if (number === '' || number === '+' || (number[0] === '+' && !/\d/.test(number))) return c.fail('invalid tel: number');
  const params: SipParam[] = [];
  while (p < end && s.charCodeAt(p) === 0x3b) {
    p++;
    let q = p;
    while (q < end && s.charCodeAt(q) !== 0x3b && s.charCodeAt(q) !== 0x3d) q++;
    const name = unescapeRange(s, p, q, TOKEN);
    if (name === undefined) return c.fail('invalid tel: parameter');
    let value: string | null = null;
    if (q < end && s.charCodeAt(q) === 0x3d) {
      const vs = ++q;
      while (q < end && s.charCodeAt(q) !== 0x3b) q++;
      const v = unescapeRange(s, vs, q, URI_PARAM_CHARS);
      if (v === undefined) return c.fail('invalid tel: parameter value');
      value = v;
    }
    params.push({ name, value });
    p = q;
  }
  if (p !== end) return c.fail('unexpected character in tel: URI');
  return { kind: 'tel', scheme: 'tel', number, params };
}

/**
 * Validates [start, end) against `set` plus %HEX HEX escapes and returns it unescaped once.
 * Empty ranges are invalid unless `allowEmpty`.
 */
function unescapeRange(s: string, start: number, end: number, set: Uint8Array, allowEmpty = false): string | undefined {
  if (end <= start) return allowEmpty ? '' : undefined;
  let hasEscape = false;
  for (let i = start; i < end; i++) {
    const ch = s.charCodeAt(i);
    if (ch === 0x25) {
      if (i + 2 >= end || !isHex(s.charCodeAt(i + 1)) || !isHex(s.charCodeAt(i + 2))) return undefined;
      hasEscape = true;
      i += 2;
    } else if (ch > 255 || set[ch] !== 1) return undefined;
  }
  if (!hasEscape) return s.slice(start, end);
  let out = '';
  for (let i = start; i < end; i++) {
    const ch = s.charCodeAt(i);
    if (ch === 0x25) {
      out += String.fromCharCode(hexValue(s.charCodeAt(i + 1)) * 16 + hexValue(s.charCodeAt(i + 2)));
      i += 2;
    } else out += s[i]!;
  }
  return out;
}

const HEX = '0123456789ABCDEF';

/** Escapes every octet of `value` outside `set` as %XX. */
export function escapeComponent(value: string, set: Uint8Array): string {
  let out = '';
  let last = 0;
  for (let i = 0; i < value.length; i++) {
    const ch = value.charCodeAt(i);
    if (ch <= 255 && set[ch] === 1) continue;
    const octet = ch & 0xff;
    out += value.slice(last, i) + '%' + HEX[octet >> 4]! + HEX[octet & 15]!;
    last = i + 1;
  }
  return last === 0 ? value : out + value.slice(last);
}

export function formatUri(uri: Uri): string {
  switch (uri.kind) {
    case 'sip': {
      let out = `${uri.scheme}:`;
      if (uri.user !== undefined) {
        out += escapeComponent(uri.user, USER_CHARS);
        if (uri.password !== undefined) out += `:${escapeComponent(uri.password, PASSWORD_CHARS)}`;
        out += '@';
      }
      out += uri.host;
      if (uri.port !== undefined) out += `:${uri.port}`;
      for (const p of uri.params) {
        out += `;${escapeComponent(p.name, URI_PARAM_CHARS)}`;
        if (p.value !== null) out += `=${escapeComponent(p.value, URI_PARAM_CHARS)}`;
      }
      for (let i = 0; i < uri.headers.length; i++) {
        const h = uri.headers[i]!;
        out += `${i === 0 ? '?' : '&'}${escapeComponent(h.name, URI_HEADER_CHARS)}=${escapeComponent(h.value ?? '', URI_HEADER_CHARS)}`;
      }
      return out;
    }
    case 'tel': {
      let out = `tel:${uri.number}`;
      // The name is escaped too: the parser decodes %HH in it (found by fuzzing: `;ph%00one-context` did not round-trip).
      for (const p of uri.params) out += `;${escapeComponent(p.name, URI_PARAM_CHARS)}${p.value === null ? '' : `=${escapeComponent(p.value, URI_PARAM_CHARS)}`}`;
      return out;
    }
    case 'absolute':
      return `${uri.scheme}:${uri.opaque}`;
  }
}

/** Looks up a URI parameter (case-insensitive name): null when valueless, undefined when absent. */
export function uriParam(uri: Uri, name: string): string | null | undefined {
  if (uri.kind === 'absolute') return undefined;
  const lower = name.toLowerCase();
  for (const p of uri.params) if (p.name.toLowerCase() === lower) return p.value;
  return undefined;
}

/** Parameters that must match when present in either URI (RFC 3261 §19.1.4). */
const SIGNIFICANT = ['user', 'ttl', 'method', 'maddr', 'transport'];

/** URI equivalence, RFC 3261 §19.1.4 for SIP/SIPS; RFC 3966 §4 (simplified) for tel; exact otherwise. */
export function uriEquals(a: Uri, b: Uri): boolean {
  if (a.kind === 'sip' && b.kind === 'sip') {
    if (a.scheme !== b.scheme || a.user !== b.user || a.password !== b.password) return false;
    if (hostAddress(a.host) !== hostAddress(b.host) || a.port !== b.port) return false;
    const pa = lowerParams(a.params);
    const pb = lowerParams(b.params);
    for (const name of SIGNIFICANT) {
      if (pa.has(name) !== pb.has(name)) return false;
    }
    for (const [name, va] of pa) {
      if (!pb.has(name)) continue;
      const vb = pb.get(name);
      if ((va ?? '').toLowerCase() !== (vb ?? '').toLowerCase()) return false;
    }
    if (a.headers.length !== b.headers.length) return false;
    // Compared as multisets: a header name may repeat (found by fuzzing: a URI was not equal to itself).
    const ha = headerKeys(a.headers);
    const hb = headerKeys(b.headers);
    return ha.every((k, i) => k === hb[i]);
  }
  if (a.kind === 'tel' && b.kind === 'tel') {
    const digits = (n: string): string => n.replace(/[-.()]/g, '').toLowerCase();
    if (digits(a.number) !== digits(b.number)) return false;
    const pa = lowerParams(a.params);
    const pb = lowerParams(b.params);
    if (pa.size !== pb.size) return false;
    for (const [k, v] of pa) if (!pb.has(k) || (pb.get(k) ?? '').toLowerCase() !== (v ?? '').toLowerCase()) return false;
    return true;
  }
  if (a.kind === 'absolute' && b.kind === 'absolute') return a.scheme === b.scheme && a.opaque === b.opaque;
  return false;
}

function headerKeys(headers: SipUri['headers']): string[] {
  return headers.map((h) => `${h.name.toLowerCase()}\u0000${h.value ?? ''}`).sort();
}

function lowerParams(params: SipParams): Map<string, string | null> {
  const m = new Map<string, string | null>();
  for (const p of params) if (!m.has(p.name.toLowerCase())) m.set(p.name.toLowerCase(), p.value);
  return m;
}

/** Builds a SIP URI value, validating the host. */
export function sipUri(fields: {
  scheme?: 'sip' | 'sips';
  user?: string;
  password?: string;
  host: string;
  port?: number;
  params?: SipParams;
  headers?: SipParams;
}): SipUri {
  const hostKind = classifyHost(fields.host);
  if (hostKind === undefined) throw new RangeError(`invalid host: ${fields.host}`);
  return {
    kind: 'sip',
    scheme: fields.scheme ?? 'sip',
    user: fields.user,
    password: fields.password,
    host: fields.host,
    hostKind,
    port: fields.port,
    params: fields.params ?? [],
    headers: fields.headers ?? [],
  };
}
