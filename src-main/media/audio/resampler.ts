/**
 * Sample-rate conversion between device rates (44.1/48 kHz) and codec rates (8/16/48 kHz) with
 * libsamplerate (Erik de Castro Lopo's SRC) compiled to wasm (@alexanderolsen/libsamplerate-js).
 * Streaming: each call converts one chunk and keeps the filter state, so consecutive frames join
 * without clicks; the output length varies around chunk × ratio (the filter has a small latency,
 * so the first outputs are shorter). Use a PcmFifo to cut the output into frames.
 */
import { createRequire } from 'node:module';
import type { Disposable } from '../../base/disposable.js';

export type ResamplerQuality = 'best' | 'medium' | 'fastest' | 'linear';

export interface Resampler extends Disposable {
  readonly inputRate: number;
  readonly outputRate: number;
  /**
   * Converts one chunk. The returned array is a view into a buffer reused by the next call:
   * copy it (or push it into a PcmFifo) before calling again.
   */
  process(input: Int16Array): Int16Array;
}

/** Creates a resampler (async: the wasm module loads on first use). */
export type ResamplerFactory = (inputRate: number, outputRate: number, quality?: ResamplerQuality) => Promise<Resampler>;

interface LibSampleRate {
  create(
    channels: number,
    inRate: number,
    outRate: number,
    options?: { converterType?: number },
  ): Promise<{ full(input: Float32Array, out?: Float32Array | null, outLength?: { frames: number } | null): Float32Array; destroy(): void }>;
  ConverterType: { SRC_SINC_BEST_QUALITY: number; SRC_SINC_MEDIUM_QUALITY: number; SRC_SINC_FASTEST: number; SRC_LINEAR: number };
}

let lib: LibSampleRate | undefined;

function load(): LibSampleRate {
  if (lib === undefined) {
    const require = createRequire(import.meta.url);
    lib = require('@alexanderolsen/libsamplerate-js') as LibSampleRate;
  }
  return lib;
}

class PassThrough implements Resampler {
  constructor(readonly inputRate: number) {}
  get outputRate(): number {
    return this.inputRate;
  }
  process(input: Int16Array): Int16Array {
    return input;
  }
  dispose(): void {}
}

class SrcResampler implements Resampler {
  private inF = new Float32Array(0);
  private outF = new Float32Array(0);
  private outI = new Int16Array(0);
  private readonly outLength = { frames: 0 };
  private disposed = false;

  constructor(
    readonly inputRate: number,
    readonly outputRate: number,
    private readonly src: { full(input: Float32Array, out?: Float32Array | null, outLength?: { frames: number } | null): Float32Array; destroy(): void },
  ) {}

  process(input: Int16Array): Int16Array {
    if (this.disposed) throw new Error('resampler used after dispose');
    if (this.inF.length !== input.length) this.inF = new Float32Array(input.length);
    for (let i = 0; i < input.length; i++) this.inF[i] = input[i]! / 32768;
    const maxOut = Math.ceil((input.length * this.outputRate) / this.inputRate) + 64;
    if (this.outF.length < maxOut) {
      this.outF = new Float32Array(maxOut);
      this.outI = new Int16Array(maxOut);
    }
    this.src.full(this.inF, this.outF, this.outLength);
    const n = this.outLength.frames;
    const outF = this.outF;
    const outI = this.outI;
    for (let i = 0; i < n; i++) {
      const v = Math.round(outF[i]! * 32768);
      outI[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
    }
    return outI.subarray(0, n);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.src.destroy();
  }
}

/** The libsamplerate-backed factory (the one the composition roots hand to the pipeline). */
export const createResampler: ResamplerFactory = async (inputRate, outputRate, quality = 'medium') => {
  if (inputRate === outputRate) return new PassThrough(inputRate);
  const l = load();
  const type = {
    best: l.ConverterType.SRC_SINC_BEST_QUALITY,
    medium: l.ConverterType.SRC_SINC_MEDIUM_QUALITY,
    fastest: l.ConverterType.SRC_SINC_FASTEST,
    linear: l.ConverterType.SRC_LINEAR,
  }[quality];
  const src = await l.create(1, inputRate, outputRate, { converterType: type });
  return new SrcResampler(inputRate, outputRate, src);
};

/** Converts a whole buffer at once (WAV files at open time). */
export async function resampleAll(
  pcm: Int16Array,
  inputRate: number,
  outputRate: number,
  factory: ResamplerFactory = createResampler,
  quality: ResamplerQuality = 'best',
): Promise<Int16Array> {
  if (inputRate === outputRate) return pcm;
  const r = await factory(inputRate, outputRate, quality);
  try {
    const chunks: Int16Array[] = [];
    const step = 4096;
    for (let o = 0; o < pcm.length; o += step) {
      chunks.push(r.process(pcm.subarray(o, o + step)).slice());
      // Give the event loop a turn every ~50 chunks: a long file must not stall a running call's audio clock.
      if ((o / step) % 50 === 49) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    // Flush the filter's latency with silence so the tail is not cut.
    chunks.push(r.process(new Int16Array(Math.ceil(inputRate / 50))).slice());
    const want = Math.round((pcm.length * outputRate) / inputRate);
    const out = new Int16Array(want);
    let o = 0;
    for (const c of chunks) {
      if (o >= want) break;
      out.set(c.subarray(0, want - o), o);
      o += c.length;
    }
    return out;
  } finally {
    r.dispose();
  }
}
