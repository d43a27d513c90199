/**
 * A call's capture and playback streams on the audio port it was given, opened once at one rate
 * for the whole call (re-negotiations that change the codec resample instead of reopening: a
 * reopened file recorder would start a new file). Without any audio port, a Clock-paced silent
 * microphone keeps the send path (and DTMF) running.
 *
 * Devices during a call, as users of desk softphones expect:
 *  - `setDevices` moves the call to other devices (make-before-break: the new stream is open
 *    before the old one closes; a device that cannot be opened leaves the call where it was);
 *  - a device that fails or disappears is replaced by the system default and the call goes on;
 *    when the device the user chose comes back (the headset is plugged in again), the call
 *    returns to it;
 *  - a direction that follows the system default moves when the OS default changes.
 * The port's `onDevicesChanged` drives the last two (PortAudio only re-scans while no stream is
 * open, so with naudiodon they apply when the port reports a change).
 *
 * Echo cancellation (`CallAudio.echoCanceller`, for sound cards): every frame handed to the
 * speaker is the canceller's far-end reference, and every microphone frame is cleaned before
 * it is encoded. Both streams run at the same rate and frame size, as the canceller needs; above
 * 16 kHz it runs at 16 kHz through resamplers (echo-path.ts). It is reset whenever either device
 * changes (a new echo path).
 *
 * Both streams are opened first and then started together (clock-paced streams then share
 * their period from the first frame).
 */
import type { Clock } from '../../base/clock.js';
import type { Disposable } from '../../base/disposable.js';
import type { Logger } from '../../base/logger.js';
import type { AudioDeviceError, AudioDeviceInfo, CaptureStream, PlaybackStream } from '../audio/audio-port.js';
import type { ResamplerFactory } from '../audio/resampler.js';
import { applyGainDb, LevelMeter } from '../audio/pcm-level.js';
import type { AudioLevels, CallAudioDeviceChoice, CallAudioDevicesInfo, CallVolume } from '../call-media.js';
import type { CallAudio } from './call-audio.js';
import { EchoPath, type EchoPathStats } from './echo-path.js';

/** What failed in a call's audio. */
export type AudioProblemSource = 'microphone' | 'speaker' | 'echo-canceller';
/** What failed in a call's media. */
export type MediaProblemSource = AudioProblemSource | 'network';

export interface AudioStreamHandlers {
  /** One captured frame at `rate` (reused array). */
  capture(frame: Int16Array): void;
  /** Fill one playback frame at `rate`. */
  playback(out: Int16Array): void;
  /** A device or the echo canceller failed; the call goes on (the words are made in services). */
  error(message: string, source: AudioProblemSource, cause?: string): void;
  /** The devices the call's audio now uses (after start, a switch, a loss or a hot-plug). */
  devices?(devices: CallAudioDevices): void;
  /** Level meters, every `LEVEL_WINDOW_MS` of audio. */
  levels?(levels: AudioLevels): void;
}

/** Level meter window. */
export const LEVEL_WINDOW_MS = 100;
const MIN_GAIN_DB = -60;
const MAX_GAIN_DB = 20;

const clampGain = (db: number): number => (Number.isFinite(db) ? Math.min(MAX_GAIN_DB, Math.max(MIN_GAIN_DB, db)) : 0);

export type AudioDeviceChoice = CallAudioDeviceChoice;
export type CallAudioDevices = CallAudioDevicesInfo;

export interface CallAudioStreamStats {
  readonly devices: CallAudioDevices;
  readonly echoCanceller?: EchoPathStats;
  /** Device switches during the call (user choice, loss, hot-plug, default change). */
  readonly switches: number;
}

type Kind = 'capture' | 'playback';

