/**
 * One leg of the media benchmark's call (bench/media.bench.ts): a CallMediaEngine with file
 * audio whose stream start times are tapped, usable in the benchmark's own process
 * (`--in-process`) or alone in a child process (the default: one Node process per softphone, as
 * two people's softphones would run), driven by the parent over the IPC channel.
 */
import { performance } from 'node:perf_hooks';
import { SystemClock, type Clock } from '../src-main/base/clock.js';
import { ok } from '../src-main/base/result.js';
import { CryptoRng } from '../src-main/base/rng.js';
import type { AudioDevicePort, AudioStreamOptions, CaptureStream, PlaybackStream } from '../src-main/media/audio/audio-port.js';
import { resampleAll } from '../src-main/media/audio/resampler.js';
import type { CallCodecName } from '../src-main/media/call-media.js';
import { CallMediaEngine, createDefaultCodecRegistry, warmCallMediaHotPath, type CallAudioProvider, type CallMediaDiagnostics, type CallMediaSession } from '../src-main/media/call/index.js';
import type { MediaStats } from '../src-main/media/call-media.js';
import { FileAudioPort } from '../src-main/platform/audio/file-audio-port.js';
import { NodeRtpSocketFactory } from '../src-main/platform/net/rtp-socket.js';
import type { SrtpSuiteName } from '../src-main/protocol/srtp/index.js';

/** Stream start times, in ms since the Unix epoch (comparable across processes). */
export interface Taps {
  captureStart?: number;
  playbackStart?: number;
  playbackFrameMs?: number;
}

const epochMs = (monotonic: number): number => performance.timeOrigin + monotonic;

/** An AudioDevicePort that notes when its streams start (the moments sample 0 is heard / played). */
export function tapped(inner: AudioDevicePort, clock: Clock, taps: Taps): AudioDevicePort {
  return {
    backend: inner.backend,
    onDevicesChanged: inner.onDevicesChanged,
    listDevices: () => inner.listDevices(),
    async openCapture(o: AudioStreamOptions) {
      const r = await inner.openCapture(o);
      if (!r.ok) return r;
      const s = r.value;
      const wrapped: CaptureStream = {
        deviceId: s.deviceId,
        sampleRate: s.sampleRate,
        frameSamples: s.frameSamples,
        onError: s.onError,
        onFrame: s.onFrame,
        stats: () => s.stats(),
        start: () => {
          const at = clock.monotonic();
          s.start();
          // Clock-paced streams start on their period's next boundary and say when.
          taps.captureStart = epochMs(s.stats().startedAt ?? at);
        },
        dispose: () => s.dispose(),
      };
      return ok(wrapped);
    },
    async openPlayback(o: AudioStreamOptions) {
      const r = await inner.openPlayback(o);
      if (!r.ok) return r;
      const s = r.value;
      const wrapped: PlaybackStream = {
        deviceId: s.deviceId,
        sampleRate: s.sampleRate,
        frameSamples: s.frameSamples,
        onError: s.onError,
        setSource: (source) => s.setSource(source),
        stats: () => s.stats(),
        start: () => {
          const at = clock.monotonic();
          taps.playbackFrameMs = (o.frameSamples * 1000) / o.sampleRate;
          s.start();
          taps.playbackStart = epochMs(s.stats().startedAt ?? at);
        },
        dispose: () => s.dispose(),
      };
      return ok(wrapped);
    },
    dispose: () => inner.dispose(),
  };
}

export interface LegConfig {
  readonly callId: string;
  readonly codec: CallCodecName;
  readonly suite: SrtpSuiteName;
  readonly playFile: string;
  readonly recordFile: string;
  /** Warm the media hot path before the call (warmCallMediaHotPath, as the phone's pre-warm does). */
  readonly warmUp?: boolean;
}

/** What the hot-path warm-up cost this process, once (CPU of every thread, ms). */
export interface WarmUpFigures {
  readonly cpuMs: number;
  readonly wallMs: number;
  readonly frames: number;
}

/** Runs warmCallMediaHotPath for `codec` and measures it. */
export async function warmUp(codec: CallCodecName): Promise<WarmUpFigures> {
  const from = process.cpuUsage();
  const wall = performance.now();
  // BENCH_WARM_UP_SOCKETS=real: warm on loopback UDP sockets (the calls' own factory) instead of in-memory ones.
  const sockets = process.env.BENCH_WARM_UP_SOCKETS === 'real' ? { sockets: new NodeRtpSocketFactory() } : {};
  const r = await warmCallMediaHotPath({ registry: createDefaultCodecRegistry(), rng: new CryptoRng(), codecs: [codec], ...sockets });
  const u = process.cpuUsage(from);
  return { cpuMs: +((u.user + u.system) / 1000).toFixed(1), wallMs: +(performance.now() - wall).toFixed(1), frames: r.frames };
}

/** Media engines whose file audio is tapped; `taps` is filled per call id. */
export function benchEngine(clock: Clock, taps: Map<string, Taps>): CallMediaEngine {
  const audio: CallAudioProvider = {
    open: ({ callId, audio: files }) => {
      const t: Taps = {};
      taps.set(callId, t);
      const port = new FileAudioPort({ clock, ...(files?.playFile === undefined ? {} : { inputPath: files.playFile }), ...(files?.recordFile === undefined ? {} : { outputPath: files.recordFile }), loop: false, resample: (p, a, b) => resampleAll(p, a, b) });
      return ok({ port: tapped(port, clock, t), owned: true });
    },
  };
  return new CallMediaEngine({ clock, rng: new CryptoRng(), sockets: new NodeRtpSocketFactory(), audio });
}

