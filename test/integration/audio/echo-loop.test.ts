/**
 * Echo cancellation on the real-time path: a private PulseAudio daemon with a null sink (no
 * sound card), ALSA `pulse` PCMs for its input (the speaker) and its monitor (the microphone),
 * and a child process (echo-loop-child.ts) that plays a speech-like far end through a synthetic
 * room into the speaker and runs the speexdsp canceller on what the microphone hears, through
 * naudiodon and PortAudio in real time, as the call pipeline does. The echo's delay is whatever
 * the real buffers make it; the ERLE is measured here on the recordings.
 *
 * Needs Debian's pulseaudio and libasound2-plugins (requirePeers: a loud skip where missing;
 * under CI=true a failure), a built naudiodon and the speexdsp-aec addon (npm ci).
 */
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requirePeers } from '../../interop/harness/peers.js';
import { convolve, correlation, echoImpulseResponse, speechLike, toInt16 } from '../../support/echo-simulation.js';
import { LOOP_MICROPHONE, LOOP_SPEAKER, PulseLoop } from '../../support/pulse-loop.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = join(here, '..', '..', '..');
const child = join(here, 'echo-loop-child.ts');
const RATE = 16000;
const FRAME = 320;
const SECONDS = 10;
const SEED = 1;

const peers = requirePeers(['pulseaudio']);
const nodeModulesProblem = ((): string | undefined => {
  const r = spawnSync(process.execPath, ['-e', "require('naudiodon'); require('@softphone/speexdsp-aec')"], { cwd: repoRoot, encoding: 'utf8' });
  return r.status === 0 ? undefined : `naudiodon or @softphone/speexdsp-aec does not load (run npm ci): ${r.stderr.split('\n').slice(0, 3).join(' ')}`;
})();
if (nodeModulesProblem !== undefined) {
  if (process.env.CI === 'true') throw new Error(`CI=true: ${nodeModulesProblem}`);
  console.warn(`\n${'!'.repeat(78)}\n!! echo-loop integration SKIPPED: ${nodeModulesProblem}\n${'!'.repeat(78)}\n`);
}
// Skips only where a Debian peer or a native module is missing (both print why); never under CI=true.
const suite = peers.available && nodeModulesProblem === undefined ? describe : describe.skip;

let loop: PulseLoop | undefined;

beforeAll(async () => {
  if (!peers.available || nodeModulesProblem !== undefined) return;
  loop = await PulseLoop.start(RATE);
}, 30_000);

afterAll(async () => {
  await loop?.stop();
});

interface LoopResult {
  ok: boolean;
  error?: unknown;
  frames: number;
  mic: string;
  out: string;
  stats: { aec: Record<string, number>; playback: Record<string, number>; capture: Record<string, number> };
}

const decode = (s: string): Int16Array => {
  const b = Buffer.from(s, 'base64');
  return new Int16Array(b.buffer, b.byteOffset, b.byteLength >> 1);
};

suite('echo cancellation on a real-time loop (naudiodon → ALSA pulse → PulseAudio null sink → monitor)', () => {
  it('cancels ≥ 20 dB of a real-time echo (synthetic room, real buffers) once converged, without far-end under- or overruns after the first alignment', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', child, `ALSA:${LOOP_SPEAKER}`, `ALSA:${LOOP_MICROPHONE}`, String(RATE), String(FRAME), String(SECONDS), String(SEED)], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: loop!.env(),
      timeout: 60_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    const line = r.stdout.split('\n').find((l) => l.startsWith('RESULT '));
    expect(line, `child status ${r.status}: ${r.stderr.slice(-2000)}`).toBeDefined();
    const result = JSON.parse(line!.slice(7)) as LoopResult;
    expect(result.ok, JSON.stringify(result.error)).toBe(true);
    const mic = decode(result.mic);
    const out = decode(result.out);

    // What the speaker played (the far end through the synthetic room), and where it shows up
    // in the microphone: the offset between the two streams, found by cross-correlation.
    const far = speechLike(RATE, SECONDS, SEED, -20);
    const speaker = toInt16(convolve(Float64Array.from(toInt16(far.signal)), echoImpulseResponse(RATE, { deviceLatencyMs: 0, roomDelayMs: 0, gainDb: -8, rt60Ms: 150, tailMs: 100 }, SEED + 1)));
    const offset = (fromS: number, toS: number): { lag: number; c: number } => {
      let best = { lag: 0, c: -1 };
      for (let lag = -RATE; lag <= RATE; lag += 1) {
        const c = lag >= 0 ? correlation(mic.subarray(lag), speaker, fromS * RATE, toS * RATE) : correlation(mic, speaker.subarray(-lag), fromS * RATE, toS * RATE);
        if (c > best.c) best = { lag, c };
      }
      return best;
    };
    const best = offset(1, 3);
    expect(best.c, 'the microphone hears the speaker').toBeGreaterThan(0.99);
    expect(offset(6, 9).lag, 'the path keeps its delay (no dropped or doubled buffers)').toBe(best.lag);

    const erle = (fromS: number, toS: number): number => {
      let em = 0;
      let eo = 0;
      for (let i = fromS * RATE; i < Math.min(toS * RATE, mic.length); i++) {
        const j = i - best.lag;
        if (j < 0 || j >= far.active.length || far.active[j] !== 1) continue;
        em += mic[i]! * mic[i]!;
        eo += out[i]! * out[i]!;
      }
      return 10 * Math.log10(em / Math.max(1, eo));
    };
    const figures = { streamOffsetMs: (best.lag / RATE) * 1000, erle0to2s: erle(0, 2), erle2to5s: erle(2, 5), erle6to10s: erle(6, SECONDS), aec: result.stats.aec };
    console.log(`echo loop (real time, ${RATE} Hz, ${FRAME}-sample frames): ${JSON.stringify(figures)}`);
    expect(figures.erle6to10s).toBeGreaterThanOrEqual(20);
    expect(result.stats.aec['frames']).toBe(result.frames);
    expect(result.stats.aec['realignments']).toBeLessThanOrEqual(3);
    // 10 s of real-time audio in the child, then a cross-correlation over ±1 s of lags: about 29 s
    // alone on 2 cores, so vitest's 30 s default failed it under a full run's load. A bound, not a figure.
  }, 120_000);
});
