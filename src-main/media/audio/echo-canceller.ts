/**
 * The acoustic echo canceller port (DESIGN.md rule 7): removes from the microphone signal the
 * far-end audio that the speaker played and the room sent back. Implemented by
 * platform/audio/speex-echo-canceller.ts (speexdsp's MDF adaptive filter plus residual-echo
 * suppression, a native addon) and by test/fakes/fake-echo-canceller.ts.
 *
 * Use, per call, at one sample rate and frame size shared with the audio streams:
 *  - `playback(frame)` with every frame handed to the speaker, from the playback pull;
 *  - `capture(near, out)` with every microphone frame, before it is encoded.
 * The canceller pairs each capture with the far-end frames given before it: the echo in a
 * microphone frame must arrive between about `playbackDelayFrames` frames (default 2) and that
 * plus `tailMs` after the `playback()` call of the audio that caused it. Sound-card buffering
 * normally puts real echoes in that window; see src-main/media/audio/README.md.
 *
 * PCM is mono signed 16-bit. Both calls are synchronous and cheap (speexdsp: 0.06–0.15 ms per
 * frame at 16 kHz, 0.2–0.4 ms at 48 kHz); they may run on the audio path.
 */
import type { Disposable } from '../../base/disposable.js';
import type { CodedError, Result } from '../../base/result.js';

/** The echo tail modelled when `tailMs` is not given. */
export const DEFAULT_ECHO_TAIL_MS = 200;

export interface EchoCancellerOptions {
  readonly sampleRate: number;
  readonly frameSamples: number;
  /** echo tail, default 200 ms */
  readonly tailMs?: number;
  /** Suppress what the adaptive filter leaves of the echo (default true). */
  readonly residualEchoSuppression?: boolean;
  /** Also suppress stationary background noise (default false). */
  readonly noiseSuppression?: boolean;
  /**
   * Far-end frames buffered between `playback()` and the `capture()` they are cancelled
   * against (default 2). Echo that reaches `capture()` sooner than this after its `playback()`
   * cannot be cancelled; raise it only for devices whose echo arrives later than
   * `tailMs` after `playback()`.
   */
  readonly playbackDelayFrames?: number;
}

export interface EchoCancellerStats {
  readonly frames: number;
  /** far-end frames fed */
  readonly playbackFrames: number;
  /** `capture()` calls that found no far-end frame buffered (cancelled against silence). */
  readonly farEndUnderruns?: number;
  /** Far-end frames dropped because more than `playbackDelayFrames + 1` were waiting. */
  readonly farEndOverruns?: number;
}

export interface EchoCanceller extends Disposable {
  readonly sampleRate: number;
  readonly frameSamples: number;
  /** The far-end frame just handed to the speaker (exactly frameSamples). */
  playback(frame: Int16Array): void;
  /** Writes the echo-cleaned microphone frame to `out` (may be the same array as `near`). */
  capture(near: Int16Array, out: Int16Array): void;
  reset(): void;
  stats(): EchoCancellerStats;
}

export type EchoCancellerError = CodedError<'aec-unavailable' | 'aec-bad-config'>;

export type EchoCancellerFactory = (options: EchoCancellerOptions) => Result<EchoCanceller, EchoCancellerError>;
