/**
 * The acoustic echo canceller port (DESIGN.md rule 7): removes from the microphone signal the
 * far-end audio that the speaker played and the room sent back. Implemented by
 * platform/audio/speex-echo-canceller.ts (speexdsp's MDF adaptive filter plus residual-echo
 * suppression, a native addon) and by test/fakes/fake-echo-canceller.ts.
 *
 * Use, per call, at one sample rate and frame size shared with the audio streams:
 *  - `playback(frame)` with every frame handed to the speaker, from the playback pull;
 *  - `capture(near, out)` with every microphone frame, before it is encoded.
 * The canceller pairs each capture with a far-end frame given before it, `playbackDelayFrames`
 * (default 1) older than the newest one there at the tightest moment of the call jitter, and
 * keeps that pairing by count (it re-checks it every 50 frames). The echo in a microphone frame
 * must come from that far-end frame or up to `tailMs` of far-end audio before it: in time, it
 * must reach capture() between about playbackDelayFrames + 1 frames and that plus `tailMs`
 * after the playback() call of the audio that caused it. Sound-card buffering puts real echoes
 * there; see src-main/media/audio/README.md.
 *
 * PCM is mono signed 16-bit. Both calls are synchronous and cheap (speexdsp: 0.06–0.15 ms per
 * frame at 16 kHz, 0.2–0.4 ms at 48 kHz); they may run on the audio path.
 */
import type { Disposable } from '../../base/disposable.js';
import type { CodedError, Result } from '../../base/result.js';

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
   * Far-end frames newer than the one a capture is cancelled against that must already be
   * there at the tightest moment (default 1: with strictly alternating calls, the far-end frame
   * two playbacks back, as upstream speexdsp). Echo that reaches capture() sooner than about
   * this + 1 frames after its playback() cannot be cancelled; raise it for devices whose echo
   * arrives later than `tailMs` after playback(); 0 for the least delay.
   */
  readonly playbackDelayFrames?: number;
}

export interface EchoCancellerStats {
  readonly frames: number;
  /** far-end frames fed */
  readonly playbackFrames: number;
  /** `capture()` calls that found no far-end frame buffered (cancelled against silence). */
  readonly farEndUnderruns?: number;
  /** Far-end frames dropped because playback ran far (about 1 s) ahead of capture. */
  readonly farEndOverruns?: number;
  /** Times the far-end pairing moved (call jitter or clock drift changed); each costs some re-convergence. */
  readonly realignments?: number;
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
