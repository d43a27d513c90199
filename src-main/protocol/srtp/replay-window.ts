/**
 * Replay protection (RFC 3711 §3.3.2): a sliding window over packet indices, as a bitmap.
 *
 * The RFC requires at least 64 packets; the default here is 128 (libsrtp's default), and an SDES
 * `WSH=` hint (RFC 4568 §6.3.6) can only make it larger. Indices are SRTP packet indices (48 bits)
 * or SRTCP indices (31 bits); both are exact in a double.
 */

export const MIN_REPLAY_WINDOW = 64;
export const DEFAULT_REPLAY_WINDOW = 128;
export const MAX_REPLAY_WINDOW = 32768;

export const ReplayVerdict = { Fresh: 0, Replayed: 1, TooOld: 2 } as const;
export type ReplayVerdict = (typeof ReplayVerdict)[keyof typeof ReplayVerdict];

export class ReplayWindow {
  readonly size: number;
  private readonly bits: Uint32Array;
  /** Highest index accepted so far, or -1 before the first. */
  private top = -1;

  constructor(size: number = DEFAULT_REPLAY_WINDOW) {
    // Round up to a multiple of 32 within the allowed range.
    const clamped = Math.min(MAX_REPLAY_WINDOW, Math.max(MIN_REPLAY_WINDOW, Math.ceil(size / 32) * 32));
    this.size = clamped;
    this.bits = new Uint32Array(clamped / 32);
  }

  get highest(): number {
    return this.top;
  }

  /** Whether `index` may be accepted (does not record it). */
  check(index: number): ReplayVerdict {
    if (index > this.top) return ReplayVerdict.Fresh;
    if (this.top - index >= this.size) return ReplayVerdict.TooOld;
    const bit = index % this.size;
    return (this.bits[bit >>> 5]! & (1 << (bit & 31))) !== 0 ? ReplayVerdict.Replayed : ReplayVerdict.Fresh;
  }

  /** Records an authenticated `index` (call only after `check` said Fresh). */
  accept(index: number): void {
    if (index > this.top) {
      const advance = this.top < 0 ? this.size : index - this.top;
      if (advance >= this.size) this.bits.fill(0);
      else for (let k = this.top + 1; k <= index; k++) this.clear(k % this.size);
      this.top = index;
    }
    const bit = index % this.size;
    this.bits[bit >>> 5] = this.bits[bit >>> 5]! | (1 << (bit & 31));
  }

  private clear(bit: number): void {
    this.bits[bit >>> 5] = this.bits[bit >>> 5]! & ~(1 << (bit & 31));
  }
}
