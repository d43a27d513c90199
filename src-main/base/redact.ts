/**
 * Redaction of secrets (DESIGN.md house rule 3). Every log record passes through here by
 * construction (see logger.ts), so callers cannot forget it; the SIP log viewer and the
 * diagnostics bundle use the same code with their own mask (services/diagnostics/sip-masking.ts).
 *
 * What is removed, in text (`redactText`), every keyword in any casing:
 *  - SDES key material after `inline:` (RFC 4568 §9.1: the lifetime and MKI after `|` stay),
 *    `a=key-mgmt` data (RFC 4567, the protocol id stays) and SDP `k=` lines (RFC 4566 §5.12)
 *  - Authorization / Proxy-Authorization header values through their folded lines (the scheme
 *    stays when it is a known one); with `authorization: 'digest-parameters'` a Digest value keeps
 *    everything but its secrets, which the next rule removes
 *  - the digest parameters `response`, `cnonce`, `rspauth` and `auts` anywhere (RFC 3261 §25,
 *    RFC 2617 §3.2.2/§3.2.3, RFC 3310): quoted, escaped-quoted or bare
 *  - `Bearer <token>` anywhere (RFC 6750 §2.1)
 *  - the password of `user:password@` in sip:/sips:/tel: URIs and in `scheme://` URLs
 *  - PEM private keys (`-----BEGIN … PRIVATE KEY-----` through its END line)
 *  - the value of any field whose name says it is secret (`isSecretFieldName`) written as
 *    `"name":"value"`, `name=value`, `name: value`, `'name': 'value'`, also with `{…}`/`[…]` values
 *  and each of these also when the text is JSON-escaped (once; deeper escaping is masked through
 *  to the end of the enclosing string) or URL-encoded (`%3A`, `%3D`, `%22`, `%2B`/`%2F`/`%3D` in keys).
 *
 * Linear by construction: one scan with a regex of literal alternatives finds the places a secret
 * can start; each is then read by a hand-written scanner that never goes back, and the scan
 * resumes after what was read. The only backward look (to the start of a name, the backslashes
 * before a quote) is bounded or reads characters no other place reads.
 */
export const REDACTED = '[REDACTED]';

export interface RedactOptions {
  /** What replaces a secret (default `[REDACTED]`). */
  readonly mask?: string;
  /**
   * `whole` (default, the logger): an Authorization value is replaced whole but for its scheme.
   * `digest-parameters` (the SIP log IT reads): a Digest value keeps username, realm, nonce, uri,
   * qop, nc and loses only its secret parameters; any other scheme loses its credentials whole.
   */
  readonly authorization?: 'whole' | 'digest-parameters';
}

// ---------------------------------------------------------------------------------------------
// Field names
// ---------------------------------------------------------------------------------------------

/** Anywhere in the name (separators removed): these never name anything harmless. */
const STRONG_WORDS = /pass(?:word|wd|phrase)|secret|token|credential|authori[sz]ation|pkcs12|cookie/;
/** Whole words (camelCase / snake_case / kebab-case / dotted segments, trailing digits ignored). */
const SECRET_SEGMENTS = new Set(['key', 'keys', 'pass', 'pwd', 'pin', 'salt', 'mastersalt', 'psk', 'p12', 'pfx', 'mikey', 'creds', 'cnonce', 'keyparams', 'keymaterial']);
/**
 * Words ending in "key" that are not keys. A segment that merely ends in `key` (masterkey, apikey,
 * privkey, passkey, srtpkey) is a key; these are the English words and the UI term that are not.
 */
const NOT_KEYS = new Set(['monkey', 'donkey', 'turkey', 'hockey', 'jockey', 'whiskey', 'lackey', 'hotkey']);
/** Names secret only as a whole (a `responseTime` is not a digest response). */
const SECRET_NAMES = new Set(['response', 'cnonce', 'rspauth', 'auts', 'inline', 'nonceresponse', 'digestresponse']);
/** Digest parameters whose value is secret wherever `name=value` appears. */
const DIGEST_SECRETS = new Set(['response', 'cnonce', 'rspauth', 'auts']);

