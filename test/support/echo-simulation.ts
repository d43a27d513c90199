/**
 * A synthetic acoustic echo path for echo-canceller tests and the `aec` benchmark: a speech-like
 * far-end signal (band-limited noise shaped into syllables and pauses), a room impulse response
 * (direct path after a delay, then an exponentially decaying diffuse tail), the device latency
 * between handing a frame to the speaker and getting its echo back from the microphone, a
 * near-end noise floor and an optional near-end talker. Deterministic for a given seed.
 *
 * ERLE (echo-return-loss enhancement) = 10·log10(power of the microphone signal / power of the
 * canceller's output) over frames where the far end talks and the near end does not.
 */
import type { EchoCanceller } from '../../src-main/media/audio/echo-canceller.js';

/** mulberry32: small, fast, good enough for test signals. */
export class SeededRandom {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }
  gaussian(): number {
    const u = Math.max(this.next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
}

/** RBJ biquad, direct form I, run over `x` in place. */
function biquad(x: Float64Array, kind: 'lowpass' | 'highpass', rate: number, f0: number, q = Math.SQRT1_2): void {
  const w = (2 * Math.PI * f0) / rate;
  const alpha = Math.sin(w) / (2 * q);
  const cos = Math.cos(w);
  const b0 = kind === 'lowpass' ? (1 - cos) / 2 : (1 + cos) / 2;
  const b1 = kind === 'lowpass' ? 1 - cos : -(1 + cos);
  const a0 = 1 + alpha;
  const [nb0, nb1, nb2, na1, na2] = [b0 / a0, b1 / a0, b0 / a0, (-2 * cos) / a0, (1 - alpha) / a0];
  let x1 = 0, x2 = 0, y1 = 0, y2 = 0;
  for (let i = 0; i < x.length; i++) {
    const x0 = x[i]!;
    const y0 = nb0 * x0 + nb1 * x1 + nb2 * x2 - na1 * y1 - na2 * y2;
    x2 = x1;
    x1 = x0;
    y2 = y1;
    y1 = y0;
    x[i] = y0;
  }
}

export const dbToAmplitude = (db: number): number => 10 ** (db / 20);

export function rms(x: ArrayLike<number>, from = 0, to = x.length): number {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i]! * x[i]!;
  return Math.sqrt(s / Math.max(1, to - from));
}

/**
 * Speech-like signal: noise band-limited to 200 Hz – 3.4 kHz (– 7 kHz above 16 kHz), cut into
 * syllables of 100–300 ms with 20 ms ramps and ±6 dB level changes, short gaps between them and
 * a 0.3–0.6 s pause every 1.5–3 s. Scaled so that the talking parts have `levelDbfs` RMS.
 * Also returns the activity mask (1 while a syllable sounds).
 */
export function speechLike(rate: number, seconds: number, seed: number, levelDbfs = -20): { signal: Float64Array; active: Uint8Array } {
  const rnd = new SeededRandom(seed);
  const n = Math.round(rate * seconds);
  const signal = new Float64Array(n);
  for (let i = 0; i < n; i++) signal[i] = rnd.gaussian();
  biquad(signal, 'highpass', rate, 200);
  biquad(signal, 'highpass', rate, 200);
  const top = rate >= 16000 ? Math.min(7000, rate * 0.4) : 3400;
  biquad(signal, 'lowpass', rate, top);
  biquad(signal, 'lowpass', rate, top);
  const envelope = new Float64Array(n);
  const active = new Uint8Array(n);
  const ramp = Math.round(rate * 0.02);
  let t = Math.round(rate * rnd.range(0, 0.1));
  let nextPause = t + Math.round(rate * rnd.range(1.5, 3));
  while (t < n) {
    const len = Math.round(rate * rnd.range(0.1, 0.3));
    const gain = dbToAmplitude(rnd.range(-6, 6));
    for (let i = 0; i < len && t + i < n; i++) {
      const edge = Math.min(i, len - 1 - i);
      envelope[t + i] = gain * (edge < ramp ? 0.5 - 0.5 * Math.cos((Math.PI * edge) / ramp) : 1);
      active[t + i] = 1;
    }
    t += len + Math.round(rate * rnd.range(0.04, 0.15));
    if (t >= nextPause) {
      t += Math.round(rate * rnd.range(0.3, 0.6));
      nextPause = t + Math.round(rate * rnd.range(1.5, 3));
    }
  }
  for (let i = 0; i < n; i++) signal[i]! *= envelope[i]!;
  let s = 0, count = 0;
  for (let i = 0; i < n; i++) {
    if (active[i] === 0) continue;
    s += signal[i]! * signal[i]!;
    count++;
  }
  const scale = (32768 * dbToAmplitude(levelDbfs)) / Math.sqrt(s / Math.max(1, count));
  for (let i = 0; i < n; i++) signal[i]! *= scale;
  return { signal, active };
}

