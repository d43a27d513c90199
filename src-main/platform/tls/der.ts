/**
 * A strict DER reader (ITU-T X.690 §10): definite, minimally encoded lengths, single-octet and
 * high tag numbers, nothing read past its enclosing element. Used where a structure is read from
 * the network on every connection (the stapled OCSP response), so it costs microseconds, not the
 * milliseconds of a schema-driven ASN.1 library. Every failure is a `DerError`.
 */

export class DerError extends Error {
  override readonly name = 'DerError';
}

/** One element: its tag octet(s) decoded and where its contents sit in the buffer. */
export interface Tlv {
  /** 0 universal, 1 application, 2 context-specific, 3 private. */
  readonly cls: number;
  readonly constructed: boolean;
  readonly tag: number;
  /** Offset of the first identifier octet. */
  readonly start: number;
  /** Offset of the first content octet. */
  readonly contentStart: number;
  /** Offset after the last content octet. */
  readonly end: number;
}

export const TAG = {
  BOOLEAN: 1,
  INTEGER: 2,
  BIT_STRING: 3,
  OCTET_STRING: 4,
  NULL: 5,
  OID: 6,
  ENUMERATED: 10,
  SEQUENCE: 16,
  SET: 17,
  GENERALIZED_TIME: 24,
} as const;

/** Reads the element at `at`, which must end by `limit`. */
export function readTlv(buf: Uint8Array, at = 0, limit: number = buf.length): Tlv {
  if (at >= limit) throw new DerError('element expected, data ended');
  const first = buf[at]!;
  const cls = first >> 6;
  const constructed = (first & 0x20) !== 0;
  let tag = first & 0x1f;
  let p = at + 1;
  if (tag === 0x1f) {
    tag = 0;
    for (let n = 0; ; n++) {
      if (p >= limit || n >= 4) throw new DerError('tag number too long');
      const b = buf[p++]!;
      if (n === 0 && b === 0x80) throw new DerError('tag number not minimally encoded');
      tag = tag * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
    if (tag < 0x1f) throw new DerError('tag number not minimally encoded');
  }
  if (p >= limit) throw new DerError('length expected, data ended');
  const l0 = buf[p++]!;
  let length: number;
  if (l0 < 0x80) length = l0;
  else if (l0 === 0x80) throw new DerError('indefinite length is not DER');
  else {
    const count = l0 & 0x7f;
    if (count > 4) throw new DerError('length too large');
    if (p + count > limit) throw new DerError('length octets truncated');
    if (buf[p] === 0) throw new DerError('length not minimally encoded');
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + buf[p++]!;
    if (length < 0x80) throw new DerError('length not minimally encoded');
  }
  const end = p + length;
  if (end > limit) throw new DerError('element runs past its container');
  return { cls, constructed, tag, start: at, contentStart: p, end };
}

/** Reads the element at `at` and checks its class, form and tag. */
export function expectTlv(buf: Uint8Array, at: number, limit: number, cls: number, constructed: boolean, tag: number, what: string): Tlv {
  const t = readTlv(buf, at, limit);
  if (t.cls !== cls || t.constructed !== constructed || t.tag !== tag) throw new DerError(`${what} expected`);
  return t;
}

export const universal = (buf: Uint8Array, at: number, limit: number, tag: number, what: string): Tlv =>
  expectTlv(buf, at, limit, 0, tag === TAG.SEQUENCE || tag === TAG.SET, tag, what);

/** The children of a constructed element, in order. */
export function children(buf: Uint8Array, parent: Tlv): Tlv[] {
  if (!parent.constructed) throw new DerError('constructed element expected');
  const out: Tlv[] = [];
  for (let p = parent.contentStart; p < parent.end; ) {
    const t = readTlv(buf, p, parent.end);
    out.push(t);
    p = t.end;
  }
  return out;
}

export const contents = (buf: Uint8Array, t: Tlv): Uint8Array => buf.subarray(t.contentStart, t.end);
export const whole = (buf: Uint8Array, t: Tlv): Uint8Array => buf.subarray(t.start, t.end);

/** Dotted text of an OBJECT IDENTIFIER's contents (X.690 §8.19). */
export function oidText(buf: Uint8Array, t: Tlv): string {
  if (t.cls !== 0 || t.constructed || t.tag !== TAG.OID) throw new DerError('object identifier expected');
  if (t.end === t.contentStart) throw new DerError('empty object identifier');
  const arcs: number[] = [];
  let v = 0;
  let fresh = true;
  for (let p = t.contentStart; p < t.end; p++) {
    const b = buf[p]!;
    if (fresh && b === 0x80) throw new DerError('object identifier arc not minimally encoded');
    fresh = false;
    v = v * 128 + (b & 0x7f);
    if (v > Number.MAX_SAFE_INTEGER / 128) throw new DerError('object identifier arc too large');
    if ((b & 0x80) === 0) {
      if (arcs.length === 0) arcs.push(v < 80 ? Math.floor(v / 40) : 2, v < 80 ? v % 40 : v - 80);
      else arcs.push(v);
      v = 0;
      fresh = true;
    }
  }
  if (!fresh) throw new DerError('object identifier truncated');
  return arcs.join('.');
}

/** A small non-negative INTEGER or ENUMERATED (≤ 2^31), minimally encoded. */
export function smallInteger(buf: Uint8Array, t: Tlv): number {
  if (t.constructed || (t.tag !== TAG.INTEGER && t.tag !== TAG.ENUMERATED) || t.cls !== 0) throw new DerError('integer expected');
  const c = contents(buf, t);
  checkMinimalInteger(c);
  if (c[0]! & 0x80) throw new DerError('negative integer');
  if (c.length > 5 || (c.length === 5 && c[0] !== 0)) throw new DerError('integer too large');
  let v = 0;
  for (const b of c) v = v * 256 + b;
  return v;
}

/** X.690 §8.3.2: no redundant leading 0x00 or 0xFF octet. */
export function checkMinimalInteger(c: Uint8Array): void {
  if (c.length === 0) throw new DerError('empty integer');
  if (c.length > 1 && ((c[0] === 0 && (c[1]! & 0x80) === 0) || (c[0] === 0xff && (c[1]! & 0x80) !== 0))) throw new DerError('integer not minimally encoded');
}

/** The bits of a BIT STRING with no unused bits (a key or a signature). */
export function bitStringBytes(buf: Uint8Array, t: Tlv): Uint8Array {
  if (t.cls !== 0 || t.constructed || t.tag !== TAG.BIT_STRING) throw new DerError('bit string expected');
  if (t.end === t.contentStart || buf[t.contentStart] !== 0) throw new DerError('bit string with unused bits');
  return buf.subarray(t.contentStart + 1, t.end);
}

const GENERALIZED = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d{1,9}))?Z$/;

