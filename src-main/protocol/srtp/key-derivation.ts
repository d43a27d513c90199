/**
 * SRTP key derivation: RFC 3711 §4.3 (labels, key derivation rate, §4.3.3 the AES-CM PRF),
 * RFC 6188 §3 (AES-192/256 PRF with a 112-bit salt), RFC 7714 §11 (GCM: 96-bit master salt).
 *
 *   key_id = label || r, r = index DIV key_derivation_rate (r = 0 when the rate is 0)
 *   x      = key_id XOR master_salt          (both 112 bits, key_id right-aligned)
 *   PRF_n(k_master, x) = first n bits of AES-CM keystream with IV = x * 2^16
 *
 * DEVIATION(RFC 7714 §11): the GCM suites carry a 96-bit master salt; like libsrtp we extend it to
 * the 112 bits the PRF takes by appending 16 zero bits (verified against Debian's libsrtp2 in
 * test/interop/libsrtp2). The derived GCM session salt is 96 bits.
 */
import { AesBlockCipher } from './aes-block.js';

/** Key derivation labels (RFC 3711 §4.3.1, §4.3.2). */
export const KDF_LABEL = {
  srtpEncryption: 0x00,
  srtpAuthentication: 0x01,
  srtpSalt: 0x02,
  srtcpEncryption: 0x03,
  srtcpAuthentication: 0x04,
  srtcpSalt: 0x05,
} as const;

/**
 * The PRF input x for `label` and `r` (a 48-bit integer): 14 octets. `masterSalt` may be 14 octets
 * (AES-CM) or 12 octets (GCM, padded with two zero octets).
 */
export function prfInput(masterSalt: Uint8Array, label: number, r: number): Uint8Array {
  const x = new Uint8Array(14);
  x.set(masterSalt.subarray(0, 14));
  // key_id = label (8 bits) || r (48 bits), right-aligned: label at octet 7, r at octets 8..13.
  x[7] = x[7]! ^ label;
  const hi = Math.floor(r / 2 ** 32);
  const lo = r >>> 0;
  x[8] = x[8]! ^ ((hi >>> 8) & 0xff);
  x[9] = x[9]! ^ (hi & 0xff);
  x[10] = x[10]! ^ (lo >>> 24);
  x[11] = x[11]! ^ ((lo >>> 16) & 0xff);
  x[12] = x[12]! ^ ((lo >>> 8) & 0xff);
  x[13] = x[13]! ^ (lo & 0xff);
  return x;
}

/** AES-CM PRF (RFC 3711 §4.3.3): `length` octets of AES-CM keystream under `prf` with IV = x * 2^16. */
export function aesCmPrf(prf: AesBlockCipher, x: Uint8Array, length: number): Uint8Array {
  const blocks = Math.ceil(length / 16);
  const counters = new Uint8Array(blocks * 16);
  for (let j = 0; j < blocks; j++) {
    counters.set(x.subarray(0, 14), j * 16);
    counters[j * 16 + 14] = (j >>> 8) & 0xff;
    counters[j * 16 + 15] = j & 0xff;
  }
  const out = prf.encryptBlocks(counters);
  const result = new Uint8Array(out.subarray(0, length));
  out.fill(0);
  return result;
}

/** Session keys for one direction of one packet family (SRTP or SRTCP). */
export interface DerivedSessionKeys {
  readonly encryptionKey: Uint8Array;
  readonly authenticationKey: Uint8Array;
  readonly salt: Uint8Array;
}

export interface DerivationInput {
  readonly masterKey: Uint8Array;
  readonly masterSalt: Uint8Array;
  readonly encryptionKeyLength: number;
  readonly authenticationKeyLength: number;
  readonly saltLength: number;
}

/**
 * Derives the SRTP (`rtcp` false: labels 0,1,2) or SRTCP (labels 3,4,5) session keys for key
 * derivation index `r` (RFC 3711 §4.3.1). Zero-length keys are returned empty.
 */
export function deriveSessionKeys(input: DerivationInput, rtcp: boolean, r: number, prf?: AesBlockCipher): DerivedSessionKeys {
  const cipher = prf ?? new AesBlockCipher(input.masterKey);
  const base = rtcp ? 3 : 0;
  const derive = (label: number, length: number): Uint8Array =>
    length === 0 ? new Uint8Array(0) : aesCmPrf(cipher, prfInput(input.masterSalt, base + label, r), length);
  return {
    encryptionKey: derive(0, input.encryptionKeyLength),
    authenticationKey: derive(1, input.authenticationKeyLength),
    salt: derive(2, input.saltLength),
  };
}

/** r = index DIV 2^kdrExponent, or 0 when no key derivation rate is in force (RFC 3711 §4.3.1). */
export function keyDerivationIndex(index: number, kdrExponent: number | undefined): number {
  if (kdrExponent === undefined) return 0;
  return Math.floor(index / 2 ** kdrExponent);
}
