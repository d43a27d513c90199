/**
 * ITU-T G.722 (09/2012) sub-band ADPCM, the parts shared by encoder and decoder: the tables of
 * §6 (Tables 7–17 of the Recommendation) and the per-band adaptive blocks
 *   - LOGSCL/SCALEL (lower band, §6.2.1.3–4), LOGSCH/SCALEH (higher band, §6.2.2.3–4),
 *   - BLOCK 4: RECONS, PARREC, UPPOL2, UPPOL1, FILTEP, UPZERO, DELAYA, FILTEZ, PREDIC (§6.2.1.5–6),
 * in the Recommendation's 16-bit fixed-point arithmetic (saturating additions, arithmetic shifts).
 */

/** QMF coefficients h0..h23 (§4.2, Table 6; scaled by 2^13). */
export const QMF_COEFFS: readonly number[] = [
  3, -11, -11, 53, 12, -156, 32, 362, -210, -805, 951, 3876, 3876, 951, -805, -210, 362, 32, -156, 12, 53, -11, -11, 3,
];

/** QUANTL decision levels for the 6-bit lower band quantizer (Table 8, ×8 scale). */
export const Q6 = new Int16Array([
  0, 35, 72, 110, 150, 190, 233, 276, 323, 370, 422, 473, 530, 587, 650, 714, 786, 858, 940, 1023, 1121, 1219, 1339, 1458, 1612, 1765, 1980, 2195,
  2557, 2919, 0, 0,
]);

/** 6-bit code for the quantizer interval, negative and positive differences (Table 8). */
export const ILN = new Int16Array([0, 63, 62, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 0]);
export const ILP = new Int16Array([0, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47, 46, 45, 44, 43, 42, 41, 40, 39, 38, 37, 36, 35, 34, 33, 32, 0]);

/** Inverse quantizer outputs: 6-bit (64 kbit/s decoding, Table 10), 4-bit (prediction loop, Table 9). */
export const QM6 = new Int16Array([
  -136, -136, -136, -136, -24808, -21904, -19008, -16704, -14984, -13512, -12280, -11192, -10232, -9360, -8576, -7856, -7192, -6576, -6000, -5456,
  -4944, -4464, -4008, -3576, -3168, -2776, -2400, -2032, -1688, -1360, -1040, -728, 24808, 21904, 19008, 16704, 14984, 13512, 12280, 11192, 10232,
  9360, 8576, 7856, 7192, 6576, 6000, 5456, 4944, 4464, 4008, 3576, 3168, 2776, 2400, 2032, 1688, 1360, 1040, 728, 432, 136, -432, -136,
]);
export const QM4 = new Int16Array([0, -20456, -12896, -8968, -6288, -4240, -2584, -1200, 20456, 12896, 8968, 6288, 4240, 2584, 1200, 0]);
/** Higher band 2-bit inverse quantizer (Table 14). */
export const QM2 = new Int16Array([-7408, -1616, 7408, 1616]);

/** Log scale factor multipliers, lower band (Table 11) and the 4-bit code → multiplier index map. */
export const WL = new Int16Array([-60, -30, 58, 172, 334, 538, 1198, 3042]);
export const RL42 = new Int16Array([0, 7, 6, 5, 4, 3, 2, 1, 7, 6, 5, 4, 3, 2, 1, 0]);
/** Higher band log scale factor multipliers (Table 15) and the code → index map. */
export const WH = new Int16Array([0, -214, 798]);
export const RH2 = new Int16Array([2, 1, 2, 1]);
/** Higher band codes for negative and positive differences (Table 13). */
export const IHN = new Int16Array([0, 1, 0]);
export const IHP = new Int16Array([0, 3, 2]);

/** Antilog table for SCALEL/SCALEH (Table 12). */
export const ILB = new Int16Array([
  2048, 2093, 2139, 2186, 2233, 2282, 2332, 2383, 2435, 2489, 2543, 2599, 2656, 2714, 2774, 2834, 2896, 2960, 3025, 3091, 3158, 3228, 3298, 3371,
  3444, 3520, 3597, 3676, 3756, 3838, 3922, 4008,
]);

export function sat16(v: number): number {
  return v > 32767 ? 32767 : v < -32768 ? -32768 : v;
}

/** The LIMIT block: reconstructed signals are 15-bit (§6.2.1.6, §6.2.2.6). */
export function sat15(v: number): number {
  return v > 16383 ? 16383 : v < -16384 ? -16384 : v;
}

