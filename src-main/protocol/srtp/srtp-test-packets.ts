/**
 * Packet builders shared by the SRTP tests and benchmarks (no test framework imports, so the bench
 * can use it too). Not used by production code.
 */
import type { SrtpKeyParams } from './master-key.js';
import { SRTP_SUITES, type SrtpSuiteName } from './srtp-suite.js';

export interface RtpShape {
  readonly seq: number;
  readonly ssrc: number;
  readonly timestamp?: number;
  readonly payloadType?: number;
  readonly payload: Uint8Array | number;
  readonly csrcCount?: number;
  /** Header extension length in 32-bit words (adds the 4-octet extension header too). */
  readonly extensionWords?: number;
  readonly marker?: boolean;
}

export function rtpPacket(shape: RtpShape): Buffer {
  const cc = shape.csrcCount ?? 0;
  const ext = shape.extensionWords;
  const payload = typeof shape.payload === 'number' ? patternPayload(shape.payload, shape.seq) : shape.payload;
  const hdr = 12 + cc * 4 + (ext === undefined ? 0 : 4 + ext * 4);
  const b = Buffer.alloc(hdr + payload.length);
  b[0] = 0x80 | (ext === undefined ? 0 : 0x10) | cc;
  b[1] = ((shape.marker ?? false) ? 0x80 : 0) | ((shape.payloadType ?? 0) & 0x7f);
  b.writeUInt16BE(shape.seq & 0xffff, 2);
  b.writeUInt32BE((shape.timestamp ?? shape.seq * 160) >>> 0, 4);
  b.writeUInt32BE(shape.ssrc >>> 0, 8);
  for (let i = 0; i < cc; i++) b.writeUInt32BE((0x11110000 + i) >>> 0, 12 + i * 4);
  if (ext !== undefined) {
    const at = 12 + cc * 4;
    b.writeUInt16BE(0xbede, at);
    b.writeUInt16BE(ext, at + 2);
    for (let i = 0; i < ext * 4; i++) b[at + 4 + i] = (i * 31) & 0xff;
  }
  b.set(payload, hdr);
  return b;
}

/** A compound-looking RTCP packet: an SR header for `ssrc` plus `extra` octets of body. */
export function rtcpPacket(ssrc: number, extra = 20): Buffer {
  const len = 8 + extra + ((4 - (extra % 4)) % 4);
  const b = Buffer.alloc(len);
  b[0] = 0x80;
  b[1] = 200;
  b.writeUInt16BE(len / 4 - 1, 2);
  b.writeUInt32BE(ssrc >>> 0, 4);
  for (let i = 8; i < len; i++) b[i] = (i * 13) & 0xff;
  return b;
}

export function patternPayload(length: number, seed: number): Uint8Array {
  const p = new Uint8Array(length);
  for (let i = 0; i < length; i++) p[i] = (seed * 7 + i * 3) & 0xff;
  return p;
}

/** Deterministic key parameters for `suite` (tests and benchmarks only). */
export function testKeyParams(suite: SrtpSuiteName, seed = 1, extra: Partial<SrtpKeyParams> = {}): SrtpKeyParams {
  const s = SRTP_SUITES[suite];
  const masterKey = new Uint8Array(s.keyLength).map((_, i) => (seed * 17 + i * 5) & 0xff);
  const masterSalt = new Uint8Array(s.saltLength).map((_, i) => (seed * 29 + i * 11) & 0xff);
  return { suite, masterKey, masterSalt, ...extra };
}
