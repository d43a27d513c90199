/**
 * HMAC-SHA1 (RFC 2104) as the SRTP/SRTCP message authentication (RFC 3711 §4.2.1), with the
 * inner and outer key states computed once per session authentication key.
 *
 * The SHA-1 compression is hand-written (sha1-compress.ts) because the per-call cost of node:crypto
 * dominates for packet-sized messages; see that file and bench/srtp.bench.ts. Correctness is
 * checked against node:crypto's HMAC on many random keys, messages and trailers in the tests
 * (DESIGN.md rule 6). Keys longer than a block are first hashed with node:crypto, per RFC 2104.
 */
import { createHash } from 'node:crypto';
import { sha1Compress } from './sha1-compress.js';
import { LITTLE_ENDIAN, WordViewCache } from './word-view.js';

const SHA1_IV = [0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476, 0xc3d2e1f0 | 0] as const;

// Scratch space shared by every instance: JavaScript runs one call at a time and no function here
// re-enters another, so a single set of buffers avoids allocating on the hot path.
const words = new Int32Array(16);
const state = new Int32Array(5);
const tail = new Uint8Array(128);
const digest = new Uint8Array(20);

const messageWords = new WordViewCache();

function loadWords(src: Uint8Array, offset: number): void {
  for (let i = 0; i < 16; i++) {
    const o = offset + (i << 2);
    words[i] = (src[o]! << 24) | (src[o + 1]! << 16) | (src[o + 2]! << 8) | src[o + 3]!;
  }
}

function keyState(key: Uint8Array, pad: number): Int32Array {
  const block = new Uint8Array(64);
  block.set(key);
  for (let i = 0; i < 64; i++) block[i] = block[i]! ^ pad;
  const st = Int32Array.from(SHA1_IV);
  loadWords(block, 0);
  sha1Compress(st, words, 0, false);
  block.fill(0);
  words.fill(0);
  return st;
}

export class HmacSha1 {
  private readonly inner: Int32Array;
  private readonly outer: Int32Array;

  constructor(key: Uint8Array) {
    const k = key.length > 64 ? new Uint8Array(createHash('sha1').update(key).digest()) : key;
    this.inner = keyState(k, 0x36);
    this.outer = keyState(k, 0x5c);
  }

  /**
   * Computes HMAC-SHA1 over `data[start, end)`, followed by the 32-bit big-endian `trailer` when
   * `withTrailer` (the SRTP ROC, RFC 3711 §4.2), into the module's digest scratch.
   */
  private compute(data: Uint8Array, start: number, end: number, trailer: number, withTrailer: boolean): void {
    state.set(this.inner);
    let off = start;
    const view = end - start >= 64 && ((data.byteOffset + start) & 3) === 0 ? messageWords.over(data.buffer) : undefined;
    if (view !== undefined) {
      while (end - off >= 64) {
        sha1Compress(state, view, (data.byteOffset + off) >>> 2, LITTLE_ENDIAN);
        off += 64;
      }
    }
    while (end - off >= 64) {
      loadWords(data, off);
      sha1Compress(state, words, 0, false);
      off += 64;
    }
    const rest = end - off;
    tail.fill(0);
    for (let i = 0; i < rest; i++) tail[i] = data[off + i]!;
    let n = rest;
    if (withTrailer) {
      tail[n] = trailer >>> 24;
      tail[n + 1] = (trailer >>> 16) & 0xff;
      tail[n + 2] = (trailer >>> 8) & 0xff;
      tail[n + 3] = trailer & 0xff;
      n += 4;
    }
    tail[n] = 0x80;
    const blocks = n + 1 + 8 <= 64 ? 1 : 2;
    // Message length in bits, including the 64-octet inner key block. Packets are far below 2^29
    // octets, so the high 32 bits of the 64-bit length field stay zero.
    const bits = (64 + (end - start) + (withTrailer ? 4 : 0)) * 8;
    const last = blocks * 64;
    tail[last - 4] = bits >>> 24;
    tail[last - 3] = (bits >>> 16) & 0xff;
    tail[last - 2] = (bits >>> 8) & 0xff;
    tail[last - 1] = bits & 0xff;
    loadWords(tail, 0);
    sha1Compress(state, words, 0, false);
    if (blocks === 2) {
      loadWords(tail, 64);
      sha1Compress(state, words, 0, false);
    }
    // Outer hash: one block = inner digest || 0x80 || zeros || length (64 + 20 octets).
    words[0] = state[0]!;
    words[1] = state[1]!;
    words[2] = state[2]!;
    words[3] = state[3]!;
    words[4] = state[4]!;
    words[5] = 0x80000000 | 0;
    for (let i = 6; i < 15; i++) words[i] = 0;
    words[15] = (64 + 20) * 8;
    state.set(this.outer);
    sha1Compress(state, words, 0, false);
    for (let i = 0; i < 20; i++) digest[i] = (state[i >> 2]! >>> (24 - 8 * (i & 3))) & 0xff;
  }

  /** Writes the first `tagLength` octets of the MAC to `out[outOffset...]`. */
  sign(
    data: Uint8Array,
    start: number,
    end: number,
    trailer: number,
    withTrailer: boolean,
    out: Uint8Array,
    outOffset: number,
    tagLength: number,
  ): void {
    this.compute(data, start, end, trailer, withTrailer);
    for (let i = 0; i < tagLength; i++) out[outOffset + i] = digest[i]!;
  }

  /**
   * True when `tag[tagOffset, tagOffset + tagLength)` equals the truncated MAC. The comparison
   * always reads every octet (constant time; DESIGN.md rule 6).
   */
  verify(
    data: Uint8Array,
    start: number,
    end: number,
    trailer: number,
    withTrailer: boolean,
    tag: Uint8Array,
    tagOffset: number,
    tagLength: number,
  ): boolean {
    this.compute(data, start, end, trailer, withTrailer);
    let diff = 0;
    for (let i = 0; i < tagLength; i++) diff |= digest[i]! ^ tag[tagOffset + i]!;
    return diff === 0;
  }

  /** Forgets the key states (best effort: the arrays are zeroed). */
  dispose(): void {
    this.inner.fill(0);
    this.outer.fill(0);
  }
}
