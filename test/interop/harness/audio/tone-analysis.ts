/**
 * What a recording contains, in numbers a test can assert on: the dominant frequency (Hann-
 * windowed FFT, averaged over frames, with parabolic interpolation of the peak bin), the share of
 * the spectrum's energy within a band around it, and the level (RMS in dBFS). Enough to tell "a
 * 1 kHz tone arrived at a sane level" from silence, noise or the wrong tone.
 */
import type { WavAudio } from './wav.js';

/** In-place iterative radix-2 FFT (Cooley-Tukey). `re.length` must be a power of two. */
export function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    const wr = Math.cos(ang);
    const wi = Math.sin(ang);
    for (let i = 0; i < n; i += len) {
      let cr = 1;
      let ci = 0;
      for (let k = 0; k < len / 2; k++) {
        const a = i + k;
        const b = a + len / 2;
        const tr = re[b]! * cr - im[b]! * ci;
        const ti = re[b]! * ci + im[b]! * cr;
        re[b] = re[a]! - tr;
        im[b] = im[a]! - ti;
        re[a] = re[a]! + tr;
        im[a] = im[a]! + ti;
        const ncr = cr * wr - ci * wi;
        ci = cr * wi + ci * wr;
        cr = ncr;
      }
    }
  }
}

export interface ToneAnalysis {
  /** Frequency of the strongest spectral peak, Hz. */
  readonly dominantHz: number;
  /** Share (0..1) of the spectral energy within ±`bandHz` of the dominant frequency. */
  readonly dominantShare: number;
  /** RMS level of the analysed span in dBFS (a full-scale sine is -3 dBFS). */
  readonly rmsDbfs: number;
  /** Peak absolute sample value (0..1). */
  readonly peak: number;
  /** Seconds analysed (after trimming). */
  readonly seconds: number;
}

export interface AnalyseOptions {
  /** Skip this many seconds at the start and end (call set-up, jitter buffer fill); default 0.5. */
  readonly trimSeconds?: number;
  /** Band around the peak counted as "the tone"; default 50 Hz. */
  readonly bandHz?: number;
  /** FFT frame size (power of two); default 4096. */
  readonly frameSize?: number;
  /** Ignore energy below this frequency (DC, hum); default 60 Hz. */
  readonly minHz?: number;
}

/** Analyses the first channel of `audio` (or a mono Float32Array with its rate). */
export function analyseTone(audio: WavAudio | { samples: Float32Array; sampleRate: number }, options: AnalyseOptions = {}): ToneAnalysis {
  const samples = 'samples' in audio ? audio.samples : audio.channelData[0] ?? new Float32Array(0);
  const rate = audio.sampleRate;
  const trim = Math.floor((options.trimSeconds ?? 0.5) * rate);
  const span = samples.length > 2 * trim ? samples.subarray(trim, samples.length - trim) : samples;
  let sumSq = 0;
  let peak = 0;
  for (const s of span) {
    sumSq += s * s;
    peak = Math.max(peak, Math.abs(s));
  }
  const rms = span.length === 0 ? 0 : Math.sqrt(sumSq / span.length);
  const rmsDbfs = rms === 0 ? -Infinity : 20 * Math.log10(rms);

  let size = options.frameSize ?? 4096;
  while (size > 256 && size > span.length) size >>= 1;
  const power = new Float64Array(size / 2);
  const window = Float64Array.from({ length: size }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (size - 1)));
  let frames = 0;
  for (let start = 0; start + size <= span.length; start += size / 2) {
    const re = new Float64Array(size);
    const im = new Float64Array(size);
    for (let i = 0; i < size; i++) re[i] = span[start + i]! * window[i]!;
    fft(re, im);
    for (let k = 0; k < size / 2; k++) power[k] = power[k]! + re[k]! * re[k]! + im[k]! * im[k]!;
    frames++;
  }
  const binHz = rate / size;
  const minBin = Math.ceil((options.minHz ?? 60) / binHz);
  let best = minBin;
  let total = 0;
  for (let k = minBin; k < size / 2; k++) {
    total += power[k]!;
    if (power[k]! > power[best]!) best = k;
  }
  // Parabolic interpolation on log power for a sub-bin estimate.
  const l = Math.log((power[best - 1] ?? 0) + 1e-30);
  const c = Math.log(power[best]! + 1e-30);
  const r = Math.log((power[best + 1] ?? 0) + 1e-30);
  const denom = l - 2 * c + r;
  const delta = frames === 0 || denom === 0 ? 0 : Math.max(-0.5, Math.min(0.5, (0.5 * (l - r)) / denom));
  const dominantHz = frames === 0 ? 0 : (best + delta) * binHz;
  const band = Math.ceil((options.bandHz ?? 50) / binHz);
  let inBand = 0;
  for (let k = Math.max(minBin, best - band); k <= Math.min(size / 2 - 1, best + band); k++) inBand += power[k]!;
  return { dominantHz, dominantShare: total === 0 ? 0 : inBand / total, rmsDbfs, peak, seconds: span.length / rate };
}
