/** Types of the native binding (index.js). The app reaches it only through src-main/platform/audio/speex-echo-canceller.ts. */
export interface SpeexEchoCancellerOptions {
  /** Preprocessor residual-echo suppression after the adaptive filter (default true). */
  residualEchoSuppression?: boolean;
  /** Preprocessor noise suppression (default false). */
  noiseSuppression?: boolean;
  /** Far-end frames newer than the paired one kept in hand at the tightest moment (default 1; see src/speexdsp_aec.c). */
  delayFrames?: number;
}

export interface SpeexEchoCancellerNativeStats {
  frames: number;
  playbackFrames: number;
  /** Captures whose far-end frame had not come yet (cancelled against silence). */
  underruns: number;
  /** Far-end frames lost because playback ran a ring's worth ahead. */
  overruns: number;
  /** Times the far-end pairing moved. */
  realignments: number;
  bufferedFrames: number;
}

export interface SpeexEchoCancellerNative {
  readonly sampleRate: number;
  readonly frameSamples: number;
  readonly filterLength: number;
  readonly delayFrames: number;
  playback(far: Int16Array): void;
  capture(near: Int16Array, out: Int16Array): void;
  reset(): void;
  stats(): SpeexEchoCancellerNativeStats;
  destroy(): void;
}

export declare function create(sampleRate: number, frameSamples: number, filterLengthSamples: number, options?: SpeexEchoCancellerOptions): SpeexEchoCancellerNative;
export declare const speexdspVersion: string;
