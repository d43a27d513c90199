/**
 * The echo canceller on a call's audio streams, at a rate where it works well.
 *
 * Sound cards run at 44.1 or 48 kHz; speexdsp's adaptive filter converges about three times
 * slower there than at 16 kHz for the same echo tail (9600 taps for 200 ms instead of 3200:
 * ~19 dB after 10 s instead of ~36 dB, ../audio/README.md) and costs three to four times as much.
 * Telephone audio is at most wideband except with Opus fullband, and the echo that matters
 * (speech from a laptop speaker) is below 8 kHz, so above 16 kHz the canceller runs at 16 kHz:
 * the microphone and the speaker reference are converted down (libsamplerate), the cleaned
 * microphone back up. The conversions keep whole 20 ms frames with a 2 ms cushion, so they add
 * about 2 ms and the resamplers' own delay to the microphone path; both sides go through the
 * same conversion, so the echo's timing relative to its reference is unchanged.
 * At 16 kHz and below the canceller runs at the stream's rate with no conversion.
 * Measured on 48 kHz streams and the same synthetic room (test/integration/audio/
 * echo-path-rate.test.ts): 23.1 dB ERLE over 4–12 s at 16 kHz against 17.2 dB at 48 kHz.
 */
import type { Disposable } from '../../base/disposable.js';
import { err, ok, type Result } from '../../base/result.js';
import type { EchoCanceller, EchoCancellerError, EchoCancellerFactory, EchoCancellerStats } from '../audio/echo-canceller.js';
import type { ResamplerFactory } from '../audio/resampler.js';
import { RateBridge } from './rate-bridge.js';

/** Above this stream rate the canceller runs at this rate. */
export const ECHO_CANCELLER_RATE = 16000;
const CUSHION_MS = 2;

/** Whole frames in, whole frames out, through a rate bridge with a small cushion of output. */
class FramedConverter implements Disposable {
  private readonly bridge: RateBridge;
  private primed = false;
  /** Output frames that had to be completed with zeros (resampler output jitter beyond the cushion). */
  shortfalls = 0;

  constructor(
    inputRate: number,
    private readonly outputRate: number,
    factory: ResamplerFactory,
    onError: (message: string) => void,
  ) {
    this.bridge = new RateBridge(inputRate, outputRate, factory, (m) => onError(`echo cancellation: ${m}`));
  }

  get ready(): boolean {
    return this.bridge.ready;
  }

  /** Converts one frame; false until the resampler has loaded. */
  convert(input: Int16Array, out: Int16Array): boolean {
    if (!this.bridge.ready) return false;
    if (!this.primed) {
      this.bridge.pad(Math.round((this.outputRate * CUSHION_MS) / 1000));
      this.primed = true;
    }
    this.bridge.push(input);
    if (this.bridge.buffered < out.length) {
      this.shortfalls++;
      this.bridge.pad(out.length - this.bridge.buffered);
    }
    return this.bridge.pop(out);
  }

  dispose(): void {
    this.bridge.dispose();
  }
}

export interface EchoPathStats extends EchoCancellerStats {
  /** The rate the canceller runs at. */
  readonly sampleRate: number;
  /** Microphone frames passed through unprocessed while the converters were loading. */
  readonly bypassed: number;
}

export class EchoPath implements Disposable {
  private readonly conversion:
    | { readonly micDown: FramedConverter; readonly refDown: FramedConverter; readonly micUp: FramedConverter; readonly lowMic: Int16Array; readonly lowClean: Int16Array; readonly lowRef: Int16Array }
    | undefined;
  private bypassed = 0;

  private constructor(
    private readonly canceller: EchoCanceller,
    streamRate: number,
    resamplers: ResamplerFactory | undefined,
    onError: (message: string) => void,
  ) {
    if (canceller.sampleRate !== streamRate && resamplers !== undefined) {
      const low = canceller.frameSamples;
      this.conversion = {
        micDown: new FramedConverter(streamRate, canceller.sampleRate, resamplers, onError),
        refDown: new FramedConverter(streamRate, canceller.sampleRate, resamplers, onError),
        micUp: new FramedConverter(canceller.sampleRate, streamRate, resamplers, onError),
        lowMic: new Int16Array(low),
        lowClean: new Int16Array(low),
        lowRef: new Int16Array(low),
      };
    }
  }

  /**
   * A canceller for streams at `streamRate` in frames of `frameSamples`: at 16 kHz (converted)
   * when the streams are faster and resamplers are given, else at the streams' rate.
   */
  static create(factory: EchoCancellerFactory, streamRate: number, frameSamples: number, resamplers: ResamplerFactory | undefined, onError: (message: string) => void): Result<EchoPath, EchoCancellerError> {
    const convert = streamRate > ECHO_CANCELLER_RATE && resamplers !== undefined;
    const rate = convert ? ECHO_CANCELLER_RATE : streamRate;
    const frame = convert ? Math.round((frameSamples * ECHO_CANCELLER_RATE) / streamRate) : frameSamples;
    const r = factory({ sampleRate: rate, frameSamples: frame });
    if (!r.ok) return err(r.error);
    return ok(new EchoPath(r.value, streamRate, convert ? resamplers : undefined, onError));
  }

  get sampleRate(): number {
    return this.canceller.sampleRate;
  }

  /** False while the converters are loading (microphone frames pass through meanwhile). */
  get ready(): boolean {
    return this.conversion === undefined || this.converting(this.conversion);
  }

  /** The frame just handed to the speaker, at the stream rate. */
  playback(frame: Int16Array): void {
    const c = this.conversion;
    if (c === undefined) {
      this.canceller.playback(frame);
      return;
    }
    // Feed the reference only once the whole path converts, so pairs stay aligned from the start.
    if (!this.converting(c)) return;
    if (c.refDown.convert(frame, c.lowRef)) this.canceller.playback(c.lowRef);
  }

  /** Writes the cleaned microphone frame to `out` (stream rate; `out` may be `near`). */
  capture(near: Int16Array, out: Int16Array): void {
    const c = this.conversion;
    if (c === undefined) {
      this.canceller.capture(near, out);
      return;
    }
    if (!this.converting(c) || !c.micDown.convert(near, c.lowMic)) {
      this.bypassed++;
      if (out !== near) out.set(near);
      return;
    }
    this.canceller.capture(c.lowMic, c.lowClean);
    if (!c.micUp.convert(c.lowClean, out)) {
      this.bypassed++;
      if (out !== near) out.set(near);
    }
  }

  reset(): void {
    this.canceller.reset();
  }

  stats(): EchoPathStats {
    return { ...this.canceller.stats(), sampleRate: this.canceller.sampleRate, bypassed: this.bypassed };
  }

  dispose(): void {
    this.canceller.dispose();
    if (this.conversion !== undefined) for (const f of [this.conversion.micDown, this.conversion.refDown, this.conversion.micUp]) f.dispose();
  }

  private converting(c: NonNullable<EchoPath['conversion']>): boolean {
    return c.micDown.ready && c.refDown.ready && c.micUp.ready;
  }
}