export class CallAudioStreams implements Disposable {
  private capture: CaptureStream | undefined;
  private playback: PlaybackStream | undefined;
  private captureSubs: Disposable[] = [];
  private playbackSubs: Disposable[] = [];
  private portSub: Disposable | undefined;
  private silentTimer: Disposable | undefined;
  private echo: EchoPath | undefined;
  private cleaned: Int16Array;
  private wanted: { capture: string | undefined; playback: string | undefined };
  /** Serialises reopenings per direction (a switch during a switch waits for it). */
  private readonly pending: Record<Kind, Promise<void>> = { capture: Promise.resolve(), playback: Promise.resolve() };
  private switches = 0;
  private inputGainDb: number;
  private outputGainDb: number;
  private readonly inputLevel = new LevelMeter();
  private readonly outputLevel = new LevelMeter();
  private levelFrames = 0;
  private readonly framesPerLevel: number;
  private disposed = false;
  private started = false;
  readonly frameSamples: number;

  constructor(
    private readonly audio: CallAudio | undefined,
    readonly rate: number,
    frameMs: number,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly handlers: AudioStreamHandlers,
    /** For running the echo canceller at 16 kHz when the streams are faster (echo-path.ts). */
    private readonly resamplers?: ResamplerFactory,
  ) {
    this.frameSamples = Math.round((rate * frameMs) / 1000);
    this.cleaned = new Int16Array(this.frameSamples);
    this.wanted = { capture: audio?.captureDeviceId, playback: audio?.playbackDeviceId };
    this.inputGainDb = clampGain(audio?.inputGainDb ?? 0);
    this.outputGainDb = clampGain(audio?.outputGainDb ?? 0);
    this.framesPerLevel = Math.max(1, Math.round(LEVEL_WINDOW_MS / frameMs));
  }

  get volume(): Required<CallVolume> {
    return { inputGainDb: this.inputGainDb, outputGainDb: this.outputGainDb };
  }

  /** Microphone and speaker volume in dB, clamped to −60…+20. */
  setVolume(volume: CallVolume): void {
    if (volume.inputGainDb !== undefined) this.inputGainDb = clampGain(volume.inputGainDb);
    if (volume.outputGainDb !== undefined) this.outputGainDb = clampGain(volume.outputGainDb);
  }

  get backend(): string {
    return this.audio?.port.backend ?? 'none';
  }

  get devices(): CallAudioDevices {
    return {
      backend: this.backend,
      ...(this.capture === undefined ? {} : { capture: this.capture.deviceId }),
      ...(this.playback === undefined ? {} : { playback: this.playback.deviceId }),
      ...(this.wanted.capture === undefined ? {} : { wantedCapture: this.wanted.capture }),
      ...(this.wanted.playback === undefined ? {} : { wantedPlayback: this.wanted.playback }),
      echoCancellation: this.echo !== undefined,
    };
  }

  stats(): CallAudioStreamStats {
    return { devices: this.devices, switches: this.switches, ...(this.echo === undefined ? {} : { echoCanceller: this.echo.stats() }) };
  }

  /** Opens and starts both streams (idempotent). Failures are reported, not thrown: the call keeps its media flow. */
  async start(): Promise<void> {
    if (this.started || this.disposed) return;
    this.started = true;
    const audio = this.audio;
    if (audio === undefined) {
      this.startSilentMicrophone();
      return;
    }
    const [capture, playback] = await Promise.all([this.open('capture', this.wanted.capture, true), audio.playback === false ? Promise.resolve(undefined) : this.open('playback', this.wanted.playback, true)]);
    if (this.disposed) return;
    if (capture !== undefined) this.attachCapture(capture as CaptureStream);
    if (playback !== undefined) this.attachPlayback(playback as PlaybackStream);
    this.startEchoCanceller();
    capture?.start();
    playback?.start();
    this.portSub = audio.port.onDevicesChanged((list) => this.devicesChanged(list));
    this.announce();
  }

