import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pcmaCodecFactory, pcmuCodecFactory } from './g711-codec.js';
import { alawToLinear, g711Decode, g711Encode, g711MeanAmplitude, linearToAlaw, linearToUlaw, ulawToLinear } from './g711.js';

interface TableRow {
  chord: number;
  interval: number;
  decisionLow: number;
  decisionHigh: number;
  output: number;
  code: string;
}
interface Table {
  linearShift: number;
  positive: TableRow[];
}
const table = (name: string): Table => JSON.parse(readFileSync(new URL(`../../../test/vectors/g711/${name}`, import.meta.url), 'utf8')) as Table;

const laws = [
  { name: 'µ-law (ITU-T G.711 Table 2a)', file: 'g711-table2a-mulaw.json', enc: linearToUlaw, dec: ulawToLinear },
  { name: 'A-law (ITU-T G.711 Table 1a)', file: 'g711-table1a-alaw.json', enc: linearToAlaw, dec: alawToLinear },
] as const;

describe('G.711 companding', () => {
  for (const law of laws) {
    it(`decodes every character signal to the decoder output value of ${law.name}`, () => {
      const t = table(law.file);
      expect(t.positive).toHaveLength(128);
      for (const row of t.positive) {
        const code = parseInt(row.code, 16);
        expect(law.dec(code), `code ${row.code}`).toBe(row.output << t.linearShift);
        expect(law.dec(code & 0x7f), `negative ${row.code}`).toBe(-(row.output << t.linearShift) || 0);
      }
    });

    it(`encodes every decision interval of ${law.name} to its character signal (interval interior and both signs)`, () => {
      const t = table(law.file);
      const scale = 1 << t.linearShift;
      for (const row of t.positive) {
        const code = parseInt(row.code, 16);
        // Any 16-bit value strictly inside the interval (in the linear scale) maps to the code.
        for (const v of [row.decisionLow + (row.decisionHigh - row.decisionLow) / 2, row.decisionLow + 0.6, row.decisionHigh - 0.6]) {
          const x = Math.floor(v * scale);
          expect(law.enc(x), `+${x} (${row.code})`).toBe(code);
          // Negative inputs use one's complement (G.191): −x−1 has the magnitude of x.
          expect(law.enc(-x - 1), `-${x + 1}`).toBe(code & 0x7f);
        }
      }
    });
  }

  it('round-trips: encode(decode(c)) = c for all codes but µ-law negative zero; decode(encode(x)) is within half a step (property)', () => {
    for (let c = 0; c < 256; c++) {
      if (c !== 0x7f) expect(linearToUlaw(ulawToLinear(c))).toBe(c);
      expect(linearToAlaw(alawToLinear(c))).toBe(c);
    }
    fc.assert(
      fc.property(fc.integer({ min: -32768, max: 32767 }), (x) => {
        const mag = Math.abs(x);
        // Largest step: µ-law 1024 (chord 7), A-law 1024 (chord 7); overload above ±32124 / ±32256.
        const uErr = Math.abs(ulawToLinear(linearToUlaw(x)) - x);
        const aErr = Math.abs(alawToLinear(linearToAlaw(x)) - x);
        expect(uErr).toBeLessThanOrEqual(Math.max(mag - 32124, 0) + Math.max(4, (mag >> 4) + 4));
        expect(aErr).toBeLessThanOrEqual(Math.max(mag - 32256, 0) + Math.max(8, (mag >> 4) + 8));
      }),
      { numRuns: 5000 },
    );
  });

  it('block encode/decode matches the per-sample functions and measures payload level', () => {
    const pcm = Int16Array.from({ length: 160 }, (_, i) => Math.round(10000 * Math.sin(i / 3)));
    const codes = new Uint8Array(160);
    g711Encode('alaw', pcm, codes);
    expect([...codes]).toEqual([...pcm].map(linearToAlaw));
    const back = new Int16Array(160);
    g711Decode('alaw', codes, back);
    expect([...back]).toEqual([...codes].map(alawToLinear));
    expect(g711MeanAmplitude('mulaw', new Uint8Array(160).fill(0xff))).toBe(0);
    expect(g711MeanAmplitude('alaw', codes)).toBeGreaterThan(5000);
  });
});

