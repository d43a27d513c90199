/**
 * The sound card backend: naudiodon (PortAudio) behind the AudioDevicePort.
 *
 * - Devices: PortAudio's list with host API names; ids are "hostApi:name" (stable across
 *   restarts, unlike PortAudio's indices), defaults from each host API's default devices.
 * - Capture: a 16-bit mono input stream; device buffers are cut into exact frames.
 * - Playback: frames are pulled from the source whenever PortAudio accepted the previous write
 *   (at most `queueFrames` in flight), so the sound card's clock paces the jitter buffer.
 * - Loss: a stream error, or no progress for `stallTimeoutMs` (an unplugged USB headset often
 *   just stops), fires `onError` with 'audio-device-lost'; the call keeps going and the pipeline
 *   reopens on another device.
 * - Hot-plug: while someone listens to `onDevicesChanged`, the list is polled every
 *   `pollIntervalMs`. PortAudio only re-scans when it is not initialised, i.e. while no stream
 *   is open; changes during a call surface as device loss, or after the call.
 *
 * naudiodon is loaded lazily and can be injected (tests use a fake binding; the real one is
 * exercised through ALSA's file/null plugins in test/integration/audio).
 */
import { createRequire } from 'node:module';
import type { Clock } from '../../base/clock.js';
import type { Disposable } from '../../base/disposable.js';
import { Emitter, type Event, type Listener } from '../../base/event.js';
import { nullLogger, type Logger } from '../../base/logger.js';
import { err, ok, type Result } from '../../base/result.js';
import type {
  AudioDeviceError,
  AudioDeviceInfo,
  AudioDevicePort,
  AudioStreamOptions,
  AudioStreamStats,
  CaptureStream,
  PlaybackSource,
  PlaybackStream,
} from '../../media/audio/audio-port.js';
import type { PcmFifo as PcmFifoType } from '../../media/audio/pcm-fifo.js';
import { deviceListsDiffer, stableDeviceIds } from './device-list.js';

/** The subset of naudiodon's API used here (see node_modules/naudiodon/index.d.ts). */
export interface NaudiodonDevice {
  readonly id: number;
  readonly name: string;
  readonly maxInputChannels: number;
  readonly maxOutputChannels: number;
  readonly defaultSampleRate: number;
  readonly defaultLowInputLatency: number;
  readonly defaultLowOutputLatency: number;
  readonly hostAPIName: string;
}

export interface NaudiodonHostApi {
  readonly id: number;
  readonly name: string;
  readonly deviceCount: number;
  readonly defaultInput: number;
  readonly defaultOutput: number;
}

export interface NaudiodonStreamOptions {
  deviceId: number;
  sampleRate: number;
  channelCount: number;
  sampleFormat: 16;
  framesPerBuffer: number;
  maxQueue: number;
  closeOnError: boolean;
  highwaterMark?: number;
}

export interface NaudiodonIo {
  start(): void;
  quit(cb?: () => void): void;
  abort(cb?: () => void): void;
  on(event: 'data', listener: (chunk: Buffer) => void): unknown;
  on(event: 'error', listener: (e: unknown) => void): unknown;
  write(chunk: Buffer, cb?: (error?: Error | null) => void): boolean;
}

export interface NaudiodonBinding {
  getDevices(): NaudiodonDevice[];
  getHostAPIs(): { defaultHostAPI: number; HostAPIs: NaudiodonHostApi[] };
  AudioIO(options: { inOptions: NaudiodonStreamOptions } | { outOptions: NaudiodonStreamOptions }): NaudiodonIo;
}

export interface NaudiodonAudioPortOptions {
  readonly clock: Clock;
  readonly logger?: Logger;
  /** Injected binding; default: require('naudiodon') on first use. */
  readonly binding?: NaudiodonBinding;
  readonly pollIntervalMs?: number;
  readonly stallTimeoutMs?: number;
  /** Playback frames queued ahead in PortAudio (latency vs underrun safety); default 2. */
  readonly queueFrames?: number;
  /** Creates the rechunking FIFO (media/audio/pcm-fifo.ts), injected to keep platform → media type-only. */
  readonly createFifo: (capacity: number) => PcmFifoType;
}

export class NaudiodonAudioPort implements AudioDevicePort {
  readonly backend = 'portaudio';
  private readonly changes = new Emitter<readonly AudioDeviceInfo[]>();
  private binding: NaudiodonBinding | undefined;
  private poll: Disposable | undefined;
  private lastList: readonly AudioDeviceInfo[] | undefined;
  private readonly log: Logger;
  private readonly streams = new Set<Disposable>();