export async function createLeg(engine: CallMediaEngine, leg: LegConfig): Promise<CallMediaSession> {
  const base = { srtp: 'mandatory' as const, signalling: 'tls' as const, allowInsecureSdes: false, localAddress: '127.0.0.1', codecs: [leg.codec], srtpSuites: [leg.suite] };
  const r = await engine.create({ ...base, callId: leg.callId, audio: { playFile: leg.playFile, recordFile: leg.recordFile } });
  if (!r.ok) throw new Error(`could not create the call media: ${r.error.message}`);
  return r.value as CallMediaSession;
}

/** Parent → child messages. */
export type LegRequest =
  | { readonly type: 'init'; readonly leg: LegConfig }
  | { readonly type: 'offer' }
  | { readonly type: 'answer'; readonly sdp: string }
  | { readonly type: 'apply'; readonly sdp: string }
  | { readonly type: 'measure' }
  | { readonly type: 'stop' };

export interface LegResult {
  readonly type: 'result';
  readonly cpuPctOfOneCore: number;
  readonly userPct: number;
  readonly systemPct: number;
  readonly idleProcessCpuPct: number;
  readonly rssPeakMB: number;
  readonly heapUsedAtEndMB: number;
  readonly timerLatenessMs: readonly number[];
  /** CPU % of one core in successive 10 s windows of the call (JIT tiering, GC). */
  readonly cpuPctBy10s: readonly number[];
  readonly taps: Taps;
  readonly diagnostics: CallMediaDiagnostics;
  readonly stats: MediaStats;
  readonly warmUp: WarmUpFigures | undefined;
}

/** Child process side: one leg, driven by LegRequest messages. */
export async function runLegChild(): Promise<void> {
  const send = (m: object): void => void process.send?.(m);
  const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
  // Idle baseline of this process (timers of nothing, GC), before any media exists.
  const idleFrom = process.cpuUsage();
  const idleWall = performance.now();
  await sleep(2000);
  const idle = process.cpuUsage(idleFrom);
  const idlePct = ((idle.user + idle.system) / 1000 / (performance.now() - idleWall)) * 100;

  const clock = new SystemClock();
  const taps = new Map<string, Taps>();
  const engine = benchEngine(clock, taps);
  let session: CallMediaSession | undefined;
  let leg: LegConfig | undefined;
  let warmed: WarmUpFigures | undefined;
  let measuring: { cpu: NodeJS.CpuUsage; wall: number; sampler: NodeJS.Timeout; rss: number; heap: number; lateness: number[]; windows: number[] } | undefined;

  process.on('message', (m: LegRequest) => {
    void (async () => {
      try {
        if (m.type === 'init') {
          leg = m.leg;
          if (leg.warmUp === true) warmed = await warmUp(leg.codec);
          session = await createLeg(engine, leg);
          send({ type: 'ready' });
        } else if (m.type === 'offer') {
          const o = session!.createOffer();
          if (!o.ok) throw new Error(o.error.message);
          send({ type: 'offer', sdp: o.value });
        } else if (m.type === 'answer') {
          const a = session!.answerOffer(m.sdp);
          if (!a.ok) throw new Error(a.error.message);
          send({ type: 'answer', sdp: a.value.sdp });
        } else if (m.type === 'apply') {
          const st = session!.applyAnswer(m.sdp);
          if (!st.ok) throw new Error(st.error.message);
          send({ type: 'applied' });
        } else if (m.type === 'measure') {
          let expected = performance.now() + 250;
          const state = { cpu: process.cpuUsage(), wall: performance.now(), rss: 0, heap: 0, lateness: [] as number[], windows: [] as number[], sampler: undefined as unknown as NodeJS.Timeout };
          let windowFrom = process.cpuUsage();
          let windowWall = performance.now();
          state.sampler = setInterval(() => {
            const now = performance.now();
            if (now - windowWall >= 10_000) {
              const w = process.cpuUsage(windowFrom);
              state.windows.push(((w.user + w.system) / 1000 / (now - windowWall)) * 100);
              windowFrom = process.cpuUsage();
              windowWall = now;
            }
            state.lateness.push(Math.max(0, now - expected));
            expected = now + 250;
            state.rss = Math.max(state.rss, process.memoryUsage.rss());
          }, 250);
          measuring = state;
          send({ type: 'measuring' });
        } else if (m.type === 'stop') {
          const s = measuring!;
          const u = process.cpuUsage(s.cpu);
          const wall = performance.now() - s.wall;
          clearInterval(s.sampler);
          const mem = process.memoryUsage();
          const diagnostics = session!.diagnostics();
          const stats = session!.stats();
          session!.dispose();
          await sleep(300);
          const result: LegResult = {
            type: 'result',
            cpuPctOfOneCore: ((u.user + u.system) / 1000 / wall) * 100,
            userPct: (u.user / 1000 / wall) * 100,
            systemPct: (u.system / 1000 / wall) * 100,
            idleProcessCpuPct: idlePct,
            rssPeakMB: Math.max(s.rss, mem.rss) / 2 ** 20,
            heapUsedAtEndMB: mem.heapUsed / 2 ** 20,
            timerLatenessMs: s.lateness,
            cpuPctBy10s: s.windows.map((w) => +w.toFixed(2)),
            taps: taps.get(leg!.callId) ?? {},
            diagnostics,
            stats,
            warmUp: warmed,
          };
          send(result);
          process.disconnect?.();
        }
      } catch (e) {
        send({ type: 'error', message: e instanceof Error ? e.message : String(e) });
      }
    })();
  });
  send({ type: 'up' });
}
