/**
 * The shared mutator (generalised from the SIP fuzz test of issue 3): bit flips, interesting
 * octets, deletions, duplications, random junk, truncation, splices from other seeds, number
 * swaps, line insertions/deletions, line-ending changes, dictionary tokens, and now and then a
 * long repetition (to show quadratic behaviour). Deterministic for a given Rand.
 */
import type { Rand } from './rand.js';

export interface MutatorOptions {
  /** Tokens of the format, spliced in at random places. */
  readonly dictionary?: readonly (string | Uint8Array)[];
  /** The input is text (enables the number and line operations). */
  readonly text?: boolean;
  /** Longest input produced (default 4096). */
  readonly maxLength?: number;
  /** Most operations stacked on one input (default 6). */
  readonly maxOps?: number;
}

const INTERESTING = [0x00, 0x01, 0x09, 0x0a, 0x0d, 0x20, 0x22, 0x25, 0x2c, 0x2f, 0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x40, 0x5b, 0x5c, 0x5d, 0x7f, 0x80, 0xc3, 0xfe, 0xff, 0x30, 0x39];
const NUMBERS = ['0', '1', '-1', '-5', '65535', '65536', '256', '2147483647', '2147483648', '4294967295', '4294967296', '000000000000000000017', '99999999999999999999', '1e400', 'NaN', '0x10'];

function toBytes(t: string | Uint8Array): Uint8Array {
  return typeof t === 'string' ? Buffer.from(t, 'utf8') : t;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
}

export function mutateBytes(src: Uint8Array, r: Rand, donors: readonly Uint8Array[], options: MutatorOptions = {}): Uint8Array {
  const dictionary = options.dictionary ?? [];
  const maxLength = options.maxLength ?? 4096;
  let b: Uint8Array = Uint8Array.from(src);
  const ops = 1 + r.int(options.maxOps ?? 6);
  for (let k = 0; k < ops; k++) {
    const at = r.int(b.length + 1);
    switch (r.int(options.text === true ? 14 : 10)) {
      case 0:
        if (b.length > 0) b[at % b.length]! ^= 1 << r.int(8);
        break;
      case 1:
        if (b.length > 0) b[at % b.length] = r.oneIn(2) ? r.pick(INTERESTING) : r.int(256);
        break;
      case 2:
        b = concat(b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + r.int(16))));
        break;
      case 3:
        b = concat(b.subarray(0, at), b.subarray(at, at + 1 + r.int(32)), b.subarray(at));
        break;
      case 4:
        b = concat(b.subarray(0, at), r.bytes(1 + r.int(8)), b.subarray(at));
        break;
      case 5:
        b = b.subarray(0, at);
        break;
      case 6: {
        if (donors.length === 0) break;
        const donor = r.pick(donors);
        const from = r.int(donor.length);
        b = concat(b.subarray(0, at), donor.subarray(from, from + 1 + r.int(64)), b.subarray(Math.min(b.length, at + r.int(64))));
        break;
      }
      case 7:
        if (dictionary.length > 0) b = concat(b.subarray(0, at), toBytes(r.pick(dictionary)), b.subarray(at));
        else if (b.length > 1) {
          // Swap two octets.
          const j = r.int(b.length);
          const i = at % b.length;
          const t = b[i]!;
          b[i] = b[j]!;
          b[j] = t;
        }
        break;
      case 8:
        if (dictionary.length > 0 && b.length > 0) {
          // Overwrite with a token.
          const t = toBytes(r.pick(dictionary));
          b = concat(b.subarray(0, at), t, b.subarray(Math.min(b.length, at + t.length)));
        } else if (b.length >= 2) {
          // Big-endian 16-bit boundary value at a random place.
          const v = r.pick([0, 1, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000, 0xffff]);
          const i = at % (b.length - 1);
          b[i] = v >>> 8;
          b[i + 1] = v & 0xff;
        }
        break;
      case 9:
        if (r.oneIn(8) && b.length > 0) {
          // A long repetition of a slice: inputs that are costly to parse, not just wrong.
          const piece = b.subarray(at % b.length, (at % b.length) + 1 + r.int(24));
          const times = 2 + r.int(Math.max(1, Math.floor(maxLength / Math.max(1, piece.length))));
          const rep = new Uint8Array(piece.length * times);
          for (let i = 0; i < times; i++) rep.set(piece, i * piece.length);
          b = concat(b.subarray(0, at), rep, b.subarray(at));
        } else if (b.length > 0) {
          b[at % b.length] = (b[at % b.length]! + r.int(5) - 2) & 0xff;
        }
        break;
      case 10: {
        const text = Buffer.from(b).toString('latin1');
        const digits = [...text.matchAll(/\d+/g)];
        const m = digits.length > 0 ? r.pick(digits) : undefined;
        if (m?.index !== undefined) b = Buffer.from(text.slice(0, m.index) + r.pick(NUMBERS) + text.slice(m.index + m[0].length), 'latin1');
        break;
      }
      case 11:
      case 12: {
        const text = Buffer.from(b).toString('latin1');
        const lines = text.split('\r\n');
        const i = r.int(lines.length);
        if (r.oneIn(2)) lines.splice(i, 0, lines[r.int(lines.length)] ?? '');
        else lines.splice(i, 1);
        b = Buffer.from(lines.join('\r\n'), 'latin1');
        break;
      }
      default: {
        const text = Buffer.from(b).toString('latin1');
        b = Buffer.from(r.oneIn(2) ? text.replace(/\r\n/g, '\n') : text.replace(/\r\n(?=[A-Za-z])/, '\r\n '), 'latin1');
      }
    }
    if (b.length > maxLength) b = b.subarray(0, maxLength);
  }
  return b;
}

/** Hex of (the start of) an input, for failure reports. */
export function toHexPreview(b: Uint8Array, max = 4096): string {
  const hex = Buffer.from(b.subarray(0, max)).toString('hex');
  return b.length > max ? `${hex}…(${b.length} octets)` : hex;
}