  constructor(private readonly options: NaudiodonAudioPortOptions) {
    this.binding = options.binding;
    this.log = (options.logger ?? nullLogger).child('audio.portaudio');
  }

  readonly onDevicesChanged: Event<readonly AudioDeviceInfo[]> = (listener: Listener<readonly AudioDeviceInfo[]>) => {
    const sub = this.changes.event(listener);
    this.ensurePolling();
    return {
      dispose: () => {
        sub.dispose();
        if (this.changes.listenerCount === 0) {
          this.poll?.dispose();
          this.poll = undefined;
        }
      },
    };
  };

  listDevices(): Promise<Result<readonly AudioDeviceInfo[], AudioDeviceError>> {
    const list = this.enumerate();
    return Promise.resolve(list.ok ? ok(list.value.map((d) => d.info)) : list);
  }

  openCapture(options: AudioStreamOptions): Promise<Result<CaptureStream, AudioDeviceError>> {
    return Promise.resolve(this.openCaptureNow(options));
  }

  openPlayback(options: AudioStreamOptions): Promise<Result<PlaybackStream, AudioDeviceError>> {
    return Promise.resolve(this.openPlaybackNow(options));
  }

  private openCaptureNow(options: AudioStreamOptions): Result<CaptureStream, AudioDeviceError> {
    const target = this.resolve(options.deviceId, 'input');
    if (!target.ok) return target;
    const { binding, device } = target.value;
    let io: NaudiodonIo;
    try {
      io = binding.AudioIO({ inOptions: this.streamOptions(device, options) });
    } catch (e) {
      return err({ code: 'audio-open-failed', message: `cannot open ${device.info.name} for capture`, detail: { cause: String(e) } });
    }
    const stream = new NaudiodonCapture(io, device.info.id, options, this.options, this.log, () => this.streams.delete(stream));
    this.streams.add(stream);
    return ok(stream);
  }

  private openPlaybackNow(options: AudioStreamOptions): Result<PlaybackStream, AudioDeviceError> {
    const target = this.resolve(options.deviceId, 'output');
    if (!target.ok) return target;
    const { binding, device } = target.value;
    let io: NaudiodonIo;
    try {
      io = binding.AudioIO({ outOptions: this.streamOptions(device, options) });
    } catch (e) {
      return err({ code: 'audio-open-failed', message: `cannot open ${device.info.name} for playback`, detail: { cause: String(e) } });
    }
    const stream = new NaudiodonPlayback(io, device.info.id, options, this.options, this.log, () => this.streams.delete(stream));
    this.streams.add(stream);
    return ok(stream);
  }

  dispose(): void {
    this.poll?.dispose();
    this.poll = undefined;
    for (const s of [...this.streams]) s.dispose();
    this.changes.dispose();
  }

  private streamOptions(device: ResolvedDevice, options: AudioStreamOptions): NaudiodonStreamOptions {
    return {
      deviceId: device.index,
      sampleRate: options.sampleRate,
      channelCount: 1,
      sampleFormat: 16,
      framesPerBuffer: options.frameSamples,
      maxQueue: this.options.queueFrames ?? 2,
      closeOnError: true,
      highwaterMark: options.frameSamples * 2 * 2,
    };
  }

  private load(): Result<NaudiodonBinding, AudioDeviceError> {
    if (this.binding !== undefined) return ok(this.binding);
    try {
      const require = createRequire(import.meta.url);
      this.binding = require('naudiodon') as NaudiodonBinding;
      return ok(this.binding);
    } catch (e) {
      return err({ code: 'audio-backend-unavailable', message: 'naudiodon (PortAudio) could not be loaded', detail: { cause: String(e) } });
    }
  }

