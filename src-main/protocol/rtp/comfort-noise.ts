/**
 * RFC 3389 comfort noise (CN), received gracefully: §3 payload (noise level byte in −dBov,
 * §3.1; optional reflection coefficients of an all-pole spectral model, §3.2, quantized as
 * k = (q − 127) / 128), and a generator that fills silence periods with noise of that level and
 * shape. The generator is a receiver aid only; we never send CN (see README).
 */
import { err, ok, type CodedError, type Result } from '../../base/result.js';
import type { Rng } from '../../base/rng.js';

/** Static payload type for CN at 8 kHz (RFC 3551 §6; RFC 3389 §4). */
export const CN_STATIC_PAYLOAD_TYPE = 13;

export interface ComfortNoiseParameters {
  /** Noise level as a positive number of −dBov (0..127). */
  readonly level: number;
  /** Quantized reflection coefficients (0..255 each), model order = length. */
  readonly coefficients: Uint8Array;
}

export type ComfortNoiseError = CodedError<'cn-empty'>;

export function parseComfortNoise(payload: Uint8Array): Result<ComfortNoiseParameters, ComfortNoiseError> {
  if (payload.length === 0) return err({ code: 'cn-empty', message: 'comfort noise payload without a level octet' });
  // §3.1: the most significant bit is unused and sent as 0; ignore it on receipt.
  return ok({ level: payload[0]! & 0x7f, coefficients: payload.subarray(1) });
}

export function serializeComfortNoise(p: ComfortNoiseParameters): Uint8Array {
  if (p.level < 0 || p.level > 127) throw new RangeError('CN level must be 0..127');
  const out = new Uint8Array(1 + p.coefficients.length);
  out[0] = p.level;
  out.set(p.coefficients, 1);
  return out;
}

/** §3.2 dequantization, clamped just inside the unit circle so the synthesis filter stays stable. */
export function reflectionCoefficient(q: number): number {
  return Math.max(-0.99, Math.min(0.99, (q - 127) / 128));
}

const MAX_ORDER = 32;

/**
 * White noise shaped by the all-pole lattice model of the last CN packet, at its level
 * (0 dBov = RMS of a full-scale square wave, 32767). Parameters are smoothed across updates to
 * avoid clicks. Allocation-free per frame.
 */
export class ComfortNoiseGenerator {
  private seed: number;
  private readonly a = new Float64Array(MAX_ORDER + 1);
  private readonly tmp = new Float64Array(MAX_ORDER + 1);
  private readonly history = new Float64Array(MAX_ORDER);
  private order = 0;
  private gain = 0;
  private targetRms = 0;
  private rms = 0;
  private active = false;

  constructor(rng: Rng) {
    this.seed = rng.uint32() || 0x9e3779b9;
  }

  update(params: ComfortNoiseParameters): void {
    const order = Math.min(MAX_ORDER, params.coefficients.length);
    // Step-up recursion: reflection coefficients to direct-form predictor a[1..order].
    const a = this.a;
    a.fill(0);
    let energyRatio = 1;
    for (let m = 1; m <= order; m++) {
      const k = reflectionCoefficient(params.coefficients[m - 1]!);
      for (let i = 1; i < m; i++) this.tmp[i] = a[i]! + k * a[m - i]!;
      for (let i = 1; i < m; i++) a[i] = this.tmp[i]!;
      a[m] = k;
      energyRatio *= 1 - k * k;
    }
    if (order < this.order) this.history.fill(0, order);
    this.order = order;
    // The all-pole filter amplifies white noise power by 1 / Π(1 − k²); compensate.
    this.gain = Math.sqrt(energyRatio);
    this.targetRms = 32767 * 10 ** (-params.level / 20);
    if (!this.active) this.rms = this.targetRms;
    this.active = true;
  }

  /** True once a CN packet was received. */
  get hasParameters(): boolean {
    return this.active;
  }

  /** Fills `out` with noise (or zeros when no CN parameters are known). */
  generate(out: Int16Array): void {
    if (!this.active) {
      out.fill(0);
      return;
    }
    const order = this.order;
    const a = this.a;
    const h = this.history;
    // Move half-way to the new level per frame.
    this.rms = (this.rms + this.targetRms) / 2;
    const excitationScale = this.rms * this.gain * Math.sqrt(3); // uniform[-1,1) has variance 1/3
    let x = this.seed;
    for (let n = 0; n < out.length; n++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      const e = ((x >>> 0) / 0x80000000 - 1) * excitationScale;
      let y = e;
      for (let i = 1; i <= order; i++) y -= a[i]! * h[i - 1]!;
      for (let i = order - 1; i > 0; i--) h[i] = h[i - 1]!;
      if (order > 0) h[0] = y;
      out[n] = y > 32767 ? 32767 : y < -32768 ? -32768 : Math.round(y);
    }
    this.seed = x >>> 0 || 1;
  }
}
