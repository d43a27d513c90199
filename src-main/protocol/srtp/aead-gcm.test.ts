import { createCipheriv, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { gcmOpenInPlace, gcmSealInPlace } from './aead-gcm.js';
import { AesBlockCipher } from './aes-block.js';
import { GhashKey } from './ghash.js';

// DESIGN.md rule 6: the hand-written GHASH, with keystream from the AES block function, must give
// exactly node:crypto's AES-GCM on a large number of random keys, IVs, AADs and messages.

function keystream(aes: AesBlockCipher, iv: Uint8Array, blocks: number): Buffer {
  const counters = Buffer.alloc(blocks * 16);
  for (let j = 0; j < blocks; j++) {
    counters.set(iv, j * 16);
    counters.writeUInt32BE(j + 1, j * 16 + 12);
  }
  return aes.encryptBlocks(counters);
}

describe('GCM from GHASH + AES block function, against node:crypto AES-GCM', () => {
  it('agrees on 5,000 random (key, IV, AAD, plaintext) including split AAD and empty parts', () => {
    for (let i = 0; i < 5000; i++) {
      const key = randomBytes(i % 3 === 0 ? 32 : 16);
      const iv = randomBytes(12);
      const aad = randomBytes(i % 45);
      const extra = i % 4 === 0 ? randomBytes(i % 7) : undefined;
      const plaintext = randomBytes((i * 13) % 700);
      const c = createCipheriv(key.length === 16 ? 'aes-128-gcm' : 'aes-256-gcm', key, iv);
      c.setAAD(extra === undefined ? aad : Buffer.concat([aad, extra]));
      const expected = Buffer.concat([aad, c.update(plaintext), c.final(), c.getAuthTag()]);

      const aes = new AesBlockCipher(key);
      const ghash = new GhashKey(aes.encryptBlocks(new Uint8Array(16)));
      const ks = keystream(aes, iv, 1 + Math.ceil(plaintext.length / 16));
      const data = Buffer.alloc(aad.length + plaintext.length + 16);
      aad.copy(data, 0);
      plaintext.copy(data, aad.length);
      gcmSealInPlace(ghash, ks, 0, data, aad.length, aad.length + plaintext.length, extra);
      if (!data.equals(expected)) expect.fail(`iteration ${i}: aad ${aad.length}, extra ${extra?.length}, plaintext ${plaintext.length}`);
      expect(gcmOpenInPlace(ghash, ks, 0, data, aad.length, aad.length + plaintext.length, extra)).toBe(true);
      if (!data.subarray(aad.length, aad.length + plaintext.length).equals(plaintext)) expect.fail(`iteration ${i}: decryption differs`);
    }
  });

  it('rejects every single-bit change of AAD, ciphertext or tag and leaves the data untouched', () => {
    const key = randomBytes(16);
    const aes = new AesBlockCipher(key);
    const ghash = new GhashKey(aes.encryptBlocks(new Uint8Array(16)));
    const ks = keystream(aes, randomBytes(12), 4);
    const data = Buffer.alloc(12 + 40 + 16);
    randomBytes(52).copy(data);
    gcmSealInPlace(ghash, ks, 0, data, 12, 52);
    for (let bit = 0; bit < data.length * 8; bit++) {
      const bad = Buffer.from(data);
      bad[bit >>> 3] = bad[bit >>> 3]! ^ (1 << (bit & 7));
      const copy = Buffer.from(bad);
      expect(gcmOpenInPlace(ghash, ks, 0, bad, 12, 52)).toBe(false);
      expect(bad.equals(copy)).toBe(true);
    }
  });
});
