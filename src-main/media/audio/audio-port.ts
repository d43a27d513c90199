/**
 * The audio device port (DESIGN.md rule 7): everything the media pipeline needs from sound
 * hardware, implemented by platform/audio adapters (naudiodon/PortAudio, WAV files, null) and by
 * test/fakes/fake-audio-device.ts.
 *
 * PCM is mono signed 16-bit at the stream's sample rate, in frames of `frameSamples` (10–20 ms).
 * Capture pushes frames (device clock); playback pulls them (device clock), so the jitter buffer
 * is read at the pace the sound card really plays.
 */
import type { Disposable } from '../../base/disposable.js';
import type { Event } from '../../base/event.js';
import type { CodedError, Result } from '../../base/result.js';

export interface AudioDeviceInfo {
  /** Stable across enumerations and restarts: host API and name (plus "#n" for duplicates). */
  readonly id: string;
  readonly name: string;
  /** PortAudio host API (ALSA, PulseAudio via ALSA, CoreAudio, WASAPI, MME…), or the backend name. */
  readonly hostApi: string;
  readonly maxInputChannels: number;
  readonly maxOutputChannels: number;
  readonly defaultSampleRate: number;
  readonly isDefaultInput: boolean;
  readonly isDefaultOutput: boolean;
  /** Suggested low-latency buffering in ms (PortAudio's defaultLow*Latency), when known. */
  readonly lowInputLatencyMs?: number;
  readonly lowOutputLatencyMs?: number;
}

export type AudioDeviceErrorCode =
  | 'audio-backend-unavailable'
  | 'audio-device-not-found'
  | 'audio-format-unsupported'
  | 'audio-open-failed'
  | 'audio-device-lost'
  | 'audio-io-error';

export type AudioDeviceError = CodedError<AudioDeviceErrorCode>;

export interface AudioStreamOptions {
  /** AudioDeviceInfo.id; undefined = the system default device. */
  readonly deviceId?: string;
  readonly sampleRate: number;
  /** Samples per frame, e.g. 320 for 20 ms at 16 kHz. */
  readonly frameSamples: number;
}

export interface AudioStreamStats {
  readonly frames: number;
  /** Capture: frames dropped because the consumer was too slow. Playback: frames the source could not fill in time (played as silence). */
  readonly glitches: number;
  /**
   * Clock-paced streams (file, null): the monotonic time (Clock ms) the first sample was heard
   * (capture) or the first frame was due to play (playback). Device streams leave it out.
   */
  readonly startedAt?: number;
}

interface AudioStreamBase extends Disposable {
  readonly deviceId: string;
  readonly sampleRate: number;
  readonly frameSamples: number;
  /** The device failed or disappeared; the stream is stopped and should be disposed (the call goes on). */
  readonly onError: Event<AudioDeviceError>;
  start(): void;
  stats(): AudioStreamStats;
}

export interface CaptureStream extends AudioStreamBase {
  /**
   * One frame of exactly `frameSamples` samples. The array is reused: copy it to keep it
   * beyond the listener call.
   */
  readonly onFrame: Event<Int16Array>;
}

/** Fills `out` (length `frameSamples`) with the next frame to play; leave zeros for silence. */
export type PlaybackSource = (out: Int16Array) => void;

export interface PlaybackStream extends AudioStreamBase {
  /** The callback the device clock pulls frames from (silence until one is set). */
  setSource(source: PlaybackSource | undefined): void;
}

export interface AudioDevicePort extends Disposable {
  /** Backend name for diagnostics: 'portaudio', 'file', 'null', 'fake'. */
  readonly backend: string;
  listDevices(): Promise<Result<readonly AudioDeviceInfo[], AudioDeviceError>>;
  openCapture(options: AudioStreamOptions): Promise<Result<CaptureStream, AudioDeviceError>>;
  openPlayback(options: AudioStreamOptions): Promise<Result<PlaybackStream, AudioDeviceError>>;
  /** The device list changed (hot-plug, default device changed). */
  readonly onDevicesChanged: Event<readonly AudioDeviceInfo[]>;
}
