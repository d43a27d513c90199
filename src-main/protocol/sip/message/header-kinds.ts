/**
 * What each known header holds, and how strictly it is checked.
 *
 * Eager kinds are parsed while the message is parsed: a malformed value rejects the message (400),
 * as RFC 4475 §3.1.2 expects for Via, From, To, CSeq, Contact, Content-Length, Date…; a value that
 * appears twice in a single-valued header rejects it too (§3.3.8, §3.3.9).
 * Lazy kinds are parsed on first access; a malformed value reads as absent (so one bad Warning
 * or Supported cannot make a call fail) and is reported by checkMessage for diagnostics.
 */
import { parseAuthListAt, type AuthValue } from './auth-header.js';
import { parseCallIdAt } from './call-id.js';
import { parseCSeqAt, type CSeq } from './cseq.js';
import { Cursor } from './cursor.js';
import { parseSipDate } from './date-header.js';
import { parseNameAddrListAt, parseNameAddrValue, type NameAddr } from './name-addr.js';
import { parseRetryAfterAt, type RetryAfter } from './retry-after.js';
import { parseWarningListAt, type Warning } from './warning.js';
import { parseBoundedInt, parseContentLength, parseDeltaSeconds, parseMaxForwards, UINT32_MAX } from './scalars.js';
import { parseMediaTypeAt, parseTokenListAt, type MediaType } from './token-list.js';
import { parseViaListAt, type Via } from './via.js';

/** A failed header parse: the message says what is wrong (for 400 reason phrases and sip-check). */
export class HeaderFailure {
  constructor(readonly message: string) {}
}

export interface HeaderKind<T> {
  /** Lower-case long-form key. */
  readonly key: string;
  /** Position in HEADER_KIND_LIST (eager kinds first): a slot number for caches. */
  readonly index: number;
  /** At most one header field (RFC 3261 §7.3.1: only list-valued headers may repeat). */
  readonly single: boolean;
  /** Parsed during parseMessage (a failure rejects the message) rather than on first access. */
  readonly eager: boolean;
  /** Parses the values of all fields with this name, in order. */
  parse(values: readonly string[]): T | HeaderFailure;
}

let nextIndex = 0;

function kind<T>(key: string, single: boolean, eager: boolean, parse: (values: readonly string[]) => T | HeaderFailure): HeaderKind<T> {
  return { key, index: nextIndex++, single, eager, parse };
}

/** Runs a list scanner over every field value and concatenates the results. */
function list<T>(scan: (c: Cursor, out: T[]) => boolean): (values: readonly string[]) => T[] | HeaderFailure {
  return (values) => {
    const out: T[] = [];
    for (const v of values) {
      const c = new Cursor(v);
      if (!scan(c, out)) return new HeaderFailure(c.error ?? 'malformed value');
    }
    return out;
  };
}

function one<T>(scan: (c: Cursor) => T | undefined): (values: readonly string[]) => T | HeaderFailure {
  return (values) => {
    const c = new Cursor(values[0] ?? '');
    const r = scan(c);
    if (r === undefined) return new HeaderFailure(c.error ?? 'malformed value');
    c.skipWsp();
    return c.atEnd() ? r : new HeaderFailure('unexpected text after the value');
  };
}

function scalar(parse: (v: string) => number | undefined, what: string): (values: readonly string[]) => number | HeaderFailure {
  return (values) => parse(values[0] ?? '') ?? new HeaderFailure(what);
}

const nameAddrOnly = (c: Cursor, out: NameAddr[]): boolean => parseNameAddrListAt(c, true, out);