  private enumerate(): Result<ResolvedDevice[], AudioDeviceError> {
    const loaded = this.load();
    if (!loaded.ok) return loaded;
    let devices: NaudiodonDevice[];
    let hostApis: NaudiodonHostApi[];
    try {
      devices = loaded.value.getDevices();
      hostApis = loaded.value.getHostAPIs().HostAPIs;
    } catch (e) {
      return err({ code: 'audio-backend-unavailable', message: 'PortAudio could not enumerate devices', detail: { cause: String(e) } });
    }
    const defaultsIn = new Set(hostApis.map((h) => h.defaultInput));
    const defaultsOut = new Set(hostApis.map((h) => h.defaultOutput));
    const ids = stableDeviceIds(devices.map((d) => ({ name: d.name, hostApi: d.hostAPIName })));
    return ok(
      devices.map((d, i) => ({
        index: d.id,
        info: {
          id: ids[i]!,
          name: d.name,
          hostApi: d.hostAPIName,
          maxInputChannels: d.maxInputChannels,
          maxOutputChannels: d.maxOutputChannels,
          defaultSampleRate: d.defaultSampleRate,
          isDefaultInput: defaultsIn.has(d.id) && d.maxInputChannels > 0,
          isDefaultOutput: defaultsOut.has(d.id) && d.maxOutputChannels > 0,
          lowInputLatencyMs: d.defaultLowInputLatency * 1000,
          lowOutputLatencyMs: d.defaultLowOutputLatency * 1000,
        },
      })),
    );
  }

  private resolve(deviceId: string | undefined, direction: 'input' | 'output'): Result<{ binding: NaudiodonBinding; device: ResolvedDevice }, AudioDeviceError> {
    const list = this.enumerate();
    if (!list.ok) return list;
    const usable = list.value.filter((d) => (direction === 'input' ? d.info.maxInputChannels : d.info.maxOutputChannels) > 0);
    const device =
      deviceId === undefined
        ? (usable.find((d) => (direction === 'input' ? d.info.isDefaultInput : d.info.isDefaultOutput)) ?? usable[0])
        : usable.find((d) => d.info.id === deviceId);
    if (device === undefined) {
      return err({ code: 'audio-device-not-found', message: deviceId === undefined ? `no ${direction} device` : `no ${direction} device ${deviceId}`, detail: { deviceId } });
    }
    return ok({ binding: this.binding!, device });
  }

  private ensurePolling(): void {
    if (this.poll !== undefined) return;
    const first = this.enumerate();
    this.lastList = first.ok ? first.value.map((d) => d.info) : [];
    this.poll = this.options.clock.setInterval(this.options.pollIntervalMs ?? 2000, () => {
      if (this.streams.size > 0) return; // PortAudio would not re-scan while a stream is open
      const now = this.enumerate();
      if (!now.ok) return;
      const list = now.value.map((d) => d.info);
      if (this.lastList !== undefined && deviceListsDiffer(this.lastList, list)) {
        this.log.info('audio devices changed', { count: list.length });
        this.changes.fire(list);
      }
      this.lastList = list;
    });
  }
}

interface ResolvedDevice {
  readonly index: number;
  readonly info: AudioDeviceInfo;
}

abstract class NaudiodonStream implements Disposable {
  readonly sampleRate: number;
  readonly frameSamples: number;
  protected readonly errors = new Emitter<AudioDeviceError>();
  readonly onError = this.errors.event;
  protected frames = 0;
  protected glitches = 0;
  protected disposed = false;
  protected started = false;
  protected lastProgressMs = 0;
  private watchdog: Disposable | undefined;

  constructor(
    protected readonly io: NaudiodonIo,
    readonly deviceId: string,
    options: AudioStreamOptions,
    protected readonly portOptions: NaudiodonAudioPortOptions,
    protected readonly log: Logger,
    private readonly onClosed: () => void,
  ) {
    this.sampleRate = options.sampleRate;
    this.frameSamples = options.frameSamples;
    io.on('error', (e) => this.fail('audio-device-lost', `audio device error: ${String(e)}`));
  }

  stats(): AudioStreamStats {
    return { frames: this.frames, glitches: this.glitches };
  }

  protected startWatchdog(): void {
    const clock = this.portOptions.clock;
    const timeout = this.portOptions.stallTimeoutMs ?? 1500;
    this.lastProgressMs = clock.monotonic();
    this.watchdog = clock.setInterval(Math.max(50, timeout / 3), () => {
      if (clock.monotonic() - this.lastProgressMs > timeout) this.fail('audio-device-lost', `no audio from ${this.deviceId} for ${timeout} ms`);
    });
  }

  protected fail(code: 'audio-device-lost' | 'audio-io-error', message: string): void {
    if (this.disposed) return;
    this.log.warn(message, { deviceId: this.deviceId });
    this.errors.fire({ code, message, detail: { deviceId: this.deviceId } });
    this.stop();
  }

  dispose(): void {
    if (this.disposed) return;
    this.stop();
    this.errors.dispose();
  }

