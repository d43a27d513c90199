/**
 * The forward-only readers `redactText` is built from (see redact.ts): each starts at an index and
 * returns where what it reads ends, never reading a character twice, so the redaction stays linear.
 * They know three encodings of a value: raw, inside a JSON string (escaped once or more), URL-encoded.
 */


const BACKSLASH = 0x5c;
export const isIdentCode = (c: number): boolean =>
  (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x24 || c === 0x2e || c === 0x2d;
export const isHex = (c: number): boolean => (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);
export const isLineBreak = (c: number): boolean => c === 0x0a || c === 0x0d;
export const isBlank = (c: number): boolean => c === 0x20 || c === 0x09;
export const IDENT_LIMIT = 128;

/** Number of backslashes right before index `i`. */
export function backslashesBefore(text: string, i: number): number {
  let k = 0;
  while (i - k - 1 >= 0 && text.charCodeAt(i - k - 1) === BACKSLASH) k++;
  return k;
}

/** Number of backslashes starting at index `i`. */
function backslashesAt(text: string, i: number): number {
  let k = 0;
  while (text.charCodeAt(i + k) === BACKSLASH) k++;
  return k;
}

export function startsWithCi(text: string, at: number, lower: string): boolean {
  // The first character decides most calls without a slice.
  const c = text.charCodeAt(at);
  if (c !== lower.charCodeAt(0) && (c | 0x20) !== lower.charCodeAt(0)) return false;
  return text.slice(at, at + lower.length).toLowerCase() === lower;
}

/** A lookup table of ASCII characters, for the per-character tests of the scanners. */
function charSet(chars: string): Uint8Array {
  const t = new Uint8Array(128);
  for (const ch of chars) t[ch.charCodeAt(0)] = 1;
  return t;
}
/** A stop character of `set`, or non-ASCII whitespace (NBSP, U+2028…). */
export function stopsAt(set: Uint8Array, text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c < 128 ? set[c] === 1 : /\s/.test(text[i]!);
}
const TOKEN_STOP = charSet(' \t\r\n\f\v&,;"\'<>()[]{}\\');
const SCALAR_STOP = charSet(' \t\r\n\f\v,}]\\"');
// `'` is an RFC 3261 unreserved mark: it may be part of a password.
export const URI_STOP = charSet(' \t\r\n\f\v/<>";\\');
const URL_TOKEN_STOP = charSet(' \t\r\n\f\v&"\'<>#');

/** After a real line break at `i`: the index past it, if a folded continuation (SP/HTAB) follows. */
function realFold(text: string, i: number): number {
  let j = i;
  if (text.charCodeAt(j) === 0x0d) j++;
  if (text.charCodeAt(j) === 0x0a) j++;
  return isBlank(text.charCodeAt(j)) ? j : -1;
}

/** After an escaped line break starting at backslash `i` (`\r\n`, `\n`, `\r`): past it if folded. */
function escapedFold(text: string, i: number): number {
  let j = i;
  if (text.startsWith('\\r', j)) j += 2;
  if (text.startsWith('\\n', j)) j += 2;
  return isBlank(text.charCodeAt(j)) || text.startsWith('\\t', j) ? j : -1;
}

export type LineMode = 'raw' | 'escaped' | 'url';

/** A stretch of text, [from, to). */
interface Cut {
  readonly from: number;
  readonly to: number;
}

/**
 * End of a line-oriented value starting at `i`. `raw`: the next real CR/LF. `escaped` (inside a
 * JSON string): also an escaped `\r`/`\n` or the unescaped `"` closing the string. `url`: `%0D`,
 * `%0A`, `&` or whitespace. With `folds`, a break followed by SP/HTAB continues the value
 * (RFC 3261 §7.3.1 header folding).
 */
export function lineEnd(text: string, i: number, mode: LineMode, folds: boolean): number {
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isLineBreak(c)) {
      const next = folds ? realFold(text, i) : -1;
      if (next < 0) return i;
      i = next;
    } else if (mode === 'escaped' && c === BACKSLASH) {
      const k = backslashesAt(text, i);
      const d = text.charCodeAt(i + k);
      if (k % 2 === 1 && (d === 0x72 || d === 0x6e)) {
        const next = folds ? escapedFold(text, i + k - 1) : -1;
        if (next < 0) return i + k - 1;
        i = next;
      } else if (k % 2 === 0 && d === 0x22) {
        return i + k;
      } else {
        i += k + (k % 2 === 1 && !isLineBreak(d) ? 1 : 0);
      }
    } else if (mode === 'escaped' && c === 0x22) {
      return i;
    } else if (mode === 'url' && (c === 0x25 || c === 0x26 || isBlank(c))) {
      if (c !== 0x25) return i;
      const lower = text.slice(i, i + 3).toLowerCase();
      if (lower === '%0d' || lower === '%0a') {
        let j = i;
        while (startsWithCi(text, j, '%0d') || startsWithCi(text, j, '%0a')) j += 3;
        if (!folds || !(startsWithCi(text, j, '%20') || startsWithCi(text, j, '%09'))) return i;
        i = j;
      } else {
        i++;
      }
    } else {
      i++;
    }
  }
  return n;
}

