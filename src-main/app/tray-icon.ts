/**
 * The tray icon, drawn at run time so that it can say everything at a glance: a disc coloured by
 * the registration state (green registered, amber ring while connecting, red with "!" when
 * registration failed, grey ring with no account), a bar across it for Do not disturb, and a red
 * dot at the top right while there are missed calls nobody looked at. Drawn on a 16-unit grid
 * with 4×4 supersampling, at 16 px and 32 px (HiDPI), encoded as PNG.
 */
import { encodePng } from './png-encoder.js';

export type TrayRegistration = 'registered' | 'connecting' | 'failed' | 'none';

export interface TrayLook {
  readonly registration: TrayRegistration;
  readonly doNotDisturb: boolean;
  /** Missed calls not seen yet: the badge shows when there is at least one. */
  readonly missed: number;
}

type Rgb = readonly [number, number, number];

const COLOURS: Readonly<Record<TrayRegistration, Rgb>> = {
  registered: [0x2f, 0x9e, 0x44],
  connecting: [0xf0, 0x8c, 0x00],
  failed: [0xe0, 0x31, 0x31],
  none: [0x86, 0x8e, 0x96],
};
const WHITE: Rgb = [0xff, 0xff, 0xff];
const BADGE: Rgb = [0xfa, 0x52, 0x52];

type Shape = (x: number, y: number) => boolean;
const circle =
  (cx: number, cy: number, r: number): Shape =>
  (x, y) =>
    (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
const ring =
  (cx: number, cy: number, outer: number, inner: number): Shape =>
  (x, y) => {
    const d = (x - cx) ** 2 + (y - cy) ** 2;
    return d <= outer * outer && d >= inner * inner;
  };
const rect =
  (x0: number, y0: number, x1: number, y1: number): Shape =>
  (x, y) =>
    x >= x0 && x <= x1 && y >= y0 && y <= y1;

/** One layer: paint `colour` where `shape` covers, or clear (transparent) with colour null. */
interface Layer {
  readonly shape: Shape;
  readonly colour: Rgb | null;
}

function layers(look: TrayLook): Layer[] {
  const colour = COLOURS[look.registration];
  const hollow = look.registration === 'connecting' || look.registration === 'none';
  const out: Layer[] = [{ shape: hollow ? ring(8, 8, 7, 4.6) : circle(8, 8, 7), colour }];
  if (look.doNotDisturb) out.push({ shape: rect(4.2, 6.9, 11.8, 9.1), colour: hollow ? colour : WHITE });
  else if (look.registration === 'failed') out.push({ shape: rect(7.1, 3.4, 8.9, 9.2), colour: WHITE }, { shape: circle(8, 11.6, 1.15), colour: WHITE });
  if (look.missed > 0) out.push({ shape: circle(12.6, 3.4, 4), colour: null }, { shape: circle(12.6, 3.4, 3), colour: BADGE });
  return out;
}

const SUB = 4;

/** The icon as straight-alpha RGBA, `size` × `size` pixels. */
export function trayIconPixels(look: TrayLook, size: number): Uint8Array {
  const paint = layers(look);
  const out = new Uint8Array(size * size * 4);
  const unit = 16 / size;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      // Premultiplied sums over the subsamples.
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < SUB; sy++) {
        for (let sx = 0; sx < SUB; sx++) {
          const x = (px + (sx + 0.5) / SUB) * unit;
          const y = (py + (sy + 0.5) / SUB) * unit;
          let c: Rgb | null = null;
          for (const l of paint) if (l.shape(x, y)) c = l.colour;
          if (c === null) continue;
          r += c[0];
          g += c[1];
          b += c[2];
          a += 1;
        }
      }
      const i = (py * size + px) * 4;
      if (a === 0) continue;
      out[i] = Math.round(r / a);
      out[i + 1] = Math.round(g / a);
      out[i + 2] = Math.round(b / a);
      out[i + 3] = Math.round((a / (SUB * SUB)) * 255);
    }
  }
  return out;
}

/** The icon as a PNG file of `size` px. */
export function trayIconPng(look: TrayLook, size: number): Buffer {
  return encodePng(size, size, trayIconPixels(look, size));
}

/** The part of Electron's nativeImage the tray icon needs. */
export interface NativeImageFactory<Image> {
  createFromBuffer(buffer: Buffer, options?: { scaleFactor?: number }): Image & { addRepresentation(options: { scaleFactor: number; buffer: Buffer }): void };
}

/** Builds (and caches, one per distinct look) the icon images: 16 px at 1×, 32 px at 2×. */
export class TrayIconCache<Image> {
  private readonly images = new Map<string, Image>();

  constructor(private readonly nativeImage: NativeImageFactory<Image>) {}

  get(look: TrayLook): Image {
    const key = `${look.registration}/${look.doNotDisturb ? 'dnd' : '-'}/${look.missed > 0 ? 'missed' : '-'}`;
    let image = this.images.get(key);
    if (image === undefined) {
      const created = this.nativeImage.createFromBuffer(trayIconPng(look, 16), { scaleFactor: 1 });
      created.addRepresentation({ scaleFactor: 2, buffer: trayIconPng(look, 32) });
      image = created;
      this.images.set(key, image);
    }
    return image;
  }
}
