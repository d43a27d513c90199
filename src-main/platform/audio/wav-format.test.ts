import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeWav, parseWav } from './wav-format.js';

function wav(format: number, channels: number, rate: number, bits: number, data: Uint8Array, extra: Uint8Array = new Uint8Array(0)): Uint8Array {
  const fmtSize = 16;
  const out = new Uint8Array(12 + 8 + fmtSize + extra.length + 8 + data.length);
  const v = new DataView(out.buffer);
  const tag = (o: number, s: string): void => s.split('').forEach((c, i) => (out[o + i] = c.charCodeAt(0)));
  tag(0, 'RIFF');
  v.setUint32(4, out.length - 8, true);
  tag(8, 'WAVE');
  tag(12, 'fmt ');
  v.setUint32(16, fmtSize, true);
  v.setUint16(20, format, true);
  v.setUint16(22, channels, true);
  v.setUint32(24, rate, true);
  v.setUint32(28, (rate * channels * bits) / 8, true);
  v.setUint16(32, (channels * bits) / 8, true);
  v.setUint16(34, bits, true);
  out.set(extra, 36);
  tag(36 + extra.length, 'data');
  v.setUint32(40 + extra.length, data.length, true);
  out.set(data, 44 + extra.length);
  return out;
}

describe('WAV format', () => {
  it('round-trips mono 16-bit files (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -32768, max: 32767 }), { maxLength: 500 }), fc.constantFrom(8000, 16000, 44100, 48000), (samples, rate) => {
        const r = parseWav(encodeWav(rate, Int16Array.from(samples)));
        expect(r.ok).toBe(true);
        if (r.ok) {
          expect(r.value.sampleRate).toBe(rate);
          expect([...r.value.samples]).toEqual(samples);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('mixes stereo down to mono and reads 8-bit, 24-bit and float32 samples, skipping unknown chunks', () => {
    const stereo = new Int16Array([1000, 3000, -2000, -4000]);
    const r = parseWav(wav(1, 2, 8000, 16, new Uint8Array(stereo.buffer)));
    expect(r.ok && [...r.value.samples]).toEqual([2000, -3000]);
    const u8 = parseWav(wav(1, 1, 8000, 8, Uint8Array.of(128, 255, 0)));
    expect(u8.ok && [...u8.value.samples]).toEqual([0, 127 << 8, -32768]);
    const s24 = parseWav(wav(1, 1, 8000, 24, Uint8Array.of(0x00, 0x00, 0x40, 0x00, 0x00, 0xc0)));
    expect(s24.ok && [...s24.value.samples]).toEqual([16384, -16384]);
    const f32 = parseWav(wav(3, 1, 8000, 32, new Uint8Array(Float32Array.of(0.5, -1).buffer)));
    expect(f32.ok && [...f32.value.samples]).toEqual([16384, -32768]);
    // A LIST chunk before "data" is skipped.
    const file = encodeWav(8000, Int16Array.of(7, 8));
    const withList = new Uint8Array(file.length + 12);
    withList.set(file.subarray(0, 36));
    withList.set([0x4c, 0x49, 0x53, 0x54, 4, 0, 0, 0, 1, 2, 3, 4], 36);
    withList.set(file.subarray(36), 48);
    const l = parseWav(withList);
    expect(l.ok && [...l.value.samples]).toEqual([7, 8]);
  });

  it('rejects non-WAV and unsupported encodings with typed errors; fuzz never throws', () => {
    expect(parseWav(new TextEncoder().encode('hello world, not a wav')).ok).toBe(false);
    const alaw = parseWav(wav(6, 1, 8000, 8, new Uint8Array(4)));
    expect(!alaw.ok && alaw.error.code).toBe('wav-unsupported');
    const header = encodeWav(8000, Int16Array.of(1, 2, 3));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.integer({ min: 0, max: 60 }), (noise, keep) => {
        const b = new Uint8Array(keep + noise.length);
        b.set(header.subarray(0, Math.min(keep, header.length)));
        b.set(noise, Math.min(keep, header.length));
        const r = parseWav(b);
        if (!r.ok) expect(['wav-invalid', 'wav-unsupported']).toContain(r.error.code);
      }),
      { numRuns: 1000 },
    );
  });
});
