/**
 * Packet loss concealment by pitch waveform repetition, after ITU-T G.711 Appendix I
 * ("A high quality low-complexity algorithm for packet loss concealment with G.711"),
 * simplified and made sample-rate generic (used for G.711 at 8 kHz and G.722 at 16 kHz):
 *
 *  - history of the last 48.75 ms of output;
 *  - at the first lost frame, the pitch period is estimated by normalized cross-correlation
 *    over 5–15 ms lags on the last 20 ms (App. I §I.2.2), and the last period becomes the
 *    pitch buffer, its loop point smoothed by a ¼-period overlap-add (§I.2.3);
 *  - the buffer is repeated; from 10 ms on the signal is attenuated linearly by 20 % per
 *    10 ms, reaching silence at 60 ms (§I.2.5);
 *  - the first good frame after a loss is cross-faded from the continued synthetic signal over
 *    4 ms plus 4 ms per further 10 ms of loss, at most 10 ms (§I.2.6).
 *
 * DEVIATION(ITU-T G.711 App. I §I.2.1): no 3.75 ms output delay, so the loss start is not
 * overlap-added backwards into already played samples; the pitch buffer widens to 2–3 periods
 * after 10/20 ms (§I.2.4) is also not done (one period is repeated). Both trade a little
 * quality for zero added latency and simplicity.
 */
export class WaveformPlc {
  private readonly history: Float32Array;
  private readonly pitchBuf: Float32Array;
  private readonly minLag: number;
  private readonly maxLag: number;
  private readonly corrLen: number;
  private readonly ms: number;
  private histFill = 0;
  private pitch = 0;
  private pitchPos = 0;
  /** Samples concealed in the current loss (0 = not in a loss). */
  private lostSamples = 0;

  constructor(readonly sampleRate: number) {
    this.ms = sampleRate / 1000;
    this.history = new Float32Array(Math.round(48.75 * this.ms));
    this.minLag = Math.round(5 * this.ms);
    this.maxLag = Math.round(15 * this.ms);
    this.corrLen = Math.round(20 * this.ms);
    this.pitchBuf = new Float32Array(this.maxLag);
  }

  /** True while inside a loss (the next good frame will be faded in). */
  get concealing(): boolean {
    return this.lostSamples > 0;
  }

  /**
   * A correctly decoded frame. Modified in place when it follows a loss (cross-fade from the
   * synthetic continuation); then it enters the history.
   */
  receive(pcm: Int16Array): void {
    if (this.lostSamples > 0) {
      const lossMs = this.lostSamples / this.ms;
      const fadeMs = Math.min(10, 4 + 4 * Math.max(0, Math.ceil(lossMs / 10) - 1));
      const fade = Math.min(pcm.length, Math.round(fadeMs * this.ms));
      const gain = this.gainAt(this.lostSamples);
      for (let i = 0; i < fade; i++) {
        const w = (i + 1) / (fade + 1);
        const synth = gain > 0 ? this.nextSynthetic() * gain : 0;
        pcm[i] = clamp16(synth * (1 - w) + pcm[i]! * w);
      }
      this.lostSamples = 0;
    }
    this.pushHistory(pcm);
  }

  /** Fills `out` with concealment continuing the signal. */
  conceal(out: Int16Array): void {
    if (this.lostSamples === 0) this.startLoss();
    for (let i = 0; i < out.length; i++) {
      const gain = this.gainAt(this.lostSamples);
      out[i] = gain > 0 && this.pitch > 0 ? clamp16(this.nextSynthetic() * gain) : 0;
      this.lostSamples++;
    }
    this.pushHistory(out);
  }

  reset(): void {
    this.history.fill(0);
    this.histFill = 0;
    this.lostSamples = 0;
    this.pitch = 0;
  }

  /** §I.2.5: full level for 10 ms, then −20 % per 10 ms, silent from 60 ms. */
  private gainAt(lost: number): number {
    const t = lost / this.ms;
    if (t < 10) return 1;
    return Math.max(0, 1 - (0.2 * (t - 10)) / 10);
  }

  private nextSynthetic(): number {
    const v = this.pitchBuf[this.pitchPos]!;
    this.pitchPos++;
    if (this.pitchPos >= this.pitch) this.pitchPos = 0;
    return v;
  }

  private startLoss(): void {
    const h = this.history;
    const n = h.length;
    if (this.histFill < this.corrLen + this.maxLag) {
      this.pitch = 0; // not enough signal yet: silence
      return;
    }
    this.pitch = this.findPitch();
    const p = this.pitch;
    // The last period, with its loop point smoothed: the last quarter period is cross-faded
    // with the quarter period that precedes the period (so wrapping around is continuous).
    const start = n - p;
    for (let i = 0; i < p; i++) this.pitchBuf[i] = h[start + i]!;
    const q = Math.max(1, Math.floor(p / 4));
    for (let i = 0; i < q; i++) {
      const w = (i + 1) / (q + 1);
      const tail = p - q + i;
      this.pitchBuf[tail] = h[start + tail]! * (1 - w) + h[start - q + i]! * w;
    }
    this.pitchPos = 0;
  }

  /** §I.2.2: lag in [5, 15] ms maximising normalized cross-correlation of the last 20 ms. */
  private findPitch(): number {
    const h = this.history;
    const n = h.length;
    const base = n - this.corrLen;
    let best = this.minLag;
    let bestScore = -Infinity;
    for (let lag = this.minLag; lag <= this.maxLag; lag++) {
      let xy = 0;
      let yy = 0;
      for (let i = 0; i < this.corrLen; i++) {
        const x = h[base + i]!;
        const y = h[base + i - lag]!;
        xy += x * y;
        yy += y * y;
      }
      const score = yy > 0 ? xy / Math.sqrt(yy) : 0;
      if (score > bestScore) {
        bestScore = score;
        best = lag;
      }
    }
    return best;
  }

  private pushHistory(pcm: Int16Array): void {
    const h = this.history;
    const n = h.length;
    const m = pcm.length;
    if (m >= n) {
      for (let i = 0; i < n; i++) h[i] = pcm[m - n + i]!;
    } else {
      h.copyWithin(0, m);
      for (let i = 0; i < m; i++) h[n - m + i] = pcm[i]!;
    }
    this.histFill = Math.min(n, this.histFill + m);
  }
}

function clamp16(v: number): number {
  return v > 32767 ? 32767 : v < -32768 ? -32768 : Math.round(v);
}
