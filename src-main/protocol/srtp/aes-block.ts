/**
 * The AES block function, from node:crypto (DESIGN.md rule 6): one long-lived ECB cipher per key,
 * without padding, used to turn a buffer of counter blocks into keystream in a single call
 * (RFC 3711 §4.1.1 counter mode, §4.3.3 the AES-CM PRF, RFC 7714 §7 for GCM's CTR part).
 */
import { createCipheriv, type Cipher } from 'node:crypto';

export type AesKeyLength = 16 | 24 | 32;

export function isAesKeyLength(n: number): n is AesKeyLength {
  return n === 16 || n === 24 || n === 32;
}

/** A reusable AES-ECB encryptor. `encryptBlocks` input length must be a multiple of 16. */
export class AesBlockCipher {
  private readonly ecb: Cipher;

  constructor(key: Uint8Array) {
    if (!isAesKeyLength(key.length)) throw new RangeError(`AES key must be 16, 24 or 32 octets, got ${key.length}`);
    this.ecb = createCipheriv(`aes-${key.length * 8}-ecb`, key, null);
    this.ecb.setAutoPadding(false);
  }

  /** AES_K applied to each 16-octet block of `blocks`; returns a new buffer of the same length. */
  encryptBlocks(blocks: Uint8Array): Buffer {
    return this.ecb.update(blocks);
  }
}
