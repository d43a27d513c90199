/**
 * Warms the per-frame media path of this process once, off any call (issue 16): two scratch call
 * media sessions on in-memory sockets and audio, on a clock of their own, exchange `frames`
 * frames each way back to back - capture → encode → RTP → SRTP protect → socket → SRTP
 * unprotect → RTCP reception statistics → jitter buffer → decode → playback, meters and events
 * included - so V8 has optimised that code before the first real call.
 *
 * Why: V8 tiers a function up by the bytecode it has run, and a call runs its per-frame code only
 * 50 times a second, so a real call's frame path stays in the interpreter and baseline code for
 * its first ~30 s (measured with `npm run bench -- media`: a leg costs ~5-6 % of a core in its
 * first 10 s against ~3 % once optimised, the Node floor ~2 %). Run back to back, the same frames
 * take a fraction of a second, once per process. Nothing is bound, opened or sent: no sockets, no
 * sound device, no timers on the host clock; the keys are throwaway SDES keys.
 */
import type { Clock } from '../../base/clock.js';
import type { Disposable } from '../../base/disposable.js';
import { Emitter } from '../../base/event.js';
import { ok, type Result } from '../../base/result.js';
import type { Rng } from '../../base/rng.js';
import type { CodecRegistry } from '../../protocol/codec/index.js';
import type { AudioDeviceError, AudioDeviceInfo, AudioDevicePort, AudioStreamOptions, CaptureStream, PlaybackSource, PlaybackStream } from '../audio/audio-port.js';
import type { CallCodecName } from '../call-media.js';
import { CallMediaEngine } from './call-media-engine.js';
import type { CallMediaSession } from './call-media-session.js';
import type { RtpDatagram, RtpSocket, RtpSocketError, RtpSocketFactory } from './rtp-socket-port.js';

export interface HotPathWarmUpOptions {
  readonly registry: CodecRegistry;
  readonly rng: Rng;
  /** Frames each way (default 2000, about what a real call runs before V8 has optimised it). */
  readonly frames?: number;
  /** Codecs to warm (default PCMU). */
  readonly codecs?: readonly CallCodecName[];
  /**
   * Asked at every turn given to the event loop: true stops the warm-up there (a real call has
   * started; the warm-up must never compete with a call's frame timer for the CPU).
   */
  readonly shouldStop?: () => boolean;
  /**
   * Real sockets to warm on (the calls' own factory, bound on loopback): the frame path then also
   * runs node:dgram's send and receive and the socket adapter with the shapes a call gives them.
   * Each frame then waits one turn of the event loop for its datagrams. Default: in-memory sockets.
   */
  readonly sockets?: RtpSocketFactory;
}

export interface HotPathWarmUpReport {
  readonly frames: number;
  readonly codecs: readonly string[];
  /** Frames each way the receiving session really played from packets (the path did run). */
  readonly packetsReceived: number;
}

/** A clock of the warm-up's own: time moves only when `advance` says, timers fire in order then. */
class ManualClock implements Clock {
  private t = 0;
  private readonly timers = new Map<number, { at: number; every: number; fn: () => void }>();
  private nextId = 1;

  now(): number {
    return 1_700_000_000_000 + this.t;
  }

  monotonic(): number {
    return this.t;
  }

  setTimer(ms: number, callback: () => void): Disposable {
    return this.add(ms, 0, callback);
  }

  setInterval(ms: number, callback: () => void): Disposable {
    return this.add(ms, Math.max(1, ms), callback);
  }

  advance(ms: number): void {
    const until = this.t + ms;
    for (;;) {
      let next: { id: number; at: number } | undefined;
      for (const [id, tm] of this.timers) if (tm.at <= until && (next === undefined || tm.at < next.at)) next = { id, at: tm.at };
      if (next === undefined) break;
      const tm = this.timers.get(next.id)!;
      this.t = Math.max(this.t, tm.at);
      if (tm.every > 0) tm.at += tm.every;
      else this.timers.delete(next.id);
      tm.fn();
    }
    this.t = until;
  }

  private add(ms: number, every: number, fn: () => void): Disposable {
    const id = this.nextId++;
    this.timers.set(id, { at: this.t + Math.max(0, Number.isFinite(ms) ? ms : 0), every, fn });
    return { dispose: () => void this.timers.delete(id) };
  }
}

/** In-memory datagram sockets on one host: a send is delivered at once as a fresh Buffer, as node:dgram hands them. */
class MemorySockets implements RtpSocketFactory {
  private readonly bound = new Map<number, MemorySocket>();
  private nextPort = 40000;

  bind(address: string, port: number): Promise<Result<RtpSocket, RtpSocketError>> {
    const p = port === 0 ? this.nextPort++ : port;
    const s = new MemorySocket(address, p, this);
    this.bound.set(p, s);
    return Promise.resolve(ok(s));
  }

  deliver(to: number, bytes: Uint8Array, from: MemorySocket): void {
    this.bound.get(to)?.receive(Buffer.from(bytes), from);
  }

  unbind(port: number): void {
    this.bound.delete(port);
  }
}

class MemorySocket implements RtpSocket {
  private readonly datagrams = new Emitter<RtpDatagram>();
  private readonly errors = new Emitter<RtpSocketError>();
  readonly onDatagram = this.datagrams.event;
  readonly onError = this.errors.event;
  readonly sendErrors = 0;

  constructor(
    readonly localAddress: string,
    readonly localPort: number,
    private readonly net: MemorySockets,
  ) {}

  send(bytes: Uint8Array, port: number): void {
    this.net.deliver(port, bytes, this);
  }

  receive(bytes: Buffer, from: MemorySocket): void {
    this.datagrams.fire({ bytes, address: from.localAddress, port: from.localPort });
  }

