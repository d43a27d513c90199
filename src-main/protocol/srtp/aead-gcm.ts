/**
 * AEAD_AES_128_GCM / AEAD_AES_256_GCM for SRTP and SRTCP (RFC 7714), on node:crypto's GCM.
 *
 *   SRTP IV  (§8.1): (0x0000 || SSRC || ROC || SEQ) XOR session salt      (12 octets)
 *   SRTCP IV (§9.1): (0x0000 || SSRC || 0x0000 || 0 || SRTCP index) XOR session salt
 *   SRTP AAD (§8.2): the RTP header (with CSRCs and extension); SRTCP AAD (§9.3): the first
 *   8 header octets || E || SRTCP index (or, with E = 0, the whole packet || E || index).
 *   Tag: 16 octets (§13).
 *
 * node:crypto has no way to re-IV a GCM object, so each packet costs one cipher object; the
 * AES-CM suites are the fast path (see README.md).
 */
import { createCipheriv, createDecipheriv, type KeyObject } from 'node:crypto';

export const GCM_TAG_LENGTH = 16;

const iv = Buffer.alloc(12);

function gcmAlgorithm(key: KeyObject): 'aes-128-gcm' | 'aes-256-gcm' {
  return key.symmetricKeySize === 32 ? 'aes-256-gcm' : 'aes-128-gcm';
}

/** Fills the shared IV scratch for an SRTP packet. */
export function srtpGcmIv(salt: Uint8Array, ssrc: number, roc: number, seq: number): Buffer {
  iv[0] = salt[0]!;
  iv[1] = salt[1]!;
  iv[2] = salt[2]! ^ (ssrc >>> 24);
  iv[3] = salt[3]! ^ ((ssrc >>> 16) & 0xff);
  iv[4] = salt[4]! ^ ((ssrc >>> 8) & 0xff);
  iv[5] = salt[5]! ^ (ssrc & 0xff);
  iv[6] = salt[6]! ^ (roc >>> 24);
  iv[7] = salt[7]! ^ ((roc >>> 16) & 0xff);
  iv[8] = salt[8]! ^ ((roc >>> 8) & 0xff);
  iv[9] = salt[9]! ^ (roc & 0xff);
  iv[10] = salt[10]! ^ (seq >>> 8);
  iv[11] = salt[11]! ^ (seq & 0xff);
  return iv;
}

/** Fills the shared IV scratch for an SRTCP packet (31-bit `index`). */
export function srtcpGcmIv(salt: Uint8Array, ssrc: number, index: number): Buffer {
  iv[0] = salt[0]!;
  iv[1] = salt[1]!;
  iv[2] = salt[2]! ^ (ssrc >>> 24);
  iv[3] = salt[3]! ^ ((ssrc >>> 16) & 0xff);
  iv[4] = salt[4]! ^ ((ssrc >>> 8) & 0xff);
  iv[5] = salt[5]! ^ (ssrc & 0xff);
  iv[6] = salt[6]!;
  iv[7] = salt[7]!;
  iv[8] = salt[8]! ^ ((index >>> 24) & 0x7f);
  iv[9] = salt[9]! ^ ((index >>> 16) & 0xff);
  iv[10] = salt[10]! ^ ((index >>> 8) & 0xff);
  iv[11] = salt[11]! ^ (index & 0xff);
  return iv;
}

/**
 * Encrypts `plaintext` and writes ciphertext || tag to `out[outOffset...]`. `aad` may be given in
 * two parts (SRTCP: header and E||index).
 */
export function gcmSeal(
  key: KeyObject,
  nonce: Buffer,
  aad: Uint8Array,
  aad2: Uint8Array | undefined,
  plaintext: Uint8Array,
  out: Uint8Array,
  outOffset: number,
): void {
  const c = createCipheriv(gcmAlgorithm(key), key, nonce, { authTagLength: GCM_TAG_LENGTH });
  c.setAAD(aad2 === undefined ? aad : Buffer.concat([aad, aad2]));
  const ct = c.update(plaintext);
  const rest = c.final();
  out.set(ct, outOffset);
  out.set(rest, outOffset + ct.length);
  out.set(c.getAuthTag(), outOffset + ct.length + rest.length);
}

/**
 * Verifies and decrypts; on success writes the plaintext to `out[outOffset...]` and returns true.
 * On failure nothing is written.
 */
export function gcmOpen(
  key: KeyObject,
  nonce: Buffer,
  aad: Uint8Array,
  aad2: Uint8Array | undefined,
  ciphertext: Uint8Array,
  tag: Uint8Array,
  out: Uint8Array,
  outOffset: number,
): boolean {
  const d = createDecipheriv(gcmAlgorithm(key), key, nonce, { authTagLength: GCM_TAG_LENGTH });
  d.setAAD(aad2 === undefined ? aad : Buffer.concat([aad, aad2]));
  d.setAuthTag(tag);
  const pt = d.update(ciphertext);
  let rest: Buffer;
  try {
    rest = d.final();
  } catch {
    // node:crypto reports a wrong tag by throwing; here it becomes a counted value.
    pt.fill(0);
    return false;
  }
  out.set(pt, outOffset);
  out.set(rest, outOffset + pt.length);
  return true;
}
