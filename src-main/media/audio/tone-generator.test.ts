import { describe, expect, it } from 'vitest';
import { TONES, ToneGenerator } from './tone-generator.js';

function render(spec: ConstructorParameters<typeof ToneGenerator>[0], ms: number, rate = 8000, chunk = 160): Int16Array {
  const g = new ToneGenerator(spec, rate);
  const out = new Int16Array((ms * rate) / 1000);
  for (let o = 0; o < out.length; o += chunk) g.fill(out.subarray(o, o + chunk));
  return out;
}

/** 10 ms windows: true where the tone is on. */
function cadence(x: Int16Array, rate = 8000): boolean[] {
  const w = rate / 100;
  const out: boolean[] = [];
  for (let o = 0; o + w <= x.length; o += w) {
    let e = 0;
    for (let i = o; i < o + w; i++) e += x[i]! * x[i]!;
    out.push(Math.sqrt(e / w) > 500);
  }
  return out;
}

function dominant(x: Int16Array, candidates: number[], rate = 8000): number {
  let best = 0;
  let bestP = -1;
  for (const hz of candidates) {
    let re = 0;
    let im = 0;
    for (let i = 0; i < x.length; i++) {
      re += x[i]! * Math.cos((2 * Math.PI * hz * i) / rate);
      im += x[i]! * Math.sin((2 * Math.PI * hz * i) / rate);
    }
    const p = Math.hypot(re, im);
    if (p > bestP) {
      bestP = p;
      best = hz;
    }
  }
  return best;
}

describe('tone generator', () => {
  it('plays European ringback: 425 Hz, 1 s on, 4 s off, repeating', () => {
    const x = render(TONES.ringbackEurope, 10000);
    const c = cadence(x);
    expect(c.slice(1, 99).every(Boolean)).toBe(true);
    expect(c.slice(101, 499).some(Boolean)).toBe(false);
    expect(c.slice(501, 599).every(Boolean)).toBe(true);
    expect(dominant(x.subarray(0, 8000), [350, 425, 440, 480, 620])).toBe(425);
  });

  it('plays North American ringback (440+480 Hz, 2 s/4 s) and busy (480+620 Hz, 0.5 s/0.5 s)', () => {
    const rb = render(TONES.ringbackNorthAmerica, 6000);
    expect(cadence(rb).slice(1, 199).every(Boolean)).toBe(true);
    expect(cadence(rb).slice(201, 599).some(Boolean)).toBe(false);
    const first = rb.subarray(0, 16000);
    const both = [440, 480].every((hz) => dominant(first, [hz, 425, 620, 1000]) === hz);
    expect(both).toBe(true);
    const busy = cadence(render(TONES.busyNorthAmerica, 2000));
    expect(busy.slice(1, 49).every(Boolean)).toBe(true);
    expect(busy.slice(51, 99).some(Boolean)).toBe(false);
    expect(busy.slice(101, 149).every(Boolean)).toBe(true);
  });

  it('ramps segment edges (no click) and is continuous across fill() chunk boundaries', () => {
    const whole = render(TONES.busyEurope, 1000, 8000, 8000);
    const chunked = render(TONES.busyEurope, 1000, 8000, 37);
    expect([...chunked]).toEqual([...whole]);
    expect(Math.abs(whole[0]!)).toBeLessThan(100);
    expect(Math.abs(whole[3999]!)).toBeLessThan(500);
  });

  it('warbles the ringtone between its two frequencies at the configured level, and stops a non-repeating tone', () => {
    const x = render(TONES.ringtone, 1000, 16000);
    expect(Math.max(...x)).toBeLessThanOrEqual(Math.round(32767 * 10 ** (-9 / 20)) + 1);
    expect(dominant(x.subarray(0, 640), [1000, 1250], 16000)).toBe(1000);
    expect(dominant(x.subarray(640, 1280), [1000, 1250], 16000)).toBe(1250);
    const once = new ToneGenerator({ name: 'beep', repeat: false, segments: [{ frequencies: [1000], durationMs: 100 }] }, 8000);
    const out = new Int16Array(1600);
    once.fill(out);
    expect(once.done).toBe(true);
    expect(out.subarray(800).every((v) => v === 0)).toBe(true);
  });
});
