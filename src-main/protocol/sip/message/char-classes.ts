/**
 * Character classes of the SIP grammar (RFC 3261 §25.1), as lookup tables over octets.
 *
 * Header text is handled as "byte strings": strings whose every char code is one octet (0-255),
 * obtained by latin1-decoding the wire bytes, so offsets and bytes are preserved exactly.
 */

function table(chars: string, ranges: ReadonlyArray<readonly [number, number]> = []): Uint8Array {
  const t = new Uint8Array(256);
  for (let i = 0; i < chars.length; i++) t[chars.charCodeAt(i)] = 1;
  for (const [a, b] of ranges) for (let c = a; c <= b; c++) t[c] = 1;
  return t;
}

const ALPHANUM: ReadonlyArray<readonly [number, number]> = [
  [0x30, 0x39],
  [0x41, 0x5a],
  [0x61, 0x7a],
];

/** token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~") */
export const TOKEN = table("-.!%*_+`'~", ALPHANUM);

/** word = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~" / "(" / ")" / "<" / ">" / ":" / "\" / DQUOTE / "/" / "[" / "]" / "?" / "{" / "}") */
export const WORD = table('-.!%*_+`\'~()<>:\\"/[]?{}', ALPHANUM);

/** unreserved = alphanum / mark; mark = "-" / "_" / "." / "!" / "~" / "*" / "'" / "(" / ")" */
export const UNRESERVED = table("-_.!~*'()", ALPHANUM);

/** user = 1*( unreserved / escaped / user-unreserved ); user-unreserved = "&" / "=" / "+" / "$" / "," / ";" / "?" / "/" */
export const USER_CHARS = table("-_.!~*'()&=+$,;?/", ALPHANUM);

/** password = *( unreserved / escaped / "&" / "=" / "+" / "$" / "," ) */
export const PASSWORD_CHARS = table("-_.!~*'()&=+$,", ALPHANUM);

/** paramchar = param-unreserved / unreserved / escaped; param-unreserved = "[" / "]" / "/" / ":" / "&" / "+" / "$" */
export const URI_PARAM_CHARS = table("-_.!~*'()[]/:&+$", ALPHANUM);

/** hname/hvalue = *( hnv-unreserved / unreserved / escaped ); hnv-unreserved = "[" / "]" / "/" / "?" / ":" / "+" / "$" */
export const URI_HEADER_CHARS = table("-_.!~*'()[]/?:+$", ALPHANUM);

/** hostname characters (alphanum, "-", ".") plus what IPv4 needs. */
export const HOST_CHARS = table('-.', ALPHANUM);

/** uric = reserved / unreserved / escaped (RFC 2396, used by absoluteURI); reserved = ";" / "/" / "?" / ":" / "@" / "&" / "=" / "+" / "$" / "," */
export const URIC = table(";/?:@&=+$,-_.!~*'()%", ALPHANUM);

/** scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) (non-initial characters) */
export const SCHEME_CHARS = table('+-.', ALPHANUM);

/**
 * Generic parameter values: gen-value = token / host / quoted-string. Host adds ":" and "[" "]"
 * (IPv6 references, and Via received= IPv6 addresses written without brackets, RFC 5118 §4.5).
 */
export const GEN_VALUE = table("-.!%*_+`'~:[]", ALPHANUM);

export const SP = 0x20;
export const HTAB = 0x09;
export const CR = 0x0d;
export const LF = 0x0a;
export const DQUOTE = 0x22;
export const BACKSLASH = 0x5c;

export function isWsp(c: number): boolean {
  return c === SP || c === HTAB;
}

export function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

export function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

export function hexValue(c: number): number {
  if (c <= 0x39) return c - 0x30;
  if (c <= 0x46) return c - 0x37;
  return c - 0x57;
}

export function isAlpha(c: number): boolean {
  return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

/** True when every char of `s` in [start, end) is in `set` and the range is not empty. */
export function allIn(set: Uint8Array, s: string, start = 0, end = s.length): boolean {
  if (end <= start) return false;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c > 255 || set[c] !== 1) return false;
  }
  return true;
}

/** True when `s` is a non-empty RFC 3261 token. */
export function isToken(s: string): boolean {
  return allIn(TOKEN, s);
}

/**
 * indexOf of one char code, bounded to [from, end): unlike String#indexOf it never scans past
 * `end`, which keeps list parsing linear on hostile input (many elements, each searching ahead).
 */
export function indexOfIn(s: string, code: number, from: number, end: number): number {
  for (let i = from; i < end; i++) if (s.charCodeAt(i) === code) return i;
  return -1;
}
