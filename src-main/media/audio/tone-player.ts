/**
 * Plays a locally generated tone (tone-generator.ts: ringtone, ringback, busy, call waiting) on
 * a playback device of an AudioDevicePort until stopped, or until a non-repeating tone has
 * played out. Used for call-progress tones when no media plays yet, and for the ringtone on the
 * ringing device.
 */
import type { Clock } from '../../base/clock.js';
import type { Disposable } from '../../base/disposable.js';
import { ok, type Result } from '../../base/result.js';
import type { AudioDeviceError, AudioDevicePort, PlaybackStream } from './audio-port.js';
import { ToneGenerator, type ToneSpec } from './tone-generator.js';

export interface TonePlayerOptions {
  /** Playback device id; undefined = the system default. */
  readonly deviceId?: string;
  /** Default 48000. */
  readonly sampleRate?: number;
  /** Default 20. */
  readonly frameMs?: number;
}

export class TonePlayer implements Disposable {
  private stopped = false;
  private doneTimer: Disposable | undefined;

  private constructor(
    private readonly stream: PlaybackStream,
    readonly spec: ToneSpec,
    clock: Clock,
  ) {
    const generator = new ToneGenerator(spec, stream.sampleRate);
    stream.setSource((out) => {
      generator.fill(out);
      // A tone that has played out closes its stream (not from inside the device's pull).
      if (generator.done && this.doneTimer === undefined) this.doneTimer = clock.setTimer(0, () => this.dispose());
    });
    stream.onError(() => this.dispose());
    stream.start();
  }

  static async start(port: AudioDevicePort, spec: ToneSpec, clock: Clock, options: TonePlayerOptions = {}): Promise<Result<TonePlayer, AudioDeviceError>> {
    const sampleRate = options.sampleRate ?? 48000;
    const r = await port.openPlayback({ ...(options.deviceId === undefined ? {} : { deviceId: options.deviceId }), sampleRate, frameSamples: Math.round((sampleRate * (options.frameMs ?? 20)) / 1000) });
    if (!r.ok) return r;
    return ok(new TonePlayer(r.value, spec, clock));
  }

  get deviceId(): string {
    return this.stream.deviceId;
  }

  get playing(): boolean {
    return !this.stopped;
  }

  dispose(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.doneTimer?.dispose();
    this.stream.dispose();
  }
}
