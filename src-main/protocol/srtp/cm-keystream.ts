/**
 * AES counter-mode keystream for SRTP and SRTCP packets (RFC 3711 §4.1.1), produced ahead in
 * batches.
 *
 *   IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16);  block j = AES_k(IV + j)
 *
 * where i is the SRTP packet index (48 bits) or the SRTCP index (31 bits). The counter blocks of
 * the next packets of a stream are predictable (i, i+1, ...), so one node:crypto ECB call
 * encrypts the counters of up to 64 packets at once: the per-call cost that dominates small
 * packets is paid once per batch instead of once per packet. A packet outside the batch (late,
 * reordered, or larger than the batch slots) gets its keystream from a one-off call.
 *
 * Counter blocks never repeat for a key: they are a function of (SSRC, index, j) alone, so
 * computing keystream ahead cannot cause keystream reuse; unused keystream is simply dropped.
 */
import type { AesBlockCipher } from './aes-block.js';
import { bigEndianWord, WordViewCache } from './word-view.js';

/** Batch target in octets of keystream per node:crypto call. */
const BATCH_OCTETS = 16384;
const MAX_BATCH_PACKETS = 64;

const bswap = bigEndianWord;
const dataWords = new WordViewCache();
const keystreamWords = new WordViewCache();

function readWord(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) | 0;
}

export class CmKeystream {
  /** Salt words (big-endian values) with the SSRC folded in. */
  private readonly s0: number;
  private readonly s1: number;
  private readonly s2: number;
  /** Salt octets 12..13 as a 16-bit value. */
  private readonly s3: number;

  private batch: Buffer | undefined;
  private base = 0;
  private count = 0;
  private slotBlocks = 0;
  /** Largest block count asked for since the last batch: the next batch's slot size. */
  private wanted = 0;
  private counters = new Uint32Array(0);

  /** The buffer holding the keystream returned by the last `prepare`. */
  buffer: Buffer = Buffer.alloc(0);

  constructor(
    private readonly aes: AesBlockCipher,
    salt: Uint8Array,
    ssrc: number,
  ) {
    if (salt.length < 12) throw new RangeError('session salt too short');
    this.s0 = readWord(salt, 0);
    this.s1 = (readWord(salt, 4) ^ ssrc) | 0;
    this.s2 = readWord(salt, 8);
    this.s3 = salt.length >= 14 ? (salt[12]! << 8) | salt[13]! : 0;
  }

  /**
   * Makes at least `blocks` keystream blocks for `index` available in `this.buffer` and returns
   * their offset.
   */
  prepare(index: number, blocks: number): number {
    if (blocks > this.wanted) this.wanted = blocks;
    const batch = this.batch;
    if (batch !== undefined && index >= this.base && index < this.base + this.count) {
      if (blocks <= this.slotBlocks) {
        this.buffer = batch;
        return (index - this.base) * this.slotBlocks * 16;
      }
      return this.single(index, blocks);
    }
    if (batch !== undefined && index < this.base) return this.single(index, blocks);
    this.refill(index);
    this.buffer = this.batch!;
    return 0;
  }

  private refill(index: number): void {
    const slot = Math.max(1, this.wanted);
    this.wanted = 0;
    const count = Math.max(1, Math.min(MAX_BATCH_PACKETS, Math.floor(BATCH_OCTETS / (slot * 16))));
    const words = count * slot * 4;
    if (this.counters.length < words) this.counters = new Uint32Array(words);
    this.fillCounters(this.counters, index, count, slot);
    if (this.batch !== undefined) this.batch.fill(0);
    this.batch = this.aes.encryptBlocks(new Uint8Array(this.counters.buffer, 0, words * 4));
    this.base = index;
    this.count = count;
    this.slotBlocks = slot;
  }

  private single(index: number, blocks: number): number {
    const words = new Uint32Array(blocks * 4);
    this.fillCounters(words, index, 1, blocks);
    this.buffer = this.aes.encryptBlocks(new Uint8Array(words.buffer));
    return 0;
  }

  private fillCounters(out: Uint32Array, index: number, count: number, slot: number): void {
    const w0 = bswap(this.s0);
    const w1 = bswap(this.s1);
    let p = 0;
    for (let k = 0; k < count; k++) {
      const i = index + k;
      const w2 = bswap((this.s2 ^ (i / 65536)) | 0);
      const hi = ((this.s3 ^ (i & 0xffff)) << 16) | 0;
      for (let j = 0; j < slot; j++) {
        out[p] = w0;
        out[p + 1] = w1;
        out[p + 2] = w2;
        // The block counter j never exceeds 16 bits here (packets are far below 1 MiB).
        out[p + 3] = bswap(hi | j);
        p += 4;
      }
    }
  }

  /** Drops precomputed keystream (best effort: zeroed). */
  dispose(): void {
    this.batch?.fill(0);
    this.batch = undefined;
    this.count = 0;
  }
}

/**
 * XORs `length` octets of `ks[ksOffset...]` into `data[offset...]` in place, a 32-bit word at a time
 * when both sides are 4-octet aligned (RTP headers are whole words, keystream slots whole blocks).
 */
export function xorKeystream(data: Uint8Array, offset: number, length: number, ks: Uint8Array, ksOffset: number): void {
  let i = 0;
  const d = data.byteOffset + offset;
  const k = ks.byteOffset + ksOffset;
  if (((d | k) & 3) === 0 && length >= 16) {
    const dv = dataWords.over(data.buffer);
    const kv = keystreamWords.over(ks.buffer);
    {
      const words = length >>> 2;
      const dw = d >>> 2;
      const kw = k >>> 2;
      for (let w = 0; w < words; w++) dv[dw + w] = dv[dw + w]! ^ kv[kw + w]!;
      i = words << 2;
    }
  }
  for (; i < length; i++) data[offset + i] = data[offset + i]! ^ ks[ksOffset + i]!;
}
