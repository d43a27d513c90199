/**
 * One leg of the media benchmark's call on the native media path prototype (issue 16;
 * bench/native/native-media-leg.ts): a Node process whose main thread only negotiates and then
 * sleeps, while the addon's thread runs the call. Driven by the parent over IPC like
 * media-leg-child.ts: init → offer | answer | apply → measure → stop (→ result).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { CryptoRng } from '../src-main/base/rng.js';
import { encodeWav, parseWav } from '../src-main/platform/audio/wav-format.js';
import { CpuMeter, cpuPctSince } from './cpu-meter.js';
import { NativeMediaLeg, type NativeCodec, type NativeSuite } from '../src-main/media/native/native-media-leg.js';
import { loadMediaPath } from '@softphone/media-path';

export interface NativeLegConfig {
  readonly codec: NativeCodec;
  readonly suite: NativeSuite;
  readonly playFile: string;
  readonly recordFile: string;
  readonly recordSeconds: number;
}

const send = (m: object): void => void process.send?.(m);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

// Idle baseline of this process before any media exists (as media-leg-child.ts measures it).
const idleFrom = process.cpuUsage();
const idleWall = performance.now();
await sleep(2000);
const idlePct = cpuPctSince(idleFrom, idleWall);

let leg: NativeMediaLeg | undefined;
let config: NativeLegConfig | undefined;
let measuring: CpuMeter | undefined;

process.on('message', (m: { type: string; leg?: NativeLegConfig; sdp?: string }) => {
  try {
    if (m.type === 'init') {
      config = m.leg!;
      const wav = parseWav(new Uint8Array(readFileSync(config.playFile)));
      if (!wav.ok || wav.value.sampleRate !== 8000) throw new Error('the source must be an 8 kHz WAV');
      leg = new NativeMediaLeg({ addon: loadMediaPath(), address: '127.0.0.1', codec: config.codec, suite: config.suite, rng: new CryptoRng(), source: wav.value.samples, recordSeconds: config.recordSeconds });
      send({ type: 'ready' });
    } else if (m.type === 'offer') send({ type: 'offer', sdp: leg!.createOffer() });
    else if (m.type === 'answer') send({ type: 'answer', sdp: leg!.answerOffer(m.sdp!) });
    else if (m.type === 'apply') {
      leg!.applyAnswer(m.sdp!);
      send({ type: 'applied' });
    } else if (m.type === 'measure') {
      measuring = new CpuMeter(); // 10 s windows only, as the floor child: the measurement itself must not wake the process more
      send({ type: 'measuring' });
    } else if (m.type === 'stop') {
      const { cpuPct, cpuPctBy10s } = measuring!.stop();
      const { recording, stats } = leg!.stop();
      leg!.close();
      writeFileSync(config!.recordFile, encodeWav(8000, recording));
      send({ type: 'result', cpuPctOfOneCore: cpuPct, idleProcessCpuPct: idlePct, cpuPctBy10s, rssMB: process.memoryUsage.rss() / 2 ** 20, stats });
      process.disconnect?.();
    }
  } catch (e) {
    send({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  }
});
send({ type: 'up' });
