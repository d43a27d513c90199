/**
 * A bounded FIFO of PCM samples that turns chunks of any size into frames of a fixed size:
 * device buffers into codec frames, resampler output into device frames. Allocation-free after
 * construction. On overflow the oldest samples are dropped (and counted): for real-time audio
 * stale samples are worth less than new ones.
 */
export class PcmFifo {
  private readonly buf: Int16Array;
  private readPos = 0;
  private count = 0;
  /** Samples dropped on overflow since construction. */
  overflowed = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity <= 0) throw new RangeError('capacity must be a positive integer');
    this.buf = new Int16Array(capacity);
  }

  get available(): number {
    return this.count;
  }

  clear(): void {
    this.readPos = 0;
    this.count = 0;
  }

  push(samples: Int16Array): void {
    let src = samples;
    if (src.length > this.capacity) {
      this.overflowed += src.length - this.capacity;
      src = src.subarray(src.length - this.capacity);
    }
    const excess = this.count + src.length - this.capacity;
    if (excess > 0) {
      this.overflowed += excess;
      this.readPos = (this.readPos + excess) % this.capacity;
      this.count -= excess;
    }
    const writePos = (this.readPos + this.count) % this.capacity;
    const first = Math.min(src.length, this.capacity - writePos);
    this.buf.set(src.subarray(0, first), writePos);
    if (first < src.length) this.buf.set(src.subarray(first), 0);
    this.count += src.length;
  }

  /** Copies exactly `out.length` samples out if that many are available; returns false otherwise. */
  pop(out: Int16Array): boolean {
    const n = out.length;
    if (n > this.count) return false;
    const first = Math.min(n, this.capacity - this.readPos);
    out.set(this.buf.subarray(this.readPos, this.readPos + first), 0);
    if (first < n) out.set(this.buf.subarray(0, n - first), first);
    this.readPos = (this.readPos + n) % this.capacity;
    this.count -= n;
    return true;
  }
}
