/**
 * The call pipeline's echo path with the real speexdsp canceller on 48 kHz streams (a sound
 * card's rate): running the canceller at 16 kHz through resamplers (media/call/echo-path.ts)
 * removes more echo than running it at 48 kHz, on the same synthetic room.
 */
import { describe, expect, it } from 'vitest';
import { createResampler } from '../../../src-main/media/audio/resampler.js';
import { EchoPath } from '../../../src-main/media/call/echo-path.js';
import { speexEchoCancellerFactory } from '../../../src-main/platform/audio/speex-echo-canceller.js';
import { erleDb, makeEchoScenario } from '../../support/echo-simulation.js';

async function run(resamplers: typeof createResampler | undefined, far: Int16Array, mic: Int16Array): Promise<{ out: Int16Array; rate: number }> {
  const r = EchoPath.create(speexEchoCancellerFactory(), 48000, 960, resamplers, (m) => {
    throw new Error(m);
  });
  if (!r.ok) throw new Error(r.error.message);
  const path = r.value;
  for (let i = 0; i < 400 && !path.ready; i++) await new Promise((res) => setTimeout(res, 5));
  const out = new Int16Array(mic.length);
  for (let k = 0; (k + 1) * 960 <= mic.length; k++) {
    path.playback(far.subarray(k * 960, (k + 1) * 960));
    path.capture(mic.subarray(k * 960, (k + 1) * 960), out.subarray(k * 960, (k + 1) * 960));
  }
  const rate = path.sampleRate;
  path.dispose();
  return { out, rate };
}

describe('echo cancellation on 48 kHz streams', () => {
  it('removes more echo at 16 kHz (converted) than at 48 kHz on the same room', async () => {
    const s = makeEchoScenario({ rate: 48000, seconds: 12, seed: 3 });
    const direct = await run(undefined, s.far, s.mic);
    const converted = await run(createResampler, s.far, s.mic);
    expect([direct.rate, converted.rate]).toEqual([48000, 16000]);
    const d = erleDb(s, direct.out, 4, 12);
    const c = erleDb(s, converted.out, 4, 12);
    process.stdout.write(`ERLE over 4-12 s: 48 kHz ${d.toFixed(1)} dB, 16 kHz ${c.toFixed(1)} dB\n`);
    // Measured here: 48 kHz 17.2 dB, 16 kHz 23.1 dB (per second: about +5 dB from 4 to 7 s and at 11 s).
    expect(c).toBeGreaterThan(d + 2);
    expect(c).toBeGreaterThanOrEqual(20);
  }, 60_000);
});
