/**
 * `npm run bench -- media-sound-card [--seconds N] [--only ts|native]`: what a call on sound cards
 * costs, the way the app's calls run, on the TypeScript media path (the app's today) and on the
 * native media path (native/media-path, issue 16), measured in the same run on the same devices.
 *
 * The devices are a PulseAudio loop (test/support/pulse-loop.ts: a private daemon's null sink and
 * its monitor through ALSA `pulse` PCMs): clocked like a sound card, with real device buffers, so
 * naudiodon's and PortAudio's threads do what they do on a laptop. Each sound-card leg runs alone
 * in a child process (bench/media-sound-card-child.ts) at 48 kHz with echo cancellation, as the
 * phone opens its devices; its peer is a TypeScript leg with file audio in this process (not
 * measured). The loop sends the peer's speech back into the leg's microphone, so the echo
 * canceller works on a real echo; what the peer hears back says how well (the echo return loss).
 *
 * Prints one JSON line per leg and a summary with the ratio native ÷ TypeScript. The PulseAudio
 * daemon's own CPU is printed beside each leg (it is paid by both paths alike).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { SystemClock } from '../src-main/base/clock.js';
import type { CallMediaSession } from '../src-main/media/call/index.js';
import { mediaPathProblem } from '@softphone/media-path';
import { checkPeers } from '../test/interop/harness/peers.js';
import { encodeWav, readWav } from '../test/interop/harness/audio/wav.js';
import { rms, speechLike } from '../test/support/echo-simulation.js';
import { PulseLoop } from '../test/support/pulse-loop.js';
import { benchEngine, type Taps } from './media-leg.js';
import type { SoundCardMode } from './media-sound-card-child.js';

const here = dirname(fileURLToPath(import.meta.url));
const RATE = 48000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const emit = (o: object): void => void process.stdout.write(`${JSON.stringify(o)}\n`);

function procCpuTicks(pid: number): number {
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]); // utime + stime (fields 14, 15)
}

class Child {
  private readonly child: ChildProcess;
  private readonly waiting: { type: string; resolve: (m: Record<string, unknown>) => void; reject: (e: Error) => void }[] = [];

  constructor(env: NodeJS.ProcessEnv) {
    this.child = fork(join(here, 'media-sound-card-child.ts'), [], { execArgv: ['--import', 'tsx'], env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (m: Record<string, unknown>) => {
      if (m.type === 'error') {
        for (const w of this.waiting.splice(0)) w.reject(new Error(`sound-card leg: ${String(m.message)}`));
        return;
      }
      const i = this.waiting.findIndex((w) => w.type === m.type);
      if (i >= 0) this.waiting.splice(i, 1)[0]!.resolve(m);
    });
    this.child.on('exit', (code) => {
      for (const w of this.waiting.splice(0)) w.reject(new Error(`sound-card leg exited (${code})`));
    });
  }

  expect(type: string): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => this.waiting.push({ type, resolve, reject }));
  }

  request(message: object, reply: string): Promise<Record<string, unknown>> {
    const answer = this.expect(reply);
    this.child.send(message);
    return answer;
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill();
  }
}

async function leg(mode: SoundCardMode, loop: PulseLoop, seconds: number): Promise<{ cpuPct: number }> {
  const clock = new SystemClock();
  const taps = new Map<string, Taps>();
  const peerEngine = benchEngine(clock, taps);
  const source = speechLike(8000, seconds + 20, 5, -20).signal.map((v) => v / 32768);
  const playFile = join(loop.home, `peer-${mode}.wav`);
  const recordFile = join(loop.home, `peer-heard-${mode}.wav`);
  writeFileSync(playFile, encodeWav(Float32Array.from(source), 8000));
  const child = new Child(loop.env());
  try {
    await child.expect('up');
    await child.request({ type: 'init', mode }, 'ready');
    const made = await peerEngine.create({ callId: `peer-${mode}`, codecs: ['PCMU'], srtpSuites: ['AES_CM_128_HMAC_SHA1_80'], srtp: 'mandatory', signalling: 'tls', allowInsecureSdes: false, localAddress: '127.0.0.1', audio: { playFile, recordFile } });
    if (!made.ok) throw new Error(made.error.message);
    const peer = made.value as CallMediaSession;
    try {
      const offer = (await child.request({ type: 'offer' }, 'offer')).sdp as string;
      const answer = peer.answerOffer(offer);
      if (!answer.ok) throw new Error(answer.error.message);
      await child.request({ type: 'apply', sdp: answer.value.sdp }, 'applied');
      await sleep(3000); // the streams and the echo canceller settle
      await child.request({ type: 'measure' }, 'measuring');
      const pulseFrom = procCpuTicks(loop.daemon.pid);
      const t0 = performance.now();
      await sleep(seconds * 1000);
      const pulsePct = ((procCpuTicks(loop.daemon.pid) - pulseFrom) / 100 / ((performance.now() - t0) / 1000)) * 100;
      const r = await child.request({ type: 'stop' }, 'result');
      peer.dispose();
      await sleep(200);
      const heard = readWav(recordFile).channelData[0]!;
      const from = 8 * 8000;
      const to = Math.min(heard.length, (seconds + 3) * 8000);
      const sent = rms(source, from, to);
      const back = rms(heard, from, to);
      emit({
        impl: mode === 'ts' ? 'ours-typescript' : 'native',
        metric: 'sound-card-call',
        seconds,
        devices: 'PulseAudio null sink + its monitor (ALSA pulse PCMs), 48 kHz mono, echo cancellation on',
        cpuPctOfOneCore: +(r.cpuPctOfOneCore as number).toFixed(2),
        idleProcessCpuPct: +(r.idleProcessCpuPct as number).toFixed(2),
        cpuPctBy10s: r.cpuPctBy10s,
        rssMB: +(r.rssMB as number).toFixed(1),
        pulseaudioDaemonCpuPct: +pulsePct.toFixed(2),
        echoReturnLossDb: +(20 * Math.log10(sent / Math.max(1e-9, back))).toFixed(1),
        stats: r.stats,
      });
      return { cpuPct: r.cpuPctOfOneCore as number };
    } finally {
      peer.dispose();
    }
  } finally {
    child.kill();
  }
}

export default async function run(argv: string[]): Promise<void> {
  let seconds = 60;
  let only: SoundCardMode | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--seconds') seconds = Number(argv[++i]);
    else if (argv[i] === '--only') only = argv[++i] as SoundCardMode;
  }
  const peers = checkPeers(['pulseaudio']);
  if (!peers.available) {
    emit({ bench: 'media-sound-card', skipped: `peer not installed: ${peers.missing.join('; ')}` });
    return;
  }
  const nativeProblem = mediaPathProblem();
  const modes: SoundCardMode[] = only !== undefined ? [only] : nativeProblem === undefined ? ['ts', 'native'] : ['ts'];
  if (nativeProblem !== undefined) emit({ impl: 'native', metric: 'sound-card-call', skipped: nativeProblem });
  const loop = await PulseLoop.start(RATE);
  try {
    const results = new Map<SoundCardMode, number>();
    for (const mode of modes) results.set(mode, (await leg(mode, loop, seconds)).cpuPct);
    const ts = results.get('ts');
    const native = results.get('native');
    emit({
      summary: 'media-sound-card',
      seconds,
      typescriptPct: ts === undefined ? undefined : +ts.toFixed(2),
      nativePct: native === undefined ? undefined : +native.toFixed(2),
      nativeOverTypescript: ts === undefined || native === undefined ? undefined : +(native / ts).toFixed(2),
    });
  } finally {
    await loop.stop();
  }
}
