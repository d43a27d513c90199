/**
 * A scanning cursor over a byte string (see byte-string.ts), with the separators of RFC 3261 §25.1:
 * SWS around ";" "," "=" "/" ":" and quoted strings with quoted-pairs. Header values reach it
 * already unfolded (LWS turned into single spaces), so whitespace here is SP / HTAB only.
 *
 * Scanners return `undefined` on a syntax error and leave a human message in `error`; nothing throws.
 */
import { BACKSLASH, DQUOTE, isWsp } from './char-classes.js';

export class Cursor {
  pos: number;
  error: string | undefined = undefined;

  constructor(
    readonly s: string,
    pos = 0,
    readonly end = s.length,
  ) {
    this.pos = pos;
  }

  atEnd(): boolean {
    return this.pos >= this.end;
  }

  /** The char code at the cursor, or -1 at the end. */
  peek(): number {
    return this.pos < this.end ? this.s.charCodeAt(this.pos) : -1;
  }

  skipWsp(): void {
    while (this.pos < this.end && isWsp(this.s.charCodeAt(this.pos))) this.pos++;
  }

  /** Records the first error and returns undefined, so scanners can `return c.fail(...)`. */
  fail(message: string): undefined {
    if (this.error === undefined) this.error = message;
    return undefined;
  }

  /** Consumes the longest run of chars in `set`; returns it ('' when none). */
  take(set: Uint8Array): string {
    const start = this.pos;
    let p = start;
    const s = this.s;
    while (p < this.end) {
      const c = s.charCodeAt(p);
      if (c > 255 || set[c] !== 1) break;
      p++;
    }
    this.pos = p;
    return p === start ? '' : s.slice(start, p);
  }

  /** Skips `SWS ch SWS` and returns true, or leaves the cursor unchanged and returns false. */
  sep(ch: number): boolean {
    let p = this.pos;
    const s = this.s;
    while (p < this.end && isWsp(s.charCodeAt(p))) p++;
    if (p >= this.end || s.charCodeAt(p) !== ch) return false;
    p++;
    while (p < this.end && isWsp(s.charCodeAt(p))) p++;
    this.pos = p;
    return true;
  }

  /**
   * quoted-string = DQUOTE *(qdtext / quoted-pair) DQUOTE, at the cursor. Returns the raw text
   * including the quotes (unquote() resolves it), or undefined when the quote is not closed.
   */
  quoted(): string | undefined {
    const s = this.s;
    const start = this.pos;
    if (s.charCodeAt(start) !== DQUOTE) return this.fail('expected a quoted string');
    let p = start + 1;
    while (p < this.end) {
      const c = s.charCodeAt(p);
      if (c === DQUOTE) {
        this.pos = p + 1;
        return s.slice(start, p + 1);
      }
      if (c === BACKSLASH) {
        // quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F)
        const n = s.charCodeAt(p + 1);
        if (p + 1 >= this.end || n === 0x0a || n === 0x0d || n > 0x7f) return this.fail('invalid quoted-pair');
        p += 2;
        continue;
      }
      // qdtext = LWS / %x21 / %x23-5B / %x5D-7E / UTF8-NONASCII
      if ((c < 0x20 && c !== 0x09) || c === 0x7f) return this.fail('control character in quoted string');
      p++;
    }
    return this.fail('unterminated quoted string');
  }
}

/** Resolves a raw quoted string (with its quotes) to its content, removing quoted-pair backslashes. */
export function unquote(raw: string): string {
  if (raw.length < 2 || raw.charCodeAt(0) !== DQUOTE) return raw;
  const inner = raw.slice(1, -1);
  if (inner.indexOf('\\') < 0) return inner;
  let out = '';
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i]!;
    if (c === '\\' && i + 1 < inner.length) {
      out += inner[i + 1]!;
      i++;
    } else out += c;
  }
  return out;
}

/** Quotes a byte string, escaping '"' and '\' (and the other octets quoted-pair allows only escaped). */
export function quote(value: string): string {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === DQUOTE || c === BACKSLASH || (c < 0x20 && c !== 0x09) || c === 0x7f) {
      if (c === 0x0a || c === 0x0d) continue; // cannot be carried at all; dropped
      out += '\\';
    }
    out += value[i]!;
  }
  return out + '"';
}
