/**
 * RTCP packets and compound packets: RFC 3550 §6.1 (common header, compound packets, padding
 * on the last packet), §6.4.1 SR, §6.4.2 RR, §6.5 SDES, §6.6 BYE, §6.7 APP. Other packet types
 * (RFC 4585 feedback 205/206, RFC 3611 XR 207, …) are kept as opaque `unknown` packets so that a
 * compound packet containing them still parses.
 *
 * DEVIATION(RFC 3550 §A.2): the validity check that the first packet be SR or RR is not applied
 * here, because reduced-size RTCP (RFC 5506) legitimately sends other packets first; the session
 * decides what it accepts. Padding is accepted on any packet of the compound, not only the last.
 */
import { err, ok, type CodedError, type Result } from '../../base/result.js';
import type { NtpTimestamp } from './ntp-time.js';

export const RTCP_SR = 200;
export const RTCP_RR = 201;
export const RTCP_SDES = 202;
export const RTCP_BYE = 203;
export const RTCP_APP = 204;

/** RFC 3550 §6.5 SDES item types. */
export const SdesType = {
  END: 0,
  CNAME: 1,
  NAME: 2,
  EMAIL: 3,
  PHONE: 4,
  LOC: 5,
  TOOL: 6,
  NOTE: 7,
  PRIV: 8,
} as const;

/** RFC 3550 §6.4.1 reception report block (24 octets). */
export interface ReportBlock {
  readonly ssrc: number;
  /** Fraction lost since the previous report, in 1/256 (0..255). */
  readonly fractionLost: number;
  /** Cumulative number of packets lost, signed 24-bit (duplicates can make it negative). */
  readonly cumulativeLost: number;
  readonly extendedHighestSequence: number;
  /** Interarrival jitter in timestamp units. */
  readonly jitter: number;
  /** Middle 32 bits of the NTP timestamp of the last SR received from this source (0: none). */
  readonly lastSr: number;
  /** Delay since that SR in units of 1/65536 s. */
  readonly delaySinceLastSr: number;
}

export interface SenderReport {
  readonly type: 'sr';
  readonly ssrc: number;
  readonly ntp: NtpTimestamp;
  readonly rtpTimestamp: number;
  readonly packetCount: number;
  readonly octetCount: number;
  readonly reports: readonly ReportBlock[];
  /** Profile-specific extension (multiple of 4 octets; usually empty). */
  readonly profileExtension: Uint8Array;
}

export interface ReceiverReport {
  readonly type: 'rr';
  readonly ssrc: number;
  readonly reports: readonly ReportBlock[];
  readonly profileExtension: Uint8Array;
}

export interface SdesItem {
  readonly type: number;
  /** Raw item text (UTF-8 per §6.5; PRIV items include their prefix length and prefix). */
  readonly value: Uint8Array;
}

export interface SdesChunk {
  readonly ssrc: number;
  readonly items: readonly SdesItem[];
}

export interface SourceDescription {
  readonly type: 'sdes';
  readonly chunks: readonly SdesChunk[];
}

export interface Goodbye {
  readonly type: 'bye';
  readonly ssrcs: readonly number[];
  readonly reason?: Uint8Array;
}

export interface AppPacket {
  readonly type: 'app';
  readonly subtype: number;
  readonly ssrc: number;
  /** Four octets, read as Latin-1 so that any value round-trips. */
  readonly name: string;
  readonly data: Uint8Array;
}

export interface UnknownRtcpPacket {
  readonly type: 'unknown';
  readonly packetType: number;
  /** The 5-bit count/format field. */
  readonly count: number;
  /** Everything after the 4-octet common header (multiple of 4 octets). */
  readonly body: Uint8Array;
}

export type RtcpPacket = SenderReport | ReceiverReport | SourceDescription | Goodbye | AppPacket | UnknownRtcpPacket;

export type RtcpParseErrorCode =
  | 'rtcp-empty'
  | 'rtcp-truncated'
  | 'rtcp-bad-version'
  | 'rtcp-bad-length'
  | 'rtcp-bad-padding'
  | 'rtcp-bad-count'
  | 'rtcp-bad-sdes'
  | 'rtcp-bad-bye';

export type RtcpParseError = CodedError<RtcpParseErrorCode>;

