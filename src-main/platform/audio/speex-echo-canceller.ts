/**
 * The EchoCanceller port (media/audio/echo-canceller.ts) over speexdsp's echo canceller, through
 * the local native addon `@softphone/speexdsp-aec` (native/speexdsp-aec: vendored speexdsp
 * 1.2.1, built by node-gyp on `npm ci`).
 *
 * Why speexdsp: BSD-licensed, small plain C without dependencies (six files), so it builds from
 * source inside the addon on Windows, macOS and Linux; in the probe of the issue it reached about
 * 37 dB echo-return-loss enhancement at 0.03 ms per 10 ms frame, against about 34 dB for WebRTC's
 * audio processing module (a much larger C++ build). Figures measured here: media/audio/README.md.
 *
 * The binding is loaded lazily (first canceller asked for) and can be injected, like
 * media/codecs/opus-codec.ts does for @discordjs/opus.
 */
import { createRequire } from 'node:module';
import { err, ok, type Result } from '../../base/result.js';
import type {
  EchoCanceller,
  EchoCancellerError,
  EchoCancellerFactory,
  EchoCancellerOptions,
  EchoCancellerStats,
} from '../../media/audio/echo-canceller.js';

/** Counters kept by the addon (native/speexdsp-aec/index.d.ts). */
export interface SpeexAecNativeStats {
  readonly frames: number;
  readonly playbackFrames: number;
  readonly underruns: number;
  readonly overruns: number;
  readonly realignments: number;
}

/** One native canceller (the part of the addon's object we use). */
export interface SpeexAecNative {
  playback(far: Int16Array): void;
  capture(near: Int16Array, out: Int16Array): void;
  reset(): void;
  stats(): SpeexAecNativeStats;
  destroy(): void;
}

export interface SpeexAecNativeOptions {
  readonly residualEchoSuppression: boolean;
  readonly noiseSuppression: boolean;
  readonly delayFrames: number;
}

export interface SpeexAecBinding {
  create(sampleRate: number, frameSamples: number, filterLengthSamples: number, options: SpeexAecNativeOptions): SpeexAecNative;
}

/** Returns the binding or throws (a missing or unbuildable addon). */
export type SpeexAecBindingLoader = () => SpeexAecBinding;

export const SPEEX_AEC_SAMPLE_RATES: readonly number[] = [8000, 16000, 32000, 44100, 48000];
export const SPEEX_AEC_MIN_FRAME_MS = 10;
export const SPEEX_AEC_MAX_FRAME_MS = 20;
export const SPEEX_AEC_MAX_TAIL_MS = 1000;
export const SPEEX_AEC_MAX_DELAY_FRAMES = 32;
const DEFAULT_DELAY_FRAMES = 1;
/** The port's documented default for `tailMs` (platform may import only types from media). */
const DEFAULT_ECHO_TAIL_MS = 200;

/** require('@softphone/speexdsp-aec') from here (works from the sources and from the bundles in out/). */
export const loadSpeexAecAddon: SpeexAecBindingLoader = () => {
  const require = createRequire(import.meta.url);
  return require('@softphone/speexdsp-aec') as SpeexAecBinding;
};

/**
 * A factory of speexdsp echo cancellers. The binding loads on the first call; a failure is the
 * value `aec-unavailable` (and is retried on the next call, e.g. after a rebuild).
 */
export function speexEchoCancellerFactory(loadBinding: SpeexAecBindingLoader = loadSpeexAecAddon): EchoCancellerFactory {
  let binding: SpeexAecBinding | undefined;
  return (options) => {
    const config = checkConfig(options);
    if (!config.ok) return config;
    if (binding === undefined) {
      try {
        binding = loadBinding();
      } catch (e) {
        return err({
          code: 'aec-unavailable',
          message: 'the echo canceller addon (@softphone/speexdsp-aec) could not be loaded; run `npm ci` (it is built by node-gyp)',
          detail: { cause: String(e) },
        });
      }
    }
    const c = config.value;
    let native: SpeexAecNative;
    try {
      native = binding.create(options.sampleRate, options.frameSamples, c.filterLength, {
        residualEchoSuppression: c.residualEchoSuppression,
        noiseSuppression: c.noiseSuppression,
        delayFrames: c.delayFrames,
      });
    } catch (e) {
      const bad = e instanceof RangeError || e instanceof TypeError;
      return err({
        code: bad ? 'aec-bad-config' : 'aec-unavailable',
        message: `the echo canceller addon refused the configuration: ${e instanceof Error ? e.message : String(e)}`,
        detail: { sampleRate: options.sampleRate, frameSamples: options.frameSamples },
      });
    }
    return ok(new SpeexEchoCanceller(native, options.sampleRate, options.frameSamples));
  };
}

