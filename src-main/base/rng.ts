/**
 * Randomness, injected (DESIGN.md house rule 1). The default implementation uses the
 * platform CSPRNG (Web Crypto's getRandomValues, available as a global in Node and browsers).
 */
export interface Rng {
  /** `n` cryptographically secure random bytes. */
  bytes(n: number): Uint8Array;
  /** A uniformly random unsigned 32-bit integer. */
  uint32(): number;
}

export class CryptoRng implements Rng {
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    // getRandomValues is limited to 65536 bytes per call.
    for (let off = 0; off < n; off += 65536) {
      globalThis.crypto.getRandomValues(out.subarray(off, Math.min(n, off + 65536)));
    }
    return out;
  }

  uint32(): number {
    const b = this.bytes(4);
    return ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
  }
}

/** Random token of `bytes` random bytes in URL-safe base64 without padding (branch ids, tags, tokens). */
export function randomToken(rng: Rng, bytes = 12): string {
  const b = rng.bytes(bytes);
  let s = '';
  for (const x of b) s += String.fromCharCode(x);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
