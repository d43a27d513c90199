/**
 * 32-bit views over packet memory, for word-at-a-time XOR and SHA-1 message loading on the hot
 * path. A view spans a whole ArrayBuffer and is cached per buffer: Node hands out small Buffers as
 * slices of one shared pool, so consecutive packets usually reuse the same view.
 */

export const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** One-entry cache of an Int32Array over an ArrayBuffer. */
export class WordViewCache {
  private buffer: ArrayBufferLike | undefined;
  private view: Int32Array<ArrayBufferLike> = new Int32Array(0);

  /** A view over `bytes.buffer` when `bytes` starts on a 4-octet boundary; otherwise undefined. */
  of(bytes: Uint8Array): Int32Array<ArrayBufferLike> | undefined {
    if ((bytes.byteOffset & 3) !== 0) return undefined;
    return this.over(bytes.buffer);
  }

  /** A view over the whole of `buffer` (callers check the alignment of what they read). */
  over(buffer: ArrayBufferLike): Int32Array<ArrayBufferLike> {
    if (buffer !== this.buffer) {
      this.view = new Int32Array(buffer, 0, buffer.byteLength >>> 2);
      this.buffer = buffer;
    }
    return this.view;
  }
}

/** Byte-swaps a 32-bit word on little-endian hosts (big-endian words from native-order reads). */
export function bigEndianWord(x: number): number {
  return LITTLE_ENDIAN ? ((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24) : x | 0;
}
