import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReplayVerdict, ReplayWindow } from './replay-window.js';
import { estimateRoc } from './rollover-counter.js';

describe('ReplayWindow (RFC 3711 §3.3.2)', () => {
  it('matches a set-based model on random index sequences, for several window sizes', () => {
    fc.assert(
      fc.property(fc.constantFrom(64, 128, 1000), fc.array(fc.integer({ min: 0, max: 3000 }), { maxLength: 400 }), fc.nat(2 ** 40), (size, offsets, base) => {
        const w = new ReplayWindow(size);
        const seen = new Set<number>();
        let top = -1;
        for (const o of offsets) {
          const index = base + o;
          let expected: ReplayVerdict;
          if (index > top) expected = ReplayVerdict.Fresh;
          else if (top - index >= w.size) expected = ReplayVerdict.TooOld;
          else expected = seen.has(index) ? ReplayVerdict.Replayed : ReplayVerdict.Fresh;
          expect(w.check(index)).toBe(expected);
          if (expected === ReplayVerdict.Fresh) {
            w.accept(index);
            seen.add(index);
            top = Math.max(top, index);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('is at least 64 packets wide and rounds to whole words', () => {
    expect(new ReplayWindow(1).size).toBe(64);
    expect(new ReplayWindow(100).size).toBe(128);
  });
});

describe('ROC estimation (RFC 3711 Appendix A)', () => {
  it('guesses ROC+1 after a wrap, ROC-1 for a late packet from before the wrap, ROC otherwise', () => {
    expect(estimateRoc(0, 65535, 0)).toBe(1);
    expect(estimateRoc(0, 65530, 3)).toBe(1);
    expect(estimateRoc(1, 2, 65534)).toBe(0);
    expect(estimateRoc(1, 100, 50)).toBe(1);
    expect(estimateRoc(3, 40000, 40100)).toBe(3);
    expect(estimateRoc(0, 10, 60000)).toBe(-1);
  });

  it('recovers the true index of any packet within 2^15 of the highest one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 65536, max: 2 ** 40 }), fc.integer({ min: -32767, max: 32767 }), (highest, delta) => {
        const index = highest + delta;
        const v = estimateRoc(Math.floor(highest / 65536), highest % 65536, index % 65536);
        expect(v * 65536 + (index % 65536)).toBe(index);
      }),
    );
  });
});
