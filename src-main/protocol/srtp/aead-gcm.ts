/**
 * AEAD_AES_128_GCM / AEAD_AES_256_GCM packet transforms for SRTP and SRTCP (RFC 7714), built from
 * the batched counter-mode keystream (cm-keystream.ts, GCM layout: block 0 = AES_K(J0) masks the
 * tag, blocks 1.. encrypt the payload) and GHASH (ghash.ts).
 *
 *   SRTP AAD (§8.2): the RTP header with CSRCs and extension; ciphertext: the payload.
 *   SRTCP AAD (§9.3): the first 8 octets || E || SRTCP index; with E = 0 (§9.4), the whole packet
 *   || E || index and no ciphertext. Tag: 16 octets (§13), compared in constant time.
 *
 * Checked against node:crypto's AES-GCM on random inputs (aead-gcm.test.ts), the RFC 7714 §16-17
 * vectors and libsrtp2.
 */
import type { GhashKey } from './ghash.js';
import { xorKeystream } from './cm-keystream.js';

export const GCM_TAG_LENGTH = 16;

const expected = new Uint8Array(GCM_TAG_LENGTH);

function tag(g: GhashKey, data: Uint8Array, aadLen: number, extraAad: Uint8Array | undefined, ctEnd: number, ks: Uint8Array, ksAt: number, out: Uint8Array, outAt: number): void {
  g.reset();
  g.absorb(data, 0, aadLen);
  if (extraAad !== undefined) g.absorb(extraAad, 0, extraAad.length);
  g.pad();
  g.absorb(data, aadLen, ctEnd - aadLen);
  g.finish(aadLen + (extraAad?.length ?? 0), ctEnd - aadLen, ks, ksAt, out, outAt, GCM_TAG_LENGTH);
}

/**
 * Encrypts `data[aadLen, end)` in place and writes the tag at `data[end...]`. `ks[ksAt...]` holds
 * the packet's keystream: the tag mask, then ceil((end - aadLen) / 16) payload blocks.
 */
export function gcmSealInPlace(g: GhashKey, ks: Uint8Array, ksAt: number, data: Uint8Array, aadLen: number, end: number, extraAad?: Uint8Array): void {
  xorKeystream(data, aadLen, end - aadLen, ks, ksAt + 16);
  tag(g, data, aadLen, extraAad, end, ks, ksAt, data, end);
}

/**
 * Verifies the tag at `data[end, end + 16)` over AAD `data[0, aadLen)` (+ `extraAad`) and ciphertext
 * `data[aadLen, end)`; only then decrypts in place. Returns false, leaving `data` untouched, when the
 * tag does not verify. With `aadOnly` the whole of `data[0, end)` is AAD (SRTCP with E = 0).
 */
export function gcmOpenInPlace(g: GhashKey, ks: Uint8Array, ksAt: number, data: Uint8Array, aadLen: number, end: number, extraAad?: Uint8Array): boolean {
  tag(g, data, aadLen, extraAad, end, ks, ksAt, expected, 0);
  let diff = 0;
  for (let i = 0; i < GCM_TAG_LENGTH; i++) diff |= expected[i]! ^ data[end + i]!;
  if (diff !== 0) return false;
  xorKeystream(data, aadLen, end - aadLen, ks, ksAt + 16);
  return true;
}
