/**
 * SRTP crypto suites: RFC 4568 §6.2 (AES_CM_128_HMAC_SHA1_80/_32), RFC 6188 §3 (AES_192_CM_*,
 * AES_256_CM_*), RFC 7714 §12 (AEAD_AES_128_GCM, AEAD_AES_256_GCM).
 *
 * Every number that differs between suites lives here, so the engine and the SDES negotiator
 * never hard-code a key length, a salt length or a tag length.
 */

export type SrtpSuiteName =
  | 'AES_CM_128_HMAC_SHA1_80'
  | 'AES_CM_128_HMAC_SHA1_32'
  | 'AES_192_CM_HMAC_SHA1_80'
  | 'AES_192_CM_HMAC_SHA1_32'
  | 'AES_256_CM_HMAC_SHA1_80'
  | 'AES_256_CM_HMAC_SHA1_32'
  | 'AEAD_AES_128_GCM'
  | 'AEAD_AES_256_GCM';

export interface SrtpSuite {
  readonly name: SrtpSuiteName;
  /** `aes-cm`: RFC 3711 §4.1.1 counter mode + HMAC-SHA1; `aes-gcm`: RFC 7714 AEAD. */
  readonly transform: 'aes-cm' | 'aes-gcm';
  /** Master key and session encryption key length in octets. */
  readonly keyLength: 16 | 24 | 32;
  /** Master salt and session salt length in octets (112 bits for AES-CM, 96 bits for GCM; RFC 7714 §11). */
  readonly saltLength: 14 | 12;
  /** Session authentication key length in octets (HMAC-SHA1 n_a = 160 bits; 0 for AEAD). */
  readonly authKeyLength: 20 | 0;
  /** Authentication tag appended to SRTP packets. */
  readonly rtpTagLength: 4 | 10 | 16;
  /**
   * Authentication tag appended to SRTCP packets. The `_32` suites still use an 80-bit tag for
   * SRTCP (RFC 4568 §6.2.2, RFC 6188 §3).
   */
  readonly rtcpTagLength: 10 | 16;
  /** Maximum SRTP packets per master key (RFC 3711 §9.2, RFC 7714 §14). */
  readonly maxSrtpPackets: number;
  /** Maximum SRTCP packets per master key (31-bit SRTCP index, RFC 3711 §3.4). */
  readonly maxSrtcpPackets: number;
}

const MAX_SRTP = 2 ** 48;
const MAX_SRTCP = 2 ** 31;

function cm(name: SrtpSuiteName, keyLength: 16 | 24 | 32, rtpTagLength: 4 | 10): SrtpSuite {
  return Object.freeze({
    name,
    transform: 'aes-cm',
    keyLength,
    saltLength: 14,
    authKeyLength: 20,
    rtpTagLength,
    rtcpTagLength: 10,
    maxSrtpPackets: MAX_SRTP,
    maxSrtcpPackets: MAX_SRTCP,
  });
}

function gcm(name: SrtpSuiteName, keyLength: 16 | 32): SrtpSuite {
  return Object.freeze({
    name,
    transform: 'aes-gcm',
    keyLength,
    saltLength: 12,
    authKeyLength: 0,
    rtpTagLength: 16,
    rtcpTagLength: 16,
    maxSrtpPackets: MAX_SRTP,
    maxSrtcpPackets: MAX_SRTCP,
  });
}

export const SRTP_SUITES: Readonly<Record<SrtpSuiteName, SrtpSuite>> = Object.freeze({
  AES_CM_128_HMAC_SHA1_80: cm('AES_CM_128_HMAC_SHA1_80', 16, 10),
  AES_CM_128_HMAC_SHA1_32: cm('AES_CM_128_HMAC_SHA1_32', 16, 4),
  AES_192_CM_HMAC_SHA1_80: cm('AES_192_CM_HMAC_SHA1_80', 24, 10),
  AES_192_CM_HMAC_SHA1_32: cm('AES_192_CM_HMAC_SHA1_32', 24, 4),
  AES_256_CM_HMAC_SHA1_80: cm('AES_256_CM_HMAC_SHA1_80', 32, 10),
  AES_256_CM_HMAC_SHA1_32: cm('AES_256_CM_HMAC_SHA1_32', 32, 4),
  AEAD_AES_128_GCM: gcm('AEAD_AES_128_GCM', 16),
  AEAD_AES_256_GCM: gcm('AEAD_AES_256_GCM', 32),
});

export const SRTP_SUITE_NAMES: readonly SrtpSuiteName[] = Object.freeze(Object.keys(SRTP_SUITES) as SrtpSuiteName[]);

export function isSrtpSuiteName(name: string): name is SrtpSuiteName {
  return Object.prototype.hasOwnProperty.call(SRTP_SUITES, name);
}

/**
 * Spellings seen in the wild for the same suites. Some softphones and SBCs offer `AES_CM_256_*`
 * (the ordering used by early RFC 6188 drafts) or `AES_CM_192_*`; we understand them and answer
 * with the spelling the peer used (see sdes/crypto-suite-names.ts).
 */
export const LEGACY_SUITE_SPELLINGS: Readonly<Record<string, SrtpSuiteName>> = Object.freeze({
  AES_CM_256_HMAC_SHA1_80: 'AES_256_CM_HMAC_SHA1_80',
  AES_CM_256_HMAC_SHA1_32: 'AES_256_CM_HMAC_SHA1_32',
  AES_CM_192_HMAC_SHA1_80: 'AES_192_CM_HMAC_SHA1_80',
  AES_CM_192_HMAC_SHA1_32: 'AES_192_CM_HMAC_SHA1_32',
  AES_128_CM_HMAC_SHA1_80: 'AES_CM_128_HMAC_SHA1_80',
  AES_128_CM_HMAC_SHA1_32: 'AES_CM_128_HMAC_SHA1_32',
});

/** Canonical suite for an SDP spelling (canonical or legacy, case-insensitive), or undefined. */
export function canonicalSuiteName(spelling: string): SrtpSuiteName | undefined {
  const upper = spelling.toUpperCase();
  if (isSrtpSuiteName(upper)) return upper;
  return LEGACY_SUITE_SPELLINGS[upper];
}