  private stop(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.watchdog?.dispose();
    this.watchdog = undefined;
    try {
      this.io.abort();
    } catch {
      // already closed by PortAudio
    }
    this.onClosed();
  }
}

class NaudiodonCapture extends NaudiodonStream implements CaptureStream {
  private readonly frameEmitter = new Emitter<Int16Array>();
  readonly onFrame = this.frameEmitter.event;
  private readonly fifo: PcmFifoType;
  private readonly frame: Int16Array;
  private carry = -1; // odd byte left over from a chunk (chunks need not be sample aligned)

  constructor(io: NaudiodonIo, deviceId: string, options: AudioStreamOptions, portOptions: NaudiodonAudioPortOptions, log: Logger, onClosed: () => void) {
    super(io, deviceId, options, portOptions, log, onClosed);
    this.fifo = portOptions.createFifo(options.frameSamples * 16);
    this.frame = new Int16Array(options.frameSamples);
    io.on('data', (chunk) => this.onChunk(chunk));
  }

  start(): void {
    if (this.started || this.disposed) return;
    this.started = true;
    try {
      this.io.start();
    } catch (e) {
      this.fail('audio-io-error', `cannot start capture: ${String(e)}`);
      return;
    }
    this.startWatchdog();
  }

  override dispose(): void {
    super.dispose();
    this.frameEmitter.dispose();
  }

  private onChunk(chunk: Buffer): void {
    if (this.disposed) return;
    this.lastProgressMs = this.portOptions.clock.monotonic();
    let bytes: Uint8Array = chunk;
    if (this.carry >= 0) {
      const joined = new Uint8Array(chunk.length + 1);
      joined[0] = this.carry;
      joined.set(chunk, 1);
      bytes = joined;
      this.carry = -1;
    }
    const even = bytes.length & ~1;
    if (even < bytes.length) this.carry = bytes[even]!;
    const samples =
      bytes.byteOffset % 2 === 0 ? new Int16Array(bytes.buffer, bytes.byteOffset, even >> 1) : new Int16Array(bytes.slice(0, even).buffer);
    const before = this.fifo.overflowed;
    this.fifo.push(samples);
    if (this.fifo.overflowed > before) this.glitches++;
    while (this.fifo.pop(this.frame)) {
      this.frames++;
      this.frameEmitter.fire(this.frame);
    }
  }
}

class NaudiodonPlayback extends NaudiodonStream implements PlaybackStream {
  private source: PlaybackSource | undefined;
  private inflight = 0;
  private readonly pool: Buffer[];
  private poolIndex = 0;
  private readonly frame: Int16Array;

  constructor(io: NaudiodonIo, deviceId: string, options: AudioStreamOptions, portOptions: NaudiodonAudioPortOptions, log: Logger, onClosed: () => void) {
    super(io, deviceId, options, portOptions, log, onClosed);
    this.frame = new Int16Array(options.frameSamples);
    // naudiodon copies each chunk into native memory, but the stream holds our Buffer until the
    // write completes: rotate through more buffers than can be in flight.
    this.pool = Array.from({ length: 8 }, () => Buffer.alloc(options.frameSamples * 2));
  }

  setSource(source: PlaybackSource | undefined): void {
    this.source = source;
  }

  start(): void {
    if (this.started || this.disposed) return;
    this.started = true;
    try {
      this.io.start();
    } catch (e) {
      this.fail('audio-io-error', `cannot start playback: ${String(e)}`);
      return;
    }
    this.startWatchdog();
    this.pump();
  }

  private pump(): void {
    const depth = this.portOptions.queueFrames ?? 2;
    while (!this.disposed && this.inflight < depth) {
      this.frame.fill(0);
      try {
        this.source?.(this.frame);
      } catch (e) {
        this.log.error('playback source failed', { error: e });
        this.glitches++;
      }
      const buf = this.pool[this.poolIndex]!;
      this.poolIndex = (this.poolIndex + 1) % this.pool.length;
      buf.set(new Uint8Array(this.frame.buffer, this.frame.byteOffset, this.frame.byteLength));
      this.inflight++;
      this.io.write(buf, (error) => {
        this.inflight--;
        if (this.disposed) return;
        if (error !== undefined && error !== null) {
          this.fail('audio-device-lost', `playback write failed: ${error.message}`);
          return;
        }
        this.frames++;
        this.lastProgressMs = this.portOptions.clock.monotonic();
        this.pump();
      });
    }
  }
}