export const H = {
  via: kind<readonly Via[]>('via', false, true, list(parseViaListAt)),
  from: kind<NameAddr>('from', true, true, one((c) => parseNameAddrValue(c, false))),
  to: kind<NameAddr>('to', true, true, one((c) => parseNameAddrValue(c, false))),
  callId: kind<string>('call-id', true, true, one(parseCallIdAt)),
  cseq: kind<CSeq>('cseq', true, true, one(parseCSeqAt)),
  /** '*' is the REGISTER wildcard (RFC 3261 §10.2.2). */
  contact: kind<readonly NameAddr[] | '*'>('contact', false, true, (values) => {
    if (values.length === 1 && values[0]!.trim() === '*') return '*';
    return list((c: Cursor, out: NameAddr[]) => parseNameAddrListAt(c, false, out))(values);
  }),
  contentLength: kind<number>('content-length', true, true, scalar(parseContentLength, 'Content-Length is not a non-negative 32-bit decimal')),
  maxForwards: kind<number>('max-forwards', true, true, scalar(parseMaxForwards, 'Max-Forwards is not a decimal in 0..255')),
  route: kind<readonly NameAddr[]>('route', false, true, list(nameAddrOnly)),
  recordRoute: kind<readonly NameAddr[]>('record-route', false, true, list(nameAddrOnly)),
  date: kind<number>('date', true, true, scalar(parseSipDate, 'Date is not an RFC 1123 date in GMT')),
  contentType: kind<MediaType>('content-type', true, true, one(parseMediaTypeAt)),
  // Lazy kinds. Expires is lazy because RFC 2543 peers may still send a date there (RFC 3261 §20.19
  // only allows delta-seconds): a registration should then fall back to the default, not fail.
  expires: kind<number>('expires', true, false, scalar(parseDeltaSeconds, 'Expires is not a 32-bit number of seconds')),
  minExpires: kind<number>('min-expires', true, false, scalar(parseDeltaSeconds, 'Min-Expires is not a 32-bit number of seconds')),
  path: kind<readonly NameAddr[]>('path', false, false, list(nameAddrOnly)),
  serviceRoute: kind<readonly NameAddr[]>('service-route', false, false, list(nameAddrOnly)),
  referTo: kind<NameAddr>('refer-to', true, false, one((c) => parseNameAddrValue(c, false))),
  replyTo: kind<NameAddr>('reply-to', true, false, one((c) => parseNameAddrValue(c, false))),
  allow: kind<readonly string[]>('allow', false, false, list(parseTokenListAt)),
  supported: kind<readonly string[]>('supported', false, false, list(parseTokenListAt)),
  require: kind<readonly string[]>('require', false, false, list(parseTokenListAt)),
  proxyRequire: kind<readonly string[]>('proxy-require', false, false, list(parseTokenListAt)),
  unsupported: kind<readonly string[]>('unsupported', false, false, list(parseTokenListAt)),
  wwwAuthenticate: kind<readonly AuthValue[]>('www-authenticate', false, false, list(parseAuthListAt)),
  proxyAuthenticate: kind<readonly AuthValue[]>('proxy-authenticate', false, false, list(parseAuthListAt)),
  authorization: kind<readonly AuthValue[]>('authorization', false, false, list(parseAuthListAt)),
  proxyAuthorization: kind<readonly AuthValue[]>('proxy-authorization', false, false, list(parseAuthListAt)),
  retryAfter: kind<RetryAfter>('retry-after', true, false, one(parseRetryAfterAt)),
  warning: kind<readonly Warning[]>('warning', false, false, list(parseWarningListAt)),
  /** RSeq (RFC 3262 §7.1): 1*DIGIT, 1..2^31-1. */
  rseq: kind<number>('rseq', true, false, scalar((v) => parseDeltaSeconds(v), 'RSeq is not a 32-bit decimal')),
  /** RAck (RFC 3262 §7.2): response-num LWS CSeq-num LWS Method. */
  rack: kind<{ readonly rseq: number; readonly cseq: CSeq }>('rack', true, false, one((c) => {
    c.skipWsp();
    const start = c.pos;
    while (c.pos < c.end && c.s.charCodeAt(c.pos) >= 0x30 && c.s.charCodeAt(c.pos) <= 0x39) c.pos++;
    const rseq = parseBoundedInt(c.s, start, c.pos, UINT32_MAX);
    if (rseq === undefined) return c.fail('invalid RAck response number');
    const cseq = parseCSeqAt(c);
    return cseq === undefined ? undefined : { rseq, cseq };
  })),
} as const;

/** Every kind, by index (eager kinds first, in the order they are checked). */
export const HEADER_KIND_LIST: readonly HeaderKind<unknown>[] = (Object.values(H) as HeaderKind<unknown>[]).sort((a, b) => a.index - b.index);

/** Every kind by key. */
export const HEADER_KINDS: ReadonlyMap<string, HeaderKind<unknown>> = new Map(HEADER_KIND_LIST.map((k) => [k.key, k]));

export const EAGER_KIND_COUNT = HEADER_KIND_LIST.filter((k) => k.eager).length;

if (HEADER_KIND_LIST.slice(0, EAGER_KIND_COUNT).some((k) => !k.eager)) throw new Error('eager header kinds must come first');