/** Parses a compound RTCP packet (RFC 3550 §6.1). Never throws; any malformed part fails the whole. */
export function parseRtcpCompound(bytes: Uint8Array): Result<RtcpPacket[], RtcpParseError> {
  if (bytes.length === 0) return err({ code: 'rtcp-empty', message: 'empty RTCP packet' });
  const packets: RtcpPacket[] = [];
  let offset = 0;
  while (offset < bytes.length) {
    if (bytes.length - offset < 4) {
      return err({ code: 'rtcp-truncated', message: 'fewer than 4 octets left for a common header', detail: { offset } });
    }
    const b0 = bytes[offset]!;
    if (b0 >>> 6 !== 2) {
      return err({ code: 'rtcp-bad-version', message: 'RTCP version is not 2', detail: { offset, version: b0 >>> 6 } });
    }
    const words = (bytes[offset + 2]! << 8) | bytes[offset + 3]!;
    const size = (words + 1) * 4;
    if (offset + size > bytes.length) {
      return err({ code: 'rtcp-bad-length', message: 'length field runs past the end', detail: { offset, size, available: bytes.length - offset } });
    }
    let bodyEnd = offset + size;
    if ((b0 & 0x20) !== 0) {
      const pad = bytes[bodyEnd - 1]!;
      if (pad === 0 || pad > size - 4) {
        return err({ code: 'rtcp-bad-padding', message: 'padding count is zero or larger than the packet', detail: { offset, pad } });
      }
      bodyEnd -= pad;
    }
    const parsed = parseOne(b0 & 0x1f, bytes[offset + 1]!, bytes.subarray(offset + 4, bodyEnd), offset);
    if (!parsed.ok) return parsed;
    packets.push(parsed.value);
    offset += size;
  }
  return ok(packets);
}

function parseOne(count: number, packetType: number, body: Uint8Array, offset: number): Result<RtcpPacket, RtcpParseError> {
  switch (packetType) {
    case RTCP_SR: {
      const need = 24 + count * 24;
      if (body.length < need) return badCount(offset, 'SR', count, body.length);
      const reports = readReportBlocks(body, 24, count);
      return ok({
        type: 'sr',
        ssrc: u32(body, 0),
        ntp: { seconds: u32(body, 4), fraction: u32(body, 8) },
        rtpTimestamp: u32(body, 12),
        packetCount: u32(body, 16),
        octetCount: u32(body, 20),
        reports,
        profileExtension: body.subarray(need, body.length - ((body.length - need) % 4)),
      });
    }
    case RTCP_RR: {
      const need = 4 + count * 24;
      if (body.length < need) return badCount(offset, 'RR', count, body.length);
      return ok({
        type: 'rr',
        ssrc: u32(body, 0),
        reports: readReportBlocks(body, 4, count),
        profileExtension: body.subarray(need, body.length - ((body.length - need) % 4)),
      });
    }
    case RTCP_SDES:
      return parseSdes(count, body, offset);
    case RTCP_BYE: {
      if (body.length < count * 4) return badCount(offset, 'BYE', count, body.length);
      const ssrcs: number[] = [];
      for (let i = 0; i < count; i++) ssrcs.push(u32(body, i * 4));
      const rest = count * 4;
      if (rest < body.length) {
        const len = body[rest]!;
        if (rest + 1 + len > body.length) {
          return err({ code: 'rtcp-bad-bye', message: 'BYE reason runs past the end', detail: { offset, len } });
        }
        return ok({ type: 'bye', ssrcs, reason: body.subarray(rest + 1, rest + 1 + len) });
      }
      return ok({ type: 'bye', ssrcs });
    }
    case RTCP_APP: {
      if (body.length < 8) return badCount(offset, 'APP', count, body.length);
      return ok({
        type: 'app',
        subtype: count,
        ssrc: u32(body, 0),
        name: String.fromCharCode(body[4]!, body[5]!, body[6]!, body[7]!),
        data: body.subarray(8, body.length - ((body.length - 8) % 4)),
      });
    }
    default:
      return ok({ type: 'unknown', packetType, count, body: body.subarray(0, body.length - (body.length % 4)) });
  }
}

