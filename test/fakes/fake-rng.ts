import type { Rng } from '../../src-main/base/rng.js';

/** Deterministic Rng (xorshift32) for reproducible protocol tests. Never for real keys. */
export class FakeRng implements Rng {
  private state: number;
  constructor(seed = 0x12345678) {
    this.state = seed >>> 0 || 1;
  }
  uint32(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.uint32() & 0xff;
    return out;
  }
}
