/**
 * GHASH, the authentication half of GCM (NIST SP 800-38D §6.4), with 8-bit Shoup tables per key.
 *
 * DESIGN.md rule 6: node:crypto's GCM cannot be re-IV'd, so every SRTP packet would cost a new
 * cipher object, which dominates small packets (bench/srtp.bench.ts). With the CTR keystream
 * produced ahead in batches like AES-CM (cm-keystream.ts), only GHASH remains per packet; this
 * hand-written form is checked against node:crypto's AES-GCM on many random keys, IVs, AADs and
 * messages in aead-gcm.test.ts, besides the RFC 7714 vectors and libsrtp2 interop.
 *
 * Representation: a 128-bit field element as four 32-bit words, big-endian (word 0 holds octets
 * 0..3). GCM's bit order makes "multiply by x" a right shift with reduction by 0xE1 || 0^120.
 */

/** Per-octet reduction constants: what multiplying the dropped low octet by x^8 adds to the top. */
const REDUCE = new Int32Array(256);
{
  for (let r = 0; r < 256; r++) {
    let v0 = 0;
    let v3 = r;
    for (let k = 0; k < 8; k++) {
      const carry = v3 & 1;
      v3 = (v3 >>> 1) | ((v0 & 1) << 31);
      v0 = (v0 >>> 1) ^ (carry !== 0 ? 0xe1000000 | 0 : 0);
    }
    REDUCE[r] = v0 | 0;
  }
}

