import { readdirSync, readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createLogger, MemorySink } from '../../base/logger.js';
import { describeCryptoAttribute, KeyMaterial, maskInlineKeys, parseCryptoAttribute, serializeCryptoAttribute, type CryptoAttribute } from './crypto-attribute.js';

const RFC_KEY = 'PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR';

function expectStable(value: string): void {
  const r = parseCryptoAttribute(value);
  if (!r.ok) return;
  const again = parseCryptoAttribute(serializeCryptoAttribute(r.value));
  expect(again.ok).toBe(true);
  if (again.ok) expect(again.value).toEqual(r.value);
}

describe('parseCryptoAttribute: RFC 4568 examples', () => {
  it('RFC 4568 §3/§6.1: key||salt, lifetime 2^20, MKI 1 of 4 octets', () => {
    const r = parseCryptoAttribute(`1 AES_CM_128_HMAC_SHA1_80 inline:${RFC_KEY}|2^20|1:4`);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const a = r.value;
    expect(a.tag).toBe(1);
    expect(a.suite).toBe('AES_CM_128_HMAC_SHA1_80');
    expect(a.keyParams).toHaveLength(1);
    const k = a.keyParams[0]!;
    expect(k.key.length).toBe(30);
    expect(Buffer.from(k.key.bytes).toString('base64')).toBe(RFC_KEY);
    expect(k.lifetime).toEqual({ notation: 'power', exponent: 20, packets: 1048576 });
    expect(k.mki).toEqual({ value: '1', length: 4 });
    expect(serializeCryptoAttribute(a)).toBe(`1 AES_CM_128_HMAC_SHA1_80 inline:${RFC_KEY}|2^20|1:4`);
  });

  it('RFC 4568 §6.1: several keys with MKIs, session parameters KDR, WSH, FEC_ORDER, FEC_KEY', () => {
    const text = `2 F8_128_HMAC_SHA1_80 inline:${RFC_KEY}|2^20|1:4;inline:${RFC_KEY}|2^20|2:4 KDR=1 WSH=128 FEC_ORDER=FEC_SRTP FEC_KEY=inline:${RFC_KEY}|2^20 UNENCRYPTED_SRTCP -OPT_EXT MANDATORY_EXT`;
    const r = parseCryptoAttribute(text);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.keyParams.map((k) => k.mki?.value)).toEqual(['1', '2']);
    expect(r.value.sessionParams.map((p) => p.kind)).toEqual(['KDR', 'WSH', 'FEC_ORDER', 'FEC_KEY', 'UNENCRYPTED_SRTCP', 'extension', 'extension']);
    expect(r.value.sessionParams[5]).toEqual({ kind: 'extension', text: '-OPT_EXT', optional: true });
    expect(r.value.sessionParams[6]).toEqual({ kind: 'extension', text: 'MANDATORY_EXT', optional: false });
    expect(serializeCryptoAttribute(r.value)).toBe(text);
  });

  it('decimal lifetime and a lifetime-free MKI are told apart by the colon', () => {
    const a = parseCryptoAttribute(`1 AES_CM_128_HMAC_SHA1_80 inline:${RFC_KEY}|1048576`);
    expect(a.ok && a.value.keyParams[0]!.lifetime).toEqual({ notation: 'decimal', packets: 1048576 });
    const b = parseCryptoAttribute(`1 AES_CM_128_HMAC_SHA1_80 inline:${RFC_KEY}|5:2`);
    expect(b.ok && b.value.keyParams[0]!.mki).toEqual({ value: '5', length: 2 });
    expect(b.ok && b.value.keyParams[0]!.lifetime).toBeUndefined();
  });

  const malformed: [string, string, string][] = [
    ['two fields', '1 AES_CM_128_HMAC_SHA1_80', 'syntax'],
    ['ten-digit tag', `1234567890 AES_CM_128_HMAC_SHA1_80 inline:${RFC_KEY}`, 'bad-tag'],
    ['suite with a dash', `1 AES-CM inline:${RFC_KEY}`, 'bad-suite'],
    ['unknown key method', `1 AES_CM_128_HMAC_SHA1_80 uri:${RFC_KEY}`, 'bad-key-method'],
    ['non-base64 key', '1 AES_CM_128_HMAC_SHA1_80 inline:not*base64', 'bad-key-encoding'],
    ['empty key', '1 AES_CM_128_HMAC_SHA1_80 inline:|2^20', 'bad-key-encoding'],
    ['MKI value larger than its length', `1 AES_CM_128_HMAC_SHA1_80 inline:${RFC_KEY}|256:1`, 'bad-mki'],
    ['MKI length 0', `1 AES_CM_128_HMAC_SHA1_80 inline:${RFC_KEY}|1:0`, 'bad-mki'],
    ['lifetime after MKI', `1 AES_CM_128_HMAC_SHA1_80 inline:${RFC_KEY}|1:4|2^20`, 'bad-lifetime'],
    ['four fields', `1 AES_CM_128_HMAC_SHA1_80 inline:${RFC_KEY}|2^20|1:4|x`, 'syntax'],
    ['lifetime 2^65', `1 AES_CM_128_HMAC_SHA1_80 inline:${RFC_KEY}|2^65`, 'bad-lifetime'],
    ['KDR 25', `1 AES_CM_128_HMAC_SHA1_80 inline:${RFC_KEY} KDR=25`, 'bad-session-param'],
    ['WSH below 64', `1 AES_CM_128_HMAC_SHA1_80 inline:${RFC_KEY} WSH=10`, 'bad-session-param'],
    ['FEC_ORDER unknown', `1 AES_CM_128_HMAC_SHA1_80 inline:${RFC_KEY} FEC_ORDER=X`, 'bad-session-param'],
    ['too long', `1 AES_CM_128_HMAC_SHA1_80 inline:${'A'.repeat(5000)}`, 'too-long'],
  ];
  for (const [name, text, code] of malformed) {
    it(`refuses ${name} (${code}) without echoing the key`, () => {
      const r = parseCryptoAttribute(text);
      expect(r.ok ? 'ok' : r.error.code).toBe(code);
      expect(JSON.stringify(r)).not.toContain(RFC_KEY);
    });
  }
});

