/**
 * `npm run bench -- media [--seconds N] [--codec PCMU|PCMA|G722|opus] [--suite NAME]
 *                          [--in-process [--calls K] [--block-ms N --block-every-ms M]] [--no-peer] [--no-floor] [--no-phone] [--no-native]`
 *
 * A G.711 SRTP call (by default 60 s, AES_CM_128_HMAC_SHA1_80) between two of our CallMedia
 * instances on 127.0.0.1: real UDP sockets, file audio paced by the real clock (each side plays
 * its own speech-like noise signal; each records the far end). By default each instance is its
 * own Node process (bench/media-leg.ts), as two people's softphones would be, so each process
 * pays for its own wake-ups and the figure compares with baresip's per-process one. With
 * `--in-process`, K calls (2K legs) share this process: the figure per leg is then lower, since
 * the legs share the audio period's wake-ups. Prints JSON lines:
 *
 * Unless `--no-warm-up`, every process of ours warms the media hot path once before the call
 * (media/call/hot-path-warm-up.ts, what the phone's pre-warm runs after registration); its
 * one-off CPU is printed as `mediaHotPathWarmUp`.
 *
 *  - "resources": CPU of each process as % of one core over the call (process.cpuUsage; the idle
 *    process measured first), peak RSS (sampled every 250 ms), timer lateness;
 *  - "delay" per direction: mouth-to-ear delay through our pipeline, measured from the recording
 *    by normalised cross-correlation against the far end's source signal in 1 s windows every
 *    5 s. Sample times are absolute: the capture device "hears" source sample s at
 *    tCaptureStart + s/rate, the playback device plays recorded sample j at
 *    tPlaybackStart + frame + j/rate. The figure includes the 20 ms packetization (a frame must
 *    be complete before it is encoded) and the playout frame, but no sound-card buffers.
 *
 * `--block-ms N --block-every-ms M` busy-waits the main thread N ms every M ms during the call,
 * to see what a stalled event loop does to the audio (the worker-thread question, README.md).
 *
 * Peer, in the same run (skip with `--no-peer`): two baresip 1.0 processes (Debian, C; the interop
 * harness) in the same call - same codec, SRTP AES_CM_128_HMAC_SHA1_80, direct over UDP on
 * 127.0.0.1, file audio in, both directions recorded - CPU and peak RSS of each process from /proc.
 *
 * Floor, in the same run (two-process mode; skip with `--no-floor`): two Node processes that only
 * do what wakes a call's process (bench/media-floor-child.ts) - the part of the figure no Node
 * media code can remove on this machine.
 *
 * In-phone, in the same run (two-process mode; skip with `--no-phone`): our whole phone in a
 * process (bench/media-phone-child.ts), registered through Kamailio, pre-warmed, measured idle and
 * then over one call from baresip: the CPU one call adds to a process running the phone anyway.
 *
 * Native media path, in the same run (two-process mode, G.711; skip with `--no-native`): the same
 * call on native/media-path (bench/media-native-child.ts), negotiated by our offer/answer code and
 * run on the addon's thread: CPU per process, over the process idle, and the delay; and a second
 * in-phone run with the phone's calls on the native path behind the CallMedia port
 * (media/native/native-call-media.ts; SOFTPHONE_MEDIA_PATH=native, where the first in-phone run
 * forces typescript). Both in-phone runs print what the phone heard.
 *
 * Last line (`metric: 'summary'`): the run's figures side by side with their ratios to the floor
 * and to baresip, and the targets (ours per leg ≤ 1.3× the floor; the in-phone added CPU ≤
 * baresip's per leg), checked for the media path the app uses on this machine (`shipped`: native
 * where the addon loads, else typescript).
 */
