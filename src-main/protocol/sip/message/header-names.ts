/**
 * Header names: case-insensitive (RFC 3261 §7.3.1) with compact forms (§7.3.3 and the IANA SIP
 * parameters registry). Keys are lower-case long forms; `canonicalHeaderName` gives the usual spelling.
 */

const COMPACT: Readonly<Record<string, string>> = {
  a: 'accept-contact', // RFC 3841
  b: 'referred-by', // RFC 3892
  c: 'content-type',
  d: 'request-disposition', // RFC 3841
  e: 'content-encoding',
  f: 'from',
  i: 'call-id',
  j: 'reject-contact', // RFC 3841
  k: 'supported',
  l: 'content-length',
  m: 'contact',
  n: 'identity-info', // RFC 4474
  o: 'event', // RFC 6665
  r: 'refer-to', // RFC 3515
  s: 'subject',
  t: 'to',
  u: 'allow-events', // RFC 6665
  v: 'via',
  x: 'session-expires', // RFC 4028
  y: 'identity', // RFC 8224
};

const SPECIAL: Readonly<Record<string, string>> = {
  'call-id': 'Call-ID',
  cseq: 'CSeq',
  'www-authenticate': 'WWW-Authenticate',
  'mime-version': 'MIME-Version',
  rack: 'RAck',
  rseq: 'RSeq',
  'sip-etag': 'SIP-ETag',
  'sip-if-match': 'SIP-If-Match',
};

/** Lower-case long-form key of a header name as found on the wire (`i` → `call-id`, `VIA` → `via`). */
export function headerKey(name: string): string {
  const lower = name.toLowerCase();
  if (lower.length === 1) return COMPACT[lower] ?? lower;
  return lower;
}

const canonicalCache = new Map<string, string>();

/** Canonical spelling of a header name (`call-id` → `Call-ID`, `x-foo-bar` → `X-Foo-Bar`). */
export function canonicalHeaderName(name: string): string {
  const key = headerKey(name);
  const cached = canonicalCache.get(key);
  if (cached !== undefined) return cached;
  const out = SPECIAL[key] ?? key.replace(/(^|-)([a-z])/g, (_m, dash: string, ch: string) => dash + ch.toUpperCase());
  if (canonicalCache.size < 1024) canonicalCache.set(key, out);
  return out;
}
