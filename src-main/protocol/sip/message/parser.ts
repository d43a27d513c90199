/**
 * Message parsing (RFC 3261 §7, §18.3, §25): bytes in, a SipMessage or a typed SipParseError out.
 * Nothing here throws on input.
 *
 * Framing follows datagram rules (RFC 3261 §18.3): a Content-Length shorter than what follows ends
 * the message there (trailing octets are ignored, RFC 4475 §3.1.1.8); a longer one is an error
 * (§3.1.2.2); without Content-Length the body is the rest (RFC 2543 compatibility, RFC 4475 §3.4.1).
 * Stream transports hand over exactly one message cut by SipStreamFramer, so the same rules apply.
 * CRLFs before the start line are skipped (RFC 3261 §7.5).
 *
 * DEVIATION(RFC 3261 §7): bare LF line ends are accepted as well as CRLF, as most deployed stacks do.
 * DEVIATION(RFC 3261 §8.1.1): Max-Forwards is not required (RFC 2543 peers, RFC 4475 §3.4.1).
 */
import { err, ok, type Result } from '../../../base/result.js';
import { asBuffer } from './byte-string.js';
import { TOKEN, isWsp } from './char-classes.js';
import { canonicalHeaderName, headerKey } from './header-names.js';
import { H, HEADER_KINDS, HeaderFailure, type HeaderKind } from './header-kinds.js';
import { SipHeaders } from './headers.js';
import type { SipMessage } from './message.js';
import { sipParseError, type SipParseError } from './sip-parse-error.js';
import { parseStartLine } from './start-line.js';

/** Parses one message (a UDP datagram, or one message cut from a stream by SipStreamFramer). */
export function parseMessage(bytes: Uint8Array): Result<SipMessage, SipParseError> {
  const r = parseCore(bytes, null);
  return r.message !== undefined ? ok(r.message) : err(r.errors[0]!);
}

export interface MessageCheck {
  readonly kind: 'request' | 'response' | undefined;
  readonly method: string | undefined;
  readonly status: number | undefined;
  /** Present when there is no error. */
  readonly message: SipMessage | undefined;
  /** Every problem found (parsing continues past the first), in order; empty when valid. */
  readonly errors: readonly SipParseError[];
}

/** Like parseMessage, but reports every problem it can find (diagnostics, `softphone sip-check`). */
export function checkMessage(bytes: Uint8Array): MessageCheck {
  const errors: SipParseError[] = [];
  const r = parseCore(bytes, errors);
  if (r.headers !== undefined) {
    // Lazy kinds too: diagnostics want to hear about a malformed Warning or WWW-Authenticate.
    for (const kind of HEADER_KINDS.values()) {
      if (kind.eager) continue;
      const problem = r.headers.problem(kind);
      if (problem !== undefined) errors.push(headerError(kind.key, problem));
    }
  }
  return { kind: r.kind, method: r.method, status: r.status, message: errors.length === 0 ? r.message : undefined, errors };
}

interface CoreResult {
  message: SipMessage | undefined;
  errors: SipParseError[];
  kind: 'request' | 'response' | undefined;
  method: string | undefined;
  status: number | undefined;
  headers: SipHeaders | undefined;
}

const MANDATORY: readonly HeaderKind<unknown>[] = [H.via, H.from, H.to, H.callId, H.cseq];
/** Checked in this order, so the first error names the most important header. */
const EAGER_KINDS: readonly HeaderKind<unknown>[] = [...HEADER_KINDS.values()].filter((k) => k.eager);

const keyCache = new Map<string, string>();

function keyOf(name: string): string {
  let k = keyCache.get(name);
  if (k === undefined) {
    k = headerKey(name);
    if (keyCache.size < 512) keyCache.set(name, k);
  }
  return k;
}

/**
 * `collect` null: stop at the first error (fast path). An array: keep going and push every error.
 */
