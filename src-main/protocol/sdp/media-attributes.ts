/**
 * Reading the attributes offer/answer cares about: rtpmap and fmtp (RFC 8866 §6.6, §6.15), the
 * static payload types of RFC 3551 §6, ptime/maxptime (§6.4, §6.5), direction (§6.7, with the
 * session-level default), rtcp (RFC 3605) and rtcp-mux (RFC 5761), and connection addresses.
 */
import type { Attribute, Connection, Direction, MediaDescription, SessionDescription } from './session-description.js';

export interface RtpMap {
  readonly payloadType: number;
  readonly encodingName: string;
  readonly clockRate: number;
  readonly channels?: number;
}

/** RFC 3551 §6 static audio payload types that phones still use. */
export const STATIC_PAYLOAD_TYPES: Readonly<Record<number, Omit<RtpMap, 'payloadType'>>> = {
  0: { encodingName: 'PCMU', clockRate: 8000 },
  3: { encodingName: 'GSM', clockRate: 8000 },
  4: { encodingName: 'G723', clockRate: 8000 },
  8: { encodingName: 'PCMA', clockRate: 8000 },
  9: { encodingName: 'G722', clockRate: 8000 },
  13: { encodingName: 'CN', clockRate: 8000 },
  18: { encodingName: 'G729', clockRate: 8000 },
};

function attributeNamed(attrs: readonly Attribute[], name: string): Attribute | undefined {
  const lower = name.toLowerCase();
  return attrs.find((a) => a.name.toLowerCase() === lower);
}

export function attributeValues(attrs: readonly Attribute[], name: string): string[] {
  const lower = name.toLowerCase();
  return attrs.filter((a) => a.name.toLowerCase() === lower && a.value !== undefined).map((a) => a.value!);
}

export function hasAttribute(attrs: readonly Attribute[], name: string): boolean {
  return attributeNamed(attrs, name) !== undefined;
}

/** rtpmap of every payload type of the m= line (rtpmap lines first, then RFC 3551 static types). */
export function rtpMaps(m: MediaDescription): Map<number, RtpMap> {
  const out = new Map<number, RtpMap>();
  for (const v of attributeValues(m.attributes, 'rtpmap')) {
    const r = /^([0-9]{1,3})[ \t]+([^/ \t]+)\/([0-9]{1,7})(?:\/([0-9]{1,2}))?/.exec(v.trim());
    if (r === null) continue;
    const pt = Number(r[1]);
    if (pt > 127 || out.has(pt)) continue;
    out.set(pt, { payloadType: pt, encodingName: r[2]!, clockRate: Number(r[3]), ...(r[4] === undefined ? {} : { channels: Number(r[4]) }) });
  }
  for (const f of m.formats) {
    if (!/^[0-9]{1,3}$/.test(f)) continue;
    const pt = Number(f);
    const st = STATIC_PAYLOAD_TYPES[pt];
    if (!out.has(pt) && st !== undefined) out.set(pt, { payloadType: pt, ...st });
  }
  return out;
}

export function fmtps(m: MediaDescription): Map<number, string> {
  const out = new Map<number, string>();
  for (const v of attributeValues(m.attributes, 'fmtp')) {
    const r = /^([0-9]{1,3})[ \t]+(.*)$/.exec(v.trim());
    if (r !== null && !out.has(Number(r[1]))) out.set(Number(r[1]), r[2]!);
  }
  return out;
}

function positiveNumberAttribute(m: MediaDescription, name: string): number | undefined {
  const v = attributeValues(m.attributes, name)[0];
  if (v === undefined) return undefined;
  const n = Number(v.trim());
  return Number.isFinite(n) && n > 0 && n <= 10000 ? n : undefined;
}

export function ptime(m: MediaDescription): number | undefined {
  return positiveNumberAttribute(m, 'ptime');
}

export function maxptime(m: MediaDescription): number | undefined {
  return positiveNumberAttribute(m, 'maxptime');
}

/** The direction of a stream: its own attribute, else the session's, else sendrecv (RFC 3264 §5.1). */
export function mediaDirection(sd: SessionDescription, m: MediaDescription): Direction {
  for (const attrs of [m.attributes, sd.attributes]) {
    for (const d of ['sendrecv', 'sendonly', 'recvonly', 'inactive'] as const) if (hasAttribute(attrs, d)) return d;
  }
  return 'sendrecv';
}

/** The connection address for a stream: media c= first, then session c= (RFC 8866 §5.7). */
export function mediaConnection(sd: SessionDescription, m: MediaDescription): Connection | undefined {
  return m.connections[0] ?? sd.connection;
}

/** Address without a multicast /ttl/count suffix. */
export function connectionAddress(c: Connection): string {
  return c.addrType.toUpperCase() === 'IP4' ? c.address.split('/')[0]! : c.address.replace(/\/[0-9]+$/, '');
}

/** RFC 2543-style hold: a connection address of 0.0.0.0 (RFC 3264 §8.4). */
export function isNullAddress(c: Connection | undefined): boolean {
  return c !== undefined && (connectionAddress(c) === '0.0.0.0' || connectionAddress(c) === '::');
}

export interface RtcpAttribute {
  readonly port: number;
  readonly address?: string;
}

/** a=rtcp:port [IN IP4 address] (RFC 3605). */
export function rtcpAttribute(m: MediaDescription): RtcpAttribute | undefined {
  const v = attributeValues(m.attributes, 'rtcp')[0];
  if (v === undefined) return undefined;
  const r = /^([0-9]{1,5})(?:[ \t]+(\S+)[ \t]+(\S+)[ \t]+(\S+))?$/.exec(v.trim());
  if (r === null || Number(r[1]) > 65535) return undefined;
  return { port: Number(r[1]), ...(r[4] === undefined ? {} : { address: r[4] }) };
}

export function hasRtcpMux(m: MediaDescription): boolean {
  return hasAttribute(m.attributes, 'rtcp-mux');
}

export function addrTypeOf(address: string): 'IP4' | 'IP6' {
  return address.includes(':') ? 'IP6' : 'IP4';
}