import { execFile, fork, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { SystemClock } from '../src-main/base/clock.js';
import type { CallCodecName, MediaStats } from '../src-main/media/call-media.js';
import type { CallMediaDiagnostics, CallMediaSession } from '../src-main/media/call/index.js';
import { encodeWav, parseWav } from '../src-main/platform/audio/wav-format.js';
import type { SrtpSuiteName } from '../src-main/protocol/srtp/index.js';
import { generateToneWav } from '../test/interop/harness/audio/test-audio.js';
import { analyseTone } from '../test/interop/harness/audio/tone-analysis.js';
import { startBaresip } from '../test/interop/harness/baresip/baresip.js';
import { startKamailio } from '../test/interop/harness/kamailio/kamailio.js';
import * as v from 'valibot';
import { SrtpSuiteNameSchema, type AccountConfigInput } from '../src-shared/model/account.js';
import { HarnessScope } from '../test/interop/harness/harness-scope.js';
import { checkPeers } from '../test/interop/harness/peers.js';
import { benchEngine, createLeg, type LegConfig, type LegRequest, type LegResult, type Taps } from './media-leg.js';
import type { NativeLegConfig } from './media-native-child.js';
import { NATIVE_SUITES, isNativeSuite, type NativeCodec } from '../src-main/media/native/native-media-leg.js';
import { loadMediaPath, mediaPathProblem, type MediaPathStats } from '@softphone/media-path';

const RATES: Record<CallCodecName, number> = { PCMU: 8000, PCMA: 8000, G722: 16000, opus: 48000 };

interface Args {
  seconds: number;
  codec: CallCodecName;
  suite: SrtpSuiteName;
  calls: number;
  inProcess: boolean;
  blockMs: number;
  blockEveryMs: number;
  loopHistogram: boolean;
  peer: boolean;
  floor: boolean;
  phone: boolean;
  warmUp: boolean;
  native: boolean;
}

function parseArgs(args: string[]): Args {
  const get = (name: string): string | undefined => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  return {
    seconds: Number(get('seconds') ?? 60),
    codec: (get('codec') ?? 'PCMU') as CallCodecName,
    suite: (get('suite') ?? 'AES_CM_128_HMAC_SHA1_80') as SrtpSuiteName,
    calls: Number(get('calls') ?? 1),
    inProcess: args.includes('--in-process'),
    blockMs: Number(get('block-ms') ?? 0),
    blockEveryMs: Number(get('block-every-ms') ?? 1000),
    loopHistogram: args.includes('--loop-histogram'),
    peer: !args.includes('--no-peer'),
    floor: !args.includes('--no-floor'),
    phone: !args.includes('--no-phone'),
    warmUp: !args.includes('--no-warm-up'),
    native: !args.includes('--no-native'),
  };
}

/** Speech-like test signal: band-limited noise in 80-300 ms "syllables" with 40-200 ms pauses; not periodic, so correlation has one peak. */
function speechLike(seconds: number, rate: number, seed: number): Int16Array {
  let x = seed >>> 0 || 1;
  const rnd = (): number => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x1_0000_0000;
  };
  const out = new Int16Array(Math.round(seconds * rate));
  let lp = 0;
  let slow = 0;
  let i = 0;
  while (i < out.length) {
    const on = Math.round((0.08 + 0.22 * rnd()) * rate);
    const gain = 6000 + 6000 * rnd();
    for (let k = 0; k < on && i < out.length; k++, i++) {
      const env = Math.sin((Math.PI * k) / on);
      const w = rnd() * 2 - 1;
      lp += 0.35 * (w - lp); // one-pole low-pass (~500 Hz corner at 8 kHz)
      slow += 0.02 * (lp - slow); // and a high-pass: minus a much slower low-pass
      out[i] = Math.max(-32768, Math.min(32767, Math.round(gain * env * (lp - slow) * 2.5)));
    }
    i += Math.round((0.04 + 0.16 * rnd()) * rate);
  }
  return out;
}

interface DelayFigures {
  readonly windows: number;
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly meanCorrelation: number;
}

/**
 * Delay of `recording` behind `source`: for 1 s windows every 5 s (after the first 2 s), the lag
 * with the highest normalised cross-correlation within 0-500 ms of the absolute alignment.
 */
function measureDelay(source: Int16Array, recording: Int16Array, rate: number, captureStart: number, playbackStart: number, frameMs: number): DelayFigures {
  const win = rate;
  const step = 5 * rate;
  const delays: number[] = [];
  const corrs: number[] = [];
  for (let j0 = 2 * rate; j0 + win <= recording.length; j0 += step) {
    const rec = recording.subarray(j0, j0 + win);
    let recEnergy = 0;
    for (const v of rec) recEnergy += v * v;
    if (recEnergy === 0) continue;
    // s0 for zero delay: the source sample heard when recorded sample j0 is played.
    const zero = Math.round(((playbackStart + frameMs - captureStart) * rate) / 1000) + j0;
    let best = -Infinity;
    let bestS = zero;
    for (let s0 = zero; s0 >= zero - Math.round(0.5 * rate); s0--) {
      if (s0 < 0 || s0 + win > source.length) continue;
      let dot = 0;
      let srcEnergy = 0;
      for (let k = 0; k < win; k++) {
        const a = source[s0 + k]!;
        dot += a * rec[k]!;
        srcEnergy += a * a;
      }
      const c = srcEnergy === 0 ? 0 : dot / Math.sqrt(srcEnergy * recEnergy);
      if (c > best) {
        best = c;
        bestS = s0;
      }
    }
    delays.push(((zero - bestS) * 1000) / rate);
    corrs.push(best);
  }
  const sorted = [...delays].sort((a, b) => a - b);
  return {
    windows: delays.length,
    medianMs: +(sorted[Math.floor(sorted.length / 2)] ?? NaN).toFixed(1),
    minMs: +(sorted[0] ?? NaN).toFixed(1),
    maxMs: +(sorted[sorted.length - 1] ?? NaN).toFixed(1),
    meanCorrelation: +(corrs.reduce((s, c) => s + c, 0) / Math.max(1, corrs.length)).toFixed(3),
  };
}

function percentiles(values: readonly number[]): { p50: number; p99: number; max: number } {
  const v = [...values].sort((a, b) => a - b);
  const at = (q: number): number => +(v[Math.min(v.length - 1, Math.floor(q * v.length))] ?? 0).toFixed(2);
  return { p50: at(0.5), p99: at(0.99), max: +(v[v.length - 1] ?? 0).toFixed(2) };
}

function procCpuTicks(pid: number): number {
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}

function procPeakRssMB(pid: number): number {
  const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m?.[1] === undefined ? NaN : Number(m[1]) / 1024;
}

