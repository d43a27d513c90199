import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FakeRng } from '../../../test/fakes/fake-rng.js';
import { ComfortNoiseGenerator, parseComfortNoise, reflectionCoefficient, serializeComfortNoise } from './comfort-noise.js';

const rms = (x: Int16Array): number => Math.sqrt(x.reduce((a, v) => a + v * v, 0) / x.length);

describe('comfort noise (RFC 3389)', () => {
  it('parses the level byte (§3.1, MSB ignored) and reflection coefficients (§3.2), and round-trips', () => {
    const r = parseComfortNoise(new Uint8Array([0x80 | 40, 127, 200]));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.level).toBe(40);
    expect([...r.value.coefficients]).toEqual([127, 200]);
    expect(reflectionCoefficient(127)).toBe(0);
    expect(reflectionCoefficient(255)).toBeLessThan(1); // clamped inside the unit circle
    expect([...serializeComfortNoise(r.value)]).toEqual([40, 127, 200]);
    const empty = parseComfortNoise(new Uint8Array(0));
    expect(empty.ok).toBe(false);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 20 }), (b) => {
        const p = parseComfortNoise(b);
        if (!p.ok) {
          expect(b.length).toBe(0);
          return;
        }
        const again = parseComfortNoise(serializeComfortNoise(p.value));
        expect(again).toEqual(p);
      }),
    );
  });

  it('generates noise at the signalled level (−dBov, 0 dBov = full-scale square wave) and silence before any CN', () => {
    const g = new ComfortNoiseGenerator(new FakeRng(3));
    const frame = new Int16Array(8000);
    g.generate(frame);
    expect(rms(frame)).toBe(0);
    g.update({ level: 40, coefficients: new Uint8Array(0) });
    g.generate(frame);
    expect(20 * Math.log10(rms(frame) / 32767)).toBeCloseTo(-40, 0);
    g.update({ level: 60, coefficients: new Uint8Array(0) });
    for (let i = 0; i < 10; i++) g.generate(frame); // the level glides to the new target
    expect(20 * Math.log10(rms(frame) / 32767)).toBeCloseTo(-60, 0);
  });

  it('keeps the level with a spectral model and stays stable for any coefficients', () => {
    const g = new ComfortNoiseGenerator(new FakeRng(4));
    g.update({ level: 30, coefficients: new Uint8Array([200, 60, 150, 100]) });
    const frame = new Int16Array(16000);
    g.generate(frame);
    g.generate(frame);
    expect(20 * Math.log10(rms(frame) / 32767)).toBeGreaterThan(-33);
    expect(20 * Math.log10(rms(frame) / 32767)).toBeLessThan(-27);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 12 }), fc.integer({ min: 0, max: 127 }), (coef, level) => {
        const gen = new ComfortNoiseGenerator(new FakeRng(5));
        gen.update({ level, coefficients: coef });
        const f = new Int16Array(320);
        for (let i = 0; i < 5; i++) gen.generate(f);
        expect(f.every((v) => Number.isFinite(v))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
