import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { g722CodecFactory } from './g722-codec.js';
import { G722Decoder, G722Encoder } from './g722.js';

/** Best alignment (codec delay) and the SNR at that lag. */
function alignedSnr(ref: Int16Array, test: Int16Array, maxLag = 64): { lag: number; snr: number } {
  let best = { lag: 0, snr: -Infinity };
  for (let lag = 0; lag <= maxLag; lag++) {
    let s = 0;
    let e = 0;
    for (let i = 200; i < ref.length - maxLag; i++) {
      s += ref[i]! ** 2;
      e += (ref[i]! - test[i + lag]!) ** 2;
    }
    const snr = 10 * Math.log10(s / Math.max(e, 1e-9));
    if (snr > best.snr) best = { lag, snr };
  }
  return best;
}

const tone = (n: number, hz: number, amp: number): Int16Array => Int16Array.from({ length: n }, (_, i) => Math.round(amp * Math.sin((2 * Math.PI * hz * i) / 16000)));

describe('G.722 64 kbit/s (ITU-T G.722)', () => {
  it('reconstructs tones across the 50–7000 Hz band with high SNR after the QMF delay', () => {
    for (const hz of [300, 1000, 3000, 6000]) {
      const pcm = tone(16000, hz, 10000);
      const codes = new Uint8Array(8000);
      new G722Encoder().encode(pcm, codes);
      const out = new Int16Array(16000);
      new G722Decoder().decode(codes, out);
      const { snr } = alignedSnr(pcm, out);
      expect(snr, `${hz} Hz`).toBeGreaterThan(hz > 4000 ? 12 : 25);
    }
  });

  it('has the 22-sample codec delay of the two 24-tap QMFs (measured on a broadband chirp)', () => {
    const pcm = Int16Array.from({ length: 16000 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * (100 * i + (3000 * i * i) / 16000)) / 16000)));
    const codes = new Uint8Array(8000);
    new G722Encoder().encode(pcm, codes);
    const out = new Int16Array(16000);
    new G722Decoder().decode(codes, out);
    const { lag, snr } = alignedSnr(pcm, out);
    expect(lag).toBe(22);
    expect(snr).toBeGreaterThan(15);
  });

  it('keeps a 16 kHz speech-band signal wideband: energy above 4 kHz survives coding (unlike G.711)', () => {
    const pcm = Int16Array.from({ length: 16000 }, (_, i) => Math.round(6000 * Math.sin((2 * Math.PI * 500 * i) / 16000) + 4000 * Math.sin((2 * Math.PI * 5500 * i) / 16000)));
    const codes = new Uint8Array(8000);
    new G722Encoder().encode(pcm, codes);
    const out = new Int16Array(16000);
    new G722Decoder().decode(codes, out);
    const power = (x: Int16Array, hz: number): number => {
      let re = 0;
      let im = 0;
      for (let i = 1000; i < 15000; i++) {
        re += x[i]! * Math.cos((2 * Math.PI * hz * i) / 16000);
        im += x[i]! * Math.sin((2 * Math.PI * hz * i) / 16000);
      }
      return Math.hypot(re, im);
    };
    expect(power(out, 5500) / power(pcm, 5500)).toBeGreaterThan(0.8);
  });

  it('is deterministic and streamable: encoding in chunks equals encoding at once (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -32768, max: 32767 }), { minLength: 2, maxLength: 600 }), fc.integer({ min: 1, max: 50 }), (samples, chunkPairs) => {
        const pcm = Int16Array.from(samples.length % 2 === 0 ? samples : samples.slice(1));
        const whole = new Uint8Array(pcm.length / 2);
        new G722Encoder().encode(pcm, whole);
        const enc = new G722Encoder();
        const parts = new Uint8Array(pcm.length / 2);
        for (let o = 0; o < pcm.length; o += chunkPairs * 2) enc.encode(pcm.subarray(o, o + chunkPairs * 2), parts.subarray(o / 2));
        expect([...parts]).toEqual([...whole]);
      }),
      { numRuns: 200 },
    );
  });

  it('fuzz: decodes any octets into in-range samples without throwing', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 500 }), (codes) => {
        const out = new Int16Array(codes.length * 2);
        expect(new G722Decoder().decode(codes, out)).toBe(codes.length * 2);
      }),
      { numRuns: 300 },
    );
  });

  it('packetizes per RFC 3551 §4.5.2: PT 9, RTP clock 8000 while sampling at 16000, 160 octets and 160 ticks per 20 ms', () => {
    const codec = g722CodecFactory.create();
    expect([codec.payloadType, codec.descriptor.clockRate, codec.sampleRate, codec.frameSamples, codec.frameTicks]).toEqual([9, 8000, 16000, 320, 160]);
    const signal = tone(320 * 4, 1000, 8000);
    for (let f = 0; f < 4; f++) {
      const payload = codec.encode(signal.subarray(f * 320, f * 320 + 320));
      expect(payload.length).toBe(160);
      expect(codec.samplesIn(payload)).toBe(320);
      expect(codec.decode(payload).length).toBe(320);
    }
    const plc = codec.conceal();
    expect(plc.length).toBe(320);
    expect(Math.max(...plc.map(Math.abs))).toBeGreaterThan(0); // continues the tone
  });
});
