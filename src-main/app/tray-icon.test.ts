import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { fakeNativeImage } from '../../test/fakes/fake-shell.js';
import { TrayIconCache, trayIconPixels, trayIconPng, type TrayLook, type TrayRegistration } from './tray-icon.js';

const STATES: TrayRegistration[] = ['registered', 'connecting', 'failed', 'none'];
const look = (registration: TrayRegistration, o: Partial<TrayLook> = {}): TrayLook => ({ registration, doNotDisturb: false, missed: 0, ...o });

/** RGBA of pixel (x, y) in a `size` icon. */
function pixel(px: Uint8Array, size: number, x: number, y: number): number[] {
  const i = (y * size + x) * 4;
  return [...px.subarray(i, i + 4)];
}

describe('tray icon: drawn per registration state, Do not disturb and missed calls', () => {
  it('every registration state has its own image, at 16 and 32 px', () => {
    for (const size of [16, 32]) {
      const images = STATES.map((s) => trayIconPng(look(s), size).toString('base64'));
      expect(new Set(images).size).toBe(STATES.length);
    }
  });

  it('registered is a filled green disc; connecting and no account are rings (the centre is clear)', () => {
    const centre = (s: TrayRegistration): number[] => pixel(trayIconPixels(look(s), 16), 16, 8, 8);
    expect(centre('registered')).toEqual([0x2f, 0x9e, 0x44, 255]);
    expect(centre('connecting')[3]).toBe(0);
    expect(centre('none')[3]).toBe(0);
    // Failed: red with a white exclamation mark down the middle.
    expect(pixel(trayIconPixels(look('failed'), 16), 16, 7, 5)).toEqual([255, 255, 255, 255]);
    expect(pixel(trayIconPixels(look('failed'), 16), 16, 4, 8)).toEqual([0xe0, 0x31, 0x31, 255]);
  });

  it('Do not disturb and the missed-call badge each change the image', () => {
    const plain = trayIconPng(look('registered'), 16).toString('base64');
    const dnd = trayIconPng(look('registered', { doNotDisturb: true }), 16).toString('base64');
    const missed = trayIconPng(look('registered', { missed: 3 }), 16).toString('base64');
    expect(new Set([plain, dnd, missed]).size).toBe(3);
    // The bar across the disc is white; the badge at the top right is red.
    expect(pixel(trayIconPixels(look('registered', { doNotDisturb: true }), 16), 16, 8, 8)).toEqual([255, 255, 255, 255]);
    expect(pixel(trayIconPixels(look('registered', { missed: 1 }), 16), 16, 12, 3)).toEqual([0xfa, 0x52, 0x52, 255]);
    expect(pixel(trayIconPixels(look('registered'), 16), 16, 15, 0)[3]).toBe(0);
  });

  it('is a valid 16×16 RGBA PNG', () => {
    const png = trayIconPng(look('connecting'), 16);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(16);
    expect(png.readUInt32BE(20)).toBe(16);
    const idatLength = png.readUInt32BE(33);
    expect(inflateSync(png.subarray(41, 41 + idatLength)).length).toBe((16 * 4 + 1) * 16);
  });

  it('builds each look once, with a 2× representation for HiDPI', () => {
    const cache = new TrayIconCache(fakeNativeImage);
    const a = cache.get(look('registered'));
    expect(cache.get(look('registered'))).toBe(a);
    expect(cache.get(look('registered', { missed: 5 }))).toBe(cache.get(look('registered', { missed: 1 })));
    expect(a.representations.map((r) => r.scaleFactor)).toEqual([1, 2]);
    expect(a.png(2).readUInt32BE(16)).toBe(32);
    expect(cache.get(look('failed'))).not.toBe(a);
  });
});
