import { describe, expect, it } from 'vitest';
import { analyseTone, fft } from './tone-analysis.js';
import { encodeWav, parseWav } from './wav.js';

function sine(freq: number, rate: number, seconds: number, amplitude: number): Float32Array {
  return Float32Array.from({ length: Math.round(rate * seconds) }, (_, i) => amplitude * Math.sin((2 * Math.PI * freq * i) / rate));
}

describe('tone analysis of recordings', () => {
  it('FFT of a pure bin-centred cosine puts all energy in that bin', () => {
    const n = 64;
    const re = Float64Array.from({ length: n }, (_, i) => Math.cos((2 * Math.PI * 5 * i) / n));
    const im = new Float64Array(n);
    fft(re, im);
    expect(re[5]).toBeCloseTo(n / 2, 9);
    expect(Math.abs(re[4]!) + Math.abs(im[4]!)).toBeLessThan(1e-9);
  });

  it('finds 1 kHz at 8 kHz sampling within 2 Hz, with most energy in band and the right level', () => {
    const r = analyseTone({ samples: sine(1000, 8000, 3, 0.5), sampleRate: 8000 });
    expect(Math.abs(r.dominantHz - 1000)).toBeLessThan(2);
    expect(r.dominantShare).toBeGreaterThan(0.99);
    expect(r.rmsDbfs).toBeCloseTo(20 * Math.log10(0.5 / Math.SQRT2), 1);
  });

  it('tells 440 Hz from 1 kHz and white noise from a tone', () => {
    expect(Math.abs(analyseTone({ samples: sine(440, 16000, 2, 0.3), sampleRate: 16000 }).dominantHz - 440)).toBeLessThan(2);
    let seed = 7;
    const noise = Float32Array.from({ length: 16000 }, () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5) * 0.5);
    expect(analyseTone({ samples: noise, sampleRate: 8000 }).dominantShare).toBeLessThan(0.2);
    expect(analyseTone({ samples: new Float32Array(8000), sampleRate: 8000 }).rmsDbfs).toBe(-Infinity);
  });

  it('round-trips a mono 16-bit WAV and reads a header whose data size was never fixed', () => {
    const samples = sine(1000, 8000, 0.1, 0.5);
    const wav = encodeWav(samples, 8000);
    const back = parseWav(wav);
    expect(back.sampleRate).toBe(8000);
    expect(back.length).toBe(samples.length);
    expect(Math.max(...back.channelData[0]!.map((v, i) => Math.abs(v - samples[i]!)))).toBeLessThan(1 / 32768 + 1e-6);
    const unfixed = Buffer.from(wav);
    unfixed.writeUInt32LE(0, 40);
    expect(parseWav(unfixed).length).toBe(samples.length);
    expect(() => parseWav(Buffer.from('not a wav file at all'))).toThrow(/RIFF/);
  });
});
