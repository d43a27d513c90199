/**
 * ITU-T G.711 µ-law and A-law companding (G.711 §2–§3, Tables 1a/2a), with the 16-bit linear
 * interface of the ITU-T G.191 Software Tool Library (g711.c): µ-law keeps the 14 most
 * significant bits, A-law the 13; negative inputs are taken in one's complement, so that −1
 * maps to the negative zero code like in the reference. Decoding yields the interval midpoints
 * of the tables scaled to 16 bits.
 *
 * Table based: one 64 Ki-entry table per law maps every 16-bit input to its code, one 256-entry
 * table maps codes back. Tables are built once at module load from the segment structure.
 */

/** Code for every 16-bit two's complement input (index = sample & 0xffff). */
const ULAW_ENCODE = new Uint8Array(65536);
const ALAW_ENCODE = new Uint8Array(65536);
const ULAW_DECODE = new Int16Array(256);
const ALAW_DECODE = new Int16Array(256);

function ulawCompress(x: number): number {
  // G.191 ulaw_compress: 14-bit magnitude (+33 bias), one's complement for negatives.
  let absno = x < 0 ? (~x >> 2) + 33 : (x >> 2) + 33;
  if (absno > 0x1fff) absno = 0x1fff;
  let i = absno >> 6;
  let segno = 1;
  while (i !== 0) {
    segno++;
    i >>= 1;
  }
  const high = 0x8 - segno;
  const low = 0xf - ((absno >> segno) & 0xf);
  let out = (high << 4) | low;
  if (x >= 0) out |= 0x80;
  return out;
}

function ulawExpand(code: number): number {
  // G.191 ulaw_expand.
  const sign = code < 0x80 ? -1 : 1;
  let mantissa = ~code & 0xff;
  const exponent = (mantissa >> 4) & 0x7;
  const segment = exponent + 1;
  mantissa &= 0xf;
  const step = 4 << segment;
  return sign * ((0x80 << exponent) + step * mantissa + step / 2 - 4 * 33);
}

function alawCompress(x: number): number {
  // G.191 alaw_compress: 12-bit magnitude, one's complement for negatives, even bits inverted.
  let ix = x < 0 ? ~x >> 4 : x >> 4;
  if (ix > 15) {
    let iexp = 1;
    while (ix > 16 + 15) {
      ix >>= 1;
      iexp++;
    }
    ix -= 16;
    ix += iexp << 4;
  }
  if (x >= 0) ix |= 0x80;
  return ix ^ 0x55;
}

function alawExpand(code: number): number {
  const ix = (code ^ 0x55) & 0x7f;
  const iexp = ix >> 4;
  let mant = ix & 0xf;
  if (iexp > 0) mant += 16;
  mant = (mant << 4) + 0x8;
  if (iexp > 1) mant <<= iexp - 1;
  return (code ^ 0x55) > 127 ? mant : -mant;
}

for (let i = 0; i < 65536; i++) {
  const x = (i << 16) >> 16;
  ULAW_ENCODE[i] = ulawCompress(x);
  ALAW_ENCODE[i] = alawCompress(x);
}
for (let c = 0; c < 256; c++) {
  ULAW_DECODE[c] = ulawExpand(c);
  ALAW_DECODE[c] = alawExpand(c);
}

export type G711Law = 'mulaw' | 'alaw';

export function linearToUlaw(sample: number): number {
  return ULAW_ENCODE[sample & 0xffff]!;
}

export function ulawToLinear(code: number): number {
  return ULAW_DECODE[code & 0xff]!;
}

export function linearToAlaw(sample: number): number {
  return ALAW_ENCODE[sample & 0xffff]!;
}

export function alawToLinear(code: number): number {
  return ALAW_DECODE[code & 0xff]!;
}

/** Encodes `pcm` into `out` (same length). */
export function g711Encode(law: G711Law, pcm: Int16Array, out: Uint8Array): void {
  const table = law === 'mulaw' ? ULAW_ENCODE : ALAW_ENCODE;
  const n = pcm.length;
  for (let i = 0; i < n; i++) out[i] = table[pcm[i]! & 0xffff]!;
}

/** Decodes `codes` into `out` (same length). */
export function g711Decode(law: G711Law, codes: Uint8Array, out: Int16Array): void {
  const table = law === 'mulaw' ? ULAW_DECODE : ALAW_DECODE;
  const n = codes.length;
  for (let i = 0; i < n; i++) out[i] = table[codes[i]!]!;
}

/**
 * Mean absolute amplitude of a G.711 payload, without materialising PCM. A cheap silence
 * classifier for the jitter buffer (frames below about −50 dBov are silence for shrinking).
 */
export function g711MeanAmplitude(law: G711Law, codes: Uint8Array): number {
  if (codes.length === 0) return 0;
  const table = law === 'mulaw' ? ULAW_DECODE : ALAW_DECODE;
  let sum = 0;
  for (let i = 0; i < codes.length; i++) {
    const v = table[codes[i]!]!;
    sum += v < 0 ? -v : v;
  }
  return sum / codes.length;
}
