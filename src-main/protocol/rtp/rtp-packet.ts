/**
 * RTP data packets: RFC 3550 §5.1 (fixed header, CSRC list), §5.3.1 (header extension),
 * §5.1 "P" (padding), and the RTP/RTCP demultiplexing rule of RFC 5761 §4.
 *
 * Parsing never copies: `payload`, `extension.data` are views into the input buffer, so a
 * parsed packet is valid only while the caller keeps that buffer unchanged.
 */
import { err, ok, type Result, type CodedError } from '../../base/result.js';

export const RTP_VERSION = 2;
export const RTP_FIXED_HEADER_LENGTH = 12;

/** RFC 3550 §5.3.1 header extension: 16-bit profile-defined value, data in 32-bit words. */
export interface RtpExtension {
  readonly profile: number;
  /** Length is a multiple of 4 (the wire length is counted in 32-bit words). */
  readonly data: Uint8Array;
}

export interface RtpHeader {
  readonly marker: boolean;
  readonly payloadType: number;
  readonly sequenceNumber: number;
  readonly timestamp: number;
  readonly ssrc: number;
  readonly csrcs: readonly number[];
  readonly extension?: RtpExtension;
}

export interface RtpPacket extends RtpHeader {
  readonly payload: Uint8Array;
  /** Number of padding octets including the count octet itself (0 = P bit clear). */
  readonly paddingLength: number;
}

export type RtpParseErrorCode =
  | 'rtp-truncated'
  | 'rtp-bad-version'
  | 'rtp-bad-padding'
  | 'rtp-bad-extension';

export type RtpParseError = CodedError<RtpParseErrorCode>;

const EMPTY_CSRCS: readonly number[] = Object.freeze([]);

/**
 * Demultiplexing is the session's job, before parsing: RFC 5761 §4: with rtcp-mux, a packet whose second octet (with the marker bit) falls in
 * 192..223 is RTCP (payload types 64..95 are therefore never used for RTP).
 */
export function looksLikeRtcp(bytes: Uint8Array): boolean {
  if (bytes.length < 2) return false;
  const pt = bytes[1]!;
  return pt >= 192 && pt <= 223;
}

/** Parses one RTP packet (RFC 3550 §5.1). Never throws on any input. */
export function parseRtpPacket(bytes: Uint8Array): Result<RtpPacket, RtpParseError> {
  const len = bytes.length;
  if (len < RTP_FIXED_HEADER_LENGTH) {
    return err({ code: 'rtp-truncated', message: 'shorter than the 12-octet fixed header', detail: { length: len } });
  }
  const b0 = bytes[0]!;
  const version = b0 >>> 6;
  if (version !== RTP_VERSION) {
    return err({ code: 'rtp-bad-version', message: `RTP version ${version}, expected 2`, detail: { version } });
  }
  const hasPadding = (b0 & 0x20) !== 0;
  const hasExtension = (b0 & 0x10) !== 0;
  const csrcCount = b0 & 0x0f;
  const b1 = bytes[1]!;
  let offset = RTP_FIXED_HEADER_LENGTH + csrcCount * 4;
  if (offset > len) {
    return err({ code: 'rtp-truncated', message: 'CSRC list runs past the end', detail: { csrcCount, length: len } });
  }
  let csrcs: readonly number[] = EMPTY_CSRCS;
  if (csrcCount > 0) {
    const list: number[] = new Array<number>(csrcCount);
    for (let i = 0; i < csrcCount; i++) list[i] = readU32(bytes, RTP_FIXED_HEADER_LENGTH + i * 4);
    csrcs = list;
  }
  let extension: RtpExtension | undefined;
  if (hasExtension) {
    if (offset + 4 > len) {
      return err({ code: 'rtp-bad-extension', message: 'extension header runs past the end', detail: { length: len } });
    }
    const profile = (bytes[offset]! << 8) | bytes[offset + 1]!;
    const words = (bytes[offset + 2]! << 8) | bytes[offset + 3]!;
    const start = offset + 4;
    const end = start + words * 4;
    if (end > len) {
      return err({ code: 'rtp-bad-extension', message: 'extension data runs past the end', detail: { words, length: len } });
    }
    extension = { profile, data: bytes.subarray(start, end) };
    offset = end;
  }
  let end = len;
  let paddingLength = 0;
  if (hasPadding) {
    // RFC 3550 §5.1: the last octet counts the padding octets, itself included.
    paddingLength = bytes[len - 1]!;
    if (paddingLength === 0 || offset + paddingLength > len) {
      return err({ code: 'rtp-bad-padding', message: 'padding count is zero or larger than the packet', detail: { paddingLength } });
    }
    end = len - paddingLength;
  }
  const packet: RtpPacket = {
    marker: (b1 & 0x80) !== 0,
    payloadType: b1 & 0x7f,
    sequenceNumber: (bytes[2]! << 8) | bytes[3]!,
    timestamp: readU32(bytes, 4),
    ssrc: readU32(bytes, 8),
    csrcs,
    ...(extension === undefined ? {} : { extension }),
    payload: bytes.subarray(offset, end),
    paddingLength,
  };
  return ok(packet);
}

