/**
 * One sound-card leg of `npm run bench -- media-sound-card` (bench/media-sound-card.bench.ts), alone
 * in its process, on the PulseAudio loop's devices (test/support/pulse-loop.ts; the parent gives
 * this process the loop's environment, so PortAudio reads its ALSA configuration):
 *  - `ts`: the app's media path - CallMediaEngine with the sound-card provider the phone builds
 *    (deviceAudioProvider over NaudiodonAudioPort at 48 kHz, the speexdsp echo canceller), after
 *    the media hot-path warm-up the phone's pre-warm runs;
 *  - `native`: the native media path (bench/native/native-media-leg.ts) on the same devices, with
 *    its echo canceller.
 * Driven by the parent over IPC: init → offer → apply → measure → stop (→ result).
 */
import { performance } from 'node:perf_hooks';
import { SystemClock } from '../src-main/base/clock.js';
import { CryptoRng } from '../src-main/base/rng.js';
import { PcmFifo } from '../src-main/media/audio/pcm-fifo.js';
import { CallMediaEngine, createDefaultCodecRegistry, deviceAudioProvider, warmCallMediaHotPath, type CallMediaSession } from '../src-main/media/call/index.js';
import { NaudiodonAudioPort } from '../src-main/platform/audio/naudiodon-audio-port.js';
import { speexEchoCancellerFactory } from '../src-main/platform/audio/speex-echo-canceller.js';
import { NodeRtpSocketFactory } from '../src-main/platform/net/rtp-socket.js';
import { LOOP_MICROPHONE, LOOP_SPEAKER } from '../test/support/pulse-loop.js';
import { CpuMeter, cpuPctSince } from './cpu-meter.js';
import { NativeMediaLeg } from '../src-main/media/native/native-media-leg.js';
import { loadMediaPath } from '@softphone/media-path';

export type SoundCardMode = 'ts' | 'native';

const send = (m: object): void => void process.send?.(m);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const SUITE = 'AES_CM_128_HMAC_SHA1_80';

// Idle baseline of this process before any media exists.
const idleFrom = process.cpuUsage();
const idleWall = performance.now();
await sleep(2000);
const idlePct = cpuPctSince(idleFrom, idleWall);

interface Leg {
  offer(): string;
  apply(sdp: string): void;
  stats(): unknown;
  close(): void;
}

async function tsLeg(): Promise<Leg> {
  const clock = new SystemClock();
  const rng = new CryptoRng();
  const warmFrom = process.cpuUsage();
  await warmCallMediaHotPath({ registry: createDefaultCodecRegistry(), rng, codecs: ['PCMU'] });
  const warmUpCpuMs = (process.cpuUsage(warmFrom).user + process.cpuUsage(warmFrom).system) / 1000;
  const port = new NaudiodonAudioPort({ clock, createFifo: (n) => new PcmFifo(n), stallTimeoutMs: 3000 });
  const audio = deviceAudioProvider(port, () => ({ captureDeviceId: `ALSA:${LOOP_MICROPHONE}`, playbackDeviceId: `ALSA:${LOOP_SPEAKER}`, sampleRate: 48000, echoCancellation: true }), undefined, speexEchoCancellerFactory());
  const engine = new CallMediaEngine({ clock, rng, sockets: new NodeRtpSocketFactory(), audio });
  const made = await engine.create({ callId: 'sound-card', codecs: ['PCMU'], srtpSuites: [SUITE], srtp: 'mandatory', signalling: 'tls', allowInsecureSdes: false, localAddress: '127.0.0.1' });
  if (!made.ok) throw new Error(`${made.error.code}: ${made.error.message}`);
  const media = made.value as CallMediaSession;
  return {
    offer: () => {
      const r = media.createOffer();
      if (!r.ok) throw new Error(r.error.message);
      return r.value;
    },
    apply: (sdp) => {
      const r = media.applyAnswer(sdp);
      if (!r.ok) throw new Error(r.error.message);
    },
    stats: () => ({ warmUpCpuMs: +warmUpCpuMs.toFixed(1), ...media.diagnostics() }),
    close: () => {
      media.dispose();
      port.dispose();
    },
  };
}

function nativeLeg(): Leg {
  const leg = new NativeMediaLeg({ addon: loadMediaPath(), address: '127.0.0.1', codec: 'PCMU', suite: SUITE, rng: new CryptoRng(), audio: { capture: LOOP_MICROPHONE, playback: LOOP_SPEAKER, rate: 48000, echoCancellation: true } });
  return {
    offer: () => leg.createOffer(),
    apply: (sdp) => void leg.applyAnswer(sdp),
    stats: () => leg.stats(),
    close: () => leg.close(),
  };
}

let leg: Leg | undefined;
let measuring: CpuMeter | undefined;

process.on('message', (m: { type: string; mode?: SoundCardMode; sdp?: string }) => {
  void (async () => {
    try {
      if (m.type === 'init') {
        leg = m.mode === 'native' ? nativeLeg() : await tsLeg();
        send({ type: 'ready' });
      } else if (m.type === 'offer') send({ type: 'offer', sdp: leg!.offer() });
      else if (m.type === 'apply') {
        leg!.apply(m.sdp!);
        send({ type: 'applied' });
      } else if (m.type === 'measure') {
        measuring = new CpuMeter();
        send({ type: 'measuring' });
      } else if (m.type === 'stop') {
        const { cpuPct, cpuPctBy10s } = measuring!.stop();
        const stats = leg!.stats();
        leg!.close();
        send({ type: 'result', cpuPctOfOneCore: cpuPct, idleProcessCpuPct: idlePct, cpuPctBy10s, rssMB: process.memoryUsage.rss() / 2 ** 20, stats });
        process.disconnect?.();
      }
    } catch (e) {
      send({ type: 'error', message: e instanceof Error ? e.message : String(e) });
    }
  })();
});
send({ type: 'up' });
