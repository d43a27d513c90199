/**
 * The SDES `a=crypto` attribute (RFC 4568 §4, §6.1, §6.3; grammar §9.1):
 *
 *   a=crypto:<tag> <crypto-suite> <key-params> [<session-param>]*
 *   key-params     = key-param *(";" key-param)
 *   key-param      = "inline:" <base64 key||salt> ["|" lifetime] ["|" MKI ":" MKI-length]
 *   lifetime       = ["2^"] 1*DIGIT
 *   session-params = KDR=n | UNENCRYPTED_SRTP | UNENCRYPTED_SRTCP | UNAUTHENTICATED_SRTP
 *                    | FEC_ORDER=FEC_SRTP|SRTP_FEC | FEC_KEY=key-params | WSH=n | ["-"] extension
 *
 * This file is syntax only: whether a suite is supported, key lengths fit and session parameters
 * are acceptable is the negotiator's business (sdes-negotiator.ts).
 *
 * Key material is held in `KeyMaterial`, which serializes to JSON and util.inspect without the key;
 * error messages never contain the key (DESIGN.md rule 3).
 */
import { codedError, err, ok, type CodedError, type Result } from '../../base/result.js';

export type CryptoParseErrorCode =
  | 'syntax'
  | 'bad-tag'
  | 'bad-suite'
  | 'bad-key-method'
  | 'bad-key-encoding'
  | 'bad-lifetime'
  | 'bad-mki'
  | 'bad-session-param'
  | 'too-long';

export type CryptoParseError = CodedError<CryptoParseErrorCode>;

const MAX_ATTRIBUTE_LENGTH = 4096;

/** Decoded key||salt octets with the base64 text as received (so it is written back identically). */
export class KeyMaterial {
  constructor(
    readonly bytes: Uint8Array,
    readonly encoded: string,
  ) {}

  static fromBytes(bytes: Uint8Array): KeyMaterial {
    return new KeyMaterial(new Uint8Array(bytes), Buffer.from(bytes).toString('base64'));
  }

  get length(): number {
    return this.bytes.length;
  }

  toJSON(): string {
    return `[key material: ${this.bytes.length} octets]`;
  }

  toString(): string {
    return this.toJSON();
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toJSON();
  }
}

export type Lifetime =
  /** Written `2^n`. */
  | { readonly notation: 'power'; readonly exponent: number; readonly packets: number }
  /** Written as a decimal number of packets. */
  | { readonly notation: 'decimal'; readonly packets: number };

export interface Mki {
  /** Decimal digits, canonical (no leading zeros): MKIs may be up to 128 octets, beyond any number. */
  readonly value: string;
  /** Octets on the wire, 1..128. */
  readonly length: number;
}

export interface KeyParam {
  /** Only `inline` is defined (RFC 4568 §6.1). */
  readonly method: 'inline';
  readonly key: KeyMaterial;
  readonly lifetime?: Lifetime;
  readonly mki?: Mki;
}

export type SessionParam =
  | { readonly kind: 'KDR'; readonly value: number }
  | { readonly kind: 'UNENCRYPTED_SRTP' }
  | { readonly kind: 'UNENCRYPTED_SRTCP' }
  | { readonly kind: 'UNAUTHENTICATED_SRTP' }
  | { readonly kind: 'FEC_ORDER'; readonly value: 'FEC_SRTP' | 'SRTP_FEC' }
  | { readonly kind: 'FEC_KEY'; readonly keyParams: readonly KeyParam[] }
  | { readonly kind: 'WSH'; readonly value: number }
  /** Anything else; `optional` when prefixed with "-" (may be ignored, RFC 4568 §6.3.7). */
  | { readonly kind: 'extension'; readonly text: string; readonly optional: boolean };

export interface CryptoAttribute {
  readonly tag: number;
  /** The suite exactly as written (canonical or legacy spelling). */
  readonly suite: string;
  readonly keyParams: readonly KeyParam[];
  readonly sessionParams: readonly SessionParam[];
}