function segmentsOf(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((s) => s !== '');
}

/**
 * True when a field of this name must never be logged. The issue asks for any name containing
 * password, secret or key; a plain substring match on `key` would also hide `monkey` or `keyframe`,
 * so `key` (like the other short words: pass, pwd, pin, salt) counts as a word of the name: a
 * camelCase, snake_case, kebab-case or dotted segment (`privateKey`, `PRIVATE_KEY`, `sip.key`,
 * `key2`) or the end of one (`masterkey`, `apikey`). The long words (password, passwd, passphrase,
 * secret, token, credential, authorization, pkcs12, cookie) count anywhere (`sippassword`,
 * `pkcs12Password`, `apiSecret`, `accessToken`). So `keepAlive`, `keyframe`, `keyboard`, `monkey`
 * and `hotkey` are logged; `publicKey`, `keyId` and `tokenOk` are not (their values, that is:
 * booleans always are, see `redactValue`).
 */
export function isSecretFieldName(name: string): boolean {
  const known = nameMemo.get(name);
  if (known !== undefined) return known;
  const secret = judgeName(name);
  if (nameMemo.size >= NAME_MEMO_LIMIT) nameMemo.clear();
  nameMemo.set(name, secret);
  return secret;
}

/** Field names repeat (every record of a kind has the same ones): judged once each, in a bounded memo. */
const nameMemo = new Map<string, boolean>();
const NAME_MEMO_LIMIT = 4096;