/**
 * A quoted value whose opening quote (`quote`, preceded by `run` backslashes: 0 raw, 1 inside a
 * JSON string, 3 two levels deep) ends just before `contentStart`. Returns the end of the content
 * and of the closing sequence. The closing quote is one preceded by a backslash run r with
 * r mod 2(run+1) = run (an even run when raw: `\"` and `\\\"` are content; `\\"` closes).
 * An unterminated value ends at the end of the line (folded lines continue).
 */
function quotedEnd(text: string, contentStart: number, quote: number, run: number): { content: number; close: number } {
  const n = text.length;
  const period = 2 * (run + 1);
  let i = contentStart;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) {
      const k = backslashesAt(text, i);
      if (text.charCodeAt(i + k) === quote && k % period === run) return { content: i + k - run, close: i + k + 1 };
      i += k + (isLineBreak(text.charCodeAt(i + k)) ? 0 : 1);
    } else if (c === quote && run === 0) {
      return { content: i, close: i + 1 };
    } else if (isLineBreak(c)) {
      const next = realFold(text, i);
      if (next < 0) return { content: i, close: i };
      i = next;
    } else {
      i++;
    }
  }
  return { content: n, close: n };
}

/** A `%22…%22` (URL-encoded) quoted value: content end and closing end. */
function urlQuotedEnd(text: string, contentStart: number): { content: number; close: number } {
  const n = text.length;
  for (let i = contentStart; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x25 && startsWithCi(text, i, '%22')) {
      // `%5C%22` is an escaped quote (`\"` in URL-encoded JSON), `%5C%5C%22` an escaped backslash and the close
      let k = 0;
      while (k * 3 + 3 <= i - contentStart && startsWithCi(text, i - 3 * (k + 1), '%5c')) k++;
      if (k % 2 === 0) return { content: i, close: i + 3 };
    }
    if (isBlank(c) || isLineBreak(c) || c === 0x26) return { content: i, close: i };
  }
  return { content: n, close: n };
}

/** A `{…}` or `[…]` value, strings at quote level `run` skipped whole; -1 when it never closes. */
export function bracketEnd(text: string, i: number, run: number): number {
  const n = text.length;
  let depth = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) depth++;
    else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth <= 0) return i + 1;
    } else if (c === BACKSLASH || c === 0x22) {
      const k = backslashesAt(text, i);
      if (text.charCodeAt(i + k) === 0x22 && k === run) {
        i = quotedEnd(text, i + k + 1, 0x22, run).close;
        continue;
      }
      i += Math.max(k, 1);
      continue;
    }
    i++;
  }
  return -1;
}

/**
 * Base64 / base64url / token68 key material (RFC 4568 key-salt, RFC 4567 data, RFC 6750 token),
 * also with `/` JSON-escaped (`\/`, `\u002F`) and `+ / =` URL-encoded. `dots` admits `.` and `~`.
 */
export function keyRunEnd(text: string, i: number, dots = false): number {
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2f || c === 0x3d || c === 0x5f || c === 0x2d) i++;
    else if (dots && (c === 0x2e || c === 0x7e)) i++;
    else if (c === 0x25 && /^%(?:2b|2f|3d)$/.test(text.slice(i, i + 3).toLowerCase())) i += 3;
    else if (c === BACKSLASH) {
      const k = backslashesAt(text, i);
      if (text.charCodeAt(i + k) === 0x2f) i += k + 1;
      else if (/^u00(?:2b|2f|3d)$/.test(text.slice(i + k, i + k + 5).toLowerCase())) i += k + 5;
      else return i;
    } else return i;
  }
  return n;
}