describe('a=crypto key material never leaks by accident', () => {
  it('KeyMaterial hides its octets from JSON, String() and util.inspect', () => {
    const r = parseCryptoAttribute(`1 AES_CM_128_HMAC_SHA1_80 inline:${RFC_KEY}|2^20|1:4`);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    for (const rendering of [JSON.stringify(r.value), String(r.value.keyParams[0]!.key), inspect(r.value, { depth: 5 })]) {
      expect(rendering).not.toContain(RFC_KEY);
      expect(rendering).toContain('30 octets');
    }
    expect(describeCryptoAttribute(r.value)).toBe('1 AES_CM_128_HMAC_SHA1_80 inline:[REDACTED]|2^20|1:4');
    const sink = new MemorySink();
    createLogger({ sinks: [sink] }).info('answer', { attr: r.value });
    expect(sink.text()).not.toContain(RFC_KEY);
  });

  it('maskInlineKeys masks every key in an SDP body', () => {
    expect(maskInlineKeys(`a=crypto:1 X inline:${RFC_KEY}|2^20;inline:${RFC_KEY}`)).toBe('a=crypto:1 X inline:[REDACTED]|2^20;inline:[REDACTED]');
  });
});

describe('parseCryptoAttribute: fuzz, round trip, corpus (DESIGN.md rule 5)', () => {
  const corpusDir = new URL('../../../test/corpus/sdes-crypto/', import.meta.url);
  const corpus = readdirSync(corpusDir)
    .filter((f) => f.endsWith('.txt'))
    .flatMap((f) => readFileSync(new URL(f, corpusDir), 'utf8').split('\n'))
    .filter((l) => l.length > 0);
  const fixtureLines = readdirSync(new URL('./fixtures/', import.meta.url))
    .flatMap((f) => readFileSync(new URL(`./fixtures/${f}`, import.meta.url), 'utf8').split(/\r?\n/))
    .filter((l) => l.startsWith('a=crypto:'))
    .map((l) => l.slice('a=crypto:'.length));

  it(`every corpus and capture line (${corpus.length + fixtureLines.length}) and every prefix of it is a value or an error, and stable`, () => {
    for (const line of [...corpus, ...fixtureLines]) for (let n = 0; n <= line.length; n++) expectStable(line.slice(0, n));
    for (const line of fixtureLines) expect(parseCryptoAttribute(line).ok, line.slice(0, 30)).toBe(true);
  });

  it('any string gives a value or an error; values serialize and parse back equal', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), expectStable), { numRuns: 2000 });
    const piece = fc.constantFrom('1', ' ', 'AES_CM_128_HMAC_SHA1_80', 'inline:', RFC_KEY, '|', '2^', '20', ':', ';', '=', 'KDR', 'WSH=64', '-X', 'FEC_KEY=', '==');
    fc.assert(fc.property(fc.array(piece, { maxLength: 14 }), (parts) => expectStable(parts.join(''))), { numRuns: 3000 });
  });

  it('round-trip: any well-formed attribute serializes and parses back equal', () => {
    const keyParam = fc.record(
      {
        method: fc.constant('inline' as const),
        key: fc.uint8Array({ minLength: 1, maxLength: 64 }).map((b) => KeyMaterial.fromBytes(b)),
        lifetime: fc.oneof(fc.integer({ min: 0, max: 64 }).map((e) => ({ notation: 'power' as const, exponent: e, packets: 2 ** e })), fc.integer({ min: 1, max: 2 ** 40 }).map((p) => ({ notation: 'decimal' as const, packets: p }))),
        mki: fc.integer({ min: 1, max: 8 }).chain((length) => fc.bigInt({ min: 0n, max: (1n << BigInt(length * 8)) - 1n }).map((value) => ({ value: value.toString(), length }))),
      },
      { requiredKeys: ['method', 'key'] },
    );
    const sessionParam = fc.oneof(
      fc.integer({ min: 0, max: 24 }).map((value) => ({ kind: 'KDR' as const, value })),
      fc.constantFrom({ kind: 'UNENCRYPTED_SRTP' as const }, { kind: 'UNENCRYPTED_SRTCP' as const }, { kind: 'UNAUTHENTICATED_SRTP' as const }),
      fc.constantFrom('FEC_SRTP' as const, 'SRTP_FEC' as const).map((value) => ({ kind: 'FEC_ORDER' as const, value })),
      fc.array(keyParam, { minLength: 1, maxLength: 2 }).map((keyParams) => ({ kind: 'FEC_KEY' as const, keyParams })),
      fc.integer({ min: 64, max: 99999 }).map((value) => ({ kind: 'WSH' as const, value })),
      fc.tuple(fc.boolean(), fc.stringMatching(/^[A-Z][A-Z0-9_]{0,10}$/)).filter(([, t]) => !['KDR', 'WSH', 'FEC_ORDER', 'FEC_KEY', 'UNENCRYPTED_SRTP', 'UNENCRYPTED_SRTCP', 'UNAUTHENTICATED_SRTP'].includes(t)).map(([opt, t]) => ({ kind: 'extension' as const, text: opt ? `-${t}` : t, optional: opt })),
    );
    const attribute = fc.record({
      tag: fc.integer({ min: 0, max: 999_999_999 }),
      suite: fc.stringMatching(/^[A-Za-z0-9_]{1,30}$/),
      keyParams: fc.array(keyParam, { minLength: 1, maxLength: 3 }),
      sessionParams: fc.array(sessionParam, { maxLength: 4 }),
    });
    fc.assert(
      fc.property(attribute, (a) => {
        const r = parseCryptoAttribute(serializeCryptoAttribute(a as CryptoAttribute));
        expect(r.ok).toBe(true);
        if (r.ok) expect(r.value).toEqual(a);
      }),
      { numRuns: 1000 },
    );
  });
});
