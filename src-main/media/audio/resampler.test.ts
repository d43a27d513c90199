import { describe, expect, it } from 'vitest';
import { PcmFifo } from './pcm-fifo.js';
import { createResampler, resampleAll } from './resampler.js';

const tone = (n: number, hz: number, rate: number): Int16Array => Int16Array.from({ length: n }, (_, i) => Math.round(10000 * Math.sin((2 * Math.PI * hz * i) / rate)));

function goertzel(x: Int16Array, hz: number, rate: number, from: number): number {
  let re = 0;
  let im = 0;
  for (let i = from; i < x.length; i++) {
    re += x[i]! * Math.cos((2 * Math.PI * hz * i) / rate);
    im += x[i]! * Math.sin((2 * Math.PI * hz * i) / rate);
  }
  return (2 * Math.hypot(re, im)) / (x.length - from);
}

describe('resampler (libsamplerate wasm)', () => {
  it('streams 48 kHz device frames to 16 kHz codec frames: one codec frame per device frame on average, tone preserved', async () => {
    const r = await createResampler(48000, 16000);
    const fifo = new PcmFifo(16000);
    const input = tone(48000, 1000, 48000);
    const frame = new Int16Array(320);
    const frames: Int16Array[] = [];
    for (let o = 0; o < input.length; o += 960) {
      fifo.push(r.process(input.subarray(o, o + 960)));
      while (fifo.pop(frame)) frames.push(frame.slice());
    }
    r.dispose();
    expect(frames.length).toBeGreaterThanOrEqual(49); // the filter holds back a few ms
    const out = new Int16Array(frames.length * 320);
    frames.forEach((f, i) => out.set(f, i * 320));
    expect(goertzel(out, 1000, 16000, 800)).toBeGreaterThan(9500); // amplitude 10000 kept within 5%
    expect(goertzel(out, 3000, 16000, 800)).toBeLessThan(100);
  });

  it('removes content above the new Nyquist frequency when downsampling (anti-aliasing)', async () => {
    // 6 kHz at 48 kHz would alias to 2 kHz at 8 kHz without filtering.
    const out = await resampleAll(tone(48000, 6000, 48000), 48000, 8000);
    expect(out.length).toBe(8000);
    expect(goertzel(out, 2000, 8000, 400)).toBeLessThan(100);
  });

  it('upsamples a whole buffer to the exact expected length with the tone intact, and passes equal rates through', async () => {
    const out = await resampleAll(tone(8000, 440, 8000), 8000, 44100);
    expect(out.length).toBe(44100);
    expect(goertzel(out, 440, 44100, 2000)).toBeGreaterThan(9500);
    const same = await createResampler(16000, 16000);
    const x = tone(320, 100, 16000);
    expect(same.process(x)).toBe(x);
  });
});
