/**
 * Just enough RTP/RTCP header parsing for SRTP (RFC 3550 §5.1, §6.4; RFC 3711 §3.1 - the RTP
 * header, CSRC list and header extension are authenticated but not encrypted). The full RTP and
 * RTCP parsers live in protocol/rtp; SRTP only needs to know where the payload starts.
 */

/**
 * Length of the RTP header including CSRCs and the header extension, or -1 when `packet[0, length)`
 * is not a well-formed RTP version 2 header.
 */
export function rtpHeaderLength(packet: Uint8Array, length: number): number {
  if (length < 12) return -1;
  const b0 = packet[0]!;
  if (b0 >>> 6 !== 2) return -1;
  let n = 12 + (b0 & 0x0f) * 4;
  if ((b0 & 0x10) !== 0) {
    if (n + 4 > length) return -1;
    n += 4 + ((packet[n + 2]! << 8) | packet[n + 3]!) * 4;
  }
  return n <= length ? n : -1;
}

/** True when `packet[0, length)` starts like an RTCP version 2 packet (RFC 3550 §6.4.1). */
export function isRtcpHeader(packet: Uint8Array, length: number): boolean {
  return length >= 8 && packet[0]! >>> 6 === 2;
}

export function readUint32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

export function writeUint32(b: Uint8Array, o: number, v: number): void {
  b[o] = v >>> 24;
  b[o + 1] = (v >>> 16) & 0xff;
  b[o + 2] = (v >>> 8) & 0xff;
  b[o + 3] = v & 0xff;
}