  /** Moves the call's audio to other devices (see AudioDeviceChoice); resolves when done. */
  async setDevices(choice: AudioDeviceChoice): Promise<void> {
    if (this.disposed || this.audio === undefined) return;
    const jobs: Promise<void>[] = [];
    if (choice.captureDeviceId !== undefined) {
      this.wanted.capture = choice.captureDeviceId ?? undefined;
      jobs.push(this.replace('capture', this.wanted.capture, 'chosen'));
    }
    if (choice.playbackDeviceId !== undefined && this.audio.playback !== false) {
      this.wanted.playback = choice.playbackDeviceId ?? undefined;
      jobs.push(this.replace('playback', this.wanted.playback, 'chosen'));
    }
    await Promise.all(jobs);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.silentTimer?.dispose();
    this.portSub?.dispose();
    for (const s of [...this.captureSubs, ...this.playbackSubs]) s.dispose();
    this.capture?.dispose();
    this.playback?.dispose();
    this.capture = undefined;
    this.playback = undefined;
    this.echo?.dispose();
    this.echo = undefined;
    if (this.audio?.owned === true) this.audio.port.dispose();
  }

  private startSilentMicrophone(): void {
    if (this.disposed) return;
    const frame = new Int16Array(this.frameSamples);
    const frameMs = (this.frameSamples * 1000) / this.rate;
    const t0 = this.clock.monotonic();
    let done = 0;
    this.silentTimer = this.clock.setInterval(frameMs, () => {
      const due = Math.floor((this.clock.monotonic() - t0) / frameMs + 1e-9);
      for (let i = 0; i < Math.min(10, due - done); i++) this.handlers.capture(frame.fill(0));
      done = due;
    });
  }

  private startEchoCanceller(): void {
    const factory = this.audio?.echoCanceller;
    if (factory === undefined || this.capture === undefined || this.playback === undefined) return;
    const r = EchoPath.create(factory, this.rate, this.frameSamples, this.resamplers, (m) => this.handlers.error(m, 'echo-canceller'));
    if (!r.ok) {
      // A call without echo control still beats no call: say so and go on.
      this.handlers.error(`echo cancellation unavailable (${r.error.code}): ${r.error.message}`, 'echo-canceller', r.error.code);
      return;
    }
    this.echo = r.value;
  }

  private onCaptureFrame(frame: Int16Array): void {
    const echo = this.echo;
    // The canceller sees the microphone as it is; the volume applies to what is sent.
    let f = frame;
    if (echo !== undefined) {
      echo.capture(frame, this.cleaned);
      f = this.cleaned;
    } else if (this.inputGainDb !== 0) {
      this.cleaned.set(frame);
      f = this.cleaned;
    }
    applyGainDb(f, this.inputGainDb);
    if (this.handlers.levels !== undefined) this.inputLevel.add(f);
    this.handlers.capture(f);
    // Meters follow the microphone's clock (there is always a capture stream when there is audio).
    if (this.handlers.levels !== undefined && ++this.levelFrames >= this.framesPerLevel) this.emitLevels();
  }

  private onPlaybackPull(out: Int16Array): void {
    this.handlers.playback(out);
    applyGainDb(out, this.outputGainDb);
    // What the speaker plays (after the volume) is what comes back as echo.
    this.echo?.playback(out);
    if (this.handlers.levels !== undefined) this.outputLevel.add(out);
  }

  private emitLevels(): void {
    this.levelFrames = 0;
    const i = this.inputLevel.take();
    const o = this.outputLevel.take();
    this.handlers.levels?.({ inputRmsDbfs: i.rmsDbfs, inputPeakDbfs: i.peakDbfs, outputRmsDbfs: o.rmsDbfs, outputPeakDbfs: o.peakDbfs, inputClipped: i.clipped });
  }

  /**
   * Opens (does not start) a stream on `deviceId` (undefined: the system default); with
   * `fallBack`, a chosen device that cannot be opened falls back to the default once.
   */
  private async open(kind: Kind, deviceId: string | undefined, fallBack: boolean): Promise<CaptureStream | PlaybackStream | undefined> {
    const port = this.audio!.port;
    const options = { ...(deviceId === undefined ? {} : { deviceId }), sampleRate: this.rate, frameSamples: this.frameSamples };
    const r = kind === 'capture' ? await port.openCapture(options) : await port.openPlayback(options);
    if (this.disposed) {
      if (r.ok) r.value.dispose();
      return undefined;
    }
    if (!r.ok) {
      this.handlers.error(`${kind === 'capture' ? 'microphone' : 'speaker'} unavailable (${r.error.code}): ${r.error.message}`, kind === 'capture' ? 'microphone' : 'speaker', r.error.code);
      return fallBack && deviceId !== undefined ? this.open(kind, undefined, false) : undefined;
    }
    return r.value;
  }