/** A GeneralizedTime in the RFC 5280 §4.1.2.5.2 profile (UTC, `Z`), fractional seconds allowed. */
export function generalizedTime(buf: Uint8Array, t: Tlv): Date {
  if (t.cls !== 0 || t.constructed || t.tag !== TAG.GENERALIZED_TIME) throw new DerError('GeneralizedTime expected');
  const text = Buffer.from(contents(buf, t)).toString('latin1');
  const m = GENERALIZED.exec(text);
  if (m === null) throw new DerError('GeneralizedTime is not YYYYMMDDHHMMSS[.f]Z');
  const [, y, mo, d, h, mi, s, f] = m;
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) throw new DerError('GeneralizedTime out of range');
  const ms = f === undefined ? 0 : Math.floor(Number(`0.${f}`) * 1000);
  const date = new Date(Date.UTC(Number(y), month - 1, day, hour, minute, second, ms));
  if (date.getUTCDate() !== day) throw new DerError('GeneralizedTime names a day the month does not have');
  return date;
}

/**
 * The fields of a certificate (RFC 5280 §4.1) that an OCSP check reads: the issuer and subject
 * Names (DER), the serial number's content octets and the subjectPublicKey bits.
 */
export interface CertificateFields {
  readonly issuerName: Uint8Array;
  readonly subjectName: Uint8Array;
  readonly serial: Uint8Array;
  readonly subjectPublicKey: Uint8Array;
}

export function certificateFields(der: Uint8Array): CertificateFields {
  const cert = universal(der, 0, der.length, TAG.SEQUENCE, 'certificate');
  const tbs = universal(der, cert.contentStart, cert.end, TAG.SEQUENCE, 'tbsCertificate');
  const f = children(der, tbs);
  let i = 0;
  if (f[0] !== undefined && f[0].cls === 2 && f[0].tag === 0) i++; // [0] version
  const serial = f[i];
  const issuer = f[i + 2];
  const subject = f[i + 4];
  const spki = f[i + 5];
  if (serial?.tag !== TAG.INTEGER || issuer?.tag !== TAG.SEQUENCE || subject?.tag !== TAG.SEQUENCE || spki?.tag !== TAG.SEQUENCE) throw new DerError('tbsCertificate fields expected');
  const spkiParts = children(der, spki);
  if (spkiParts.length !== 2) throw new DerError('subjectPublicKeyInfo expected');
  return {
    issuerName: whole(der, issuer),
    subjectName: whole(der, subject),
    serial: contents(der, serial),
    subjectPublicKey: bitStringBytes(der, spkiParts[1]!),
  };
}