export interface EchoPath {
  /** Playback call → speaker, and microphone → capture call, together (sound-card buffers). */
  readonly deviceLatencyMs: number;
  /** Speaker → microphone direct path. */
  readonly roomDelayMs: number;
  /** Level of the direct path (dB, negative). */
  readonly gainDb: number;
  /** Decay of the diffuse tail: the time it takes to fall by 60 dB. */
  readonly rt60Ms: number;
  /** How long after the direct path the tail is modelled. */
  readonly tailMs: number;
}

export const DEFAULT_ECHO_PATH: EchoPath = { deviceLatencyMs: 40, roomDelayMs: 50, gainDb: -8, rt60Ms: 150, tailMs: 120 };

/** The impulse response from playback() to capture(): delay, direct path, decaying diffuse tail. */
export function echoImpulseResponse(rate: number, path: EchoPath, seed: number): Float64Array {
  const rnd = new SeededRandom(seed);
  const delay = Math.round((rate * (path.deviceLatencyMs + path.roomDelayMs)) / 1000);
  const tail = Math.round((rate * path.tailMs) / 1000);
  const h = new Float64Array(delay + tail + 1);
  const g = dbToAmplitude(path.gainDb);
  h[delay] = g;
  const decayPerSample = Math.log(1000) / ((rate * path.rt60Ms) / 1000); // -60 dB over rt60
  // Reflections at random instants, 4 per ms on average (dense enough to sound diffuse, sparse
  // enough that the convolution stays fast at 48 kHz); amplitudes keep the energy of a dense
  // tail of 0.35 · g per sample.
  const perSample = 4 / (rate / 1000);
  const scale = 0.35 * g * Math.sqrt(1 / perSample);
  for (let i = 1; i <= tail; i++) {
    if (rnd.next() >= perSample) continue;
    h[delay + i] = scale * rnd.gaussian() * Math.exp(-decayPerSample * i);
  }
  return h;
}

/** x * h, truncated to x's length (zeros of h skipped, so a long bulk delay is free). */
export function convolve(x: Float64Array, h: Float64Array): Float64Array {
  const y = new Float64Array(x.length);
  for (let k = 0; k < h.length; k++) {
    const hk = h[k]!;
    if (hk === 0) continue;
    for (let i = k; i < x.length; i++) y[i]! += hk * x[i - k]!;
  }
  return y;
}

export function toInt16(x: Float64Array): Int16Array {
  const out = new Int16Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = Math.max(-32768, Math.min(32767, Math.round(x[i]!)));
  return out;
}

export interface EchoScenarioOptions {
  readonly rate: number;
  readonly seconds: number;
  readonly path?: EchoPath;
  /** Near-end noise floor (white, dBFS RMS). */
  readonly noiseDbfs?: number;
  /** A near-end talker from `from` to `to` seconds (double talk while the far end talks). */
  readonly nearTalk?: { readonly from: number; readonly to: number; readonly levelDbfs: number };
  /** No far-end talker at all (so no echo): for tests of the near end alone. */
  readonly silentFarEnd?: boolean;
  readonly seed?: number;
}

