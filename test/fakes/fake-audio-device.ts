import type { Disposable } from '../../src-main/base/disposable.js';
import { Emitter } from '../../src-main/base/event.js';
import { err, ok, type Result } from '../../src-main/base/result.js';
import type {
  AudioDeviceError,
  AudioDeviceInfo,
  AudioDevicePort,
  AudioStreamOptions,
  AudioStreamStats,
  CaptureStream,
  PlaybackSource,
  PlaybackStream,
} from '../../src-main/media/audio/audio-port.js';

export function fakeDevice(id: string, over: Partial<AudioDeviceInfo> = {}): AudioDeviceInfo {
  return {
    id,
    name: id,
    hostApi: 'fake',
    maxInputChannels: 1,
    maxOutputChannels: 2,
    defaultSampleRate: 48000,
    isDefaultInput: false,
    isDefaultOutput: false,
    ...over,
  };
}

abstract class FakeStream implements Disposable {
  protected readonly errors = new Emitter<AudioDeviceError>();
  readonly onError = this.errors.event;
  started = false;
  disposed = false;
  protected frames = 0;

  constructor(
    readonly deviceId: string,
    readonly sampleRate: number,
    readonly frameSamples: number,
    private readonly onClosed: (s: FakeStream) => void,
  ) {}

  start(): void {
    this.started = true;
  }

  stats(): AudioStreamStats {
    return { frames: this.frames, glitches: 0 };
  }

  /** The device vanished: like a USB headset being unplugged. */
  lose(): void {
    if (this.disposed) return;
    this.errors.fire({ code: 'audio-device-lost', message: `fake device ${this.deviceId} lost`, detail: { deviceId: this.deviceId } });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.errors.dispose();
    this.onClosed(this);
  }
}

export class FakeCaptureStream extends FakeStream implements CaptureStream {
  private readonly emitter = new Emitter<Int16Array>();
  readonly onFrame = this.emitter.event;
  private readonly frame: Int16Array;

  constructor(deviceId: string, sampleRate: number, frameSamples: number, onClosed: (s: FakeStream) => void) {
    super(deviceId, sampleRate, frameSamples, onClosed);
    this.frame = new Int16Array(frameSamples);
  }

  /** Delivers one frame (copied into the reused frame buffer, like real devices). Ignored until started. */
  emit(samples: ArrayLike<number>): void {
    if (!this.started || this.disposed) return;
    this.frame.fill(0);
    for (let i = 0; i < Math.min(samples.length, this.frame.length); i++) this.frame[i] = samples[i]!;
    this.frames++;
    this.emitter.fire(this.frame);
  }

  /** Delivers `signal` as consecutive frames (the tail is zero-padded). */
  feed(signal: Int16Array): void {
    for (let o = 0; o < signal.length; o += this.frameSamples) this.emit(signal.subarray(o, o + this.frameSamples));
  }

  override dispose(): void {
    super.dispose();
    this.emitter.dispose();
  }
}

export class FakePlaybackStream extends FakeStream implements PlaybackStream {
  private source: PlaybackSource | undefined;
  /** Everything "played" so far. */
  readonly played: Int16Array[] = [];

  setSource(source: PlaybackSource | undefined): void {
    this.source = source;
  }

  /** The device clock asks for `count` frames; returns them (also kept in `played`). */
  pull(count = 1): Int16Array[] {
    const out: Int16Array[] = [];
    for (let i = 0; i < count && this.started && !this.disposed; i++) {
      const frame = new Int16Array(this.frameSamples);
      this.source?.(frame);
      this.frames++;
      this.played.push(frame);
      out.push(frame);
    }
    return out;
  }
}

/**
 * An in-memory AudioDevicePort for unit tests: a mutable device list with hot-plug, streams the
 * test drives by hand (capture: `emit`/`feed`; playback: `pull`), device loss on unplug, and
 * injectable open failures.
 */
