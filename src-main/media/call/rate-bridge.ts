/**
 * Joins two sample rates with whole frames on either side: device frames (e.g. 20 ms at 48 kHz)
 * to codec frames (20 ms at 8/16/48 kHz) and back. Same rate: a FIFO only (no copy beyond it).
 * Different rates: libsamplerate through the injected ResamplerFactory, created asynchronously;
 * until it is ready the bridge yields nothing (capture) or silence (playback).
 */
import type { Disposable } from '../../base/disposable.js';
import { PcmFifo } from '../audio/pcm-fifo.js';
import type { Resampler, ResamplerFactory } from '../audio/resampler.js';

export class RateBridge implements Disposable {
  private resampler: Resampler | undefined;
  private readonly fifo: PcmFifo;
  private disposed = false;
  private failed = false;

  constructor(
    readonly inputRate: number,
    readonly outputRate: number,
    factory: ResamplerFactory,
    onError: (message: string) => void,
  ) {
    this.fifo = new PcmFifo(Math.ceil(outputRate / 2));
    if (inputRate !== outputRate) {
      factory(inputRate, outputRate, 'medium').then(
        (r) => {
          if (this.disposed) r.dispose();
          else this.resampler = r;
        },
        (e: unknown) => {
          this.failed = true;
          onError(`resampler ${inputRate}->${outputRate} Hz unavailable: ${String(e)}`);
        },
      );
    }
  }

  /** True when samples can flow (same rate, or the resampler has loaded). */
  get ready(): boolean {
    return this.inputRate === this.outputRate || this.resampler !== undefined;
  }

  get unavailable(): boolean {
    return this.failed;
  }

  get buffered(): number {
    return this.fifo.available;
  }

  push(input: Int16Array): void {
    if (this.inputRate === this.outputRate) this.fifo.push(input);
    else if (this.resampler !== undefined) this.fifo.push(this.resampler.process(input));
  }

  /** Fills `out` completely if enough output is buffered. */
  pop(out: Int16Array): boolean {
    return this.fifo.pop(out);
  }

  /** Queues `samples` zeros of output (a cushion against the resampler's output jitter). */
  pad(samples: number): void {
    if (samples > 0) this.fifo.push(new Int16Array(samples));
  }

  clear(): void {
    this.fifo.clear();
  }

  dispose(): void {
    this.disposed = true;
    this.resampler?.dispose();
    this.resampler = undefined;
  }
}