/** The same call between two baresip processes; CPU of each over the call, from /proc. */
async function baresipPeer(args: Args, emit: (o: object) => void): Promise<void> {
  const codec = args.codec;
  const check = checkPeers(['baresip', 'sox']);
  if (!check.available) {
    emit({ impl: 'baresip', metric: 'resources', skipped: `peer not installed: ${check.missing.join('; ')}` });
    return;
  }
  const scope = HarnessScope.create('media-bench');
  try {
    const a440 = await generateToneWav(join(scope.dir, 'a.wav'), { frequency: 1000, seconds: args.seconds + 15 });
    const b440 = await generateToneWav(join(scope.dir, 'b.wav'), { frequency: 440, seconds: args.seconds + 15 });
    const common = { scope, transport: 'udp' as const, registerInterval: 0, mediaEncryption: 'srtp-mand' as const, codecs: [codec] };
    const b = await startBaresip({ ...common, user: 'bob', answerMode: 'auto', audioSource: { kind: 'file', path: b440 } });
    const a = await startBaresip({ ...common, user: 'alice', audioSource: { kind: 'file', path: a440 } });
    await a.dial(`sip:bob@127.0.0.1:${b.sipPort};transport=udp`);
    await a.waitForEvent('CALL_ESTABLISHED', { timeoutMs: 10_000 });
    const menc = (await a.waitForEvent('CALL_MENC', { timeoutMs: 5000 })) as { param?: string };
    await sleep(1000);
    const from = [procCpuTicks(a.pid), procCpuTicks(b.pid)];
    const t0 = performance.now();
    await sleep(args.seconds * 1000);
    const secs = (performance.now() - t0) / 1000;
    const ticks = 100; // USER_HZ
    const pct = [(procCpuTicks(a.pid) - from[0]!) / ticks / secs * 100, (procCpuTicks(b.pid) - from[1]!) / ticks / secs * 100];
    summary.baresipPerLeg = +((pct[0]! + pct[1]!) / 2).toFixed(2);
    emit({
      impl: 'baresip',
      version: '1.0 (Debian)',
      metric: 'resources',
      codec,
      suite: menc.param?.split(',')[2],
      seconds: args.seconds,
      callLegs: 2,
      cpuPctOfOneCorePerCallLeg: +((pct[0]! + pct[1]!) / 2).toFixed(2),
      cpuPctOfOneCoreEachProcess: pct.map((p) => +p.toFixed(2)),
      rssPeakMBEachProcess: [procPeakRssMB(a.pid), procPeakRssMB(b.pid)].map((m) => +m.toFixed(1)),
    });
    await a.hangup();
  } finally {
    await scope.dispose();
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function cpuPct(fromUsage: NodeJS.CpuUsage, fromWall: number): { total: number; user: number; system: number } {
  const u = process.cpuUsage(fromUsage);
  const wall = performance.now() - fromWall;
  return { total: ((u.user + u.system) / 1000 / wall) * 100, user: (u.user / 1000 / wall) * 100, system: (u.system / 1000 / wall) * 100 };
}

const emit = (o: object): void => void process.stdout.write(`${JSON.stringify({ bench: 'media', impl: 'softphone', ...o })}\n`);

/** The run's headline figures, printed last with their ratios (`metric: 'summary'`). */
interface Summary {
  oursPerLegEachProcess?: number;
  oursPerLegInProcess?: number;
  inPhoneAddedPerCall?: number;
  inPhoneIdle?: number;
  nodeFloorPerProcess?: number;
  baresipPerLeg?: number;
  nativePerLeg?: number;
  nativeAddedOverIdleProcess?: number;
  inPhoneNativeAddedPerCall?: number;
}
const summary: Summary = {};
const ratio = (a: number | undefined, b: number | undefined): number | undefined => (a === undefined || b === undefined || b === 0 ? undefined : +(a / b).toFixed(2));

/** The signals each side plays, written as WAV files. */
function writeSources(dir: string, rate: number, seconds: number, calls: number): Map<string, Int16Array> {
  const sources = new Map<string, Int16Array>();
  for (let i = 0; i < calls; i++) {
    for (const side of ['a', 'b']) {
      const pcm = speechLike(seconds + 10, rate, 0x9e3779b9 ^ (i * 2 + (side === 'a' ? 1 : 2)));
      sources.set(`${side}${i}`, pcm);
      writeFileSync(join(dir, `${side}${i}.wav`), encodeWav(rate, pcm));
    }
  }
  return sources;
}

const legConfig = (args: Args, dir: string, side: 'a' | 'b', i: number): LegConfig => ({
  callId: `${side}${i}`,
  codec: args.codec,
  suite: args.suite,
  playFile: join(dir, `${side}${i}.wav`),
  recordFile: join(dir, `${side}${i}-rec.wav`),
  warmUp: args.warmUp,
});

interface LegOutcome {
  readonly taps: Taps;
  readonly diagnostics: CallMediaDiagnostics;
  readonly stats: MediaStats;
}

/** Delay figures per direction of call i, from the recordings. */
function emitDelays(args: Args, dir: string, rate: number, sources: Map<string, Int16Array>, i: number, legs: { a: LegOutcome; b: LegOutcome }): void {
  for (const [from, to] of [['a', 'b'], ['b', 'a']] as const) {
    const t = legs[to].taps;
    const tf = legs[from].taps;
    const rec = parseWav(new Uint8Array(readFileSync(join(dir, `${to}${i}-rec.wav`))));
    if (!rec.ok || t.playbackStart === undefined || tf.captureStart === undefined) throw new Error('recording or stream start times missing');
    const d = measureDelay(sources.get(`${from}${i}`)!, rec.value.samples, rate, tf.captureStart, t.playbackStart, t.playbackFrameMs ?? 20);
    const jb = legs[to].diagnostics.receiver.jitterBuffer;
    const stats = legs[to].stats;
    emit({
      metric: 'delay',
      direction: `${from}->${to}`,
      call: i,
      codec: args.codec,
      suite: args.suite,
      ...d,
      jitterBufferMeanWaitMs: +(jb?.meanWaitMs ?? NaN).toFixed(1),
      jitterBufferTargetMs: +(jb?.targetDelayMs ?? NaN).toFixed(1),
      jitterBufferGrown: jb?.grown ?? 0,
      jitterBufferShrunk: jb?.shrunk ?? 0,
      concealedFrames: jb?.concealed ?? 0,
      latePackets: jb?.late ?? 0,
      packetsReceived: stats.packetsReceived,
      lossPercent: +stats.lossPercent.toFixed(2),
      srtpAuthFailures: stats.srtpAuthFailures,
      mos: stats.mos === undefined ? undefined : +stats.mos.toFixed(2),
      target: { addedDelayMs: 80 },
    });
  }
}

/** A child process running one leg, with request/response helpers. */
class LegProcess {
  private readonly child: ChildProcess;
  private readonly waiting: { type: string; resolve: (m: Record<string, unknown>) => void; reject: (e: Error) => void }[] = [];

  constructor(script = 'media-leg-child.ts') {
    const here = dirname(fileURLToPath(import.meta.url));
    this.child = fork(join(here, script), [], { execArgv: ['--import', 'tsx', ...(process.env.BENCH_LEG_NODE_OPTIONS ?? '').split(' ').filter(Boolean)], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (m: Record<string, unknown>) => {
      if (m.type === 'error') {
        for (const w of this.waiting.splice(0)) w.reject(new Error(`leg: ${String(m.message)}`));
        return;
      }
      const i = this.waiting.findIndex((w) => w.type === m.type);
      if (i >= 0) this.waiting.splice(i, 1)[0]!.resolve(m);
    });
    this.child.on('exit', (code) => {
      for (const w of this.waiting.splice(0)) w.reject(new Error(`leg process exited (${code})`));
    });
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  expect(type: string): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => this.waiting.push({ type, resolve, reject }));
  }

  async request(message: LegRequest | NativeLegRequest, reply: string): Promise<Record<string, unknown>> {
    const answer = this.expect(reply);
    this.child.send(message);
    return answer;
  }

  /** Ends the child: it exits by itself after its result (so `--cpu-prof` profiles get written); killed after a bound. */
  async stop(boundMs = 5000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    const timer = setTimeout(() => this.child.kill(), boundMs);
    await exited;
    clearTimeout(timer);
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill();
  }
}

/** Two floor processes (media-floor-child.ts) exchanging 50 datagrams/s each way; CPU % of each. */
async function nodeFloor(seconds: number): Promise<{ cpuPct: number; cpuPctBy10s: number[] }[]> {
  const here = dirname(fileURLToPath(import.meta.url));
  const sockets = await Promise.all([0, 1].map(() => new Promise<number>((resolve) => {
    const s = createSocket('udp4');
    s.bind(0, '127.0.0.1', () => {
      const port = s.address().port;
      s.close(() => resolve(port));
    });
  })));
  const run = (me: number, peer: number): Promise<{ cpuPct: number; cpuPctBy10s: number[] }> =>
    new Promise((resolve, reject) => {
      execFile(process.execPath, ['--import', 'tsx', join(here, 'media-floor-child.ts'), String(me), String(peer), String(seconds)], { timeout: (seconds + 30) * 1000 }, (e, stdout) => {
        if (e !== null) reject(e);
        else resolve(JSON.parse(stdout.trim()) as { cpuPct: number; cpuPctBy10s: number[] });
      });
    });
  return Promise.all([run(sockets[0]!, sockets[1]!), run(sockets[1]!, sockets[0]!)]);
}

/**
 * The in-phone figure: our phone (headless, the app's composition) in its own process, registered
 * through Kamailio and pre-warmed, measured idle and then over one call from baresip (through
 * Kamailio, the same codec and SRTP suite, file audio both ways). The added CPU of the call is
 * what the Electron main process, awake for the phone anyway, pays for one call.
 */
async function inPhone(args: Args, dir: string, rate: number, native = false): Promise<void> {
  const impl = native ? 'native' : 'softphone';
  const check = checkPeers(['kamailio', 'baresip', 'sox']);
  if (!check.available) {
    emit({ impl, metric: 'in-phone', skipped: `peers not installed: ${check.missing.join('; ')}` });
    return;
  }
  // An account can name only the suites the contract offers (AES-192 is engine-only).
  const suite = v.safeParse(SrtpSuiteNameSchema, args.suite);
  if (!suite.success) {
    emit({ impl, metric: 'in-phone', skipped: `an account cannot offer ${args.suite}` });
    return;
  }
  const scope = HarnessScope.create('media-bench-phone');
  let child: ChildProcess | undefined;
  try {
    const kam = await startKamailio({ scope, users: [{ user: 'alice', password: 'a' }, { user: 'bob', password: 'b' }] });
    const tone = await generateToneWav(join(scope.dir, 'alice.wav'), { frequency: 1000, seconds: args.seconds + 60 });
    writeFileSync(join(dir, 'phone.wav'), encodeWav(rate, speechLike(args.seconds + 60, rate, 0x5eed)));
    const account: AccountConfigInput = {
      uri: `sip:bob@${kam.domain}`,
      password: 'b',
      outboundProxy: kam.proxyUri('tls'),
      registerExpires: 600,
      tls: { caFiles: [kam.caCertPath] },
      codecs: [args.codec],
      srtpSuites: [suite.output],
    };
    const here = dirname(fileURLToPath(import.meta.url));
    const recordFile = join(dir, native ? 'phone-native-rec.wav' : 'phone-rec.wav');
    const c = fork(join(here, 'media-phone-child.ts'), [JSON.stringify({ account, home: scope.subdir('ours'), playFile: join(dir, 'phone.wav'), recordFile, warmUpCodec: args.warmUp && !native ? args.codec : undefined, native })], {
      execArgv: ['--import', 'tsx', ...(process.env.BENCH_LEG_NODE_OPTIONS ?? '').split(' ').filter(Boolean)],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child = c;
    const next = (type: string, timeoutMs: number): Promise<Record<string, unknown>> =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`in-phone: no ${type} within ${timeoutMs} ms`)), timeoutMs);
        const on = (m: Record<string, unknown>): void => {
          if (m.type === 'error') {
            clearTimeout(timer);
            c.off('message', on);
            reject(new Error(`in-phone: ${String(m.message)}`));
          } else if (m.type === type) {
            clearTimeout(timer);
            c.off('message', on);
            resolve(m);
          }
        };
        c.on('message', on);
      });
    const ready = await next('ready', 60_000);
    // As long as the call (at least 10 s): the idle phone's own periodic work (keep-alives, the
    // registration refresh, the pre-warm's pool) then weighs the same in both windows, so the
    // difference is the call's; a third of it let that work fall in one window and not the other.
    const idleSeconds = Math.max(10, args.seconds);
    const idleReply = next('idle', (idleSeconds + 30) * 1000);
    c.send({ type: 'idle', ms: idleSeconds * 1000 });
    const idle = (await idleReply).cpuPct as number;
    const alice = await startBaresip({ scope, kamailio: kam, user: 'alice', password: 'a', codecs: [args.codec], answerMode: 'manual', audioSource: { kind: 'file', path: tone } });
    await alice.waitForRegistration();
    const answered = next('answered', 20_000);
    await alice.dial(`sip:bob@${kam.domain}`);
    await answered;
    await alice.waitForEvent('CALL_ESTABLISHED', { timeoutMs: 10_000 });
    await sleep(args.seconds * 1000);
    const resultReply = next('result', 30_000);
    c.send({ type: 'stop' });
    const r = await resultReply;
    await alice.hangup().catch(() => undefined);
    const callPct = r.cpuPct as number;
    const added = +(callPct - idle).toFixed(2);
    if (native) summary.inPhoneNativeAddedPerCall = added;
    else {
      summary.inPhoneAddedPerCall = added;
      summary.inPhoneIdle = +idle.toFixed(2);
    }
    // What the phone played: baresip's 1 kHz tone, or the call carried no audio.
    const rec = parseWav(new Uint8Array(readFileSync(recordFile)));
    const heard = rec.ok ? analyseTone({ samples: Float32Array.from(rec.value.samples, (x) => x / 32768), sampleRate: rec.value.sampleRate }, { trimSeconds: 1 }) : undefined;
    emit({
      impl,
      metric: 'in-phone',
      codec: args.codec,
      suite: args.suite,
      seconds: +(r.seconds as number).toFixed(1),
      peer: 'baresip via Kamailio (TLS signalling)',
      idleSeconds,
      idleRegisteredPhoneCpuPct: +idle.toFixed(2),
      phoneDuringCallCpuPct: +callPct.toFixed(2),
      addedCpuPctOfOneCorePerCall: added,
      heard: heard === undefined ? 'no recording' : { dominantHz: +heard.dominantHz.toFixed(1), share: +heard.dominantShare.toFixed(3), rmsDbfs: +heard.rmsDbfs.toFixed(1), seconds: +heard.seconds.toFixed(1) },
      cpuPctBy10s: r.cpuPctBy10s,
      mediaHotPathWarmUp: ready.warmUp ?? null,
      rssMB: +(r.rssMB as number).toFixed(1),
    });
  } catch (e) {
    emit({ impl, metric: 'in-phone', failed: e instanceof Error ? e.message : String(e) });
  } finally {
    if (child !== undefined && child.exitCode === null) {
      const c = child;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          c.kill('SIGKILL');
          resolve();
        }, 5000);
        c.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    await scope.dispose();
  }
}

