/**
 * AES in f8-mode (RFC 3711 §4.1.2): the keystream primitive only.
 *
 *   IV' = E(k_e XOR m, IV), m = k_s || 0x555..5 (to the key length)
 *   S(-1) = 0;  S(j) = E(k_e, IV' XOR j XOR S(j-1)),  j = 0, 1, ...
 *
 * Verified against RFC 3711 Appendix B.1. No suite negotiated by SDES uses f8
 * (F8_128_HMAC_SHA1_80 has no deployment we know of and libsrtp2 dropped it), so the engine does
 * not wire it to a context; see README.md.
 */
import { AesBlockCipher } from './aes-block.js';

export function aesF8Keystream(key: Uint8Array, saltKey: Uint8Array, iv: Uint8Array, length: number): Uint8Array {
  if (iv.length !== 16) throw new RangeError('f8 IV must be 16 octets');
  const mask = new Uint8Array(key.length).fill(0x55);
  mask.set(saltKey.subarray(0, Math.min(saltKey.length, key.length)));
  const masked = key.map((b, i) => b ^ mask[i]!);
  const ivPrime = new AesBlockCipher(masked).encryptBlocks(iv);
  const aes = new AesBlockCipher(key);
  const out = new Uint8Array(Math.ceil(length / 16) * 16);
  const block = new Uint8Array(16);
  let prev = new Uint8Array(16);
  for (let j = 0; j * 16 < length; j++) {
    for (let i = 0; i < 16; i++) block[i] = ivPrime[i]! ^ prev[i]!;
    // XOR the 128-bit block counter j (big-endian) into the low octets.
    block[15] = block[15]! ^ (j & 0xff);
    block[14] = block[14]! ^ ((j >>> 8) & 0xff);
    block[13] = block[13]! ^ ((j >>> 16) & 0xff);
    block[12] = block[12]! ^ ((j >>> 24) & 0xff);
    prev = new Uint8Array(aes.encryptBlocks(block));
    out.set(prev, j * 16);
  }
  return out.subarray(0, length);
}
