/**
 * A fake of the EchoCanceller port (src-main/media/audio/echo-canceller.ts) for unit tests of the
 * call pipeline: it passes the microphone through (or, with `subtract`, removes exactly a known
 * synthetic echo: the far-end frame given `delayFrames` playback() calls earlier, times `gain`),
 * records every call in order, and checks frame lengths like the real one does.
 */
import { err, ok } from '../../src-main/base/result.js';
import type {
  EchoCanceller,
  EchoCancellerError,
  EchoCancellerFactory,
  EchoCancellerOptions,
  EchoCancellerStats,
} from '../../src-main/media/audio/echo-canceller.js';

export interface FakeEchoCancellerConfig {
  /** Remove this echo exactly: out = near − gain · (far frame played `delayFrames` frames before). */
  readonly subtract?: { readonly delayFrames: number; readonly gain: number };
}

export type FakeEchoCall = 'playback' | 'capture' | 'reset';

export class FakeEchoCanceller implements EchoCanceller {
  readonly sampleRate: number;
  readonly frameSamples: number;
  /** Every call, in order (after dispose(): nothing is recorded). */
  readonly calls: FakeEchoCall[] = [];
  /** Copies of the far-end frames given to playback(). */
  readonly played: Int16Array[] = [];
  disposed = false;
  private frames = 0;
  private playbackFrames = 0;

  constructor(
    readonly options: EchoCancellerOptions,
    private readonly config: FakeEchoCancellerConfig = {},
  ) {
    this.sampleRate = options.sampleRate;
    this.frameSamples = options.frameSamples;
  }

  playback(frame: Int16Array): void {
    if (this.disposed) return;
    this.checkLength(frame, 'far');
    this.calls.push('playback');
    this.played.push(frame.slice());
    this.playbackFrames++;
  }

  capture(near: Int16Array, out: Int16Array): void {
    if (this.disposed) {
      if (out !== near) out.set(near);
      return;
    }
    this.checkLength(near, 'near');
    this.checkLength(out, 'out');
    this.calls.push('capture');
    this.frames++;
    const s = this.config.subtract;
    const far = s === undefined ? undefined : this.played[this.played.length - 1 - s.delayFrames];
    for (let i = 0; i < this.frameSamples; i++) {
      const v = near[i]! - (far === undefined || s === undefined ? 0 : Math.round(s.gain * far[i]!));
      out[i] = Math.max(-32768, Math.min(32767, v));
    }
  }

  reset(): void {
    if (this.disposed) return;
    this.calls.push('reset');
    this.played.length = 0;
  }

  stats(): EchoCancellerStats {
    return { frames: this.frames, playbackFrames: this.playbackFrames, farEndUnderruns: 0, farEndOverruns: 0, realignments: 0 };
  }

  dispose(): void {
    this.disposed = true;
  }

  private checkLength(frame: Int16Array, name: string): void {
    if (frame.length !== this.frameSamples) throw new RangeError(`${name} must hold exactly ${this.frameSamples} samples (got ${frame.length})`);
  }
}

/** A factory that records the cancellers it made, or fails with `fail` (e.g. aec-unavailable). */
export class FakeEchoCancellerFactory {
  readonly created: FakeEchoCanceller[] = [];
  fail: EchoCancellerError | undefined;

  constructor(private readonly config: FakeEchoCancellerConfig = {}) {}

  readonly create: EchoCancellerFactory = (options) => {
    if (this.fail !== undefined) return err(this.fail);
    const c = new FakeEchoCanceller(options, this.config);
    this.created.push(c);
    return ok(c);
  };
}