export class FakeAudioDevicePort implements AudioDevicePort {
  readonly backend = 'fake';
  private readonly changes = new Emitter<readonly AudioDeviceInfo[]>();
  readonly onDevicesChanged = this.changes.event;
  private devices: AudioDeviceInfo[];
  readonly captures: FakeCaptureStream[] = [];
  readonly playbacks: FakePlaybackStream[] = [];
  private nextOpenError: AudioDeviceError | undefined;

  constructor(devices: AudioDeviceInfo[] = [fakeDevice('fake:mic', { isDefaultInput: true, maxOutputChannels: 0 }), fakeDevice('fake:speaker', { isDefaultOutput: true, maxInputChannels: 0 })]) {
    this.devices = [...devices];
  }

  listDevices(): Promise<Result<readonly AudioDeviceInfo[], AudioDeviceError>> {
    return Promise.resolve(ok([...this.devices]));
  }

  openCapture(options: AudioStreamOptions): Promise<Result<CaptureStream, AudioDeviceError>> {
    const device = this.pick(options.deviceId, 'input');
    if (!device.ok) return Promise.resolve(device);
    const s = new FakeCaptureStream(device.value.id, options.sampleRate, options.frameSamples, (x) => remove(this.captures, x));
    this.captures.push(s);
    return Promise.resolve(ok(s));
  }

  openPlayback(options: AudioStreamOptions): Promise<Result<PlaybackStream, AudioDeviceError>> {
    const device = this.pick(options.deviceId, 'output');
    if (!device.ok) return Promise.resolve(device);
    const s = new FakePlaybackStream(device.value.id, options.sampleRate, options.frameSamples, (x) => remove(this.playbacks, x));
    this.playbacks.push(s);
    return Promise.resolve(ok(s));
  }

  /** A device appears (hot-plug). */
  plug(device: AudioDeviceInfo): void {
    this.devices.push(device);
    this.changes.fire([...this.devices]);
  }

  /** A device disappears: its open streams report 'audio-device-lost', the list changes. */
  unplug(id: string): void {
    this.devices = this.devices.filter((d) => d.id !== id);
    for (const s of [...this.captures, ...this.playbacks]) if (s.deviceId === id) s.lose();
    this.changes.fire([...this.devices]);
  }

  /** Makes `id` the default device for a direction (the OS default changed). */
  setDefault(id: string, direction: 'input' | 'output'): void {
    this.devices = this.devices.map((d) => (direction === 'input' ? { ...d, isDefaultInput: d.id === id } : { ...d, isDefaultOutput: d.id === id }));
    this.changes.fire([...this.devices]);
  }

  failNextOpen(error: AudioDeviceError): void {
    this.nextOpenError = error;
  }

  /** Streams still open (leak checks). */
  get openStreams(): number {
    return this.captures.length + this.playbacks.length;
  }

  dispose(): void {
    for (const s of [...this.captures, ...this.playbacks]) s.dispose();
    this.changes.dispose();
  }

  private pick(deviceId: string | undefined, direction: 'input' | 'output'): Result<AudioDeviceInfo, AudioDeviceError> {
    if (this.nextOpenError !== undefined) {
      const e = this.nextOpenError;
      this.nextOpenError = undefined;
      return err(e);
    }
    const usable = this.devices.filter((d) => (direction === 'input' ? d.maxInputChannels : d.maxOutputChannels) > 0);
    const d = deviceId === undefined ? usable.find((x) => (direction === 'input' ? x.isDefaultInput : x.isDefaultOutput)) : usable.find((x) => x.id === deviceId);
    return d === undefined ? err({ code: 'audio-device-not-found', message: `no fake ${direction} device ${deviceId ?? '(default)'}` }) : ok(d);
  }
}

function remove<T>(list: T[], item: T): void {
  const i = list.indexOf(item);
  if (i >= 0) list.splice(i, 1);
}