  dispose(): void {
    this.net.unbind(this.localPort);
    this.datagrams.dispose();
    this.errors.dispose();
  }
}

/** Capture and playback streams paced by the warm-up's clock (a tone in, the far end discarded). */
class WarmUpAudioPort implements AudioDevicePort {
  readonly backend = 'warm-up';
  private readonly changes = new Emitter<readonly AudioDeviceInfo[]>();
  readonly onDevicesChanged = this.changes.event;

  constructor(private readonly clock: ManualClock) {}

  listDevices(): Promise<Result<readonly AudioDeviceInfo[], AudioDeviceError>> {
    return Promise.resolve(ok([]));
  }

  openCapture(o: AudioStreamOptions): Promise<Result<CaptureStream, AudioDeviceError>> {
    const frames = new Emitter<Int16Array>();
    const errors = new Emitter<AudioDeviceError>();
    const frame = new Int16Array(o.frameSamples);
    let n = 0;
    let timer: Disposable | undefined;
    const stream: CaptureStream = {
      deviceId: 'warm-up:input',
      sampleRate: o.sampleRate,
      frameSamples: o.frameSamples,
      onFrame: frames.event,
      onError: errors.event,
      stats: () => ({ frames: n, glitches: 0 }),
      start: () => {
        const frameMs = (o.frameSamples * 1000) / o.sampleRate;
        timer ??= this.clock.setInterval(frameMs, () => {
          // A speech-level tone with pauses, so both talkspurt and silence paths run.
          const on = n % 50 < 35;
          for (let i = 0; i < frame.length; i++) frame[i] = on ? Math.round(8000 * Math.sin((2 * Math.PI * 440 * (n * frame.length + i)) / o.sampleRate)) : 0;
          n++;
          frames.fire(frame);
        });
      },
      dispose: () => {
        timer?.dispose();
        frames.dispose();
        errors.dispose();
      },
    };
    return Promise.resolve(ok(stream));
  }

  openPlayback(o: AudioStreamOptions): Promise<Result<PlaybackStream, AudioDeviceError>> {
    const errors = new Emitter<AudioDeviceError>();
    const frame = new Int16Array(o.frameSamples);
    let source: PlaybackSource | undefined;
    let n = 0;
    let timer: Disposable | undefined;
    const stream: PlaybackStream = {
      deviceId: 'warm-up:output',
      sampleRate: o.sampleRate,
      frameSamples: o.frameSamples,
      onError: errors.event,
      setSource: (s) => (source = s),
      stats: () => ({ frames: n, glitches: 0 }),
      start: () => {
        const frameMs = (o.frameSamples * 1000) / o.sampleRate;
        timer ??= this.clock.setInterval(frameMs, () => {
          frame.fill(0);
          source?.(frame);
          n++;
        });
      },
      dispose: () => {
        timer?.dispose();
        errors.dispose();
      },
    };
    return Promise.resolve(ok(stream));
  }

  dispose(): void {
    this.changes.dispose();
  }
}

const FRAME_MS = 20;
/** Frames run between two turns of the host's event loop (a few ms of CPU at most). */
const WARM_UP_SLICE_FRAMES = 50;

/** Runs the warm-up (see the file comment); resolves when the scratch sessions are gone. */
export async function warmCallMediaHotPath(options: HotPathWarmUpOptions): Promise<HotPathWarmUpReport> {
  const frames = options.frames ?? 2000;
  const codecs = options.codecs ?? ['PCMU'];
  const clock = new ManualClock();
  const real = options.sockets !== undefined;
  const sockets = options.sockets ?? new MemorySockets();
  const engine = new CallMediaEngine({
    clock,
    rng: options.rng,
    sockets,
    codecs: options.registry,
    audio: { open: () => ok({ port: new WarmUpAudioPort(clock), owned: true }) },
  });
  let packetsReceived = 0;
  for (const codec of codecs) {
    if (options.shouldStop?.() === true) break;
    const base = { srtp: 'mandatory' as const, signalling: 'tls' as const, allowInsecureSdes: false, localAddress: '127.0.0.1', codecs: [codec] };
    const a = await engine.create({ ...base, callId: `warm-up-a-${codec}` });
    const b = await engine.create({ ...base, callId: `warm-up-b-${codec}` });
    if (!a.ok || !b.ok) continue;
    const sa = a.value as CallMediaSession;
    const sb = b.value as CallMediaSession;
    try {
      const offer = sa.createOffer();
      if (!offer.ok) continue;
      const answer = sb.answerOffer(offer.value);
      if (!answer.ok) continue;
      if (!sa.applyAnswer(answer.value.sdp).ok) continue;
      // The audio streams open asynchronously (a resolved promise here): let them start.
      await Promise.resolve();
      await new Promise<void>((r) => setImmediate(r));
      for (let i = 0; i < frames; i++) {
        clock.advance(FRAME_MS);
        if (real) {
          // The frame's datagrams arrive in the next poll phase: one turn each (also lets an
          // INVITE in between frames).
          await new Promise<void>((r) => setImmediate(r));
          if (options.shouldStop?.() === true) break;
          continue;
        }
        // Give the host event loop a turn now and then (an INVITE arriving is not held up, a
        // call's 20 ms timer is not late), and stop when a call has started.
        if (i % WARM_UP_SLICE_FRAMES === WARM_UP_SLICE_FRAMES - 1) {
          await new Promise<void>((r) => setImmediate(r));
          if (options.shouldStop?.() === true) break;
        }
      }
      packetsReceived += sb.diagnostics().transport.rtpPacketsIn;
    } finally {
      sa.dispose();
      sb.dispose();
    }
  }
  return { frames, codecs, packetsReceived };
}
