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
 *  and each of these also when the text is JSON-escaped (a JSON string in a log line; two levels
 *  deep the value is masked through the end of the enclosing string) or URL-encoded (`%3A`, `%3D`,
 *  `%22`, `%0D%0A`, `%2B`/`%2F`/`%3D` in keys). Field names: secret-field-names.ts; the readers:
 *  text-scanners.ts.
 *
 * Linear by construction: one scan with a regex of literal alternatives finds the places a secret
 * can start; each is then read by a hand-written scanner that never goes back, and the scan
 * resumes after what was read. The only backward look (to the start of a name, the backslashes
 * before a quote) is bounded or reads characters no other place reads.
 */
import {
  isIdentCode,
  isHex,
  isLineBreak,
  isBlank,
  IDENT_LIMIT,
  backslashesBefore,
  startsWithCi,
  stopsAt,
  URI_STOP,
  lineEnd,
  bracketEnd,
  keyRunEnd,
  tokenEnd,
  scalarEnd,
  skipLws,
  skipBlanks,
  atWordStart,
  lineModeBefore,
  readQuoted,
  skipUrlBlanks,
  urlTokenEnd,
  type LineMode,
} from './text-scanners.js';
import { DIGEST_SECRETS, isSecretFieldName } from './secret-field-names.js';

export { isSecretFieldName };

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
// The scan
// ---------------------------------------------------------------------------------------------

/**
 * Where a secret can start. Literal alternatives only (no nested quantifier, nothing to backtrack);
 * the hit is then read by the scanners of text-scanners.ts. (A lookbehind or `^` here would make every position
 * cost several times more: `k=` is checked for a line start in code.)
 */
const TRIGGER =
  /-----begin(?: |%20)|bearer|sips?(?::|%3a)|tel(?::|%3a)|:\/\/|%3a%2f%2f|k(?:=|%3d)|pass|secret|token|credential|key|pwd|pin|salt|psk|p12|pfx|authori[sz]ation|pkcs12|cookie|creds|response|cnonce|rspauth|auts|inline/gi;
const PEM_END = /-----end(?: |%20)[^\r\n-]{0,80}-----/gi;
const SCHEME = /[A-Za-z][A-Za-z0-9._-]{0,31}/y;
/** Authorization schemes kept in front of the mask (RFC 7235 registry and SIP practice). */
const KNOWN_SCHEMES = new Set(['digest', 'basic', 'bearer', 'negotiate', 'ntlm', 'hoba', 'mutual', 'scram-sha-1', 'scram-sha-256', 'vapid', 'aws4-hmac-sha256', 'oauth', 'token', 'dpop', 'gnap', 'privatetoken', 'concealed']);

class Scan {
  private readonly parts: string[] = [];
  private copied = 0;
  constructor(
    private readonly text: string,
    private readonly mask: string,
  ) {}

  /** Replaces [from, to) by the mask (after `prefix`, which then replaces text before the secret). */
  cut(from: number, to: number, prefix = '', prefixFrom = from, quote = ''): void {
    if (to <= from || to <= this.copied) return;
    if (prefixFrom < this.copied) {
      // Overlapping an earlier cut (cannot happen as the scan resumes after each): mask the rest.
      prefix = '';
      prefixFrom = Math.max(from, this.copied);
    }
    this.parts.push(this.text.slice(this.copied, prefixFrom), prefix, quote, this.mask, quote);
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
  // A JSON member (`"name": {…}`, `"name": 123`, also JSON-escaped): the mask goes in quotes of
  // the name's own escape level, so the document stays JSON (a diagnostics bundle file is parsed).
  const jsonQuote = quoted && sep === ':' && !url && text[a - 1] === '"' ? `${'\\'.repeat(run)}"` : '';
  const c = text.charCodeAt(v);
  if (c === 0x7b || c === 0x5b) {
    // JSON (`"name": {…}`): the bracketed value. Prose or JS (`name: [a] b`): at least the line.
    // A bracket that never closes (a truncated record) is masked to the end of the text: it may
    // span lines, and stopping short would have the next hit scan it again (quadratic).
    const closed = bracketEnd(text, v, quoted ? run : 0);
    const stop = closed < 0 ? text.length : prose ? Math.max(closed, lineEnd(text, v, url ? 'url' : lineModeBefore(text, a), false)) : closed;
    scan.cut(v, stop, '', v, closed < 0 ? '' : jsonQuote);
    return stop;
  }
  let stop: number;
  if (url) stop = prose ? lineEnd(text, v, 'url', false) : urlTokenEnd(text, v);
  else if (sep === '=') stop = tokenEnd(text, v);
  else if (quoted) stop = scalarEnd(text, v);
  else stop = lineEnd(text, v, lineModeBefore(text, a), false);
  const value = text.slice(v, stop).trim();
  if (value !== '' && !/^(?:true|false|null|undefined)$/.test(value)) scan.cut(v, stop, '', v, jsonQuote);
  return stop;
}

/**
 * A value opening with a quote (any escape level) or `%22`: the content's extent. When the quote
 * never closes it was no delimiter but part of the value, and is masked with it.
 */
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