function fail(code: CryptoParseErrorCode, message: string): Result<never, CryptoParseError> {
  return err(codedError(code, message));
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function parseKeyParam(text: string): Result<KeyParam, CryptoParseError> {
  const colon = text.indexOf(':');
  if (colon < 0) return fail('bad-key-method', 'key parameter without a key method');
  const method = text.slice(0, colon);
  if (method.toLowerCase() !== 'inline') return fail('bad-key-method', 'only the inline key method is defined');
  const parts = text.slice(colon + 1).split('|');
  if (parts.length > 3) return fail('syntax', 'too many "|" fields in a key parameter');
  const encoded = parts[0]!;
  if (!BASE64.test(encoded) || encoded.length % 4 === 1) return fail('bad-key-encoding', 'key||salt is not base64');
  const bytes = new Uint8Array(Buffer.from(encoded, 'base64'));
  if (bytes.length === 0) return fail('bad-key-encoding', 'empty key');
  let lifetime: Lifetime | undefined;
  let mki: Mki | undefined;
  for (const field of parts.slice(1)) {
    if (field.includes(':')) {
      if (mki !== undefined) return fail('bad-mki', 'more than one MKI');
      const m = /^([0-9]{1,310}):([0-9]{1,3})$/.exec(field);
      if (m === null) return fail('bad-mki', 'MKI must be <value>:<length>');
      const length = Number(m[2]);
      const value = BigInt(m[1]!);
      if (length < 1 || length > 128 || value >= 1n << BigInt(length * 8)) return fail('bad-mki', 'MKI value does not fit its length (1..128 octets)');
      mki = { value: value.toString(), length };
    } else {
      if (lifetime !== undefined || mki !== undefined) return fail('bad-lifetime', 'lifetime must come once, before the MKI');
      const p = /^2\^([0-9]{1,2})$/.exec(field);
      const d = /^([0-9]{1,16})$/.exec(field);
      if (p !== null) {
        const exp = Number(p[1]);
        if (exp > 64) return fail('bad-lifetime', 'lifetime exponent too large');
        lifetime = { notation: 'power', exponent: exp, packets: 2 ** exp };
      } else if (d !== null) {
        const packets = Number(d[1]);
        if (!Number.isSafeInteger(packets) || packets < 1) return fail('bad-lifetime', 'lifetime out of range');
        lifetime = { notation: 'decimal', packets };
      } else {
        return fail('bad-lifetime', 'lifetime must be 2^n or a number');
      }
    }
  }
  return ok({
    method: 'inline',
    key: new KeyMaterial(bytes, encoded),
    ...(lifetime === undefined ? {} : { lifetime }),
    ...(mki === undefined ? {} : { mki }),
  });
}

function parseKeyParams(text: string): Result<KeyParam[], CryptoParseError> {
  const out: KeyParam[] = [];
  for (const piece of text.split(';')) {
    const r = parseKeyParam(piece);
    if (!r.ok) return r;
    out.push(r.value);
  }
  return ok(out);
}

function parseSessionParam(text: string): Result<SessionParam, CryptoParseError> {
  const eq = text.indexOf('=');
  const name = eq < 0 ? text : text.slice(0, eq);
  const value = eq < 0 ? undefined : text.slice(eq + 1);
  switch (name.toUpperCase()) {
    case 'KDR': {
      if (value === undefined || !/^[0-9]{1,2}$/.test(value) || Number(value) > 24) return fail('bad-session-param', 'KDR must be 0..24');
      return ok({ kind: 'KDR', value: Number(value) });
    }
    case 'UNENCRYPTED_SRTP':
    case 'UNENCRYPTED_SRTCP':
    case 'UNAUTHENTICATED_SRTP':
      if (value !== undefined) return fail('bad-session-param', `${name} takes no value`);
      return ok({ kind: name.toUpperCase() as 'UNENCRYPTED_SRTP' });
    case 'FEC_ORDER':
      if (value !== 'FEC_SRTP' && value !== 'SRTP_FEC') return fail('bad-session-param', 'FEC_ORDER must be FEC_SRTP or SRTP_FEC');
      return ok({ kind: 'FEC_ORDER', value });
    case 'FEC_KEY': {
      if (value === undefined) return fail('bad-session-param', 'FEC_KEY needs key parameters');
      const keys = parseKeyParams(value);
      if (!keys.ok) return keys;
      return ok({ kind: 'FEC_KEY', keyParams: keys.value });
    }
    case 'WSH': {
      if (value === undefined || !/^[0-9]{1,5}$/.test(value) || Number(value) < 64) return fail('bad-session-param', 'WSH must be a number >= 64');
      return ok({ kind: 'WSH', value: Number(value) });
    }
    default:
      if (!/^-?[\x21-\x7e]+$/.test(text) || text === '-') return fail('bad-session-param', 'session parameter must be visible characters');
      return ok({ kind: 'extension', text, optional: text.startsWith('-') });
  }
}

/** Parses the value of an `a=crypto` attribute (the text after `a=crypto:`). */
export function parseCryptoAttribute(value: string): Result<CryptoAttribute, CryptoParseError> {
  if (value.length > MAX_ATTRIBUTE_LENGTH) return fail('too-long', 'a=crypto value too long');
  const fields = value.trim().split(/[ \t]+/);
  if (fields.length < 3) return fail('syntax', 'a=crypto needs a tag, a suite and key parameters');
  const [tagText, suite, keyText, ...rest] = fields as [string, string, string, ...string[]];
  if (!/^[0-9]{1,9}$/.test(tagText)) return fail('bad-tag', 'tag must be 1 to 9 digits');
  if (!/^[A-Za-z0-9_]{1,64}$/.test(suite)) return fail('bad-suite', 'suite must be letters, digits and "_"');
  const keys = parseKeyParams(keyText);
  if (!keys.ok) return keys;
  const sessionParams: SessionParam[] = [];
  for (const p of rest) {
    const r = parseSessionParam(p);
    if (!r.ok) return r;
    sessionParams.push(r.value);
  }
  return ok({ tag: Number(tagText), suite, keyParams: keys.value, sessionParams });
}

function keyParamText(k: KeyParam, maskKey: boolean): string {
  let s = `inline:${maskKey ? '[REDACTED]' : k.key.encoded}`;
  if (k.lifetime !== undefined) s += k.lifetime.notation === 'power' ? `|2^${k.lifetime.exponent}` : `|${k.lifetime.packets}`;
  if (k.mki !== undefined) s += `|${k.mki.value}:${k.mki.length}`;
  return s;
}

function sessionParamText(p: SessionParam, maskKey: boolean): string {
  switch (p.kind) {
    case 'KDR':
    case 'WSH':
      return `${p.kind}=${p.value}`;
    case 'FEC_ORDER':
      return `FEC_ORDER=${p.value}`;
    case 'FEC_KEY':
      return `FEC_KEY=${p.keyParams.map((k) => keyParamText(k, maskKey)).join(';')}`;
    case 'extension':
      return p.text;
    default:
      return p.kind;
  }
}

function render(a: CryptoAttribute, maskKey: boolean): string {
  const keys = a.keyParams.map((k) => keyParamText(k, maskKey)).join(';');
  const params = a.sessionParams.map((p) => ` ${sessionParamText(p, maskKey)}`).join('');
  return `${a.tag} ${a.suite} ${keys}${params}`;
}

/** The attribute value (after `a=crypto:`), with the key material. */
export function serializeCryptoAttribute(a: CryptoAttribute): string {
  return render(a, false);
}

/** The attribute value with every key replaced by `[REDACTED]`: for reports, logs and the CLI. */
export function describeCryptoAttribute(a: CryptoAttribute): string {
  return render(a, true);
}

/** Session parameters as text (no key material: FEC_KEY keys are masked). */
export function describeSessionParam(p: SessionParam): string {
  return sessionParamText(p, true);
}

/** Replaces `inline:<key>` in any text (an SDP body, an a=crypto line) with `inline:[REDACTED]`. */
export function maskInlineKeys(text: string): string {
  return text.replace(/inline:[A-Za-z0-9+/=]+/gi, 'inline:[REDACTED]');
}