const tone = (n: number, hz: number, rate: number, amp = 8000, phase = 0): Int16Array =>
  Int16Array.from({ length: n }, (_, i) => Math.round(amp * Math.sin((2 * Math.PI * hz * (i + phase)) / rate)));

function snrDb(ref: ArrayLike<number>, test: ArrayLike<number>): number {
  let s = 0;
  let e = 0;
  for (let i = 0; i < ref.length; i++) {
    s += ref[i]! ** 2;
    e += (ref[i]! - test[i]!) ** 2;
  }
  return 10 * Math.log10(s / Math.max(e, 1e-9));
}

describe('PCMU/PCMA codec with waveform-repetition PLC (G.711 Appendix I, simplified)', () => {
  it('describes itself for SDP per RFC 3551 (PCMU/8000 PT 0, PCMA/8000 PT 8) with 20 ms frames', () => {
    const c = pcmuCodecFactory.create();
    expect([c.descriptor.encodingName, c.payloadType, c.descriptor.clockRate, c.sampleRate, c.frameSamples, c.frameTicks]).toEqual(['PCMU', 0, 8000, 8000, 160, 160]);
    expect(pcmaCodecFactory.create({ ptimeMs: 30, payloadType: 8 }).frameSamples).toBe(240);
  });

  it('conceals a lost frame of a voiced signal with a continuation close to the real one (≥ 8 dB SNR over 10 ms)', () => {
    const codec = pcmaCodecFactory.create();
    const signal = tone(8000, 200, 8000, 8000); // pitch period 40 samples
    for (let f = 0; f < 10; f++) codec.decode(codec.encode(signal.subarray(f * 160, f * 160 + 160)));
    const concealed = codec.conceal();
    const truth = signal.subarray(1600, 1760);
    expect(snrDb(truth.subarray(0, 80), concealed.subarray(0, 80))).toBeGreaterThan(8);
  });

  it('fades out over a long loss: full level for 10 ms, silent by 60 ms', () => {
    const codec = pcmuCodecFactory.create({ ptimeMs: 10 });
    const signal = tone(4000, 250, 8000, 10000);
    for (let f = 0; f < 20; f++) codec.decode(codec.encode(signal.subarray(f * 80, f * 80 + 80)));
    const peaks: number[] = [];
    for (let f = 0; f < 8; f++) peaks.push(Math.max(...codec.conceal().map(Math.abs)));
    expect(peaks[0]!).toBeGreaterThan(8000);
    expect(peaks[2]!).toBeLessThan(peaks[0]! * 0.85);
    expect(peaks[6]).toBe(0);
    expect(peaks[7]).toBe(0);
  });

  it('cross-fades into the first good frame after a loss (no click at the boundary)', () => {
    const withPlc = pcmuCodecFactory.create();
    const signal = tone(4000, 200, 8000, 12000);
    const frames = (c: ReturnType<typeof pcmuCodecFactory.create>): number => {
      for (let f = 0; f < 10; f++) c.decode(c.encode(signal.subarray(f * 160, f * 160 + 160)));
      const lost = c.conceal();
      // The next frame starts at a phase the repetition did not predict (simulate a pitch change).
      const next = c.decode(c.encode(tone(160, 260, 8000, 12000, 7)));
      return Math.abs(next[0]! - lost[159]!);
    };
    const jump = frames(withPlc);
    expect(jump).toBeLessThan(2500);
  });

  it('conceals with silence when nothing was decoded yet, and decodes any payload without throwing (fuzz)', () => {
    const codec = pcmuCodecFactory.create();
    expect(codec.conceal().every((v) => v === 0)).toBe(true);
    fc.assert(
      fc.property(fc.array(fc.option(fc.uint8Array({ maxLength: 400 }), { nil: undefined }), { maxLength: 20 }), (payloads) => {
        for (const p of payloads) {
          const out = p === undefined ? codec.conceal() : codec.decode(p);
          expect(out.length).toBe(p === undefined ? 160 : p.length);
        }
      }),
      { numRuns: 200 },
    );
    expect(codec.decodeErrors).toBe(0);
  });
});
