import { crc32, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodePng } from './png-encoder.js';

/** Reads the chunks back (type, data) and checks every CRC. */
function chunks(png: Buffer): { type: string; data: Buffer }[] {
  const out: { type: string; data: Buffer }[] = [];
  let off = 8;
  while (off < png.length) {
    const len = png.readUInt32BE(off);
    const type = png.toString('latin1', off + 4, off + 8);
    const data = png.subarray(off + 8, off + 8 + len);
    expect(png.readUInt32BE(off + 8 + len)).toBe(crc32(png.subarray(off + 4, off + 8 + len)) >>> 0);
    out.push({ type, data });
    off += 12 + len;
  }
  return out;
}

describe('PNG encoder (PNG 2nd ed. §5, §11: RGBA8, filter 0)', () => {
  it('writes the signature, IHDR, IDAT and IEND with valid CRCs', () => {
    const rgba = new Uint8Array(2 * 3 * 4).map((_, i) => i * 7);
    const png = encodePng(2, 3, rgba);
    expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const list = chunks(png);
    expect(list.map((c) => c.type)).toEqual(['IHDR', 'IDAT', 'IEND']);
    const ihdr = list[0]!.data;
    expect(ihdr.readUInt32BE(0)).toBe(2);
    expect(ihdr.readUInt32BE(4)).toBe(3);
    expect([...ihdr.subarray(8)]).toEqual([8, 6, 0, 0, 0]);
  });

  it('round-trips the pixels: each scanline is filter byte 0 then the row', () => {
    const rgba = new Uint8Array(4 * 2 * 4).map((_, i) => (i * 31) & 0xff);
    const raw = inflateSync(chunks(encodePng(4, 2, rgba))[1]!.data);
    expect(raw.length).toBe((4 * 4 + 1) * 2);
    expect(raw[0]).toBe(0);
    expect(raw[17]).toBe(0);
    expect([...raw.subarray(1, 17), ...raw.subarray(18)]).toEqual([...rgba]);
  });

  it('refuses a size that does not match the data', () => {
    expect(() => encodePng(2, 2, new Uint8Array(15))).toThrow(RangeError);
    expect(() => encodePng(0, 2, new Uint8Array(0))).toThrow(RangeError);
  });
});