/** A bare `name=value` value: up to whitespace or a delimiter of query strings, lists and markup. */
export function tokenEnd(text: string, i: number): number {
  const n = text.length;
  while (i < n && !stopsAt(TOKEN_STOP, text, i)) i++;
  return i;
}

/** A bare JSON/JS scalar after `"name":` (number, true, null, an unquoted word). */
export function scalarEnd(text: string, i: number): number {
  const n = text.length;
  while (i < n && !stopsAt(SCALAR_STOP, text, i)) i++;
  return i;
}

/** Whitespace and folding, raw or JSON-escaped (`\r`, `\n`, `\t`). */
export function skipLws(text: string, i: number): number {
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isBlank(c) || isLineBreak(c)) i++;
    else if (c === BACKSLASH) {
      const k = backslashesAt(text, i);
      const d = text.charCodeAt(i + k);
      if (d !== 0x72 && d !== 0x6e && d !== 0x74) return i;
      i += k + 1;
    } else return i;
  }
  return n;
}

export function skipBlanks(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (isBlank(c)) i++;
    else if (c === BACKSLASH) {
      // a JSON-escaped tab at any depth (`\t`, `\\t`)
      const k = backslashesAt(text, i);
      if (text.charCodeAt(i + k) !== 0x74) return i;
      i += k + 1;
    } else return i;
  }
}

/** Where a word may start: not inside another word (an escape such as `\n` or `%20` is a boundary). */
export function atWordStart(text: string, i: number): boolean {
  if (i === 0) return true;
  const p = text.charCodeAt(i - 1);
  const alnum = (p >= 0x61 && p <= 0x7a) || (p >= 0x41 && p <= 0x5a) || (p >= 0x30 && p <= 0x39);
  if (!alnum) return true;
  if ((p === 0x6e || p === 0x72 || p === 0x74) && backslashesBefore(text, i - 1) > 0) return true;
  return i >= 3 && text.charCodeAt(i - 3) === 0x25 && isHex(text.charCodeAt(i - 2)) && isHex(p);
}

/** How a line-oriented value starting after `at` ends: JSON-escaped when it opens a JSON string or an escaped line. */
export function lineModeBefore(text: string, at: number): LineMode {
  const p = text.charCodeAt(at - 1);
  if (p === 0x22 || p === 0x27) return 'escaped';
  if ((p === 0x6e || p === 0x72) && backslashesBefore(text, at - 1) % 2 === 1) return 'escaped';
  return 'raw';
}


export function readQuoted(text: string, v: number): Cut | undefined {
  const k = backslashesAt(text, v);
  const q = text.charCodeAt(v + k);
  if ((q === 0x22 || q === 0x27) && (k === 0 || k % 2 === 1)) {
    const r = quotedEnd(text, v + k + 1, q, k);
    return { from: r.close > r.content ? v + k + 1 : v, to: r.content };
  }
  if (k === 0 && startsWithCi(text, v, '%22')) {
    const r = urlQuotedEnd(text, v + 3);
    return { from: r.close > r.content ? v + 3 : v, to: r.content };
  }
  return undefined;
}

export function skipUrlBlanks(text: string, i: number): number {
  while (startsWithCi(text, i, '%20') || startsWithCi(text, i, '%09') || text[i] === '+') i += text[i] === '+' ? 1 : 3;
  return i;
}

/** Delimiters of a bare value, URL-encoded (the same as `tokenEnd`'s, written as %XX). */
const ENCODED_STOPS = new Set(['%20', '%09', '%0d', '%0a', '%26', '%2c', '%3b', '%22', '%27', '%3c', '%3e', '%28', '%29', '%5b', '%5d', '%7b', '%7d', '%5c']);

/** A value in URL-encoded text: up to `&`, whitespace, a quote, an encoded delimiter or the end. */
export function urlTokenEnd(text: string, i: number): number {
  const n = text.length;
  while (i < n && !stopsAt(URL_TOKEN_STOP, text, i) && !(text.charCodeAt(i) === 0x25 && ENCODED_STOPS.has(text.slice(i, i + 3).toLowerCase()))) i++;
  return i;
}
