/**
 * AES counter-mode keystream for SRTP and SRTCP packets, produced ahead in batches.
 *
 *   AES-CM (RFC 3711 §4.1.1):  IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16);
 *                              block j = AES_k(IV + j)
 *   GCM (RFC 7714 §8.1, §9.1): IV = (0x0000 || SSRC || ROC || SEQ) XOR salt (SRTP), or
 *                              (0x0000 || SSRC || 0x0000 || 0 || SRTCP index) XOR salt (SRTCP);
 *                              block j = AES_k(IV || j + 1): block 0 masks the tag (J0), blocks
 *                              1.. are the payload keystream (SP 800-38D §7.1)
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
/** A new stream's first batch is small and grows with each refill (a stream may never send more). */
const FIRST_BATCH_PACKETS = 2;

/** Counter block layout. */
export type KeystreamLayout = 'aes-cm' | 'gcm-srtp' | 'gcm-srtcp';

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
  private batchPackets = FIRST_BATCH_PACKETS;
  private slotBlocks = 0;
  /** Largest block count asked for since the last batch: the next batch's slot size. */
  private wanted = 0;
  private counters = new Uint32Array(0);

  /** The buffer holding the keystream returned by the last `prepare`. */
  buffer: Buffer = Buffer.alloc(0);

  constructor(
    private readonly aes: AesBlockCipher,
    salt: Uint8Array,
    private readonly ssrc: number,
    private readonly layout: KeystreamLayout = 'aes-cm',
  ) {
    if (salt.length < 12) throw new RangeError('session salt too short');
    this.s0 = readWord(salt, 0);
    this.s1 = layout === 'aes-cm' ? (readWord(salt, 4) ^ ssrc) | 0 : readWord(salt, 4);
    this.s2 = readWord(salt, 8);
    this.s3 = salt.length >= 14 ? (salt[12]! << 8) | salt[13]! : 0;
  }

  /**
   * Makes at least `blocks` keystream blocks for `index` available in `this.buffer` and returns
   * their offset. `mayRefill` false computes a one-off keystream instead of moving the batch.
   */
  prepare(index: number, blocks: number, mayRefill = true): number {
    if (blocks > this.wanted) this.wanted = blocks;
    const batch = this.batch;
    if (batch !== undefined && index >= this.base && index < this.base + this.count) {
      if (blocks <= this.slotBlocks) {
        this.buffer = batch;
        return (index - this.base) * this.slotBlocks * 16;
      }
      return this.single(index, blocks);
    }
    if (!mayRefill || (batch !== undefined && index < this.base)) return this.single(index, blocks);
    this.refill(index);
    this.buffer = this.batch!;
    return 0;
  }

  private refill(index: number): void {
    const slot = Math.max(1, this.wanted);
    this.wanted = 0;
    const count = Math.max(1, Math.min(this.batchPackets, Math.floor(BATCH_OCTETS / (slot * 16))));
    this.batchPackets = Math.min(MAX_BATCH_PACKETS, this.batchPackets * 2);
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
    let p = 0;
    for (let k = 0; k < count; k++) {
      const i = index + k;
      let w0: number;
      let w1: number;
      let w2: number;
      let hi: number;
      let first: number;
      if (this.layout === 'aes-cm') {
        w0 = bswap(this.s0);
        w1 = bswap(this.s1);
        w2 = bswap((this.s2 ^ (i / 65536)) | 0);
        hi = ((this.s3 ^ (i & 0xffff)) << 16) | 0;
        first = 0;
      } else {
        const ssrc = this.ssrc;
        w0 = bswap(this.s0 ^ (ssrc >>> 16));
        // SRTP: ROC || SEQ is the index (its top 16 bits land in word 1); SRTCP: 0 || index.
        w1 = bswap(this.s1 ^ ((ssrc << 16) | (this.layout === 'gcm-srtp' ? (i / 4294967296) & 0xffff : 0)));
        w2 = bswap(this.s2 ^ (i | 0));
        hi = 0;
        first = 1;
      }
      for (let j = 0; j < slot; j++) {
        out[p] = w0;
        out[p + 1] = w1;
        out[p + 2] = w2;
        // The block counter never exceeds 16 bits here (packets are far below 1 MiB).
        out[p + 3] = bswap(hi | (j + first));
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
