/**
 * The next SIP hop as the platform sees it: what to locate (RFC 3263 §4 inputs taken from the
 * request URI or the outbound proxy) and what the locator produces (an ordered list of transport
 * + address + port targets, each carrying the identity the TLS certificate must show).
 */
import { isIP } from 'node:net';

export type SipTransport = 'udp' | 'tcp' | 'tls';

export const DEFAULT_PORT: Readonly<Record<SipTransport, number>> = { udp: 5060, tcp: 5060, tls: 5061 };

export interface HopAddress {
  /** Domain name or IP literal (IPv6 with or without brackets). */
  readonly host: string;
  readonly port?: number;
  /** The `transport` URI parameter, if any. */
  readonly transport?: SipTransport;
}

export interface LocateRequest extends HopAddress {
  /** `sips:` URI (RFC 3261 §26.2.2): TLS only, on every hop. */
  readonly secure: boolean;
  /** Transports this client is willing to use, in preference order (default tls, tcp, udp). */
  readonly supported?: readonly SipTransport[];
  /**
   * Outbound proxy (RFC 3261 §8.1.2): located instead of `host`. The TLS identity then becomes the
   * proxy's host, since that is the server we talk to (RFC 5922 §4.1).
   */
  readonly outboundProxy?: HopAddress;
}

export type TargetSource = 'numeric' | 'a-aaaa' | 'srv' | 'naptr';

export interface ResolvedTarget {
  readonly transport: SipTransport;
  /** IP address to connect to. */
  readonly address: string;
  readonly family: 4 | 6;
  readonly port: number;
  /** The identity the server certificate must show and the SNI name: the located domain (RFC 5922 §4.1), never an SRV target name. */
  readonly identity: string;
  /** The host name the address came from (SRV target or the domain). */
  readonly hostname: string;
  readonly source: TargetSource;
  readonly priority?: number;
  readonly weight?: number;
}

export function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/** One spelling per address: `::ffff:192.0.2.1` → `192.0.2.1`, `fe80::1%eth0` → `fe80::1`, brackets off, lower case. */
export function normalizeAddress(address: string): string {
  const bare = stripBrackets(address).replace(/%.*$/, '').toLowerCase();
  return bare.startsWith('::ffff:') && bare.includes('.') ? bare.slice(7) : bare;
}

export function ipFamily(host: string): 4 | 6 | undefined {
  const f = isIP(stripBrackets(host));
  return f === 4 ? 4 : f === 6 ? 6 : undefined;
}

/** `host:port` for display, bracketing IPv6. */
export function formatHostPort(address: string, port: number): string {
  return ipFamily(address) === 6 ? `[${stripBrackets(address)}]:${port}` : `${address}:${port}`;
}

/**
 * Parses `HOST[:PORT]`, `[v6]:PORT` or a bare IPv6 literal. Returns undefined on garbage.
 */
export function parseHostPort(text: string): { host: string; port?: number } | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  if (t.startsWith('[')) {
    const end = t.indexOf(']');
    if (end < 0) return undefined;
    const host = t.slice(1, end);
    if (isIP(host) !== 6) return undefined;
    const rest = t.slice(end + 1);
    if (rest === '') return { host };
    const m = /^:(\d{1,5})$/.exec(rest);
    if (m === null) return undefined;
    const port = Number(m[1]);
    return port > 0 && port < 65536 ? { host, port } : undefined;
  }
  if (isIP(t) === 6) return { host: t };
  const m = /^([A-Za-z0-9._-]+)(?::(\d{1,5}))?$/.exec(t);
  if (m === null) return undefined;
  if (m[2] === undefined) return { host: m[1]! };
  const port = Number(m[2]);
  return port > 0 && port < 65536 ? { host: m[1]!, port } : undefined;
}