function parseSdes(count: number, body: Uint8Array, offset: number): Result<SourceDescription, RtcpParseError> {
  const chunks: SdesChunk[] = [];
  let o = 0;
  for (let c = 0; c < count; c++) {
    if (o + 4 > body.length) return badCount(offset, 'SDES', count, body.length);
    const ssrc = u32(body, o);
    o += 4;
    const items: SdesItem[] = [];
    for (;;) {
      if (o >= body.length) {
        return err({ code: 'rtcp-bad-sdes', message: 'SDES chunk is not terminated by a null item', detail: { offset, chunk: c } });
      }
      const type = body[o]!;
      if (type === SdesType.END) {
        // §6.5: the null octet(s) run to the next 32-bit boundary (relative to the chunk start,
        // which is itself 32-bit aligned).
        o = (o + 4) & ~3;
        break;
      }
      if (o + 2 > body.length) {
        return err({ code: 'rtcp-bad-sdes', message: 'SDES item header runs past the end', detail: { offset, chunk: c } });
      }
      const len = body[o + 1]!;
      if (o + 2 + len > body.length) {
        return err({ code: 'rtcp-bad-sdes', message: 'SDES item runs past the end', detail: { offset, chunk: c, len } });
      }
      items.push({ type, value: body.subarray(o + 2, o + 2 + len) });
      o += 2 + len;
    }
    if (o > body.length) {
      return err({ code: 'rtcp-bad-sdes', message: 'SDES chunk padding runs past the end', detail: { offset, chunk: c } });
    }
    chunks.push({ ssrc, items });
  }
  return ok({ type: 'sdes', chunks });
}

function readReportBlocks(body: Uint8Array, start: number, count: number): ReportBlock[] {
  const out: ReportBlock[] = [];
  for (let i = 0; i < count; i++) {
    const o = start + i * 24;
    const lost24 = (body[o + 5]! << 16) | (body[o + 6]! << 8) | body[o + 7]!;
    out.push({
      ssrc: u32(body, o),
      fractionLost: body[o + 4]!,
      cumulativeLost: (lost24 << 8) >> 8,
      extendedHighestSequence: u32(body, o + 8),
      jitter: u32(body, o + 12),
      lastSr: u32(body, o + 16),
      delaySinceLastSr: u32(body, o + 20),
    });
  }
  return out;
}

function badCount(offset: number, what: string, count: number, length: number): Result<never, RtcpParseError> {
  return err({ code: 'rtcp-bad-count', message: `${what} count does not fit the packet length`, detail: { offset, count, length } });
}

// ---------------------------------------------------------------------------------------------
// Serialization

/** Octets the packet occupies on the wire (always a multiple of 4). */
export function rtcpPacketLength(p: RtcpPacket): number {
  switch (p.type) {
    case 'sr':
      return 4 + 24 + p.reports.length * 24 + p.profileExtension.length;
    case 'rr':
      return 4 + 4 + p.reports.length * 24 + p.profileExtension.length;
    case 'sdes': {
      let n = 4;
      for (const chunk of p.chunks) {
        let c = 4;
        for (const item of chunk.items) c += 2 + item.value.length;
        n += (c + 4) & ~3; // at least one null octet, then to the 32-bit boundary
      }
      return n;
    }
    case 'bye':
      return 4 + p.ssrcs.length * 4 + (p.reason === undefined ? 0 : (1 + p.reason.length + 3) & ~3);
    case 'app':
      return 4 + 8 + p.data.length;
    case 'unknown':
      return 4 + p.body.length;
  }
}

/**
 * Serializes a compound packet. Throws RangeError for values that cannot be represented (more
 * than 31 report blocks or chunks, unaligned extension data, over-long items): caller bugs.
 */
export function serializeRtcpCompound(packets: readonly RtcpPacket[]): Uint8Array {
  let total = 0;
  for (const p of packets) total += rtcpPacketLength(p);
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of packets) o += writeRtcpPacket(p, out, o);
  return out;
}

