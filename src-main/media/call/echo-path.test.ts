import { describe, expect, it } from 'vitest';
import { FakeEchoCancellerFactory } from '../../../test/fakes/fake-echo-canceller.js';
import { createResampler } from '../audio/resampler.js';
import { ECHO_CANCELLER_RATE, EchoPath } from './echo-path.js';

const tone = (rate: number, hz: number, n: number, offset = 0): Int16Array => Int16Array.from({ length: n }, (_, k) => Math.round(8000 * Math.sin((2 * Math.PI * hz * (k + offset)) / rate)));
const waitReady = async (p: EchoPath): Promise<void> => {
  for (let i = 0; i < 200 && !p.ready; i++) await new Promise((r) => setTimeout(r, 5));
  expect(p.ready).toBe(true);
};

describe('EchoPath: the canceller at 16 kHz for faster streams', () => {
  it('runs the canceller at 16 kHz in 20 ms frames for 48 kHz streams, and at the stream rate up to 16 kHz', () => {
    for (const [rate, frame, want] of [[48000, 960, [16000, 320]], [44100, 882, [16000, 320]], [16000, 320, [16000, 320]], [8000, 160, [8000, 160]]] as const) {
      const aec = new FakeEchoCancellerFactory();
      const r = EchoPath.create(aec.create, rate, frame, createResampler, (m) => {
        throw new Error(m);
      });
      if (!r.ok) throw new Error(r.error.message);
      expect([aec.created[0]!.sampleRate, aec.created[0]!.frameSamples]).toEqual(want);
      r.value.dispose();
    }
    expect(ECHO_CANCELLER_RATE).toBe(16000);
  });

  it('passes the microphone through down and up again with a delay of a few ms, level and shape kept', async () => {
    const aec = new FakeEchoCancellerFactory(); // pass-through canceller
    const r = EchoPath.create(aec.create, 48000, 960, createResampler, () => undefined);
    if (!r.ok) throw new Error(r.error.message);
    const path = r.value;
    const before = tone(48000, 700, 960);
    path.capture(before, new Int16Array(960)); // converters still loading: passed through and counted
    expect(path.stats().bypassed).toBe(1);
    await waitReady(path);
    const out: number[] = [];
    const input: number[] = [];
    for (let k = 0; k < 50; k++) {
      const mic = tone(48000, 700, 960, k * 960);
      path.playback(new Int16Array(960));
      const o = new Int16Array(960);
      path.capture(mic, o);
      out.push(...o);
      input.push(...mic);
    }
    // Best lag between input and output over 0-10 ms, and the correlation there.
    let best = { lag: -1, c: -1 };
    for (let lag = 0; lag <= 480; lag++) {
      let dot = 0;
      let ea = 0;
      let eb = 0;
      for (let i = 10000; i < 40000; i++) {
        dot += input[i]! * out[i + lag]!;
        ea += input[i]! ** 2;
        eb += out[i + lag]! ** 2;
      }
      const c = dot / Math.sqrt(ea * eb);
      if (c > best.c) best = { lag, c };
    }
    expect(best.c).toBeGreaterThan(0.99);
    expect((best.lag * 1000) / 48000).toBeLessThan(6); // the 2 ms cushion plus the resamplers' own delay
    const rms = (a: number[]): number => Math.sqrt(a.slice(10000, 40000).reduce((s, v) => s + v * v, 0) / 30000);
    expect(20 * Math.log10(rms(out) / rms(input))).toBeCloseTo(0, 0);
    expect(aec.created[0]!.calls.filter((c) => c === 'playback')).toHaveLength(50);
    path.dispose();
  });
});
