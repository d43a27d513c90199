/**
 * Order statistics (minimum, quantiles) over the last N samples, allocation-free after
 * construction: a ring of samples in arrival order plus the same samples kept sorted.
 * Insert and evict are O(N) memory moves, which for the window sizes used by the jitter
 * buffer (a few hundred) is cheaper than any tree.
 */
export class SlidingWindowStats {
  private readonly ring: Float64Array;
  private readonly sorted: Float64Array;
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
    this.ring = new Float64Array(capacity);
    this.sorted = new Float64Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
  }

  push(value: number): void {
    if (this.count === this.capacity) {
      const old = this.ring[this.head]!;
      this.removeSorted(old);
    } else {
      this.count++;
    }
    this.ring[this.head] = value;
    this.head = (this.head + 1) % this.capacity;
    this.insertSorted(value);
  }

  /** Smallest sample in the window (NaN when empty). */
  min(): number {
    return this.count === 0 ? Number.NaN : this.sorted[0]!;
  }

  max(): number {
    return this.count === 0 ? Number.NaN : this.sorted[this.count - 1]!;
  }

  /** The q-quantile (0..1), nearest-rank (NaN when empty). */
  quantile(q: number): number {
    if (this.count === 0) return Number.NaN;
    const rank = Math.min(this.count - 1, Math.max(0, Math.ceil(q * this.count) - 1));
    return this.sorted[rank]!;
  }

  private insertSorted(value: number): void {
    // The slot at index count-1 is free (count already includes the new value).
    const n = this.count - 1;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid]! <= value) lo = mid + 1;
      else hi = mid;
    }
    this.sorted.copyWithin(lo + 1, lo, n);
    this.sorted[lo] = value;
  }

  private removeSorted(value: number): void {
    const n = this.count;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid]! < value) lo = mid + 1;
      else hi = mid;
    }
    // sorted[lo] === value (it is in the window); shift the tail left over it.
    this.sorted.copyWithin(lo, lo + 1, n);
    // The last slot (count - 1) is now free; push() fills it through insertSorted.
  }
}
