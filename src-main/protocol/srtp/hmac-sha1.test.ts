import { createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HmacSha1 } from './hmac-sha1.js';

// DESIGN.md rule 6: the hand-written SHA-1 compression is checked against node:crypto on a large
// number of random inputs, including every message length around the block and padding boundaries.

function reference(key: Uint8Array, data: Uint8Array, trailer: number | undefined): Buffer {
  const h = createHmac('sha1', key).update(data);
  if (trailer !== undefined) {
    const t = Buffer.alloc(4);
    t.writeUInt32BE(trailer >>> 0);
    h.update(t);
  }
  return h.digest();
}

describe('HmacSha1 (hand-written SHA-1) against node:crypto', () => {
  it('agrees on every message length 0..300 with and without the 4-octet trailer', () => {
    const key = randomBytes(20);
    const mac = new HmacSha1(key);
    const out = new Uint8Array(20);
    for (let len = 0; len <= 300; len++) {
      const data = randomBytes(len);
      for (const trailer of [undefined, 0, 1, 0xffffffff, 0x80000000]) {
        mac.sign(data, 0, len, trailer ?? 0, trailer !== undefined, out, 0, 20);
        expect(Buffer.from(out).equals(reference(key, data, trailer)), `len ${len} trailer ${trailer}`).toBe(true);
      }
    }
  });

  it('agrees on 20,000 random keys, messages, offsets and trailers', () => {
    const out = new Uint8Array(20);
    for (let i = 0; i < 20_000; i++) {
      const key = randomBytes(i % 97); // includes empty keys and keys longer than a block
      const data = randomBytes((i * 7919) % 1600);
      const start = data.length === 0 ? 0 : i % Math.min(13, data.length);
      const trailer = i % 3 === 0 ? undefined : (i * 2654435761) >>> 0;
      new HmacSha1(key).sign(data, start, data.length, trailer ?? 0, trailer !== undefined, out, 0, 20);
      const ref = reference(key, data.subarray(start), trailer);
      if (!Buffer.from(out).equals(ref)) expect.fail(`mismatch at iteration ${i} (key ${key.length}, len ${data.length})`);
    }
  });

  it('verify accepts the truncated tag in constant-time form and rejects any single-bit change', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 20, maxLength: 20 }), fc.uint8Array({ maxLength: 400 }), fc.constantFrom(4, 10, 20), fc.nat(), (key, data, tagLen, bit) => {
        const mac = new HmacSha1(key);
        const tag = reference(key, data, 7).subarray(0, tagLen);
        expect(mac.verify(data, 0, data.length, 7, true, tag, 0, tagLen)).toBe(true);
        const bad = Buffer.from(tag);
        bad[(bit >>> 3) % tagLen] = bad[(bit >>> 3) % tagLen]! ^ (1 << (bit & 7));
        expect(mac.verify(data, 0, data.length, 7, true, bad, 0, tagLen)).toBe(false);
        expect(mac.verify(data, 0, data.length, 8, true, tag, 0, tagLen)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });
});