/** Size in octets of the serialized packet. */
export function rtpPacketLength(packet: RtpHeader & { readonly payload: Uint8Array; readonly paddingLength?: number }): number {
  return (
    RTP_FIXED_HEADER_LENGTH +
    packet.csrcs.length * 4 +
    (packet.extension === undefined ? 0 : 4 + packet.extension.data.length) +
    packet.payload.length +
    (packet.paddingLength ?? 0)
  );
}

/**
 * Writes the packet into `out` at `offset` and returns the number of octets written. Lets the
 * send path reuse one buffer per stream (no per-packet allocation). Throws RangeError on values
 * that cannot be represented (a caller bug, not network input).
 */
export function writeRtpPacket(
  packet: RtpHeader & { readonly payload: Uint8Array; readonly paddingLength?: number },
  out: Uint8Array,
  offset = 0,
): number {
  const total = rtpPacketLength(packet);
  if (offset + total > out.length) throw new RangeError('output buffer too small for RTP packet');
  const csrcCount = packet.csrcs.length;
  if (csrcCount > 15) throw new RangeError('at most 15 CSRCs');
  if (packet.payloadType < 0 || packet.payloadType > 127) throw new RangeError('payload type out of range');
  const padding = packet.paddingLength ?? 0;
  if (padding < 0 || padding > 255) throw new RangeError('padding length out of range');
  const ext = packet.extension;
  if (ext !== undefined && (ext.data.length % 4 !== 0 || ext.data.length > 0xffff * 4)) {
    throw new RangeError('extension data must be a multiple of 4 octets');
  }
  out[offset] = (RTP_VERSION << 6) | (padding > 0 ? 0x20 : 0) | (ext !== undefined ? 0x10 : 0) | csrcCount;
  out[offset + 1] = (packet.marker ? 0x80 : 0) | packet.payloadType;
  out[offset + 2] = (packet.sequenceNumber >>> 8) & 0xff;
  out[offset + 3] = packet.sequenceNumber & 0xff;
  writeU32(out, offset + 4, packet.timestamp);
  writeU32(out, offset + 8, packet.ssrc);
  let o = offset + RTP_FIXED_HEADER_LENGTH;
  for (let i = 0; i < csrcCount; i++, o += 4) writeU32(out, o, packet.csrcs[i]!);
  if (ext !== undefined) {
    out[o] = (ext.profile >>> 8) & 0xff;
    out[o + 1] = ext.profile & 0xff;
    const words = ext.data.length / 4;
    out[o + 2] = (words >>> 8) & 0xff;
    out[o + 3] = words & 0xff;
    out.set(ext.data, o + 4);
    o += 4 + ext.data.length;
  }
  out.set(packet.payload, o);
  o += packet.payload.length;
  if (padding > 0) {
    out.fill(0, o, o + padding - 1);
    out[o + padding - 1] = padding;
    o += padding;
  }
  return o - offset;
}

/** Serializes into a fresh buffer. */
export function serializeRtpPacket(packet: RtpHeader & { readonly payload: Uint8Array; readonly paddingLength?: number }): Uint8Array {
  const out = new Uint8Array(rtpPacketLength(packet));
  writeRtpPacket(packet, out, 0);
  return out;
}

function readU32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

function writeU32(b: Uint8Array, o: number, v: number): void {
  b[o] = (v >>> 24) & 0xff;
  b[o + 1] = (v >>> 16) & 0xff;
  b[o + 2] = (v >>> 8) & 0xff;
  b[o + 3] = v & 0xff;
}
