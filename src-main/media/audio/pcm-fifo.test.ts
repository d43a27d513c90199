import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PcmFifo } from './pcm-fifo.js';

describe('PcmFifo', () => {
  it('turns chunks of any size into exact frames in order (property, against a plain array model)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 700 }), { maxLength: 30 }), fc.integer({ min: 1, max: 320 }), (chunkSizes, frame) => {
        const fifo = new PcmFifo(4096);
        // Model: the stream of all samples pushed, and the index of the oldest one still held.
        const pushed: number[] = [];
        let head = 0;
        const out = new Int16Array(frame);
        for (const size of chunkSizes) {
          for (let i = 0; i < size; i++) pushed.push(pushed.length & 0x7fff);
          fifo.push(Int16Array.from(pushed.slice(pushed.length - size)));
          head = Math.max(head, pushed.length - 4096); // overflow drops the oldest
          while (fifo.pop(out)) {
            expect(Array.from(out)).toEqual(pushed.slice(head, head + frame));
            head += frame;
          }
          expect(fifo.available).toBe(pushed.length - head);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('drops the oldest samples on overflow and counts them', () => {
    const fifo = new PcmFifo(4);
    fifo.push(Int16Array.of(1, 2, 3));
    fifo.push(Int16Array.of(4, 5, 6));
    expect(fifo.overflowed).toBe(2);
    const out = new Int16Array(4);
    expect(fifo.pop(out)).toBe(true);
    expect([...out]).toEqual([3, 4, 5, 6]);
    fifo.push(Int16Array.from({ length: 10 }, (_, i) => i));
    expect(fifo.overflowed).toBe(8);
    expect(fifo.pop(out)).toBe(true);
    expect([...out]).toEqual([6, 7, 8, 9]);
    expect(fifo.pop(out)).toBe(false);
  });
});