/** One call between two leg processes: init both, measure, A offers, B answers, `seconds` of call, both results. */
async function callBetween<R>(legs: readonly [LegProcess, LegProcess], init: readonly [LegRequest | NativeLegRequest, LegRequest | NativeLegRequest], seconds: number): Promise<[R, R]> {
  const [a, b] = legs;
  await Promise.all([a.expect('up'), b.expect('up')]);
  await Promise.all([a.request(init[0], 'ready'), b.request(init[1], 'ready')]);
  await Promise.all([a.request({ type: 'measure' }, 'measuring'), b.request({ type: 'measure' }, 'measuring')]);
  const offer = await a.request({ type: 'offer' }, 'offer');
  const answer = await b.request({ type: 'answer', sdp: String(offer.sdp) }, 'answer');
  await a.request({ type: 'apply', sdp: String(answer.sdp) }, 'applied');
  await sleep(seconds * 1000);
  return (await Promise.all([a.request({ type: 'stop' }, 'result'), b.request({ type: 'stop' }, 'result')])) as unknown as [R, R];
}

/** Default: each leg in its own Node process. */
async function runTwoProcesses(args: Args, dir: string, rate: number): Promise<void> {
  const sources = writeSources(dir, rate, args.seconds, 1);
  const a = new LegProcess();
  const b = new LegProcess();
  try {
    const [ra, rb] = await callBetween<LegResult>([a, b], [{ type: 'init', leg: legConfig(args, dir, 'a', 0) }, { type: 'init', leg: legConfig(args, dir, 'b', 0) }], args.seconds);
    const each = [ra, rb];
    summary.oursPerLegEachProcess = +((ra.cpuPctOfOneCore + rb.cpuPctOfOneCore) / 2).toFixed(2);
    emit({
      metric: 'resources',
      codec: args.codec,
      suite: args.suite,
      seconds: args.seconds,
      processes: 2,
      callLegs: 2,
      cpuPctOfOneCorePerCallLeg: +((ra.cpuPctOfOneCore + rb.cpuPctOfOneCore) / 2).toFixed(2),
      cpuPctOfOneCoreEachProcess: each.map((r) => +r.cpuPctOfOneCore.toFixed(2)),
      userPctEachProcess: each.map((r) => +r.userPct.toFixed(2)),
      systemPctEachProcess: each.map((r) => +r.systemPct.toFixed(2)),
      idleProcessCpuPctEachProcess: each.map((r) => +r.idleProcessCpuPct.toFixed(2)),
      rssPeakMBEachProcess: each.map((r) => +r.rssPeakMB.toFixed(1)),
      cpuPctBy10sEachProcess: each.map((r) => r.cpuPctBy10s),
      mediaHotPathWarmUp: each.map((r) => r.warmUp ?? null),
      timerLatenessMs: percentiles([...ra.timerLatenessMs, ...rb.timerLatenessMs]),
      target: { cpuPctOfOneCorePerCall: 2, rssMB: 120 },
    });
    emitDelays(args, dir, rate, sources, 0, { a: ra, b: rb });
    await Promise.all([a.stop(), b.stop()]);
  } finally {
    a.kill();
    b.kill();
  }
  if (args.floor) {
    // What any Node process pays for the same wake-ups (a 20 ms timer, 50 datagrams/s in and out), measured now.
    const floorRuns = await nodeFloor(args.seconds);
    const floor = floorRuns.map((f) => f.cpuPct);
    summary.nodeFloorPerProcess = +((floor[0]! + floor[1]!) / 2).toFixed(2);
    emit({ impl: 'node-floor', metric: 'resources', seconds: args.seconds, processes: 2, cpuPctOfOneCorePerProcess: +((floor[0]! + floor[1]!) / 2).toFixed(2), cpuPctOfOneCoreEachProcess: floor.map((f) => +f.toFixed(2)), cpuPctBy10sEachProcess: floorRuns.map((f) => f.cpuPctBy10s), what: 'empty handlers: a phase-locked 20 ms timer sending one 182-byte datagram, and the peer\'s datagram' });
  }
}

