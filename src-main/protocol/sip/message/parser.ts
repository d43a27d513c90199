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
import { EAGER_KIND_COUNT, H, HEADER_KINDS, HEADER_KIND_LIST, HeaderFailure, type HeaderKind } from './header-kinds.js';
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

interface NameInfo {
  readonly key: string;
  /** Index of the eager kind, or -1. */
  readonly eager: number;
}

const nameCache = new Map<string, NameInfo>();

function nameInfo(name: string): NameInfo {
  let info = nameCache.get(name);
  if (info === undefined) {
    const key = headerKey(name);
    const kind = HEADER_KINDS.get(key);
    info = { key, eager: kind !== undefined && kind.eager ? kind.index : -1 };
    if (nameCache.size < 512) nameCache.set(name, info);
  }
  return info;
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
  // Latin1 keeps one char per octet, so string offsets are byte offsets (plus `start`).
  const s = buf.toString('latin1', start, len);
  const n = s.length;
  let nl = s.indexOf('\n');
  if (nl < 0) nl = n;
  const sl = parseStartLine(s.slice(0, nl > 0 && s.charCodeAt(nl - 1) === 0x0d ? nl - 1 : nl));
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
  const slots: (string[] | undefined)[] = new Array<string[] | undefined>(EAGER_KIND_COUNT);
  let bodyStart = -1;
  let nextColon = -1;
  let i = nl + 1;
  while (i < n) {
    let e = s.indexOf('\n', i);
    if (e < 0) e = n;
    let lineEnd = e > i && s.charCodeAt(e - 1) === 0x0d ? e - 1 : e;
    if (lineEnd === i) {
      bodyStart = e + 1; // the empty line ends the header section
      break;
    }
    // The next colon at or after i, found once and reused while it lies beyond the lines we
    // walk (a run of colon-less lines must not make checkMessage quadratic).
    if (nextColon < i) {
      nextColon = s.indexOf(':', i);
      if (nextColon < 0) nextColon = n;
    }
    const colon = nextColon < n ? nextColon : -1;
    let nameEnd = colon;
    while (nameEnd > i && isWsp(s.charCodeAt(nameEnd - 1))) nameEnd--;
    const name = colon < 0 || colon > lineEnd || nameEnd === i ? '' : s.slice(i, nameEnd);
    // Names seen before were validated then: only new spellings are checked char by char.
    let info = name === '' ? undefined : nameCache.get(name);
    if (info === undefined && name !== '' && isTokenRange(s, i, nameEnd)) info = nameInfo(name);
    if (info === undefined) {
      errors.push(sipParseError('bad-header-line', 'Malformed Header Line', `header line without a name and colon: "${s.slice(i, Math.min(lineEnd, i + 40))}"`));
      if (collect === null) return res;
      i = skipContinuations(s, e);
      continue;
    }
    let vs = colon + 1;
    while (vs < lineEnd && isWsp(s.charCodeAt(vs))) vs++;
    let value = trimEnd(s, vs, lineEnd);
    while (e + 1 < n && isWsp(s.charCodeAt(e + 1))) {
      // Folded value (LWS across lines): each fold becomes one SP.
      const ls = e + 1;
      e = s.indexOf('\n', ls);
      if (e < 0) e = n;
      lineEnd = e > ls && s.charCodeAt(e - 1) === 0x0d ? e - 1 : e;
      const part = s.slice(ls, lineEnd).trim();
      if (part !== '') value = value === '' ? part : `${value} ${part}`;
    }
    i = e + 1;
    if (value.indexOf('\r') >= 0) {
      errors.push(sipParseError('bad-header-line', 'Malformed Header Line', 'bare CR inside a header line'));
      if (collect === null) return res;
      continue;
    }
    names.push(name);
    keys.push(info.key);
    values.push(value);
    if (info.eager >= 0) {
      const slot = slots[info.eager];
      if (slot === undefined) slots[info.eager] = [value];
      else slot.push(value);
    }
  }
  const headers = SipHeaders.adopt(names, keys, values);
  res.headers = headers;

  for (let k = 0; k < EAGER_KIND_COUNT; k++) {
    const vals = slots[k];
    if (vals === undefined) continue;
    const kind = HEADER_KIND_LIST[k]!;
    if (kind.single && vals.length > 1) {
      const name = canonicalHeaderName(kind.key);
      errors.push(
        kind.key === 'content-length'
          ? sipParseError('bad-content-length', 'Conflicting Content-Length Headers', 'more than one Content-Length', name)
          : sipParseError('duplicate-header', `Multiple ${name} Headers`, `${name} appears more than once`, name),
      );
      headers.prime(kind, new HeaderFailure('appears more than once'));
      if (collect === null) return res;
      continue;
    }
    const r = kind.parse(vals);
    headers.prime(kind, r);
    if (r instanceof HeaderFailure) {
      errors.push(headerError(kind.key, r.message));
      if (collect === null) return res;
    }
  }
  if (bodyStart < 0) {
    errors.push(sipParseError('unterminated-headers', 'Missing Empty Line After Headers', 'no empty line ends the header section'));
    if (collect === null) return res;
  }
  for (const kind of MANDATORY) {
    if (slots[kind.index] === undefined) {
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
  const from = start + (bodyStart < 0 ? n : bodyStart);
  let bodyEnd = len;
  const cl = headers.contentLength();
  if (cl !== undefined) {
    if (from + cl > len) {
      errors.push(sipParseError('truncated-body', 'Content-Length Exceeds Message Size', `Content-Length ${cl} but ${len - from} octets follow`, 'Content-Length'));
      if (collect === null) return res;
    } else bodyEnd = from + cl;
  }
  if (errors.length > 0 || line === undefined) return res;
  const body = buf.subarray(from, bodyEnd);
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