function parseCore(bytes: Uint8Array, collect: SipParseError[] | null): CoreResult {
  const buf = asBuffer(bytes);
  const errors: SipParseError[] = collect ?? [];
  const res: CoreResult = { message: undefined, errors, kind: undefined, method: undefined, status: undefined, headers: undefined };
  const len = buf.length;
  let start = 0;
  while (start < len && (buf[start] === 0x0d || buf[start] === 0x0a)) start++;
  if (start >= len) {
    errors.push(sipParseError('empty', 'Empty Message', len === 0 ? 'no bytes' : 'only CRLF (keep-alive)'));
    return res;
  }
  // The header section ends at the first empty line: "\n\r\n" or "\n\n".
  let headEnd: number;
  let bodyStart: number;
  const a = buf.indexOf('\n\r\n', start, 'latin1');
  const b = buf.indexOf('\n\n', start, 'latin1');
  let unterminated = false;
  if (a >= 0 && (b < 0 || a < b)) {
    headEnd = a;
    bodyStart = a + 3;
  } else if (b >= 0) {
    headEnd = b;
    bodyStart = b + 2;
  } else {
    unterminated = true;
    headEnd = len;
    bodyStart = len;
  }
  const s = buf.toString('latin1', start, headEnd);
  const n = s.length;
  let nl = s.indexOf('\n');
  if (nl < 0) nl = n;
  const firstLine = s.slice(0, nl > 0 && s.charCodeAt(nl - 1) === 0x0d ? nl - 1 : nl);
  const sl = parseStartLine(firstLine);
  res.kind = sl.kind;
  res.method = sl.method;
  res.status = sl.status;
  if (sl.error !== undefined) {
    errors.push(sl.error);
    if (collect === null) return res;
  }

  const names: string[] = [];
  const keys: string[] = [];
  const values: string[] = [];
  let eagerSeen = false;
  let i = nl + 1;
  while (i < n) {
    let e = s.indexOf('\n', i);
    if (e < 0) e = n;
    let lineEnd = e > i && s.charCodeAt(e - 1) === 0x0d ? e - 1 : e;
    const colon = s.indexOf(':', i);
    let nameEnd = colon;
    while (nameEnd > i && isWsp(s.charCodeAt(nameEnd - 1))) nameEnd--;
    if (colon < 0 || colon > lineEnd || nameEnd === i || !isTokenRange(s, i, nameEnd)) {
      errors.push(sipParseError('bad-header-line', 'Malformed Header Line', `header line without a name and colon: "${s.slice(i, Math.min(lineEnd, i + 40))}"`));
      if (collect === null) return res;
      i = skipContinuations(s, e);
      continue;
    }
    let vs = colon + 1;
    while (vs < lineEnd && isWsp(s.charCodeAt(vs))) vs++;
    let value: string;
    if (e + 1 < n && isWsp(s.charCodeAt(e + 1))) {
      // Folded value (LWS across lines): each fold becomes one SP.
      value = trimEnd(s, vs, lineEnd);
      while (e + 1 < n && isWsp(s.charCodeAt(e + 1))) {
        const ls = e + 1;
        e = s.indexOf('\n', ls);
        if (e < 0) e = n;
        lineEnd = e > ls && s.charCodeAt(e - 1) === 0x0d ? e - 1 : e;
        const part = s.slice(ls, lineEnd).trim();
        if (part !== '') value = value === '' ? part : `${value} ${part}`;
      }
    } else {
      value = trimEnd(s, vs, lineEnd);
    }
    if (value.indexOf('\r') >= 0) {
      errors.push(sipParseError('bad-header-line', 'Malformed Header Line', 'bare CR inside a header line'));
      if (collect === null) return res;
      i = e + 1;
      continue;
    }
    const name = s.slice(i, nameEnd);
    const key = keyOf(name);
    names.push(name);
    keys.push(key);
    values.push(value);
    if (!eagerSeen && HEADER_KINDS.get(key)?.eager === true) eagerSeen = true;
    i = e + 1;
  }
  const headers = SipHeaders.adopt(names, keys, values);
  res.headers = headers;

  if (eagerSeen) {
    for (const kind of EAGER_KINDS) {
      const key = kind.key;
      const count = kind.single ? headers.count(key) : headers.has(key) ? 1 : 0;
      if (count === 0) continue;
      if (count > 1) {
        errors.push(
          key === 'content-length'
            ? sipParseError('bad-content-length', 'Conflicting Content-Length Headers', 'more than one Content-Length', 'Content-Length')
            : sipParseError('duplicate-header', `Multiple ${canonicalHeaderName(key)} Headers`, `${canonicalHeaderName(key)} appears more than once`, canonicalHeaderName(key)),
        );
        if (collect === null) return res;
        continue;
      }
      const r = headers.parseCached(kind);
      if (r instanceof HeaderFailure) {
        errors.push(headerError(key, r.message));
        if (collect === null) return res;
      }
    }
  }
  if (unterminated) {
    errors.push(sipParseError('unterminated-headers', 'Missing Empty Line After Headers', 'no empty line ends the header section'));
    if (collect === null) return res;
  }
  for (const kind of MANDATORY) {
    if (!headers.has(kind.key)) {
      const name = canonicalHeaderName(kind.key);
      errors.push(sipParseError('missing-header', `Missing ${name} Header`, `mandatory header ${name} is missing`, name));
      if (collect === null) return res;
    }
  }
  const line = sl.line;
  if (line?.kind === 'request') {
    const cseq = headers.cseq();
    if (cseq !== undefined && cseq.method !== line.method) {
      errors.push(sipParseError('cseq-method-mismatch', 'CSeq Method Does Not Match Request Method', `CSeq method ${cseq.method} differs from ${line.method}`, 'CSeq'));
      if (collect === null) return res;
    }
  }
  let bodyEnd = len;
  const cl = headers.contentLength();
  if (cl !== undefined) {
    if (bodyStart + cl > len) {
      errors.push(sipParseError('truncated-body', 'Content-Length Exceeds Message Size', `Content-Length ${cl} but ${len - bodyStart} octets follow`, 'Content-Length'));
      if (collect === null) return res;
    } else bodyEnd = bodyStart + cl;
  }
  if (errors.length > 0 || line === undefined) return res;
  const body = buf.subarray(bodyStart, bodyEnd);
  res.message =
    line.kind === 'request'
      ? { kind: 'request', method: line.method, uri: line.uri, headers, body }
      : { kind: 'response', status: line.status, reason: line.reason, headers, body };
  return res;
}

function headerError(key: string, problem: string): SipParseError {
  const name = canonicalHeaderName(key);
  if (key === 'content-length') return sipParseError('bad-content-length', 'Invalid Content-Length', problem, name);
  return sipParseError('bad-header-value', `Malformed ${name} Header`, `${name}: ${problem}`, name);
}

function isTokenRange(s: string, a: number, b: number): boolean {
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if (c > 255 || TOKEN[c] !== 1) return false;
  }
  return true;
}

function trimEnd(s: string, a: number, b: number): string {
  while (b > a && isWsp(s.charCodeAt(b - 1))) b--;
  return a === b ? '' : s.slice(a, b);
}

/** Index after the line ending at `e` and its folded continuation lines. */
function skipContinuations(s: string, e: number): number {
  let p = e + 1;
  while (p < s.length && isWsp(s.charCodeAt(p))) {
    const next = s.indexOf('\n', p);
    p = next < 0 ? s.length : next + 1;
  }
  return p;
}
