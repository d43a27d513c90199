/**
 * Capture and playback streams without a sound card (file and null backends): frames are
 * produced or consumed on the injected Clock at the real-time rate. Each tick catches up on the
 * frames that fell due since the start (timers fire late, never early), so the long-run rate is
 * exact; a stall longer than `maxCatchUpFrames` is skipped and counted as glitches.
 */
import type { Clock } from '../../base/clock.js';
import type { Disposable } from '../../base/disposable.js';
import { Emitter } from '../../base/event.js';
import type { AudioDeviceError, AudioStreamStats, CaptureStream, PlaybackSource, PlaybackStream } from '../../media/audio/audio-port.js';

export interface PacedStreamOptions {
  readonly deviceId: string;
  readonly sampleRate: number;
  readonly frameSamples: number;
  readonly maxCatchUpFrames?: number;
}

abstract class ClockPaced implements Disposable {
  readonly deviceId: string;
  readonly sampleRate: number;
  readonly frameSamples: number;
  protected readonly errors = new Emitter<AudioDeviceError>();
  readonly onError = this.errors.event;
  protected readonly frame: Int16Array;
  private timer: Disposable | undefined;
  private startedAt = 0;
  private done = 0;
  private glitches = 0;
  private disposed = false;
  private readonly frameMs: number;
  private readonly maxCatchUp: number;

  constructor(
    protected readonly clock: Clock,
    options: PacedStreamOptions,
  ) {
    this.deviceId = options.deviceId;
    this.sampleRate = options.sampleRate;
    this.frameSamples = options.frameSamples;
    this.frame = new Int16Array(options.frameSamples);
    this.frameMs = (options.frameSamples * 1000) / options.sampleRate;
    this.maxCatchUp = options.maxCatchUpFrames ?? 10;
  }

  start(): void {
    if (this.timer !== undefined || this.disposed) return;
    this.startedAt = this.clock.monotonic();
    this.timer = this.clock.setInterval(this.frameMs, () => this.tick());
  }

  stats(): AudioStreamStats {
    return { frames: this.done, glitches: this.glitches };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.timer?.dispose();
    this.timer = undefined;
    this.errors.dispose();
    this.onDispose();
  }

  protected abstract step(): void;
  protected onDispose(): void {}

  private tick(): void {
    const due = Math.floor((this.clock.monotonic() - this.startedAt) / this.frameMs + 1e-9);
    let behind = due - this.done - this.glitches;
    if (behind > this.maxCatchUp) {
      this.glitches += behind - this.maxCatchUp;
      behind = this.maxCatchUp;
    }
    for (let i = 0; i < behind && !this.disposed; i++) {
      this.step();
      this.done++;
    }
  }
}

/** Emits frames filled by `produce` at the real-time rate. */
export class ClockPacedCapture extends ClockPaced implements CaptureStream {
  private readonly frames = new Emitter<Int16Array>();
  readonly onFrame = this.frames.event;

  constructor(
    clock: Clock,
    options: PacedStreamOptions,
    private readonly produce: (out: Int16Array) => void,
  ) {
    super(clock, options);
  }

  protected step(): void {
    this.produce(this.frame);
    this.frames.fire(this.frame);
  }

  protected override onDispose(): void {
    this.frames.dispose();
  }
}

/** Pulls frames from the source at the real-time rate and hands them to `consume`. */
export class ClockPacedPlayback extends ClockPaced implements PlaybackStream {
  private source: PlaybackSource | undefined;

  constructor(
    clock: Clock,
    options: PacedStreamOptions,
    private readonly consume: (frame: Int16Array) => void,
    private readonly onClose: () => void = () => undefined,
  ) {
    super(clock, options);
  }

  setSource(source: PlaybackSource | undefined): void {
    this.source = source;
  }

  protected step(): void {
    this.frame.fill(0);
    this.source?.(this.frame);
    this.consume(this.frame);
  }

  protected override onDispose(): void {
    this.onClose();
  }
}
