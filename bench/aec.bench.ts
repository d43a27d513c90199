/**
 * `npm run bench -- aec [SECONDS]`: the speexdsp echo canceller (native/speexdsp-aec) on the
 * synthetic room of test/support/echo-simulation.ts (speech-like far end, 40 ms device latency
 * + 50 ms room delay, direct path -8 dB, RT60 150 ms, noise -70 dBFS; 200 ms tail), at 16 and
 * 48 kHz with 10 and 20 ms frames, with and without residual-echo suppression. One JSON line per
 * case: ERLE after 4 s and after 10 s (48 kHz converges slower), and CPU per frame (playback +
 * capture, measured over the whole run as the pipeline would call it).
 */
import { performance } from 'node:perf_hooks';
import { speexEchoCancellerFactory } from '../src-main/platform/audio/speex-echo-canceller.js';
import { erleDb, makeEchoScenario, runCanceller } from '../test/support/echo-simulation.js';

export default async function run(args: string[]): Promise<void> {
  const seconds = Number(args[0] ?? 16);
  const factory = speexEchoCancellerFactory();
  for (const rate of [16000, 48000]) {
    const scenario = makeEchoScenario({ rate, seconds, seed: 1 });
    for (const frameMs of [10, 20]) {
      for (const residualEchoSuppression of [false, true]) {
        const frameSamples = (rate * frameMs) / 1000;
        const made = factory({ sampleRate: rate, frameSamples, residualEchoSuppression });
        if (!made.ok) throw new Error(`${made.error.code}: ${made.error.message}`);
        const aec = made.value;
        const t0 = performance.now();
        const out = runCanceller(aec, scenario.far, scenario.mic);
        const elapsed = performance.now() - t0;
        const frames = out.length / frameSamples;
        const msPerFrame = elapsed / frames;
        aec.dispose();
        process.stdout.write(
          `${JSON.stringify({
            bench: 'aec',
            impl: 'speexdsp 1.2.1 (addon, kiss_fft, float)',
            sampleRate: rate,
            frameMs,
            tailMs: 200,
            residualEchoSuppression,
            seconds,
            erleDbAfter4s: +erleDb(scenario, out, 4).toFixed(1),
            erleDbAfter10s: seconds > 10 ? +erleDb(scenario, out, 10).toFixed(1) : null,
            msPerFrame: +msPerFrame.toFixed(4),
            cpuPctOfOneCore: +((msPerFrame / frameMs) * 100).toFixed(3),
          })}\n`,
        );
      }
    }
  }
  await Promise.resolve();
}