export interface EchoScenario {
  readonly rate: number;
  /** What the far end sends us: handed to the speaker and to playback(). */
  readonly far: Int16Array;
  /** The echo part of the microphone signal. */
  readonly echo: Float64Array;
  /** The near-end talker part of the microphone signal (zeros outside nearTalk). */
  readonly near: Float64Array;
  /** Microphone = echo + near-end talker + noise, as captured. */
  readonly mic: Int16Array;
  /** 1 where the far end is talking (delayed to where its echo is). */
  readonly echoActive: Uint8Array;
  readonly nearActive: Uint8Array;
}

export function makeEchoScenario(o: EchoScenarioOptions): EchoScenario {
  const seed = o.seed ?? 1;
  const path = o.path ?? DEFAULT_ECHO_PATH;
  const { signal: farSignal, active: farActive } = speechLike(o.rate, o.seconds, seed, -20);
  const far = o.silentFarEnd === true ? new Int16Array(farSignal.length) : toInt16(farSignal);
  const farFloat = Float64Array.from(far);
  const echo = convolve(farFloat, echoImpulseResponse(o.rate, path, seed + 1));
  const n = far.length;
  const delay = Math.round((o.rate * (path.deviceLatencyMs + path.roomDelayMs)) / 1000);
  const echoActive = new Uint8Array(n);
  if (o.silentFarEnd !== true) for (let i = delay; i < n; i++) echoActive[i] = farActive[i - delay]!;
  const near = new Float64Array(n);
  const nearActive = new Uint8Array(n);
  if (o.nearTalk !== undefined) {
    const talker = speechLike(o.rate, o.seconds, seed + 7, o.nearTalk.levelDbfs);
    const from = Math.round(o.nearTalk.from * o.rate);
    const to = Math.min(n, Math.round(o.nearTalk.to * o.rate));
    for (let i = from; i < to; i++) {
      near[i] = talker.signal[i]!;
      nearActive[i] = talker.active[i]!;
    }
  }
  const rnd = new SeededRandom(seed + 13);
  const noise = 32768 * dbToAmplitude(o.noiseDbfs ?? -70);
  const mic = new Float64Array(n);
  for (let i = 0; i < n; i++) mic[i] = echo[i]! + near[i]! + noise * rnd.gaussian();
  return { rate: o.rate, far, echo, near, mic: toInt16(mic), echoActive, nearActive };
}

export type CallOrder = 'capture-first' | 'playback-first' | 'bursts-of-2';

/**
 * Feeds a canceller frame by frame like the audio streams would and returns its output.
 * 'capture-first' and 'playback-first' alternate one call of each per frame; 'bursts-of-2' makes
 * two playback calls, then two capture calls (a device that runs its buffers in pairs).
 */
export function runCanceller(aec: EchoCanceller, far: Int16Array, mic: Int16Array, order: CallOrder = 'capture-first'): Int16Array {
  const f = aec.frameSamples;
  const frames = Math.floor(mic.length / f);
  const out = new Int16Array(frames * f);
  const capture = (k: number): void => aec.capture(mic.subarray(k * f, (k + 1) * f), out.subarray(k * f, (k + 1) * f));
  const playback = (k: number): void => aec.playback(far.subarray(k * f, (k + 1) * f));
  if (order === 'bursts-of-2') {
    for (let k = 0; k + 1 < frames; k += 2) {
      playback(k);
      playback(k + 1);
      capture(k);
      capture(k + 1);
    }
    return out;
  }
  for (let k = 0; k < frames; k++) {
    if (order === 'capture-first') {
      capture(k);
      playback(k);
    } else {
      playback(k);
      capture(k);
    }
  }
  return out;
}

export interface DeviceLikeSchedule {
  /** Playback frames pulled at once when the stream starts (filling the output buffer). */
  readonly prePull: number;
  /** Playback pulls and capture events come in bursts of this many frames. */
  readonly playbackBurst: number;
  readonly captureBurst: number;
  /** Playback pulls stall for `frames` frame periods from frame `atFrame` on, then catch up. */
  readonly stall?: { readonly atFrame: number; readonly frames: number };
}