interface CheckedConfig {
  readonly filterLength: number;
  readonly residualEchoSuppression: boolean;
  readonly noiseSuppression: boolean;
  readonly delayFrames: number;
}

function badConfig(message: string, options: EchoCancellerOptions): Result<never, EchoCancellerError> {
  return err({
    code: 'aec-bad-config',
    message,
    detail: { sampleRate: options.sampleRate, frameSamples: options.frameSamples, tailMs: options.tailMs, playbackDelayFrames: options.playbackDelayFrames },
  });
}

/** Frame sizes whose FFTs kiss_fft does with radices 2, 3, 5, 7 (the addon refuses others). */
function smallFactorsOnly(n: number): boolean {
  let m = n;
  for (const p of [2, 3, 5, 7]) while (m % p === 0) m /= p;
  return m === 1;
}

function checkConfig(options: EchoCancellerOptions): Result<CheckedConfig, EchoCancellerError> {
  const { sampleRate, frameSamples } = options;
  if (!SPEEX_AEC_SAMPLE_RATES.includes(sampleRate)) {
    return badConfig(`echo cancellation supports ${SPEEX_AEC_SAMPLE_RATES.join(', ')} Hz, not ${sampleRate}`, options);
  }
  const frameMs = (frameSamples * 1000) / sampleRate;
  if (!Number.isInteger(frameSamples) || frameMs < SPEEX_AEC_MIN_FRAME_MS || frameMs > SPEEX_AEC_MAX_FRAME_MS || !smallFactorsOnly(frameSamples)) {
    return badConfig(
      `echo cancellation needs frames of ${SPEEX_AEC_MIN_FRAME_MS}–${SPEEX_AEC_MAX_FRAME_MS} ms whose size has no prime factor above 7 (e.g. ${sampleRate / 100} or ${sampleRate / 50} samples at ${sampleRate} Hz), not ${frameSamples} samples`,
      options,
    );
  }
  const tailMs = options.tailMs ?? DEFAULT_ECHO_TAIL_MS;
  if (!Number.isFinite(tailMs) || tailMs < frameMs || tailMs > SPEEX_AEC_MAX_TAIL_MS) {
    return badConfig(`the echo tail must be from one frame (${frameMs} ms) to ${SPEEX_AEC_MAX_TAIL_MS} ms, not ${tailMs}`, options);
  }
  const delayFrames = options.playbackDelayFrames ?? DEFAULT_DELAY_FRAMES;
  if (!Number.isInteger(delayFrames) || delayFrames < 0 || delayFrames > SPEEX_AEC_MAX_DELAY_FRAMES) {
    return badConfig(`playbackDelayFrames must be an integer from 0 to ${SPEEX_AEC_MAX_DELAY_FRAMES}, not ${delayFrames}`, options);
  }
  return ok({
    filterLength: Math.max(frameSamples, Math.round((tailMs * sampleRate) / 1000)),
    residualEchoSuppression: options.residualEchoSuppression ?? true,
    noiseSuppression: options.noiseSuppression ?? false,
    delayFrames,
  });
}

/**
 * One canceller. Frames of the wrong length or type are bugs and throw (the addon's RangeError
 * or TypeError). After dispose() the canceller is inert rather than throwing, so that a frame
 * still in flight during teardown cannot break the audio path: playback() is ignored and
 * capture() copies the microphone through.
 */
class SpeexEchoCanceller implements EchoCanceller {
  private native: SpeexAecNative | undefined;
  private finalStats: EchoCancellerStats | undefined;

  constructor(
    native: SpeexAecNative,
    readonly sampleRate: number,
    readonly frameSamples: number,
  ) {
    this.native = native;
  }

  playback(frame: Int16Array): void {
    this.native?.playback(frame);
  }

  capture(near: Int16Array, out: Int16Array): void {
    if (this.native !== undefined) {
      this.native.capture(near, out);
      return;
    }
    if (out !== near) out.set(near.subarray(0, out.length));
  }

  reset(): void {
    this.native?.reset();
  }

  stats(): EchoCancellerStats {
    if (this.native === undefined) return this.finalStats ?? { frames: 0, playbackFrames: 0 };
    const s = this.native.stats();
    return { frames: s.frames, playbackFrames: s.playbackFrames, farEndUnderruns: s.underruns, farEndOverruns: s.overruns, realignments: s.realignments };
  }

  dispose(): void {
    if (this.native === undefined) return;
    this.finalStats = this.stats();
    this.native.destroy();
    this.native = undefined;
  }
}
