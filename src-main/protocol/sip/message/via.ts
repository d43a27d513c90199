/**
 * Via (RFC 3261 §20.42, §18.2.1, §25.1) with rport (RFC 3581) and the IPv6 tolerance of RFC 5118 §4.5
 * (`received=[2001:db8::9:255]` is read as the bare address).
 *   via-parm = sent-protocol LWS sent-by *( SEMI via-params )
 *   sent-protocol = protocol-name SLASH protocol-version SLASH transport;  sent-by = host [ COLON port ]
 */
import { HOST_CHARS, TOKEN, indexOfIn, isDigit } from './char-classes.js';
import type { Cursor } from './cursor.js';
import { classifyHost } from './host.js';
import { formatParams, parseParams, type SipParam, type SipParams } from './parameters.js';

export interface Via {
  readonly protocol: string;
  readonly version: string;
  /** Upper-cased transport token (UDP, TCP, TLS, SCTP, WS, WSS or an extension). */
  readonly transport: string;
  /** sent-by host as written (IPv6 references with brackets). */
  readonly host: string;
  readonly port: number | undefined;
  readonly params: SipParams;
  readonly branch: string | undefined;
  /** received= without IPv6 brackets. */
  readonly received: string | undefined;
  /** rport: undefined when absent, null when present without a value (request), else the port. */
  readonly rport: number | null | undefined;
}

/** The RFC 3261 §8.1.1.7 magic cookie that marks a branch as globally unique. */
export const BRANCH_MAGIC_COOKIE = 'z9hG4bK';

/** Parses `via-parm *(COMMA via-parm)` into `out`. */
export function parseViaListAt(c: Cursor, out: Via[]): boolean {
  for (;;) {
    const v = parseViaParm(c);
    if (v === undefined) return false;
    out.push(v);
    if (c.sep(0x2c)) continue;
    c.skipWsp();
    if (!c.atEnd()) {
      c.fail(`unexpected "${c.s[c.pos]!}" in Via`);
      return false;
    }
    return true;
  }
}

function parseViaParm(c: Cursor): Via | undefined {
  c.skipWsp();
  const protocol = c.take(TOKEN);
  if (protocol === '' || !c.sep(0x2f /* / */)) return c.fail('malformed sent-protocol');
  const version = c.take(TOKEN);
  if (version === '' || !c.sep(0x2f)) return c.fail('malformed sent-protocol');
  const transport = c.take(TOKEN);
  if (transport === '') return c.fail('missing transport');
  const before = c.pos;
  c.skipWsp();
  if (c.pos === before) return c.fail('missing whitespace before sent-by');
  let host: string;
  if (c.peek() === 0x5b) {
    const close = indexOfIn(c.s, 0x5d /* ] */, c.pos, Math.min(c.end, c.pos + 64));
    if (close < 0) return c.fail('unterminated IPv6 reference in sent-by');
    host = c.s.slice(c.pos, close + 1);
    c.pos = close + 1;
  } else host = c.take(HOST_CHARS);
  if (classifyHost(host) === undefined) return c.fail(`invalid sent-by host "${host}"`);
  let port: number | undefined;
  if (c.sep(0x3a /* : */)) {
    const digits = c.take(TOKEN);
    if (!isPort(digits)) return c.fail('invalid sent-by port');
    port = Number(digits);
  }
  const params: SipParam[] = [];
  if (!parseParams(c, params)) return undefined;
  let branch: string | undefined;
  let received: string | undefined;
  let rport: number | null | undefined;
  for (const p of params) {
    const n = p.name.toLowerCase();
    if (n === 'branch') {
      if (p.value === null) return c.fail('branch without a value');
      if (branch === undefined) branch = p.value;
    } else if (n === 'received') {
      if (p.value === null) return c.fail('received without a value');
      const bracketed = p.value.charCodeAt(0) === 0x5b;
      const bare = bracketed ? p.value.slice(1, -1) : p.value;
      if (classifyHost(bracketed || bare.includes(':') ? `[${bare}]` : bare) === undefined) return c.fail('invalid received address');
      received = bare;
    } else if (n === 'rport') {
      if (p.value === null) rport = null;
      else if (isPort(p.value)) rport = Number(p.value);
      else return c.fail('invalid rport');
    }
  }
  return { protocol, version, transport: transport.toUpperCase(), host, port, params, branch, received, rport };
}

function isPort(s: string): boolean {
  if (s.length === 0 || s.length > 5) return false;
  for (let i = 0; i < s.length; i++) if (!isDigit(s.charCodeAt(i))) return false;
  return Number(s) <= 65535;
}

export function formatVia(v: Via): string {
  const port = v.port === undefined ? '' : `:${v.port}`;
  return `${v.protocol}/${v.version}/${v.transport} ${v.host}${port}${formatParams(v.params)}`;
}

/** Builds a Via value; `branch` is set from the argument, `rport` added (valueless) when asked. */
export function createVia(fields: { transport: string; host: string; port?: number; branch: string; rport?: boolean; params?: SipParams }): Via {
  const params: SipParam[] = [{ name: 'branch', value: fields.branch }];
  if (fields.rport === true) params.push({ name: 'rport', value: null });
  for (const p of fields.params ?? []) params.push(p);
  return {
    protocol: 'SIP',
    version: '2.0',
    transport: fields.transport.toUpperCase(),
    host: fields.host,
    port: fields.port,
    params,
    branch: fields.branch,
    received: undefined,
    rport: fields.rport === true ? null : undefined,
  };
}

/** True when the branch carries the RFC 3261 magic cookie and something after it (RFC 4475 §3.2.1). */
export function isRfc3261Branch(branch: string | undefined): branch is string {
  return branch !== undefined && branch.length > BRANCH_MAGIC_COOKIE.length && branch.startsWith(BRANCH_MAGIC_COOKIE);
}
