import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../test/fakes/fake-clock.js';
import { PcmFifo } from '../../media/audio/pcm-fifo.js';
import { NaudiodonAudioPort, type NaudiodonBinding, type NaudiodonDevice, type NaudiodonIo, type NaudiodonStreamOptions } from './naudiodon-audio-port.js';

class FakeIo implements NaudiodonIo {
  readonly listeners: { data: Array<(b: Buffer) => void>; error: Array<(e: unknown) => void> } = { data: [], error: [] };
  readonly writes: Buffer[] = [];
  readonly pending: Array<(e?: Error | null) => void> = [];
  started = false;
  aborted = false;
  constructor(readonly options: NaudiodonStreamOptions, readonly direction: 'in' | 'out') {}
  start(): void {
    this.started = true;
  }
  quit(): void {}
  abort(): void {
    this.aborted = true;
  }
  on(event: 'data' | 'error', listener: ((b: Buffer) => void) & ((e: unknown) => void)): unknown {
    this.listeners[event].push(listener);
    return this;
  }
  write(chunk: Buffer, cb?: (e?: Error | null) => void): boolean {
    this.writes.push(Buffer.from(chunk));
    this.pending.push(cb ?? (() => undefined));
    return true;
  }
  /** The device consumed the oldest queued write. */
  complete(error?: Error): void {
    this.pending.shift()?.(error);
  }
  data(samples: number[] | Buffer): void {
    const b = Buffer.isBuffer(samples) ? samples : Buffer.from(Int16Array.from(samples).buffer);
    for (const l of this.listeners.data) l(b);
  }
  fail(e: unknown): void {
    for (const l of this.listeners.error) l(e);
  }
}

const dev = (id: number, name: string, inputs: number, outputs: number, host = 'ALSA'): NaudiodonDevice => ({
  id,
  name,
  maxInputChannels: inputs,
  maxOutputChannels: outputs,
  defaultSampleRate: 48000,
  defaultLowInputLatency: 0.0087,
  defaultLowOutputLatency: 0.0087,
  hostAPIName: host,
});

function fakeBinding(devices: NaudiodonDevice[], defaults = { input: 1, output: 2 }) {
  const ios: FakeIo[] = [];
  const state = { devices, throwOnOpen: false };
  const binding: NaudiodonBinding = {
    getDevices: () => state.devices,
    getHostAPIs: () => ({ defaultHostAPI: 0, HostAPIs: [{ id: 0, name: 'ALSA', deviceCount: state.devices.length, defaultInput: defaults.input, defaultOutput: defaults.output }] }),
    AudioIO: (options) => {
      if (state.throwOnOpen) throw new Error('PaErrorCode -9996 Invalid device');
      const io = 'inOptions' in options ? new FakeIo(options.inOptions, 'in') : new FakeIo(options.outOptions, 'out');
      ios.push(io);
      return io;
    },
  };
  return { binding, ios, state };
}

const standard = (): NaudiodonDevice[] => [dev(0, 'HDA Intel: ALC892 (hw:0,0)', 2, 8), dev(1, 'USB Headset (hw:1,0)', 1, 2), dev(2, 'default', 64, 64), dev(3, 'USB Headset (hw:1,0)', 1, 2)];

const makePort = (b: NaudiodonBinding, clock = new FakeClock()) => new NaudiodonAudioPort({ clock, binding: b, createFifo: (n) => new PcmFifo(n), pollIntervalMs: 1000, stallTimeoutMs: 600 });

