/**
 * Capture and playback streams without a sound card (file and null backends): frames are
 * produced or consumed on the injected Clock at the real-time rate.
 *
 * Like the streams of one real sound card, every clock-paced stream with the same frame duration
 * runs on one shared period (`FramePacer`): one timer per process for all of them, phase-locked
 * to its first tick (not a drifting interval), each tick serving the playback streams and then
 * the capture streams. Per-stream timers cost a process wake-up per stream per frame; on the
 * 2-core VM of `npm run bench -- media` an empty 20 ms timer alone is ~0.9 % of a core, more
 * than the media work of a whole call. A stream starts on the period's next boundary, and each
 * tick catches up on the frames that fell due since then (timers fire late, never early), so the
 * long-run rate is exact; a stall longer than `maxCatchUpFrames` is skipped and counted as
 * glitches.
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

interface PacedMember {
  /** Runs the frames due at `now` (clock-monotonic ms). */
  tick(now: number): void;
}

/**
 * One phase-locked period shared by every clock-paced stream of a Clock with the same frame
 * duration. The timer runs only while a stream is started.
 */
export class FramePacer {
  private static readonly shared = new WeakMap<Clock, Map<number, FramePacer>>();

  /** The pacer of `clock` for frames of `periodMs` (one per clock and period). */
  static for(clock: Clock, periodMs: number): FramePacer {
    let byPeriod = FramePacer.shared.get(clock);
    if (byPeriod === undefined) {
      byPeriod = new Map();
      FramePacer.shared.set(clock, byPeriod);
    }
    let pacer = byPeriod.get(periodMs);
    if (pacer === undefined) {
      pacer = new FramePacer(clock, periodMs);
      byPeriod.set(periodMs, pacer);
    }
    return pacer;
  }

  // Arrays replaced on join/leave, so a tick iterates without copying and a stream that leaves
  // during a tick is simply not reached again.
  private playback: readonly PacedMember[] = [];
  private capture: readonly PacedMember[] = [];
  private timer: Disposable | undefined;
  private origin = 0;
  private ticks = 0;
  /** One callback for every tick (no closure per frame). */
  private readonly onTimer = (): void => this.fire();

  private constructor(
    private readonly clock: Clock,
    readonly periodMs: number,
  ) {}

  /** Number of streams on this period (diagnostics, tests). */
  get members(): number {
    return this.playback.length + this.capture.length;
  }

  /** Joins the period; returns the monotonic time of the boundary the stream starts on. */
  join(member: PacedMember, kind: 'capture' | 'playback'): { readonly startsAt: number; readonly leave: Disposable } {
    const now = this.clock.monotonic();
    if (this.timer === undefined) {
      this.origin = now;
      this.ticks = 0;
      this.arm();
    }
    if (kind === 'playback') this.playback = [...this.playback, member];
    else this.capture = [...this.capture, member];
    // The next boundary at or after now (the current one when joining right on it).
    const k = Math.ceil((now - this.origin) / this.periodMs - 1e-9);
    const startsAt = this.origin + Math.max(0, k) * this.periodMs;
    const leave = {
      dispose: (): void => {
        this.playback = this.playback.filter((m) => m !== member);
        this.capture = this.capture.filter((m) => m !== member);
        if (this.members === 0) {
          this.timer?.dispose();
          this.timer = undefined;
        }
      },
    };
    return { startsAt, leave };
  }

  private arm(): void {
    const next = this.origin + (this.ticks + 1) * this.periodMs;
    this.timer = this.clock.setTimer(Math.max(0, next - this.clock.monotonic()), this.onTimer);
  }

  private fire(): void {
    // Host timers may run a little before the boundary they were armed for (Node compares whole
    // milliseconds of a loop time cached at the start of the loop turn): the period has elapsed
    // all the same, so the frames of that boundary are served now, not one period later.
    const now = Math.max(this.clock.monotonic(), this.origin + (this.ticks + 1) * this.periodMs);
    // Skip boundaries a long stall went past (the streams count them as glitches themselves).
    this.ticks = Math.max(this.ticks + 1, Math.floor((now - this.origin) / this.periodMs + 1e-9));
    const playback = this.playback;
    for (let i = 0; i < playback.length; i++) playback[i]!.tick(now);
    const capture = this.capture;
    for (let i = 0; i < capture.length; i++) capture[i]!.tick(now);
    if (this.members > 0 && this.timer !== undefined) this.arm();
  }
}

abstract class ClockPaced implements Disposable {
  readonly deviceId: string;
  readonly sampleRate: number;
  readonly frameSamples: number;
  protected readonly errors = new Emitter<AudioDeviceError>();
  readonly onError = this.errors.event;
  protected readonly frame: Int16Array;
  private membership: Disposable | undefined;
  private startedAt: number | undefined;
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
    if (this.membership !== undefined || this.disposed) return;
    const { startsAt, leave } = FramePacer.for(this.clock, this.frameMs).join(this, this.kind);
    this.startedAt = startsAt;
    this.membership = leave;
  }

  stats(): AudioStreamStats {
    return { frames: this.done, glitches: this.glitches, ...(this.startedAt === undefined ? {} : { startedAt: this.startedAt }) };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.membership?.dispose();
    this.membership = undefined;
    this.errors.dispose();
    this.onDispose();
  }

  protected abstract readonly kind: 'capture' | 'playback';
  protected abstract step(): void;
  protected onDispose(): void {}

  /** Called by the pacer: runs the frames due by `now`. */
  tick(now: number): void {
    if (this.startedAt === undefined) return;
    const due = Math.floor((now - this.startedAt) / this.frameMs + 1e-9);
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
  protected readonly kind = 'capture';
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
  protected readonly kind = 'playback';
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