type NativeLegRequest = { readonly type: 'init'; readonly leg: NativeLegConfig } | Exclude<LegRequest, { type: 'init' }>;

interface NativeLegResult {
  readonly cpuPctOfOneCore: number;
  readonly idleProcessCpuPct: number;
  readonly cpuPctBy10s: readonly number[];
  readonly rssMB: number;
  readonly stats: MediaPathStats;
}

/**
 * The same call on the native media path (bench/media-native-child.ts): two Node
 * processes whose main threads only negotiated (the TypeScript offer/answer and SDES), each
 * running the call on the addon's thread. G.711 only.
 */
async function runNativeLegs(args: Args, dir: string, rate: number): Promise<void> {
  if (args.codec !== 'PCMU' && args.codec !== 'PCMA') {
    emit({ impl: 'native', metric: 'resources', skipped: `the native two-process rows play G.711 sources only, not ${args.codec}` });
    return;
  }
  const suite = args.suite;
  if (!isNativeSuite(suite)) {
    emit({ impl: 'native', metric: 'resources', skipped: `the native media path does ${NATIVE_SUITES.join(', ')}, not ${args.suite}` });
    return;
  }
  const problem = mediaPathProblem();
  if (problem !== undefined) {
    emit({ impl: 'native', metric: 'resources', skipped: problem });
    return;
  }
  loadMediaPath(); // fails here, once, rather than in both children
  const sources = writeSources(dir, rate, args.seconds, 1);
  const config = (side: 'a' | 'b'): NativeLegConfig => ({ codec: args.codec as NativeCodec, suite, playFile: join(dir, `${side}0.wav`), recordFile: join(dir, `${side}0-native-rec.wav`), recordSeconds: args.seconds + 5 });
  const a = new LegProcess('media-native-child.ts');
  const b = new LegProcess('media-native-child.ts');
  try {
    const [ra, rb] = await callBetween<NativeLegResult>([a, b], [{ type: 'init', leg: config('a') }, { type: 'init', leg: config('b') }], args.seconds);
    const each = [ra, rb];
    const perLeg = (ra.cpuPctOfOneCore + rb.cpuPctOfOneCore) / 2;
    const idle = (ra.idleProcessCpuPct + rb.idleProcessCpuPct) / 2;
    summary.nativePerLeg = +perLeg.toFixed(2);
    summary.nativeAddedOverIdleProcess = +(perLeg - idle).toFixed(2);
    emit({
      impl: 'native',
      metric: 'resources',
      codec: args.codec,
      suite: args.suite,
      seconds: args.seconds,
      processes: 2,
      cpuPctOfOneCorePerCallLeg: summary.nativePerLeg,
      cpuPctOfOneCoreEachProcess: each.map((r) => +r.cpuPctOfOneCore.toFixed(2)),
      idleProcessCpuPctEachProcess: each.map((r) => +r.idleProcessCpuPct.toFixed(2)),
      addedOverIdleProcessPerLeg: summary.nativeAddedOverIdleProcess,
      cpuPctBy10sEachProcess: each.map((r) => r.cpuPctBy10s),
      rssMBEachProcess: each.map((r) => +r.rssMB.toFixed(1)),
      wakeupsEachProcess: each.map((r) => r.stats.wakeups),
      lateWakeupsOver5msEachProcess: each.map((r) => r.stats.lateWakeups),
      maxLatenessMsEachProcess: each.map((r) => +(r.stats.maxLatenessUs / 1000).toFixed(2)),
    });
    const legs = { a: ra, b: rb };
    for (const [from, to] of [['a', 'b'], ['b', 'a']] as const) {
      const rec = parseWav(new Uint8Array(readFileSync(join(dir, `${to}0-native-rec.wav`))));
      if (!rec.ok) throw new Error('native recording missing');
      const st = legs[to].stats;
      const d = measureDelay(sources.get(`${from}0`)!, rec.value.samples, rate, legs[from].stats.captureStartEpochMs, st.playbackStartEpochMs, 20);
      emit({
        impl: 'native',
        metric: 'delay',
        direction: `${from}->${to}`,
        ...d,
        packetsReceived: st.packetsReceived,
        framesPlayed: st.framesPlayed,
        concealedFrames: st.framesConcealed,
        latePackets: st.latePackets,
        overflowDropped: st.overflowDropped,
        underruns: st.underruns,
        srtpAuthFailures: st.authFailures,
        srtpReplayFailures: st.replayFailures,
      });
    }
    await Promise.all([a.stop(), b.stop()]);
  } finally {
    a.kill();
    b.kill();
  }
}