describe('naudiodon (PortAudio) adapter, with a fake binding', () => {
  it('lists devices with host API, stable ids (duplicates numbered) and the host API defaults', async () => {
    const { binding } = fakeBinding(standard());
    const list = await makePort(binding).listDevices();
    expect(list.ok).toBe(true);
    if (!list.ok) return;
    expect(list.value.map((d) => d.id)).toEqual(['ALSA:HDA Intel: ALC892 (hw:0,0)', 'ALSA:USB Headset (hw:1,0)', 'ALSA:default', 'ALSA:USB Headset (hw:1,0)#2']);
    expect(list.value.filter((d) => d.isDefaultInput).map((d) => d.id)).toEqual(['ALSA:USB Headset (hw:1,0)']);
    expect(list.value.filter((d) => d.isDefaultOutput).map((d) => d.id)).toEqual(['ALSA:default']);
    expect(list.value[0]!.lowOutputLatencyMs).toBeCloseTo(8.7);
  });

  it('opens capture on the chosen device as 16-bit mono with the frame size, and cuts odd-sized chunks into exact frames', async () => {
    const { binding, ios } = fakeBinding(standard());
    const port = makePort(binding);
    const opened = await port.openCapture({ deviceId: 'ALSA:USB Headset (hw:1,0)#2', sampleRate: 16000, frameSamples: 4 });
    if (!opened.ok) throw new Error(opened.error.message);
    const io = ios[0]!;
    expect(io.options).toMatchObject({ deviceId: 3, sampleRate: 16000, channelCount: 1, sampleFormat: 16, framesPerBuffer: 4 });
    const frames: number[][] = [];
    opened.value.onFrame((f) => frames.push([...f]));
    opened.value.start();
    expect(io.started).toBe(true);
    const bytes = Buffer.from(Int16Array.from([1, -2, 3, 4, 5, 6, 7, -8, 9, 10]).buffer);
    io.data(bytes.subarray(0, 3)); // not sample aligned
    io.data(bytes.subarray(3, 11));
    io.data(bytes.subarray(11));
    expect(frames).toEqual([
      [1, -2, 3, 4],
      [5, 6, 7, -8],
    ]);
    expect(opened.value.stats().frames).toBe(2);
    opened.value.dispose();
    expect(io.aborted).toBe(true);
  });

  it('pulls playback frames from the source as PortAudio accepts writes, never more than the queue depth ahead', async () => {
    const { binding, ios } = fakeBinding(standard());
    const port = makePort(binding);
    const opened = await port.openPlayback({ sampleRate: 8000, frameSamples: 3 });
    if (!opened.ok) throw new Error(opened.error.message);
    const io = ios[0]!;
    expect(io.options.deviceId).toBe(2); // the default output
    let k = 0;
    opened.value.setSource((out) => out.fill(++k));
    opened.value.start();
    expect(io.writes).toHaveLength(2);
    io.complete();
    io.complete();
    io.complete();
    expect(io.writes.map((w) => [...new Int16Array(w.buffer, w.byteOffset, 3)])).toEqual([
      [1, 1, 1],
      [2, 2, 2],
      [3, 3, 3],
      [4, 4, 4],
      [5, 5, 5],
    ]);
    expect(opened.value.stats().frames).toBe(3);
    opened.value.dispose();
  });

  it('reports device loss on a stream error, on a failed write, and when the device stalls (watchdog), without throwing', async () => {
    const clock = new FakeClock();
    const { binding, ios } = fakeBinding(standard());
    const port = makePort(binding, clock);
    const lost: string[] = [];
    const a = await port.openCapture({ sampleRate: 8000, frameSamples: 160 });
    const b = await port.openPlayback({ sampleRate: 8000, frameSamples: 160 });
    const c = await port.openCapture({ sampleRate: 8000, frameSamples: 160 });
    if (!a.ok || !b.ok || !c.ok) throw new Error('open');
    for (const s of [a.value, b.value, c.value]) {
      s.onError((e) => lost.push(`${e.code}`));
      s.start();
    }
    ios[0]!.fail(new Error('snd_pcm_readi: No such device'));
    ios[1]!.complete(new Error('device unplugged'));
    expect(lost).toEqual(['audio-device-lost', 'audio-device-lost']);
    // Stream c gets data for a while, then nothing.
    for (let t = 0; t < 10; t++) {
      ios[2]!.data(new Array(160).fill(1));
      clock.advance(20);
    }
    expect(lost).toHaveLength(2);
    clock.advance(1000);
    expect(lost).toEqual(['audio-device-lost', 'audio-device-lost', 'audio-device-lost']);
    expect(ios.every((io) => io.aborted)).toBe(true);
    for (const s of [a.value, b.value, c.value]) s.dispose();
    expect(clock.pendingTimers).toBe(0);
  });

  it('polls for hot-plug while someone listens, skips polling while streams are open, and stops when nobody listens', async () => {
    const clock = new FakeClock();
    const { binding, state } = fakeBinding(standard());
    const port = makePort(binding, clock);
    const changes: number[] = [];
    const sub = port.onDevicesChanged((list) => changes.push(list.length));
    clock.advance(3000);
    expect(changes).toEqual([]);
    state.devices = [...standard(), dev(4, 'Jabra Evolve2 (hw:2,0)', 1, 2)];
    clock.advance(1000);
    expect(changes).toEqual([5]);
    const open = await port.openCapture({ sampleRate: 8000, frameSamples: 160 });
    state.devices = standard();
    clock.advance(5000);
    expect(changes).toEqual([5]); // PortAudio cannot re-scan during a call
    if (open.ok) open.value.dispose();
    clock.advance(1000);
    expect(changes).toEqual([5, 4]);
    sub.dispose();
    expect(clock.pendingTimers).toBe(0);
  });

  it('returns typed errors: unknown device, no input device, open failure, and a binding that cannot load', async () => {
    const { binding, state } = fakeBinding([dev(0, 'speaker only', 0, 2)], { input: -1, output: 0 });
    const port = makePort(binding);
    const unknown = await port.openPlayback({ deviceId: 'ALSA:gone', sampleRate: 8000, frameSamples: 160 });
    expect(!unknown.ok && unknown.error.code).toBe('audio-device-not-found');
    const noInput = await port.openCapture({ sampleRate: 8000, frameSamples: 160 });
    expect(!noInput.ok && noInput.error.code).toBe('audio-device-not-found');
    state.throwOnOpen = true;
    const failed = await port.openPlayback({ sampleRate: 8000, frameSamples: 160 });
    expect(!failed.ok && failed.error.code).toBe('audio-open-failed');
    const broken: NaudiodonBinding = {
      getDevices: () => {
        throw new Error('Pa_Initialize failed');
      },
      getHostAPIs: () => ({ defaultHostAPI: -1, HostAPIs: [] }),
      AudioIO: () => {
        throw new Error('unreachable');
      },
    };
    const list = await makePort(broken).listDevices();
    expect(!list.ok && list.error.code).toBe('audio-backend-unavailable');
  });
});