function judgeName(name: string): boolean {
  const segments = segmentsOf(name);
  const joined = segments.join('');
  if (SECRET_NAMES.has(joined) || STRONG_WORDS.test(joined)) return true;
  // `PrivateKEY`, `privatekey`: a name in odd casing still ends in the word.
  const last = joined.endsWith('keys') ? joined.slice(0, -1) : joined;
  if (last.endsWith('key') && !NOT_KEYS.has(last) && !NOT_KEYS.has(segments[segments.length - 1] ?? '')) return true;
  for (const raw of segments) {
    const s = raw.replace(/\d+$/, '');
    if (SECRET_SEGMENTS.has(raw) || SECRET_SEGMENTS.has(s)) return true;
    const singular = s.endsWith('keys') ? s.slice(0, -1) : s;
    if (singular.endsWith('key') && !NOT_KEYS.has(singular)) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Scanners: each reads forward from an index and returns where the thing it reads ends.
// ---------------------------------------------------------------------------------------------

const BACKSLASH = 0x5c;
const isIdentCode = (c: number): boolean =>
  (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x5f || c === 0x24 || c === 0x2e || c === 0x2d;
const isHex = (c: number): boolean => (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);
const isLineBreak = (c: number): boolean => c === 0x0a || c === 0x0d;
const isBlank = (c: number): boolean => c === 0x20 || c === 0x09;
const IDENT_LIMIT = 128;

/** Number of backslashes right before index `i`. */
function backslashesBefore(text: string, i: number): number {
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

function startsWithCi(text: string, at: number, lower: string): boolean {
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
function stopsAt(set: Uint8Array, text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c < 128 ? set[c] === 1 : /\s/.test(text[i]!);
}
const TOKEN_STOP = charSet(' \t\r\n\f\v&,;"\'<>()[]{}\\');
const SCALAR_STOP = charSet(' \t\r\n\f\v,}]\\"');
// `'` is an RFC 3261 unreserved mark: it may be part of a password.
const URI_STOP = charSet(' \t\r\n\f\v/<>";\\');
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

type LineMode = 'raw' | 'escaped' | 'url';

/**
 * End of a line-oriented value starting at `i`. `raw`: the next real CR/LF. `escaped` (inside a
 * JSON string): also an escaped `\r`/`\n` or the unescaped `"` closing the string. `url`: `%0D`,
 * `%0A`, `&` or whitespace. With `folds`, a break followed by SP/HTAB continues the value
 * (RFC 3261 §7.3.1 header folding).
 */
function lineEnd(text: string, i: number, mode: LineMode, folds: boolean): number {
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
function bracketEnd(text: string, i: number, run: number): number {
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
function keyRunEnd(text: string, i: number, dots = false): number {
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
function tokenEnd(text: string, i: number): number {
  const n = text.length;
  while (i < n && !stopsAt(TOKEN_STOP, text, i)) i++;
  return i;
}

/** A bare JSON/JS scalar after `"name":` (number, true, null, an unquoted word). */
function scalarEnd(text: string, i: number): number {
  const n = text.length;
  while (i < n && !stopsAt(SCALAR_STOP, text, i)) i++;
  return i;
}

/** Whitespace and folding, raw or JSON-escaped (`\r`, `\n`, `\t`). */
function skipLws(text: string, i: number): number {
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

function skipBlanks(text: string, i: number): number {
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
function atWordStart(text: string, i: number): boolean {
  if (i === 0) return true;
  const p = text.charCodeAt(i - 1);
  const alnum = (p >= 0x61 && p <= 0x7a) || (p >= 0x41 && p <= 0x5a) || (p >= 0x30 && p <= 0x39);
  if (!alnum) return true;
  if ((p === 0x6e || p === 0x72 || p === 0x74) && backslashesBefore(text, i - 1) > 0) return true;
  return i >= 3 && text.charCodeAt(i - 3) === 0x25 && isHex(text.charCodeAt(i - 2)) && isHex(p);
}

/** How a line-oriented value starting after `at` ends: JSON-escaped when it opens a JSON string or an escaped line. */
function lineModeBefore(text: string, at: number): LineMode {
  const p = text.charCodeAt(at - 1);
  if (p === 0x22 || p === 0x27) return 'escaped';
  if ((p === 0x6e || p === 0x72) && backslashesBefore(text, at - 1) % 2 === 1) return 'escaped';
  return 'raw';
}

// ---------------------------------------------------------------------------------------------
// The scan
// ---------------------------------------------------------------------------------------------

/**
 * Where a secret can start. Literal alternatives only (no nested quantifier, nothing to backtrack);
 * the hit is then read by the scanners above. (A lookbehind or `^` here would make every position
 * cost several times more: `k=` is checked for a line start in code.)
 */
const TRIGGER =
  /-----begin(?: |%20)|bearer|sips?(?::|%3a)|tel(?::|%3a)|:\/\/|%3a%2f%2f|k(?:=|%3d)|pass|secret|token|credential|key|pwd|pin|salt|psk|p12|pfx|authori[sz]ation|pkcs12|cookie|creds|response|cnonce|rspauth|auts|inline/gi;
const PEM_END = /-----end(?: |%20)[^\r\n-]{0,80}-----/gi;
const SCHEME = /[A-Za-z][A-Za-z0-9._-]{0,31}/y;
/** Authorization schemes kept in front of the mask (RFC 7235 registry and SIP practice). */
const KNOWN_SCHEMES = new Set(['digest', 'basic', 'bearer', 'negotiate', 'ntlm', 'hoba', 'mutual', 'scram-sha-1', 'scram-sha-256', 'vapid', 'aws4-hmac-sha256', 'oauth', 'token', 'dpop', 'gnap', 'privatetoken', 'concealed']);

interface Cut {
  readonly from: number;
  readonly to: number;
}

class Scan {
  private readonly parts: string[] = [];
  private copied = 0;
  constructor(
    private readonly text: string,
    private readonly mask: string,
  ) {}

  /** Replaces [from, to) by the mask (after `prefix`, which then replaces text before the secret). */
  cut(from: number, to: number, prefix = '', prefixFrom = from): void {
    if (to <= from || prefixFrom < this.copied) return;
    this.parts.push(this.text.slice(this.copied, prefixFrom), prefix, this.mask);
    this.copied = to;
  }

  result(): string {
    if (this.copied === 0) return this.text;
    this.parts.push(this.text.slice(this.copied));
    return this.parts.join('');
  }
}

/** Returns `text` with every known kind of secret replaced by the mask (`[REDACTED]` by default). */
export function redactText(text: string, options: RedactOptions = {}): string {
  const mask = options.mask ?? REDACTED;
  const digestParameters = options.authorization === 'digest-parameters';
  const scan = new Scan(text, mask);
  // The shared regex is safe to reuse: nothing inside the loop calls back into redactText.
  const re = TRIGGER;
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    const hit = m[0].toLowerCase();
    const start = m.index;
    const end = start + m[0].length;
    let resume: number;
    if (hit.startsWith('-----')) resume = pem(text, end, scan);
    else if (hit === 'bearer') resume = bearer(text, start, end, scan);
    else if (hit.startsWith('sip') || hit.startsWith('tel') || hit.endsWith('//') || hit.endsWith('%2f')) resume = userinfo(text, end, scan);
    else if (hit.startsWith('k') && hit.length > 1 && (hit[1] === '=' || hit[1] === '%')) {
      resume = end;
      if (atLineStart(text, start)) {
        resume = lineEnd(text, end, lineModeBefore(text, start), false);
        scan.cut(end, resume);
      }
    } else resume = field(text, start, end, scan, digestParameters);
    re.lastIndex = Math.max(resume, end);
  }
  return scan.result();
}

/** `k=` counts at the start of a line, of a JSON string, or after an escaped or URL-encoded line break. */
function atLineStart(text: string, i: number): boolean {
  if (i === 0) return true;
  const p = text.charCodeAt(i - 1);
  if (isLineBreak(p) || p === 0x22 || p === 0x27 || p === 0x60) return true;
  // `\n` in a JSON string, `\\n` two levels deep: an escaped line break at any depth.
  if ((p === 0x6e || p === 0x72) && backslashesBefore(text, i - 1) > 0) return true;
  return i >= 3 && (startsWithCi(text, i - 3, '%0a') || startsWithCi(text, i - 3, '%0d'));
}

function pem(text: string, labelStart: number, scan: Scan): number {
  const near = text.slice(labelStart, labelStart + 86).indexOf('-----');
  const close = labelStart + near;
  if (near < 0 || !/private(?: |%20)key/i.test(text.slice(labelStart, close))) return labelStart;
  const bodyStart = close + 5;
  const endRe = PEM_END;
  endRe.lastIndex = bodyStart;
  const e = endRe.exec(text);
  const bodyEnd = e === null ? text.length : e.index;
  scan.cut(bodyStart, bodyEnd);
  return e === null ? text.length : e.index + e[0].length;
}

function bearer(text: string, start: number, end: number, scan: Scan): number {
  if (!atWordStart(text, start)) return end;
  const i = skipUrlBlanks(text, skipBlanks(text, end));
  if (i === end) return end;
  const stop = keyRunEnd(text, i, true);
  scan.cut(i, stop);
  return stop;
}

/** `user:password@` after a URI scheme: the password (at most 256 characters each, so bounded). */
function userinfo(text: string, i: number, scan: Scan): number {
  const at = (j: number, ch: string, enc: string): number => (text[j] === ch ? 1 : startsWithCi(text, j, enc) ? 3 : 0);
  let u = i;
  const userLimit = Math.min(text.length, i + 256);
  while (u < userLimit && at(u, ':', '%3a') === 0 && at(u, '@', '%40') === 0 && !stopsAt(URI_STOP, text, u)) u++;
  const colon = at(u, ':', '%3a');
  if (colon === 0) return i;
  const passStart = u + colon;
  const passLimit = Math.min(text.length, passStart + 256);
  // A raw `@` ends the password; `%40` does only where no raw one follows (URL-encoded text),
  // since inside a raw URI `%40` is an escaped `@` within the password.
  let p = passStart;
  let encodedAt = -1;
  while (p < passLimit && text[p] !== '@' && at(p, ':', '%3a') === 0 && !stopsAt(URI_STOP, text, p)) {
    if (encodedAt < 0 && startsWithCi(text, p, '%40')) encodedAt = p;
    p++;
  }
  if (text[p] !== '@') {
    if (encodedAt < 0) return i;
    p = encodedAt;
  }
  scan.cut(passStart, p);
  return p;
}

/** A trigger word inside a name: find the name, its quotes and separator, then read its value. */
function field(text: string, start: number, end: number, scan: Scan, digestParameters: boolean): number {
  let a = start;
  while (a > 0 && start - a < IDENT_LIMIT && isIdentCode(text.charCodeAt(a - 1))) {
    // `\r\nAuthorization` inside a JSON string: the name starts after the escape, not at its `n`.
    const c = text.charCodeAt(a - 1);
    if ((c === 0x6e || c === 0x72 || c === 0x74) && backslashesBefore(text, a - 1) % 2 === 1) break;
    a--;
  }
  let b = end;
  while (b < text.length && b - end < IDENT_LIMIT && isIdentCode(text.charCodeAt(b))) b++;
  if (start - a >= IDENT_LIMIT || b - end >= IDENT_LIMIT) return b;
  // `%3Dkey` (URL-encoded text): the name starts after the escape.
  if (a >= 1 && a + 2 <= start && text.charCodeAt(a - 1) === 0x25 && isHex(text.charCodeAt(a)) && isHex(text.charCodeAt(a + 1))) a += 2;
  while (b > end && (text.charCodeAt(b - 1) === 0x2e || text.charCodeAt(b - 1) === 0x2d)) b--;
  const name = text.slice(a, b);
  const lower = name.toLowerCase();

  // Quotes around the name: `"name"`, `\"name\"`, `'name'`, `%22name%22`.
  let p = b;
  let quoted = false;
  let run = 0;
  const q = text.charCodeAt(a - 1);
  if (q === 0x22 || q === 0x27) {
    run = backslashesBefore(text, a - 1);
    const closing = `${'\\'.repeat(run)}${text[a - 1]!}`;
    if (text.startsWith(closing, p)) {
      quoted = true;
      p += closing.length;
    }
  } else if (a >= 3 && startsWithCi(text, a - 3, '%22') && startsWithCi(text, p, '%22')) {
    quoted = true;
    p += 3;
  }
  const gap = p;
  p = skipUrlBlanks(text, skipBlanks(text, p));
  let sep: ':' | '=' | undefined;
  let url = false;
  if (text[p] === ':' && text[p + 1] !== ':') sep = ':';
  else if (text[p] === '=') sep = '=';
  else if (startsWithCi(text, p, '%3a') || startsWithCi(text, p, '%3d')) {
    sep = text[p + 2] === 'a' || text[p + 2] === 'A' ? ':' : '=';
    url = true;
  }
  if (sep === undefined) return b;
  const afterSep = p + (url ? 3 : 1);

  // SDES key: `inline:KEY|lifetime|MKI:len` — only the key goes; the keyword is written in its
  // canonical lower case (RFC 4568 §9.1 reads it in any casing).
  if (lower === 'inline' && sep === ':' && !quoted && gap === p) {
    const stop = keyRunEnd(text, afterSep);
    scan.cut(afterSep, stop, `inline${text.slice(b, afterSep)}`, a);
    return stop;
  }
  // MIKEY and friends: `a=key-mgmt:<prot-id> <data>` — the protocol id stays.
  if (lower === 'key-mgmt' && sep === ':' && !quoted) {
    let i = skipBlanks(text, afterSep);
    while (i < text.length && /[A-Za-z0-9._-]/.test(text[i]!)) i++;
    const dataStart = startsWithCi(text, i, '%20') ? i + 3 : skipBlanks(text, i);
    if (dataStart === i) return i;
    const stop = keyRunEnd(text, dataStart);
    scan.cut(dataStart, stop);
    return stop;
  }
  // Authorization / Proxy-Authorization header (also X-Authorization and the like).
  if ((lower.endsWith('authorization') || lower.endsWith('authorisation')) && sep === ':' && !quoted) {
    const mode: LineMode = url ? 'url' : lineModeBefore(text, a);
    const valueStart = url ? skipUrlBlanks(text, afterSep) : skipBlanks(text, afterSep);
    const stop = lineEnd(text, valueStart, mode, true);
    if (stop <= valueStart) return stop;
    SCHEME.lastIndex = valueStart;
    const s = SCHEME.exec(text);
    const scheme = s === null ? '' : s[0].toLowerCase();
    const schemeEnd = valueStart + scheme.length;
    const spaced = isBlank(text.charCodeAt(schemeEnd)) || startsWithCi(text, schemeEnd, '%20');
    if (KNOWN_SCHEMES.has(scheme) && (spaced || schemeEnd >= stop)) {
      // Digest with digest-parameters: the parameters are read on, and the secret ones cut.
      if (digestParameters && scheme === 'digest') return schemeEnd;
      const credentials = startsWithCi(text, schemeEnd, '%20') ? schemeEnd + 3 : skipBlanks(text, schemeEnd);
      scan.cut(credentials, stop);
    } else {
      scan.cut(valueStart, stop);
    }
    return stop;
  }
  // Digest secrets as `name=value` (LWS allowed around `=`).
  if (DIGEST_SECRETS.has(lower) && sep === '=') {
    let v = afterSep;
    for (let before = -1; before !== v; ) {
      before = v;
      v = skipUrlBlanks(text, skipLws(text, v));
    }
    const quotedValue = readQuoted(text, v);
    if (quotedValue !== undefined) {
      scan.cut(quotedValue.from, quotedValue.to);
      return quotedValue.to;
    }
    const stop = url ? urlTokenEnd(text, v) : tokenEnd(text, v);
    // A bare status code (`response=404`) is not a digest.
    if (!/^\d{1,3}$/.test(text.slice(v, stop))) scan.cut(v, stop);
    return stop;
  }
  // `response: 200 OK` in prose is not a digest response.
  if (DIGEST_SECRETS.has(lower) && !quoted) return b;
  if (!isSecretFieldName(name)) return b;

  const v = url ? skipUrlBlanks(text, afterSep) : skipBlanks(text, afterSep);
  // Prose and YAML (`password: …`, an unquoted name before `:`): the rest of the line, whatever
  // it starts with, for `password: '' hunter2` has no syntax to trust.
  const prose = sep === ':' && !quoted;
  const quotedValue = readQuoted(text, v);
  if (quotedValue !== undefined) {
    const to = prose ? Math.max(quotedValue.to, lineEnd(text, v, url ? 'url' : lineModeBefore(text, a), false)) : quotedValue.to;
    scan.cut(prose ? v : quotedValue.from, to);
    return to;
  }
  const c = text.charCodeAt(v);
  if (c === 0x7b || c === 0x5b) {
    // JSON (`"name": {…}`): the bracketed value. Prose or JS (`name: [a] b`): at least the line.
    // A bracket that never closes (a truncated record) is masked to the end of the text: it may
    // span lines, and stopping short would have the next hit scan it again (quadratic).
    const closed = bracketEnd(text, v, quoted ? run : 0);
    const stop = closed < 0 ? text.length : prose ? Math.max(closed, lineEnd(text, v, url ? 'url' : lineModeBefore(text, a), false)) : closed;
    scan.cut(v, stop);
    return stop;
  }
  let stop: number;
  if (url) stop = prose ? lineEnd(text, v, 'url', false) : urlTokenEnd(text, v);
  else if (sep === '=') stop = tokenEnd(text, v);
  else if (quoted) stop = scalarEnd(text, v);
  else stop = lineEnd(text, v, lineModeBefore(text, a), false);
  const value = text.slice(v, stop).trim();
  if (value !== '' && !/^(?:true|false|null|undefined)$/.test(value)) scan.cut(v, stop);
  return stop;
}

/**
 * A value opening with a quote (any escape level) or `%22`: the content's extent. When the quote
 * never closes it was no delimiter but part of the value, and is masked with it.
 */
function readQuoted(text: string, v: number): Cut | undefined {
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

function skipUrlBlanks(text: string, i: number): number {
  while (startsWithCi(text, i, '%20') || startsWithCi(text, i, '%09') || text[i] === '+') i += text[i] === '+' ? 1 : 3;
  return i;
}

/** Delimiters of a bare value, URL-encoded (the same as `tokenEnd`'s, written as %XX). */
const ENCODED_STOPS = new Set(['%20', '%09', '%0d', '%0a', '%26', '%2c', '%3b', '%22', '%27', '%3c', '%3e', '%28', '%29', '%5b', '%5d', '%7b', '%7d', '%5c']);

/** A value in URL-encoded text: up to `&`, whitespace, a quote, an encoded delimiter or the end. */
function urlTokenEnd(text: string, i: number): number {
  const n = text.length;
  while (i < n && !stopsAt(URL_TOKEN_STOP, text, i) && !(text.charCodeAt(i) === 0x25 && ENCODED_STOPS.has(text.slice(i, i + 3).toLowerCase()))) i++;
  return i;
}

// ---------------------------------------------------------------------------------------------
// Structured values
// ---------------------------------------------------------------------------------------------

const MAX_DEPTH = 8;

/**
 * Deep-copies a value for logging with secrets removed: secret-named fields (`isSecretFieldName`)
 * become the mask unless empty or boolean (a flag such as `tokenOk` says nothing secret), strings
 * and keys pass through `redactText`, bytes (Buffer, typed arrays, ArrayBuffer) are summarised by
 * length (raw bytes may be keys), Errors keep name, message, code and cause, Maps become objects
 * and Sets arrays under the same rules. Cycles and depth are bounded.
 */
export function redactValue(value: unknown, options: RedactOptions = {}): unknown {
  return redactAt(value, options, 0, new WeakSet());
}

function redactAt(value: unknown, options: RedactOptions, depth: number, seen: WeakSet<object>): unknown {
  const mask = options.mask ?? REDACTED;
  if (value === null || value === undefined) return value;
  if (typeof value === 'string') return redactText(value, options);
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return `<${value.byteLength} bytes>`;
  if (typeof value !== 'object') return undefined;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (value instanceof URL) return redactText(value.href, options);
  if (depth > MAX_DEPTH) return '<depth limit>';
  if (seen.has(value)) return '<cycle>';
  seen.add(value);
  const entry = (k: string, v: unknown): unknown =>
    isSecretFieldName(k) && v !== undefined && v !== null && v !== '' && typeof v !== 'boolean' ? mask : redactAt(v, options, depth + 1, seen);
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return {
      name: redactText(value.name, options),
      message: redactText(value.message, options),
      ...(typeof code === 'string' ? { code: redactText(code, options) } : {}),
      ...(value.cause !== undefined ? { cause: redactAt(value.cause, options, depth + 1, seen) } : {}),
    };
  }
  if (Array.isArray(value)) return value.map((v) => redactAt(v, options, depth + 1, seen));
  if (value instanceof Set) return [...value].map((v) => redactAt(v, options, depth + 1, seen));
  const out: Record<string, unknown> = {};
  const entries: Iterable<[unknown, unknown]> = value instanceof Map ? value.entries() : Object.entries(value);
  for (const [k, v] of entries) {
    const key = typeof k === 'string' ? k : typeof k === 'number' || typeof k === 'bigint' || typeof k === 'boolean' ? String(k) : `<${typeof k}>`;
    out[redactText(key, options)] = entry(key, v);
  }
  return out;
}
