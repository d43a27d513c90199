/**
 * `npm run bench -- aec [SECONDS]`: the speexdsp echo canceller (native/speexdsp-aec) on the
 * synthetic room of test/support/echo-simulation.ts (speech-like far end, 40 ms device latency
 * + 50 ms room delay, direct path -8 dB, RT60 150 ms, noise -70 dBFS; 200 ms tail), at 16 and
 * 48 kHz with 10 and 20 ms frames, with and without residual-echo suppression. One JSON line per
 * case: ERLE after 4 s and after 10 s (48 kHz converges slower), and CPU per frame (playback +
 * capture, measured over the whole run as the pipeline would call it).
 * Peer in the same run: Debian's libspeexdsp (libspeexdsp-dev) through the C helper
 * bench/speexdsp/aec-peer.c, on the same signals with the same pairing (built into bench/bin/).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { speexEchoCancellerFactory } from '../src-main/platform/audio/speex-echo-canceller.js';
import { erleDb, makeEchoScenario, runCanceller, type EchoScenario } from '../test/support/echo-simulation.js';

const here = dirname(fileURLToPath(import.meta.url));

function buildPeer(): string | undefined {
  if (!existsSync('/usr/include/speex/speex_echo.h')) {
    process.stderr.write('!! libspeexdsp peer not measured: install the Debian package libspeexdsp-dev\n');
    return undefined;
  }
  const bin = join(here, 'bin', 'speexdsp-aec-peer');
  mkdirSync(join(here, 'bin'), { recursive: true });
  execFileSync('cc', ['-O2', '-o', bin, join(here, 'speexdsp', 'aec-peer.c'), '-lspeexdsp'], { stdio: 'inherit' });
  return bin;
}

function measurePeer(bin: string, s: EchoScenario, frameSamples: number, residualEchoSuppression: boolean): { out: Int16Array; msPerFrame: number } {
  const dir = mkdtempSync(join(tmpdir(), 'aec-peer-'));
  try {
    const raw = (a: Int16Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    writeFileSync(join(dir, 'far.raw'), raw(s.far));
    writeFileSync(join(dir, 'mic.raw'), raw(s.mic));
    const filter = Math.round(0.2 * s.rate);
    const printed = execFileSync(bin, [String(s.rate), String(frameSamples), String(filter), residualEchoSuppression ? '1' : '0', join(dir, 'far.raw'), join(dir, 'mic.raw'), join(dir, 'out.raw')], { encoding: 'utf8' });
    const bytes = readFileSync(join(dir, 'out.raw'));
    const out = new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 1);
    return { out, msPerFrame: (JSON.parse(printed) as { msPerFrame: number }).msPerFrame };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export default async function run(args: string[]): Promise<void> {
  const seconds = Number(args[0] ?? 16);
  const factory = speexEchoCancellerFactory();
  const peer = buildPeer();
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
        if (peer === undefined) continue;
        const p = measurePeer(peer, scenario, frameSamples, residualEchoSuppression);
        process.stdout.write(
          `${JSON.stringify({
            bench: 'aec',
            peer: 'Debian libspeexdsp 1.2.1 (C helper, no Node; smallft)',
            sampleRate: rate,
            frameMs,
            tailMs: 200,
            residualEchoSuppression,
            seconds,
            erleDbAfter4s: +erleDb(scenario, p.out, 4).toFixed(1),
            erleDbAfter10s: seconds > 10 ? +erleDb(scenario, p.out, 10).toFixed(1) : null,
            msPerFrame: +p.msPerFrame.toFixed(4),
            cpuPctOfOneCore: +((p.msPerFrame / frameMs) * 100).toFixed(3),
          })}\n`,
        );
      }
    }
  }
  await Promise.resolve();
}
