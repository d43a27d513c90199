import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import * as pkijs from 'pkijs';
import { beforeAll, describe, expect, it } from 'vitest';
import { getTestPki, type TestPki } from '../../../test/fixtures/pki/test-pki.js';
import { evaluateStapledOcsp, ocspPolicyError } from './ocsp-evaluator.js';
import { parseCertificate, parseCertificatesPem, type ParsedCertificate } from './parsed-certificate.js';

let pki: TestPki;
let leaf: ParsedCertificate;
let issuer: ParsedCertificate;
const now = Date.now();

beforeAll(async () => {
  pki = await getTestPki();
  [leaf, issuer] = parseCertificatesPem(pki.servers.good.certChainPem) as [ParsedCertificate, ParsedCertificate];
});

describe('stapled OCSP (RFC 6960 §3.2, §4.2)', () => {
  it('accepts a good response signed by the issuer', async () => {
    const r = await evaluateStapledOcsp(pki.ocsp.goodForGoodLeaf, leaf, issuer, { now });
    expect(r.status).toBe('good');
    expect(r.nextUpdate).toBeDefined();
  });

  it('reads a revoked status with its revocation time', async () => {
    const r = await evaluateStapledOcsp(pki.ocsp.revokedForGoodLeaf, leaf, issuer, { now });
    expect(r.status).toBe('revoked');
    expect(r.revokedAt).toBeDefined();
  });

  it('calls a response past nextUpdate stale', async () => {
    expect((await evaluateStapledOcsp(pki.ocsp.staleForGoodLeaf, leaf, issuer, { now })).status).toBe('stale');
  });

  it('rejects a response signed by an unauthorised responder', async () => {
    expect((await evaluateStapledOcsp(pki.ocsp.forgedForGoodLeaf, leaf, issuer, { now })).status).toBe('invalid');
  });

  it('accepts a response signed (RSA) by a responder the issuer delegated with id-kp-OCSPSigning (RFC 6960 §4.2.2.2)', async () => {
    const r = await evaluateStapledOcsp(pki.ocsp.delegatedForGoodLeaf, leaf, issuer, { now });
    expect(r).toMatchObject({ status: 'good' });
  });

  it('rejects a responder certificate the issuer issued without id-kp-OCSPSigning', async () => {
    const r = await evaluateStapledOcsp(pki.ocsp.delegatedWithoutEkuForGoodLeaf, leaf, issuer, { now });
    expect(r).toMatchObject({ status: 'invalid', detail: expect.stringContaining('OCSPSigning') });
  });

  it('rejects a delegated responder once its certificate has expired', async () => {
    const r = await evaluateStapledOcsp(pki.ocsp.delegatedForGoodLeaf, leaf, issuer, { now: now + 40 * 86_400_000, maxAgeWithoutNextUpdateMs: Infinity });
    expect(r).toMatchObject({ status: 'invalid', detail: 'responder certificate not valid now' });
  });

  it('refuses trailing data, indefinite lengths and non-minimal lengths (strict DER)', async () => {
    const good = pki.ocsp.goodForGoodLeaf;
    expect((await evaluateStapledOcsp(Buffer.concat([good, Buffer.from([0])]), leaf, issuer, { now })).status).toBe('invalid');
    const indefinite = Buffer.concat([Buffer.from([0x30, 0x80]), good.subarray(good[1]! & 0x80 ? 2 + (good[1]! & 0x7f) : 2), Buffer.from([0, 0])]);
    expect((await evaluateStapledOcsp(indefinite, leaf, issuer, { now })).status).toBe('invalid');
    expect(good[1]).toBe(0x82); // long form, two octets: rewrite it with a redundant third
    const padded = Buffer.concat([Buffer.from([0x30, 0x83, 0x00]), good.subarray(2)]);
    expect((await evaluateStapledOcsp(padded, leaf, issuer, { now })).status).toBe('invalid');
  });

  it('rejects a response about another certificate', async () => {
    const [other] = parseCertificatesPem(pki.servers.wrongHost.certChainPem);
    expect((await evaluateStapledOcsp(pki.ocsp.goodForGoodLeaf, other!, issuer, { now })).status).toBe('invalid');
  });

  it('reports absence and a missing issuer without throwing', async () => {
    expect((await evaluateStapledOcsp(undefined, leaf, issuer, { now })).status).toBe('absent');
    expect((await evaluateStapledOcsp(pki.ocsp.goodForGoodLeaf, leaf, undefined, { now })).status).toBe('invalid');
  });

  it('fuzz: arbitrary bytes give `invalid`, never a throw', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 300 }), async (bytes) => {
        const r = await evaluateStapledOcsp(bytes, leaf, issuer, { now });
        expect(r.status).toBe('invalid');
      }),
      { numRuns: 60 },
    );
  });

  it('fuzz: a truncated response, or one with a bit flipped in its signed data or signature, is never accepted as good', async () => {
    const good = pki.ocsp.goodForGoodLeaf;
    // Where the signed ResponseData and the signature sit (the outer wrapper is not signed).
    const outer = pkijs.OCSPResponse.fromBER(good);
    const basic = pkijs.BasicOCSPResponse.fromBER(outer.responseBytes!.response.valueBlock.valueHexView);
    const tbs = Buffer.from(basic.tbsResponseData.tbsView);
    const sig = Buffer.from(basic.signature.valueBlock.valueHexView);
    // The signature region is limited to its last 16 bytes (inside the ECDSA `s` value): a flip in
    // the DER framing or a leading zero of r/s may be normalised away by the ECDSA decoder without
    // changing what was signed, which is not a weakness.
    const sigEnd = good.indexOf(sig) + sig.length;
    const regions = [
      [good.indexOf(tbs), good.indexOf(tbs) + tbs.length],
      [sigEnd - 16, sigEnd],
    ] as const;
    expect(regions.every(([a]) => a > 0)).toBe(true);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: good.length - 1 }), fc.integer({ min: 0, max: 7 }), async (at, bit) => {
        expect((await evaluateStapledOcsp(good.subarray(0, at), leaf, issuer, { now })).status).not.toBe('good');
        const [region] = regions.filter(([a, b]) => at >= a && at < b);
        if (region === undefined) return;
        const flipped = Buffer.from(good);
        flipped[at] = flipped[at]! ^ (1 << bit);
        expect((await evaluateStapledOcsp(flipped, leaf, issuer, { now })).status).not.toBe('good');
      }),
      { numRuns: 80 },
    );
  });

  it('applies the policy: off ignores, soft-fail only refuses revoked, hard-fail needs good', () => {
    expect(ocspPolicyError({ status: 'revoked' }, 'off')).toBeUndefined();
    expect(ocspPolicyError({ status: 'revoked' }, 'soft-fail')).toBe('revoked');
    expect(ocspPolicyError({ status: 'absent' }, 'soft-fail')).toBeUndefined();
    expect(ocspPolicyError({ status: 'absent' }, 'hard-fail')).toBe('revocation-unknown');
    expect(ocspPolicyError({ status: 'stale' }, 'hard-fail')).toBe('revocation-unknown');
    expect(ocspPolicyError({ status: 'good' }, 'hard-fail')).toBeUndefined();
  });
});

describe('stapled OCSP signature encoding (fuzz crasher, test/corpus/ocsp)', () => {
  const at = (f: string): Buffer => readFileSync(new URL(`../../../test/corpus/ocsp/${f}`, import.meta.url));
  it('refuses a genuine ECDSA signature whose DER SEQUENCE length was altered (WebCrypto alone still verifies it); the untouched response is good', async () => {
    const leaf = parseCertificate(at('context/leaf.der'));
    const issuer = parseCertificate(at('context/issuer.der'));
    const now = Number(at('context/now.txt').toString('utf8').trim());
    expect((await evaluateStapledOcsp(at('context/good.der'), leaf, issuer, { now })).status).toBe('good');
    const r = await evaluateStapledOcsp(at('crashers/299d429c16d72793.bin'), leaf, issuer, { now });
    expect(r.status).toBe('invalid');
    expect(r.status === 'invalid' ? r.detail : '').toContain('DER');
  });
});