/** `--in-process`: K calls (2K legs) in this process. */
async function runInProcess(args: Args, dir: string, rate: number): Promise<void> {
  // Idle baseline of this process (timers of nothing, GC).
  const idleFrom = process.cpuUsage();
  const idleWall = performance.now();
  await sleep(2000);
  const idlePct = cpuPct(idleFrom, idleWall).total;

  const clock = new SystemClock();
  const taps = new Map<string, Taps>();
  const engine = benchEngine(clock, taps);
  const sources = writeSources(dir, rate, args.seconds, args.calls);
  const legs: { a: CallMediaSession; b: CallMediaSession; i: number }[] = [];
  for (let i = 0; i < args.calls; i++) {
    legs.push({ a: await createLeg(engine, legConfig(args, dir, 'a', i)), b: await createLeg(engine, legConfig(args, dir, 'b', i)), i });
  }
  // Event-loop delay: the lateness of the 250 ms memory sampler (cheap); the perf_hooks histogram
  // (--loop-histogram) samples every 5 ms and costs ~2 % of a core here by itself.
  const loop = args.loopHistogram ? monitorEventLoopDelay({ resolution: 5 }) : undefined;
  let rssPeak = 0;
  let heapPeak = 0;
  const lateness: number[] = [];
  let expected = performance.now() + 250;
  const sample = (): void => {
    const now = performance.now();
    lateness.push(Math.max(0, now - expected));
    expected = now + 250;
    const m = process.memoryUsage();
    rssPeak = Math.max(rssPeak, m.rss);
    heapPeak = Math.max(heapPeak, m.heapUsed);
  };
  const sampler = setInterval(sample, 250);
  let blocker: NodeJS.Timeout | undefined;
  if (args.blockMs > 0) {
    blocker = setInterval(() => {
      const until = performance.now() + args.blockMs;
      while (performance.now() < until) {
        /* a stalled main thread */
      }
    }, args.blockEveryMs);
  }

  const cpuFrom = process.cpuUsage();
  const wallFrom = performance.now();
  loop?.enable();
  for (const { a, b } of legs) {
    const offer = a.createOffer();
    if (!offer.ok) throw new Error(offer.error.message);
    const answer = b.answerOffer(offer.value);
    if (!answer.ok) throw new Error(answer.error.message);
    const st = a.applyAnswer(answer.value.sdp);
    if (!st.ok) throw new Error(st.error.message);
  }
  await sleep(args.seconds * 1000);
  loop?.disable();
  const callPct = cpuPct(cpuFrom, wallFrom);
  sample();
  clearInterval(sampler);
  if (blocker !== undefined) clearInterval(blocker);

  const outcomes = legs.map(({ a, b, i }) => ({
    i,
    a: { diagnostics: a.diagnostics(), stats: a.stats() },
    b: { diagnostics: b.diagnostics(), stats: b.stats() },
  }));
  for (const { a, b } of legs) {
    a.dispose();
    b.dispose();
  }
  await sleep(300);

  const legsCount = legs.length * 2;
  emit({
    metric: 'resources',
    codec: args.codec,
    suite: args.suite,
    seconds: args.seconds,
    processes: 1,
    calls: args.calls,
    callLegs: legsCount,
    thread: 'main',
    cpuPctOfOneCore: +callPct.total.toFixed(2),
    userPct: +callPct.user.toFixed(2),
    systemPct: +callPct.system.toFixed(2),
    cpuPctOfOneCorePerCallLeg: (summary.oursPerLegInProcess = +((callPct.total - idlePct) / legsCount).toFixed(2)),
    idleProcessCpuPct: +idlePct.toFixed(2),
    rssPeakMB: +(rssPeak / 2 ** 20).toFixed(1),
    heapUsedPeakMB: +(heapPeak / 2 ** 20).toFixed(1),
    timerLatenessMs: percentiles(lateness),
    ...(loop === undefined ? {} : { eventLoopDelayMs: { p50: +(loop.percentile(50) / 1e6).toFixed(2), p99: +(loop.percentile(99) / 1e6).toFixed(2), max: +(loop.max / 1e6).toFixed(2) } }),
    ...(args.blockMs > 0 ? { mainThreadBlockedMs: args.blockMs, everyMs: args.blockEveryMs } : {}),
    target: { cpuPctOfOneCorePerCall: 2, rssMB: 120 },
  });
  for (const o of outcomes) {
    emitDelays(args, dir, rate, sources, o.i, { a: { ...o.a, taps: taps.get(`a${o.i}`) ?? {} }, b: { ...o.b, taps: taps.get(`b${o.i}`) ?? {} } });
  }
}

