/**
 * A call's capture and playback streams on the audio port it was given, opened once at one rate
 * for the whole call (re-negotiations that change the codec resample instead of reopening: a
 * reopened file recorder would start a new file). A device that disappears mid-call is replaced
 * by the system default and the call goes on (the `error` callback says so). Without any audio
 * port, a Clock-paced silent microphone keeps the send path (and DTMF) running.
 *
 * Both streams are opened first and then started together (clock-paced streams then tick in the
 * same event-loop turn, at least at first).
 */
import type { Clock } from '../../base/clock.js';
import type { Disposable } from '../../base/disposable.js';
import type { Logger } from '../../base/logger.js';
import type { AudioDeviceError, CaptureStream, PlaybackStream } from '../audio/audio-port.js';
import type { CallAudio } from './call-audio.js';

export interface AudioStreamHandlers {
  /** One captured frame at `rate` (reused array). */
  capture(frame: Int16Array): void;
  /** Fill one playback frame at `rate`. */
  playback(out: Int16Array): void;
  error(message: string): void;
}

export class CallAudioStreams implements Disposable {
  private capture: CaptureStream | undefined;
  private playback: PlaybackStream | undefined;
  private silentTimer: Disposable | undefined;
  private readonly subs: Disposable[] = [];
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
  ) {
    this.frameSamples = Math.round((rate * frameMs) / 1000);
  }

  get backend(): string {
    return this.audio?.port.backend ?? 'none';
  }

  /** Opens and starts both streams (idempotent). Failures are reported, not thrown: the call keeps its media flow. */
  async start(): Promise<void> {
    if (this.started || this.disposed) return;
    this.started = true;
    if (this.audio === undefined) {
      this.startSilentMicrophone();
      return;
    }
    const [capture, playback] = await Promise.all([this.openCapture(this.audio.captureDeviceId), this.audio.playback === false ? Promise.resolve(undefined) : this.openPlayback(this.audio.playbackDeviceId)]);
    if (this.disposed) return;
    capture?.start();
    playback?.start();
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

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.silentTimer?.dispose();
    for (const s of this.subs) s.dispose();
    this.capture?.dispose();
    this.playback?.dispose();
    this.capture = undefined;
    this.playback = undefined;
    if (this.audio?.owned === true) this.audio.port.dispose();
  }

  /** Opens (does not start) the microphone; falls back to the default device once. */
  private async openCapture(deviceId: string | undefined, retry = true): Promise<CaptureStream | undefined> {
    const port = this.audio!.port;
    const r = await port.openCapture({ ...(deviceId === undefined ? {} : { deviceId }), sampleRate: this.rate, frameSamples: this.frameSamples });
    if (this.disposed) {
      if (r.ok) r.value.dispose();
      return undefined;
    }
    if (!r.ok) {
      this.handlers.error(`microphone unavailable (${r.error.code}): ${r.error.message}`);
      return retry && deviceId !== undefined ? this.openCapture(undefined, false) : undefined;
    }
    const stream = r.value;
    this.capture = stream;
    this.subs.push(
      stream.onFrame((f) => this.handlers.capture(f)),
    );
    this.subs.push(stream.onError((e) => this.lost('capture', stream, e)));
    return stream;
  }

  private async openPlayback(deviceId: string | undefined, retry = true): Promise<PlaybackStream | undefined> {
    const port = this.audio!.port;
    const r = await port.openPlayback({ ...(deviceId === undefined ? {} : { deviceId }), sampleRate: this.rate, frameSamples: this.frameSamples });
    if (this.disposed) {
      if (r.ok) r.value.dispose();
      return undefined;
    }
    if (!r.ok) {
      this.handlers.error(`speaker unavailable (${r.error.code}): ${r.error.message}`);
      return retry && deviceId !== undefined ? this.openPlayback(undefined, false) : undefined;
    }
    const stream = r.value;
    this.playback = stream;
    stream.setSource((out) => this.handlers.playback(out));
    this.subs.push(stream.onError((e) => this.lost('playback', stream, e)));
    return stream;
  }

  /** A device failed: drop its stream and carry on with the system default. */
  private lost(kind: 'capture' | 'playback', stream: CaptureStream | PlaybackStream, e: AudioDeviceError): void {
    if (this.disposed) return;
    this.logger.warn(`audio ${kind} device failed; reopening on the default device`, { code: e.code, device: stream.deviceId });
    this.handlers.error(`${kind} device ${stream.deviceId} failed (${e.code}); switching to the default device`);
    stream.dispose();
    if (kind === 'capture' && this.capture === stream) {
      this.capture = undefined;
      void this.openCapture(undefined, false).then((s) => s?.start());
    } else if (kind === 'playback' && this.playback === stream) {
      this.playback = undefined;
      void this.openPlayback(undefined, false).then((s) => s?.start());
    }
  }
}
