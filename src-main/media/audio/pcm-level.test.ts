import { describe, expect, it } from 'vitest';
import { applyGainDb, measureLevel } from './pcm-level.js';

describe('PCM level and gain', () => {
  it('measures RMS and peak in dBFS (a full-scale sine is −3 dBFS RMS, 0 dBFS peak)', () => {
    const sine = Int16Array.from({ length: 8000 }, (_, i) => Math.round(32767 * Math.sin((2 * Math.PI * 1000 * i) / 8000 + 0.3)));
    const l = measureLevel(sine);
    expect(l.rmsDbfs).toBeCloseTo(-3.01, 1);
    expect(l.peakDbfs).toBeGreaterThan(-1); // samples need not hit the crest
    expect(measureLevel(new Int16Array(160))).toEqual({ rmsDbfs: -Infinity, peakDbfs: -Infinity, clipped: false });
    expect(measureLevel(Int16Array.of(-32768)).clipped).toBe(true);
  });

  it('applies gain with saturation and mutes at −∞', () => {
    const f = Int16Array.of(1000, -1000, 20000);
    applyGainDb(f, 6.0206);
    expect([...f]).toEqual([2000, -2000, 32767]);
    applyGainDb(f, -Infinity);
    expect([...f]).toEqual([0, 0, 0]);
  });
});
