/**
 * ITU-T G.722 wideband codec, 64 kbit/s mode (mode 1): transmit/receive QMF (§4.2/§4.4),
 * lower sub-band 6-bit ADPCM (§6.2.1: SUBTRA, QUANTL, INVQAL, then the shared scale/predictor
 * blocks), higher sub-band 2-bit ADPCM (§6.2.2: SUBTRA, QUANTH, INVQAH, …) and the 64 kbit/s
 * decoder (INVQBL with the 6-bit table, LIMIT).
 *
 * Interface scaling (not part of the Recommendation, whose PCM is 14-bit): input and output
 * are 16-bit samples, the QMF sums are scaled by 2^-14 on the way in and 2^-11 on the way out,
 * as in libspandsp and the codecs that interoperate with it (baresip, Asterisk, FreeSWITCH);
 * the test suite checks bit-exactness against Debian's libspandsp.
 */
import { G722Band, IHN, IHP, ILN, ILP, QM2, QM4, QM6, Q6, QMF_COEFFS, sat15, sat16 } from './g722-band.js';

const H = Int32Array.from(QMF_COEFFS);

export class G722Encoder {
  private readonly low = new G722Band(true);
  private readonly high = new G722Band(false);
  /** The last 24 input samples, stored twice (at i and i + 24) so the window is contiguous. */
  private readonly hist = new Int32Array(48);
  /** Index of the oldest sample of the window. */
  private pos = 0;

  reset(): void {
    this.low.reset();
    this.high.reset();
    this.hist.fill(0);
    this.pos = 0;
  }

  /** Encodes `pcm` (16 kHz, even length) into `out` (one octet per two samples). Returns octets written. */
  encode(pcm: Int16Array, out: Uint8Array): number {
    const n = pcm.length >> 1;
    const hist = this.hist;
    for (let j = 0; j < n; j++) {
      // Transmit QMF (§4.2): 24-tap filter split into even and odd taps.
      const x0 = pcm[2 * j]!;
      const x1 = pcm[2 * j + 1]!;
      const w = this.pos;
      hist[w] = hist[w + 24] = x0;
      hist[w + 1] = hist[w + 25] = x1;
      const start = w === 22 ? 0 : w + 2; // oldest sample after this pair was written
      this.pos = start;
      let sumEvenTaps = 0;
      let sumOddTaps = 0;
      for (let k = 0; k < 24; k += 2) {
        sumEvenTaps += hist[start + k]! * H[k]!;
        sumOddTaps += hist[start + k + 1]! * H[k + 1]!;
      }
      const xlow = (sumOddTaps + sumEvenTaps) >> 14;
      const xhigh = (sumOddTaps - sumEvenTaps) >> 14;
      out[j] = (this.encodeHigh(xhigh) << 6) | this.encodeLow(xlow);
    }
    return n;
  }

  private encodeLow(xlow: number): number {
    const band = this.low;
    // SUBTRA
    const el = sat16(xlow - band.s);
    // QUANTL: find the decision interval of |el| scaled by DETL.
    const wd = el >= 0 ? el : -el - 1;
    let i = 1;
    for (; i < 30; i++) {
      if (wd < (Q6[i]! * band.det) >> 12) break;
    }
    const ilow = el < 0 ? ILN[i]! : ILP[i]!;
    // INVQAL (4-bit truncated code in the prediction loop)
    const ril = ilow >> 2;
    const dlow = (band.det * QM4[ril]!) >> 15;
    band.adaptLowerScale(ril);
    band.adaptPredictor(dlow);
    return ilow;
  }

  private encodeHigh(xhigh: number): number {
    const band = this.high;
    // SUBTRA
    const eh = sat16(xhigh - band.s);
    // QUANTH
    const wd = eh >= 0 ? eh : -eh - 1;
    const mih = wd >= (564 * band.det) >> 12 ? 2 : 1;
    const ihigh = eh < 0 ? IHN[mih]! : IHP[mih]!;
    // INVQAH
    const dhigh = (band.det * QM2[ihigh]!) >> 15;
    band.adaptHigherScale(ihigh);
    band.adaptPredictor(dhigh);
    return ihigh;
  }
}

export class G722Decoder {
  private readonly low = new G722Band(true);
  private readonly high = new G722Band(false);
  /** Receive QMF histories of xs = rl + rh and xd = rl − rh, stored twice for a contiguous window. */
  private readonly xs = new Int32Array(24);
  private readonly xd = new Int32Array(24);
  /** Index of the oldest entry of the window. */
  private pos = 0;

  reset(): void {
    this.low.reset();
    this.high.reset();
    this.xs.fill(0);
    this.xd.fill(0);
    this.pos = 0;
  }

  /** Decodes `codes` into `out` (two 16 kHz samples per octet). Returns samples written. */
  decode(codes: Uint8Array, out: Int16Array): number {
    let o = 0;
    for (let j = 0; j < codes.length; j++) {
      const code = codes[j]!;
      const rlow = this.decodeLow(code & 0x3f);
      const rhigh = this.decodeHigh(code >> 6);
      // Receive QMF (§4.4).
      const xs = this.xs;
      const xd = this.xd;
      const w = this.pos;
      xs[w] = xs[w + 12] = sat16(rlow + rhigh);
      xd[w] = xd[w + 12] = sat16(rlow - rhigh);
      const start = w === 11 ? 0 : w + 1;
      this.pos = start;
      let even = 0;
      let odd = 0;
      for (let i = 0; i < 12; i++) {
        odd += xd[start + i]! * H[2 * i + 1]!;
        even += xs[start + i]! * H[2 * i]!;
      }
      out[o++] = sat16(odd >> 11);
      out[o++] = sat16(even >> 11);
    }
    return o;
  }

  private decodeLow(ilow: number): number {
    const band = this.low;
    // INVQBL (64 kbit/s: all 6 bits), RECONS and LIMIT
    const rlow = sat15(band.s + ((band.det * QM6[ilow]!) >> 15));
    // INVQAL for the prediction loop (4 bits)
    const ril = ilow >> 2;
    const dlow = (band.det * QM4[ril]!) >> 15;
    band.adaptLowerScale(ril);
    band.adaptPredictor(dlow);
    return rlow;
  }

  private decodeHigh(ihigh: number): number {
    const band = this.high;
    // INVQAH, RECONS and LIMIT
    const dhigh = (band.det * QM2[ihigh]!) >> 15;
    const rhigh = sat15(dhigh + band.s);
    band.adaptHigherScale(ihigh);
    band.adaptPredictor(dhigh);
    return rhigh;
  }
}