/**
 * The order of playback ('p') and capture ('c') calls that sound-card streams produce: frame k
 * of the far end is pulled `prePull` periods before it is due (its call time is k − prePull
 * periods, the first ones all at 0), frame k of the microphone is delivered when it has been
 * recorded (k + 1 periods), each side rounded up to its burst grid; at equal times captures
 * come first. The scenario's far-end index is when a frame is heard, so its deviceLatencyMs
 * should count the input side only (the output side is the prePull).
 */
export function deviceLikeSchedule(frames: number, o: DeviceLikeSchedule): string {
  const events: { t: number; kind: 'p' | 'c'; k: number }[] = [];
  const grid = (t: number, burst: number): number => Math.ceil(t / burst) * burst;
  for (let k = 0; k < frames; k++) {
    let t = grid(Math.max(0, k - o.prePull), o.playbackBurst);
    if (o.stall !== undefined && k - o.prePull >= o.stall.atFrame && k - o.prePull < o.stall.atFrame + o.stall.frames) t = o.stall.atFrame + o.stall.frames;
    events.push({ t, kind: 'p', k });
    events.push({ t: grid(k + 1, o.captureBurst), kind: 'c', k });
  }
  events.sort((a, b) => a.t - b.t || (a.kind === b.kind ? a.k - b.k : a.kind === 'c' ? -1 : 1));
  return events.map((e) => e.kind).join('');
}

/** Feeds a canceller in the order of `schedule` ('p' = next playback frame, 'c' = next capture). */
export function runSchedule(aec: EchoCanceller, far: Int16Array, mic: Int16Array, schedule: string): Int16Array {
  const f = aec.frameSamples;
  const out = new Int16Array(Math.floor(mic.length / f) * f);
  let p = 0;
  let c = 0;
  for (const step of schedule) {
    if (step === 'p') {
      aec.playback(far.subarray(p * f, (p + 1) * f));
      p++;
    } else if ((c + 1) * f <= out.length) {
      aec.capture(mic.subarray(c * f, (c + 1) * f), out.subarray(c * f, (c + 1) * f));
      c++;
    }
  }
  return out;
}

/** Sum of squares over the samples in [from, to) where `mask` is 1 (all when no mask). */
function energy(x: ArrayLike<number>, from: number, to: number, mask?: Uint8Array): number {
  let s = 0;
  for (let i = from; i < Math.min(to, x.length); i++) if (mask === undefined || mask[i] === 1) s += x[i]! * x[i]!;
  return s;
}

/** ERLE in dB over [fromSeconds, end) while the echo is active (and the near end silent). */
export function erleDb(s: EchoScenario, out: ArrayLike<number>, fromSeconds: number, toSeconds?: number): number {
  const from = Math.round(fromSeconds * s.rate);
  const to = Math.min(out.length, toSeconds === undefined ? out.length : Math.round(toSeconds * s.rate));
  const mask = new Uint8Array(s.echoActive.length);
  for (let i = 0; i < mask.length; i++) mask[i] = s.echoActive[i] === 1 && s.near[i] === 0 ? 1 : 0;
  return 10 * Math.log10(energy(s.mic, from, to, mask) / Math.max(1e-9, energy(out, from, to, mask)));
}

/** Pearson correlation of a and b over [from, to) samples. */
export function correlation(a: ArrayLike<number>, b: ArrayLike<number>, from: number, to: number): number {
  let sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
  const n = to - from;
  for (let i = from; i < to; i++) {
    const x = a[i]!, y = b[i]!;
    sa += x;
    sb += y;
    saa += x * x;
    sbb += y * y;
    sab += x * y;
  }
  const cov = sab - (sa * sb) / n;
  return cov / Math.sqrt((saa - (sa * sa) / n) * (sbb - (sb * sb) / n));
}

/** Level of `out` relative to `reference` over [from, to) samples, in dB. */
export function levelRatioDb(out: ArrayLike<number>, reference: ArrayLike<number>, from: number, to: number): number {
  return 10 * Math.log10(energy(out, from, to) / Math.max(1e-9, energy(reference, from, to)));
}