/**
 * The targets for the media path the app and the CLI use here (SOFTPHONE_MEDIA_PATH=auto): the
 * native one where the addon loads and this run measured it, else the TypeScript one.
 */
function shippedFigures(s: Summary): Record<string, unknown> {
  const native = mediaPathProblem() === undefined && s.nativePerLeg !== undefined;
  const perLeg = native ? s.nativePerLeg : s.oursPerLegEachProcess;
  const added = native ? s.inPhoneNativeAddedPerCall : s.inPhoneAddedPerCall;
  const toFloor = ratio(perLeg, s.nodeFloorPerProcess);
  const addedToBaresip = ratio(added, s.baresipPerLeg);
  return {
    mediaPath: native ? 'native' : 'typescript',
    perLegToFloor: toFloor,
    inPhoneAddedToBaresip: addedToBaresip,
    met: { perLegToFloor: toFloor === undefined ? undefined : toFloor <= 1.3, inPhoneAddedToBaresip: addedToBaresip === undefined ? undefined : addedToBaresip <= 1 },
  };
}

export default async function run(argv: string[]): Promise<void> {
  const args = parseArgs(argv);
  const rate = RATES[args.codec];
  const dir = mkdtempSync(join(tmpdir(), 'media-bench-'));
  try {
    if (args.inProcess) await runInProcess(args, dir, rate);
    else {
      await runTwoProcesses(args, dir, rate);
      if (args.native) await runNativeLegs(args, dir, rate);
      if (args.phone) await inPhone(args, dir, rate);
      if (args.phone && args.native && (args.codec === 'PCMU' || args.codec === 'PCMA') && mediaPathProblem() === undefined) await inPhone(args, dir, rate, true);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (args.peer) await baresipPeer(args, (o) => void process.stdout.write(`${JSON.stringify({ bench: 'media', ...o })}\n`));
  const s = summary;
  emit({
    metric: 'summary',
    codec: args.codec,
    suite: args.suite,
    seconds: args.seconds,
    cpuPctOfOneCore: {
      oursPerLegOneProcessEach: s.oursPerLegEachProcess,
      oursPerLegInProcess: s.oursPerLegInProcess,
      inPhoneAddedPerCall: s.inPhoneAddedPerCall,
      inPhoneIdle: s.inPhoneIdle,
      nodeFloorPerProcess: s.nodeFloorPerProcess,
      baresipPerLeg: s.baresipPerLeg,
      nativePerLeg: s.nativePerLeg,
      nativeAddedOverIdleProcess: s.nativeAddedOverIdleProcess,
      inPhoneNativeAddedPerCall: s.inPhoneNativeAddedPerCall,
    },
    ratios: {
      oursPerLegToFloor: ratio(s.oursPerLegEachProcess, s.nodeFloorPerProcess),
      oursPerLegToBaresip: ratio(s.oursPerLegEachProcess, s.baresipPerLeg),
      inPhoneAddedToBaresip: ratio(s.inPhoneAddedPerCall, s.baresipPerLeg),
      inPhoneAddedToFloor: ratio(s.inPhoneAddedPerCall, s.nodeFloorPerProcess),
      oursInProcessToBaresip: ratio(s.oursPerLegInProcess, s.baresipPerLeg),
      nativeToFloor: ratio(s.nativePerLeg, s.nodeFloorPerProcess),
      nativeToBaresip: ratio(s.nativePerLeg, s.baresipPerLeg),
      nativeAddedToBaresip: ratio(s.nativeAddedOverIdleProcess, s.baresipPerLeg),
      inPhoneNativeAddedToBaresip: ratio(s.inPhoneNativeAddedPerCall, s.baresipPerLeg),
    },
    targets: { oursPerLegToFloor: 1.3, inPhoneAddedToBaresip: 1 },
    shipped: shippedFigures(s),
  });
}