  private attachCapture(stream: CaptureStream): void {
    for (const s of this.captureSubs) s.dispose();
    this.capture = stream;
    this.captureSubs = [stream.onFrame((f) => this.onCaptureFrame(f)), stream.onError((e) => this.lost('capture', stream, e))];
  }

  private attachPlayback(stream: PlaybackStream): void {
    for (const s of this.playbackSubs) s.dispose();
    this.playback = stream;
    stream.setSource((out) => this.onPlaybackPull(out));
    this.playbackSubs = [stream.onError((e) => this.lost('playback', stream, e))];
  }

  /**
   * Make-before-break: opens the new stream, starts it, then closes the old one. When the new
   * device cannot be opened the old stream (if it still works) stays.
   */
  private replace(kind: Kind, deviceId: string | undefined, why: 'chosen' | 'lost' | 'returned' | 'default-changed'): Promise<void> {
    const run = async (): Promise<void> => {
      if (this.disposed) return;
      const current = kind === 'capture' ? this.capture : this.playback;
      if (current !== undefined && deviceId !== undefined && current.deviceId === deviceId) return;
      const next = await this.open(kind, deviceId, why === 'lost');
      if (next === undefined || this.disposed) return;
      const old = kind === 'capture' ? this.capture : this.playback;
      if (kind === 'capture') this.attachCapture(next as CaptureStream);
      else this.attachPlayback(next as PlaybackStream);
      next.start();
      old?.dispose();
      if (this.echo === undefined) this.startEchoCanceller();
      else this.echo.reset();
      this.switches++;
      this.logger.info(`call audio ${kind} moved`, { from: old?.deviceId, to: next.deviceId, why });
      this.announce();
    };
    const job = this.pending[kind].then(run, run);
    this.pending[kind] = job;
    return job;
  }

  /** A device failed: drop its stream and carry on with the system default. */
  private lost(kind: Kind, stream: CaptureStream | PlaybackStream, e: AudioDeviceError): void {
    if (this.disposed) return;
    this.logger.warn(`audio ${kind} device failed; reopening on the default device`, { code: e.code, device: stream.deviceId });
    this.handlers.error(`${kind} device ${stream.deviceId} failed (${e.code}); switching to the default device`, kind === 'capture' ? 'microphone' : 'speaker', e.code);
    if (kind === 'capture' && this.capture === stream) {
      for (const s of this.captureSubs) s.dispose();
      this.captureSubs = [];
      this.capture = undefined;
    } else if (kind === 'playback' && this.playback === stream) {
      for (const s of this.playbackSubs) s.dispose();
      this.playbackSubs = [];
      this.playback = undefined;
    } else return;
    stream.dispose();
    void this.replace(kind, undefined, 'lost');
  }

  /** Hot-plug and default changes: back to the chosen device when it returns; follow the default otherwise. */
  private devicesChanged(list: readonly AudioDeviceInfo[]): void {
    if (this.disposed) return;
    for (const kind of ['capture', 'playback'] as const) {
      if (kind === 'playback' && this.audio?.playback === false) continue;
      const current = kind === 'capture' ? this.capture : this.playback;
      const wanted = this.wanted[kind];
      const usable = list.filter((d) => (kind === 'capture' ? d.maxInputChannels : d.maxOutputChannels) > 0);
      if (wanted !== undefined) {
        if (current?.deviceId !== wanted && usable.some((d) => d.id === wanted)) void this.replace(kind, wanted, 'returned');
        continue;
      }
      const def = usable.find((d) => (kind === 'capture' ? d.isDefaultInput : d.isDefaultOutput));
      if (def !== undefined && current?.deviceId !== def.id) void this.replace(kind, def.id, 'default-changed');
    }
  }

  private announce(): void {
    if (!this.disposed) this.handlers.devices?.(this.devices);
  }
}
