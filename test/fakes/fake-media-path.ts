/**
 * A fake of the native media path addon (media/native/media-path-port.ts) for unit tests of what
 * the TypeScript side decides: which calls go native, what stream and keys it hands to the
 * native thread, what it does on re-negotiation and at the end. It records every call and does
 * no I/O; the real addon is exercised in test/integration/media/native-*.test.ts.
 */
import type { MediaPathAddon, MediaPathLeg, MediaPathStats, MediaPathStream, NativeMediaPath, PcmFile } from '../../src-main/media/native/media-path-port.js';
import { err, ok, type Result } from '../../src-main/base/result.js';

export interface FakeLeg {
  readonly id: number;
  readonly address: string;
  readonly port: number;
  stream?: MediaPathStream;
  /** Copies of the keys start() got (the caller zeroes its own after the call). */
  keys?: { readonly send: Uint8Array; readonly receive: Uint8Array };
  readonly updates: Parameters<MediaPathAddon['update']>[1][];
  readonly rekeys: Parameters<MediaPathAddon['rekey']>[1][];
  readonly devices: Parameters<MediaPathAddon['setDevices']>[1][];
  readonly dtmf: { event: number; durationMs: number }[];
  muted: boolean;
  volume: [number, number];
  stopped: boolean;
  closed: boolean;
}

const ZERO_STATS: MediaPathStats = {
  wakeups: 0, lateWakeups: 0, maxLatenessUs: 0, packetsSent: 0, datagrams: 0, packetsReceived: 0, accepted: 0, duplicates: 0, bytesReceived: 0, rtcpReceived: 0,
  authFailures: 0, replayFailures: 0, otherSrtpFailures: 0, notRtp: 0, wrongPayloadType: 0, latePackets: 0, overflowDropped: 0, underruns: 0, resyncs: 0, held: 0,
  dtmfPackets: 0, dtmfPacketsSent: 0, dtmfReceived: 0, framesPlayed: 0, framesConcealed: 0, framesSilent: 0, sendErrors: 0, strangers: 0, refusedSources: 0, latches: 0,
  rekeys: 0, underPreviousKey: 0, socketConnected: 0, acceptsPreviousReceiveKey: 0, sendKeyDeferred: 0, rtcpMalformed: 0, rtcpSent: 0, expected: 0, received: 0, lost: 0,
  jitterMs: 0, rttMs: -1, remoteLossPercent: -1, peerSaidBye: 0, queueFrames: 0, queueMs: 0, pcmRate: 8000, rtcpMux: 1, audio: 0, captureStartEpochMs: 0, playbackStartEpochMs: 0,
}; // prettier-ignore

export class FakeMediaPathAddon implements MediaPathAddon {
  readonly legs: FakeLeg[] = [];
  /** What the next stop() returns as the recording. */
  recording = new Int16Array(0);
  /** Counters stats() reports (merged over zeros). */
  stats_: Partial<MediaPathStats> = {};
  /** The PortAudio devices devices() lists. */
  deviceList: ReturnType<MediaPathAddon['devices']> = [];
  private nextPort = 40000;

  private leg(handle: MediaPathLeg): FakeLeg {
    return this.legs[(handle as unknown as { id: number }).id]!;
  }

  open(options: Parameters<MediaPathAddon['open']>[0]): MediaPathLeg {
    const leg: FakeLeg = { id: this.legs.length, address: options.address, port: (this.nextPort += 2), updates: [], rekeys: [], devices: [], dtmf: [], muted: false, volume: [0, 0], stopped: false, closed: false };
    this.legs.push(leg);
    return { id: leg.id } as unknown as MediaPathLeg;
  }
  localPort(handle: MediaPathLeg): number {
    return this.leg(handle).port;
  }
  start(handle: MediaPathLeg, stream: MediaPathStream): void {
    const leg = this.leg(handle);
    if (leg.stream !== undefined) throw new Error('fake media path: started twice');
    leg.stream = stream;
    if (stream.srtp !== undefined) leg.keys = { send: Uint8Array.from(stream.srtp.sendKey), receive: Uint8Array.from(stream.srtp.receiveKey) };
  }
  update(handle: MediaPathLeg, stream: Parameters<MediaPathAddon['update']>[1]): void {
    this.leg(handle).updates.push(stream);
  }
  rekey(handle: MediaPathLeg, keys: Parameters<MediaPathAddon['rekey']>[1]): void {
    this.leg(handle).rekeys.push(keys === null ? null : { ...keys, ...(keys.sendKey === undefined ? {} : { sendKey: Uint8Array.from(keys.sendKey) }), ...(keys.receiveKey === undefined ? {} : { receiveKey: Uint8Array.from(keys.receiveKey) }) });
  }
  setMuted(handle: MediaPathLeg, muted: boolean): void {
    this.leg(handle).muted = muted;
  }
  setVolume(handle: MediaPathLeg, inputGainDb: number, outputGainDb: number): void {
    this.leg(handle).volume = [inputGainDb, outputGainDb];
  }
  setDevices(handle: MediaPathLeg, devices: Parameters<MediaPathAddon['setDevices']>[1]): void {
    this.leg(handle).devices.push(devices);
  }
  devices(): ReturnType<MediaPathAddon['devices']> {
    return this.deviceList;
  }
  sendDtmf(handle: MediaPathLeg, event: number, durationMs: number): boolean {
    const leg = this.leg(handle);
    if (leg.stream?.dtmfPayloadType === undefined) return false;
    leg.dtmf.push({ event, durationMs });
    return true;
  }
  stats(handle: MediaPathLeg): MediaPathStats {
    return { ...ZERO_STATS, pcmRate: this.leg(handle).stream?.codec === 'G722' || this.leg(handle).stream?.codec === 'opus' ? 16000 : 8000, ...this.stats_ };
  }
  /** What levels() reports: microphone RMS, peak, speaker RMS, peak (dBFS), clipped. */
  meters: [number, number, number, number, number] = [-90, -90, -90, -90, 0];
  levels(_handle: MediaPathLeg, out: Float64Array): void {
    out.set(this.meters);
  }
    stop(handle: MediaPathLeg): Int16Array {
    this.leg(handle).stopped = true;
    return this.recording;
  }
  close(handle: MediaPathLeg): void {
    this.leg(handle).closed = true;
  }
}

/** The port over the fake addon, with audio files in memory. */
export class FakeNativeMediaPath implements NativeMediaPath {
  readonly files = new Map<string, PcmFile>();
  readonly written: { path: string; sampleRate: number; samples: Int16Array }[] = [];
  constructor(readonly addon: FakeMediaPathAddon = new FakeMediaPathAddon()) {}

  deviceResolver(): (id: string) => string | undefined {
    const list = this.addon.deviceList;
    return (id) => list.find((d) => `${d.hostApi}:${d.name}` === id)?.name;
  }
  readAudioFile(path: string): Result<PcmFile, string> {
    const f = this.files.get(path);
    return f === undefined ? err(`${path} cannot be read (ENOENT)`) : ok(f);
  }
  writeAudioFile(path: string, sampleRate: number, samples: Int16Array): void {
    this.written.push({ path, sampleRate, samples });
  }
}