function word(b: Uint8Array, o: number): number {
  return (b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!;
}

export class GhashKey {
  /** table[4*b .. 4*b+3] = b * H, for every octet value b. */
  private readonly table = new Int32Array(1024);
  private z0 = 0;
  private z1 = 0;
  private z2 = 0;
  private z3 = 0;
  /** Partial block not yet absorbed, and how many octets of it are filled. */
  private readonly pending = new Uint8Array(16);
  private fill = 0;

  /** `h` = AES_K(0^128), 16 octets. */
  constructor(h: Uint8Array) {
    const t = this.table;
    let v0 = word(h, 0);
    let v1 = word(h, 4);
    let v2 = word(h, 8);
    let v3 = word(h, 12);
    for (let bit = 0x80; bit > 0; bit >>>= 1) {
      t[bit * 4] = v0;
      t[bit * 4 + 1] = v1;
      t[bit * 4 + 2] = v2;
      t[bit * 4 + 3] = v3;
      const carry = v3 & 1;
      v3 = (v3 >>> 1) | ((v2 & 1) << 31);
      v2 = (v2 >>> 1) | ((v1 & 1) << 31);
      v1 = (v1 >>> 1) | ((v0 & 1) << 31);
      v0 = (v0 >>> 1) ^ (carry !== 0 ? 0xe1000000 | 0 : 0);
    }
    for (let i = 2; i < 256; i <<= 1) {
      for (let j = 1; j < i; j++) {
        for (let w = 0; w < 4; w++) t[(i + j) * 4 + w] = t[i * 4 + w]! ^ t[j * 4 + w]!;
      }
    }
  }

  /** Starts a new GHASH computation. */
  reset(): void {
    this.z0 = 0;
    this.z1 = 0;
    this.z2 = 0;
    this.z3 = 0;
    this.fill = 0;
  }

  /** Y = (Y XOR X) * H for one block X given as four words. */
  private block(x0: number, x1: number, x2: number, x3: number): void {
    const t = this.table;
    const a0 = this.z0 ^ x0;
    const a1 = this.z1 ^ x1;
    const a2 = this.z2 ^ x2;
    const a3 = this.z3 ^ x3;
    let z0 = 0;
    let z1 = 0;
    let z2 = 0;
    let z3 = 0;
    // Horner over the octets from last to first: Z = Z * x^8 + octet * H (16 steps, unrolled).
    const R = REDUCE;
    let rem: number;
    let o: number;
    rem = z3 & 0xff;
    z3 = (z3 >>> 8) | (z2 << 24);
    z2 = (z2 >>> 8) | (z1 << 24);
    z1 = (z1 >>> 8) | (z0 << 24);
    o = ((a3) & 0xff) << 2;
    z0 = (z0 >>> 8) ^ R[rem]! ^ t[o]!;
    z1 ^= t[o + 1]!;
    z2 ^= t[o + 2]!;
    z3 ^= t[o + 3]!;
    rem = z3 & 0xff;
    z3 = (z3 >>> 8) | (z2 << 24);
    z2 = (z2 >>> 8) | (z1 << 24);
    z1 = (z1 >>> 8) | (z0 << 24);
    o = ((a3 >>> 8) & 0xff) << 2;
    z0 = (z0 >>> 8) ^ R[rem]! ^ t[o]!;
    z1 ^= t[o + 1]!;
    z2 ^= t[o + 2]!;
    z3 ^= t[o + 3]!;
    rem = z3 & 0xff;
    z3 = (z3 >>> 8) | (z2 << 24);
    z2 = (z2 >>> 8) | (z1 << 24);
    z1 = (z1 >>> 8) | (z0 << 24);
    o = ((a3 >>> 16) & 0xff) << 2;
    z0 = (z0 >>> 8) ^ R[rem]! ^ t[o]!;
    z1 ^= t[o + 1]!;
    z2 ^= t[o + 2]!;
    z3 ^= t[o + 3]!;
    rem = z3 & 0xff;
    z3 = (z3 >>> 8) | (z2 << 24);
    z2 = (z2 >>> 8) | (z1 << 24);
    z1 = (z1 >>> 8) | (z0 << 24);
    o = ((a3 >>> 24) & 0xff) << 2;
    z0 = (z0 >>> 8) ^ R[rem]! ^ t[o]!;
    z1 ^= t[o + 1]!;
    z2 ^= t[o + 2]!;
    z3 ^= t[o + 3]!;
    rem = z3 & 0xff;
    z3 = (z3 >>> 8) | (z2 << 24);
    z2 = (z2 >>> 8) | (z1 << 24);
    z1 = (z1 >>> 8) | (z0 << 24);
    o = ((a2) & 0xff) << 2;
    z0 = (z0 >>> 8) ^ R[rem]! ^ t[o]!;
    z1 ^= t[o + 1]!;
    z2 ^= t[o + 2]!;
    z3 ^= t[o + 3]!;
    rem = z3 & 0xff;
    z3 = (z3 >>> 8) | (z2 << 24);
    z2 = (z2 >>> 8) | (z1 << 24);
    z1 = (z1 >>> 8) | (z0 << 24);
    o = ((a2 >>> 8) & 0xff) << 2;
    z0 = (z0 >>> 8) ^ R[rem]! ^ t[o]!;
    z1 ^= t[o + 1]!;
    z2 ^= t[o + 2]!;
    z3 ^= t[o + 3]!;
    rem = z3 & 0xff;
    z3 = (z3 >>> 8) | (z2 << 24);
    z2 = (z2 >>> 8) | (z1 << 24);
    z1 = (z1 >>> 8) | (z0 << 24);
    o = ((a2 >>> 16) & 0xff) << 2;
    z0 = (z0 >>> 8) ^ R[rem]! ^ t[o]!;
    z1 ^= t[o + 1]!;
    z2 ^= t[o + 2]!;
    z3 ^= t[o + 3]!;
    rem = z3 & 0xff;
    z3 = (z3 >>> 8) | (z2 << 24);
    z2 = (z2 >>> 8) | (z1 << 24);
    z1 = (z1 >>> 8) | (z0 << 24);
    o = ((a2 >>> 24) & 0xff) << 2;
    z0 = (z0 >>> 8) ^ R[rem]! ^ t[o]!;
    z1 ^= t[o + 1]!;
    z2 ^= t[o + 2]!;
    z3 ^= t[o + 3]!;
    rem = z3 & 0xff;
    z3 = (z3 >>> 8) | (z2 << 24);
    z2 = (z2 >>> 8) | (z1 << 24);
    z1 = (z1 >>> 8) | (z0 << 24);
    o = ((a1) & 0xff) << 2;
    z0 = (z0 >>> 8) ^ R[rem]! ^ t[o]!;
    z1 ^= t[o + 1]!;
    z2 ^= t[o + 2]!;
    z3 ^= t[o + 3]!;
    rem = z3 & 0xff;
    z3 = (z3 >>> 8) | (z2 << 24);
    z2 = (z2 >>> 8) | (z1 << 24);
    z1 = (z1 >>> 8) | (z0 << 24);
    o = ((a1 >>> 8) & 0xff) << 2;
    z0 = (z0 >>> 8) ^ R[rem]! ^ t[o]!;
    z1 ^= t[o + 1]!;
    z2 ^= t[o + 2]!;
    z3 ^= t[o + 3]!;
    rem = z3 & 0xff;
    z3 = (z3 >>> 8) | (z2 << 24);
    z2 = (z2 >>> 8) | (z1 << 24);
    z1 = (z1 >>> 8) | (z0 << 24);
    o = ((a1 >>> 16) & 0xff) << 2;
    z0 = (z0 >>> 8) ^ R[rem]! ^ t[o]!;
    z1 ^= t[o + 1]!;
    z2 ^= t[o + 2]!;
    z3 ^= t[o + 3]!;
    rem = z3 & 0xff;
    z3 = (z3 >>> 8) | (z2 << 24);
    z2 = (z2 >>> 8) | (z1 << 24);
    z1 = (z1 >>> 8) | (z0 << 24);
    o = ((a1 >>> 24) & 0xff) << 2;
    z0 = (z0 >>> 8) ^ R[rem]! ^ t[o]!;
    z1 ^= t[o + 1]!;
    z2 ^= t[o + 2]!;
    z3 ^= t[o + 3]!;
    rem = z3 & 0xff;
    z3 = (z3 >>> 8) | (z2 << 24);
    z2 = (z2 >>> 8) | (z1 << 24);
    z1 = (z1 >>> 8) | (z0 << 24);
    o = ((a0) & 0xff) << 2;
    z0 = (z0 >>> 8) ^ R[rem]! ^ t[o]!;
    z1 ^= t[o + 1]!;
    z2 ^= t[o + 2]!;
    z3 ^= t[o + 3]!;
    rem = z3 & 0xff;
    z3 = (z3 >>> 8) | (z2 << 24);
    z2 = (z2 >>> 8) | (z1 << 24);
    z1 = (z1 >>> 8) | (z0 << 24);
    o = ((a0 >>> 8) & 0xff) << 2;
    z0 = (z0 >>> 8) ^ R[rem]! ^ t[o]!;
    z1 ^= t[o + 1]!;
    z2 ^= t[o + 2]!;
    z3 ^= t[o + 3]!;
    rem = z3 & 0xff;
    z3 = (z3 >>> 8) | (z2 << 24);
    z2 = (z2 >>> 8) | (z1 << 24);
    z1 = (z1 >>> 8) | (z0 << 24);
    o = ((a0 >>> 16) & 0xff) << 2;
    z0 = (z0 >>> 8) ^ R[rem]! ^ t[o]!;
    z1 ^= t[o + 1]!;
    z2 ^= t[o + 2]!;
    z3 ^= t[o + 3]!;
    rem = z3 & 0xff;
    z3 = (z3 >>> 8) | (z2 << 24);
    z2 = (z2 >>> 8) | (z1 << 24);
    z1 = (z1 >>> 8) | (z0 << 24);
    o = ((a0 >>> 24) & 0xff) << 2;
    z0 = (z0 >>> 8) ^ R[rem]! ^ t[o]!;
    z1 ^= t[o + 1]!;
    z2 ^= t[o + 2]!;
    z3 ^= t[o + 3]!;
    this.z0 = z0;
    this.z1 = z1;
    this.z2 = z2;
    this.z3 = z3;
  }

  /** Absorbs `data[offset, offset + length)` (call `pad` to end the AAD or the ciphertext). */
  absorb(data: Uint8Array, offset: number, length: number): void {
    let o = offset;
    const end = offset + length;
    if (this.fill > 0) {
      while (this.fill < 16 && o < end) this.pending[this.fill++] = data[o++]!;
      if (this.fill < 16) return;
      const p = this.pending;
      this.block(word(p, 0), word(p, 4), word(p, 8), word(p, 12));
      this.fill = 0;
    }
    while (end - o >= 16) {
      this.block(word(data, o), word(data, o + 4), word(data, o + 8), word(data, o + 12));
      o += 16;
    }
    while (o < end) this.pending[this.fill++] = data[o++]!;
  }

  /** Zero-pads and absorbs a partial block, if any (SP 800-38D: A and C are padded separately). */
  pad(): void {
    if (this.fill === 0) return;
    this.pending.fill(0, this.fill);
    const p = this.pending;
    this.block(word(p, 0), word(p, 4), word(p, 8), word(p, 12));
    this.fill = 0;
  }

  /**
   * Absorbs the length block (octet lengths of AAD and ciphertext), then writes the tag
   * GHASH XOR mask (`mask` = AES_K(J0)) into `out[outOffset...]`, `tagLength` octets.
   */
  finish(aadLength: number, cipherLength: number, mask: Uint8Array, maskOffset: number, out: Uint8Array, outOffset: number, tagLength: number): void {
    this.pad();
    // Lengths in bits as two 64-bit big-endian numbers; packets are far below 2^29 octets.
    this.block(0, (aadLength * 8) | 0, 0, (cipherLength * 8) | 0);
    for (let i = 0; i < tagLength; i++) {
      const w = i < 4 ? this.z0 : i < 8 ? this.z1 : i < 12 ? this.z2 : this.z3;
      out[outOffset + i] = ((w >>> (24 - 8 * (i & 3))) & 0xff) ^ mask[maskOffset + i]!;
    }
  }

  /** Forgets the key tables (best effort). */
  dispose(): void {
    this.table.fill(0);
    this.reset();
  }
}