/** State of one sub-band's adaptive quantizer and predictor. */
export class G722Band {
  /** Log scale factor (NBL / NBH). */
  nb = 0;
  /** Scale factor (DETL / DETH). */
  det: number;
  /** Predicted signal (SL / SH). */
  s = 0;
  /** Zero-section prediction (SZL / SZH). */
  sz = 0;
  /** Last reconstructed signal (RLT1 / RH1). */
  r = 0;
  /** Partially reconstructed signal, last two (PLT1, PLT2). */
  p1 = 0;
  p2 = 0;
  /** Pole predictor coefficients (AL1, AL2). */
  a1 = 0;
  a2 = 0;
  /** Zero predictor coefficients BL1..BL6 and quantized differences DLT0..DLT6. */
  readonly b = new Int16Array(6);
  readonly d = new Int16Array(7);

  constructor(readonly lower: boolean) {
    this.det = lower ? 32 : 8;
  }

  reset(): void {
    this.nb = 0;
    this.det = this.lower ? 32 : 8;
    this.s = this.sz = this.r = this.p1 = this.p2 = this.a1 = this.a2 = 0;
    this.b.fill(0);
    this.d.fill(0);
  }

  /** LOGSCL + SCALEL (lower band) from the 4-bit code `ril` (§6.2.1.3, §6.2.1.4). */
  adaptLowerScale(ril: number): void {
    const nb = ((this.nb * 127) >> 7) + WL[RL42[ril]!]!;
    this.nb = nb < 0 ? 0 : nb > 18432 ? 18432 : nb;
    this.det = scale(this.nb, 8);
  }

  /** LOGSCH + SCALEH (higher band) from the 2-bit code (§6.2.2.3, §6.2.2.4). */
  adaptHigherScale(ih: number): void {
    const nb = ((this.nb * 127) >> 7) + WH[RH2[ih]!]!;
    this.nb = nb < 0 ? 0 : nb > 22528 ? 22528 : nb;
    this.det = scale(this.nb, 10);
  }

  /** BLOCK 4 for a quantized difference `dx` (§6.2.1.5 and §6.2.1.6; identical for both bands). */
  adaptPredictor(dx: number): void {
    // Sign comparisons use (x ^ y) < 0: true when exactly one of two 16-bit values is negative.
    // RECONS and PARREC
    const r = sat16(this.s + dx);
    const p = sat16(this.sz + dx);
    // UPPOL2
    const wd1 = sat16(this.a1 * 4);
    let wd2 = (p ^ this.p1) < 0 ? wd1 : -wd1;
    if (wd2 > 32767) wd2 = 32767;
    let a2 = ((p ^ this.p2) < 0 ? -128 : 128) + (wd2 >> 7) + ((this.a2 * 32512) >> 15);
    a2 = (a2 << 16) >> 16; // 16-bit register
    if (a2 > 12288) a2 = 12288;
    else if (a2 < -12288) a2 = -12288;
    // UPPOL1
    let a1 = sat16(((p ^ this.p1) < 0 ? -192 : 192) + ((this.a1 * 32640) >> 15));
    const lim = sat16(15360 - a2);
    if (a1 > lim) a1 = lim;
    else if (a1 < -lim) a1 = -lim;
    // FILTEP (with the new coefficients, on RLT1 = r and RLT2 = previous r)
    const sp = sat16(((a1 * sat16(r + r)) >> 15) + ((a2 * sat16(this.r + this.r)) >> 15));
    this.r = r;
    this.a1 = a1;
    this.a2 = a2;
    this.p2 = this.p1;
    this.p1 = p;
    // UPZERO, DELAYA, FILTEZ
    const step = dx === 0 ? 0 : 128;
    const b = this.b;
    const d = this.d;
    d[0] = dx;
    let sz = 0;
    for (let i = 5; i >= 0; i--) {
      const di = d[i]!;
      const bi = sat16(((d[i + 1]! ^ dx) < 0 ? -step : step) + ((b[i]! * 32640) >> 15));
      b[i] = bi;
      sz += (bi * sat16(di + di)) >> 15;
      d[i + 1] = di;
    }
    this.sz = sat16(sz);
    // PREDIC
    this.s = sat16(sp + this.sz);
  }
}

/** SCALEL/SCALEH: antilog of the log scale factor; `shift` is 8 (lower) or 10 (higher). */
function scale(nb: number, shift: number): number {
  const wd1 = (nb >> 6) & 31;
  const wd2 = shift - (nb >> 11);
  const wd3 = wd2 < 0 ? ILB[wd1]! << -wd2 : ILB[wd1]! >> wd2;
  return ((wd3 << 2) << 16) >> 16;
}
