import { describe, expect, it } from 'vitest';
import { estimateMos, estimateOneWayDelayMs, mosFromR, rFactor } from './e-model.js';

describe('E-model MOS estimate (ITU-T G.107, simplified)', () => {
  it('gives the G.107 default R = 93.2 (MOS ≈ 4.41) for G.711 without loss or delay', () => {
    expect(rFactor({ codec: 'PCMU', packetLossPercent: 0, oneWayDelayMs: 0 })).toBeCloseTo(93.2, 5);
    expect(mosFromR(93.2)).toBeCloseTo(4.41, 2);
  });

  it('follows G.107 Annex B at its anchor points and clamps to [1, 4.5]', () => {
    expect(mosFromR(0)).toBe(1);
    expect(mosFromR(-5)).toBe(1);
    expect(mosFromR(100)).toBe(4.5);
    expect(mosFromR(50)).toBeCloseTo(2.58, 2);
    expect(mosFromR(80)).toBeCloseTo(4.02, 2);
  });

  it('applies Ie,eff = Ie + (95 − Ie)·Ppl/(Ppl/BurstR + Bpl): 2% random loss on G.711 with PLC costs ≈ 6.9 R points', () => {
    const r = rFactor({ codec: 'pcma', packetLossPercent: 2, oneWayDelayMs: 0 });
    expect(93.2 - r).toBeCloseTo((95 * 2) / (2 + 25.1), 5);
    // Bursty loss hurts more than random loss.
    expect(rFactor({ codec: 'pcma', packetLossPercent: 2, burstRatio: 3, oneWayDelayMs: 0 })).toBeLessThan(r);
  });

  it('charges delay linearly below 177.3 ms and more steeply above', () => {
    const at = (d: number): number => 93.2 - rFactor({ codec: 'PCMU', packetLossPercent: 0, oneWayDelayMs: d });
    expect(at(100)).toBeCloseTo(2.4, 5);
    expect(at(300)).toBeCloseTo(0.024 * 300 + 0.11 * (300 - 177.3), 5);
  });

  it('ranks realistic conditions sensibly and builds the one-way delay from its parts', () => {
    const good = estimateMos({ codec: 'PCMU', packetLossPercent: 0.1, oneWayDelayMs: 80 });
    const poor = estimateMos({ codec: 'PCMU', packetLossPercent: 8, oneWayDelayMs: 350 });
    expect(good.mos).toBeGreaterThan(4.2);
    expect(poor.mos).toBeLessThan(3.1);
    expect(estimateOneWayDelayMs({ rttMs: 60, jitterBufferMs: 40, packetizationMs: 20, deviceLatencyMs: 30 })).toBe(120);
    // Garbage in (NaN loss) yields a number, not NaN.
    expect(Number.isFinite(estimateMos({ codec: 'x', packetLossPercent: Number.NaN, oneWayDelayMs: 0 }).mos)).toBe(true);
  });
});