export function writeRtcpPacket(p: RtcpPacket, out: Uint8Array, offset: number): number {
  const size = rtcpPacketLength(p);
  if (offset + size > out.length) throw new RangeError('output buffer too small for RTCP packet');
  const words = size / 4 - 1;
  if (words > 0xffff) throw new RangeError('RTCP packet too long');
  let count: number;
  let type: number;
  let o = offset + 4;
  switch (p.type) {
    case 'sr':
      count = checkCount(p.reports.length);
      type = RTCP_SR;
      checkAligned(p.profileExtension.length);
      o = w32(out, o, p.ssrc);
      o = w32(out, o, p.ntp.seconds);
      o = w32(out, o, p.ntp.fraction);
      o = w32(out, o, p.rtpTimestamp);
      o = w32(out, o, p.packetCount);
      o = w32(out, o, p.octetCount);
      o = writeReportBlocks(out, o, p.reports);
      out.set(p.profileExtension, o);
      break;
    case 'rr':
      count = checkCount(p.reports.length);
      type = RTCP_RR;
      checkAligned(p.profileExtension.length);
      o = w32(out, o, p.ssrc);
      o = writeReportBlocks(out, o, p.reports);
      out.set(p.profileExtension, o);
      break;
    case 'sdes':
      count = checkCount(p.chunks.length);
      type = RTCP_SDES;
      for (const chunk of p.chunks) {
        const start = o;
        o = w32(out, o, chunk.ssrc);
        for (const item of chunk.items) {
          if (item.type === SdesType.END || item.type > 255) throw new RangeError('invalid SDES item type');
          if (item.value.length > 255) throw new RangeError('SDES item longer than 255 octets');
          out[o++] = item.type;
          out[o++] = item.value.length;
          out.set(item.value, o);
          o += item.value.length;
        }
        const end = start + ((o - start + 4) & ~3);
        out.fill(0, o, end);
        o = end;
      }
      break;
    case 'bye':
      count = checkCount(p.ssrcs.length);
      type = RTCP_BYE;
      for (const s of p.ssrcs) o = w32(out, o, s);
      if (p.reason !== undefined) {
        if (p.reason.length > 255) throw new RangeError('BYE reason longer than 255 octets');
        const end = o + ((1 + p.reason.length + 3) & ~3);
        out[o] = p.reason.length;
        out.set(p.reason, o + 1);
        out.fill(0, o + 1 + p.reason.length, end);
      }
      break;
    case 'app':
      count = p.subtype;
      if (count < 0 || count > 31) throw new RangeError('APP subtype out of range');
      type = RTCP_APP;
      checkAligned(p.data.length);
      o = w32(out, o, p.ssrc);
      for (let i = 0; i < 4; i++) out[o + i] = p.name.charCodeAt(i) & 0xff;
      out.set(p.data, o + 4);
      break;
    case 'unknown':
      count = p.count;
      if (count < 0 || count > 31) throw new RangeError('count out of range');
      type = p.packetType;
      checkAligned(p.body.length);
      out.set(p.body, o);
      break;
  }
  out[offset] = 0x80 | count;
  out[offset + 1] = type;
  out[offset + 2] = (words >>> 8) & 0xff;
  out[offset + 3] = words & 0xff;
  return size;
}

function writeReportBlocks(out: Uint8Array, o: number, reports: readonly ReportBlock[]): number {
  for (const r of reports) {
    o = w32(out, o, r.ssrc);
    const lost = Math.max(-0x800000, Math.min(0x7fffff, r.cumulativeLost)) & 0xffffff;
    out[o++] = r.fractionLost & 0xff;
    out[o++] = (lost >>> 16) & 0xff;
    out[o++] = (lost >>> 8) & 0xff;
    out[o++] = lost & 0xff;
    o = w32(out, o, r.extendedHighestSequence);
    o = w32(out, o, r.jitter);
    o = w32(out, o, r.lastSr);
    o = w32(out, o, r.delaySinceLastSr);
  }
  return o;
}

function checkCount(n: number): number {
  if (n > 31) throw new RangeError('at most 31 items per RTCP packet (5-bit count)');
  return n;
}

function checkAligned(n: number): void {
  if (n % 4 !== 0) throw new RangeError('RTCP data must be a multiple of 4 octets');
}

function u32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

function w32(b: Uint8Array, o: number, v: number): number {
  b[o] = (v >>> 24) & 0xff;
  b[o + 1] = (v >>> 16) & 0xff;
  b[o + 2] = (v >>> 8) & 0xff;
  b[o + 3] = v & 0xff;
  return o + 4;
}

// ---------------------------------------------------------------------------------------------
// Convenience

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: false });

/** An SDES item from text (UTF-8, truncated to 255 octets on a character boundary). */
export function sdesTextItem(type: number, text: string): SdesItem {
  let bytes = utf8.encode(text);
  if (bytes.length > 255) {
    let cut = 255;
    while (cut > 0 && (bytes[cut]! & 0xc0) === 0x80) cut--;
    bytes = bytes.subarray(0, cut);
  }
  return { type, value: bytes };
}

export function sdesItemText(item: SdesItem): string {
  return utf8Decoder.decode(item.value);
}

/** The CNAME of `ssrc` in a parsed SDES packet, if present. */
export function findCname(sdes: SourceDescription, ssrc: number): string | undefined {
  for (const chunk of sdes.chunks) {
    if (chunk.ssrc !== ssrc) continue;
    for (const item of chunk.items) if (item.type === SdesType.CNAME) return sdesItemText(item);
  }
  return undefined;
}
