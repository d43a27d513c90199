import { createHash, X509Certificate } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { getTestPki, type TestPki } from '../../../test/fixtures/pki/test-pki.js';
import { certificateEntry, expiryWarnings, reportChain } from './certificate-report.js';
import { daysUntil, normalisePin, parseCertificate, parseCertificatesPem } from './parsed-certificate.js';

let pki: TestPki;
beforeAll(async () => {
  pki = await getTestPki();
});

describe('certificate parsing', () => {
  it('reads SANs of every kind, CA flags, key and signature facts', () => {
    const [leaf, inter] = parseCertificatesPem(pki.servers.good.certChainPem);
    expect(leaf!.sans).toEqual({ dns: ['sip.example.test', '*.wild.example.test'], uri: ['sip:sipuri.example.test'], ip: ['127.0.0.1', '::1'], email: [] });
    expect(leaf!.subject).toBe('CN=sip.example.test, O=Example PBX');
    expect(leaf!.isCa).toBe(false);
    expect(leaf!.extKeyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(leaf!.caIssuersUrls).toEqual(['http://ca.example.test/intermediate.crt']);
    expect(leaf!.publicKey).toEqual({ type: 'ec', curve: 'prime256v1', bits: 256 });
    expect(leaf!.signatureAlgorithm).toBe('ecdsa-with-SHA256');
    expect(inter!.isCa).toBe(true);
    expect(inter!.pathLen).toBe(0);
    expect(parseCertificatesPem(pki.servers.rsa1024.certChainPem)[0]!.publicKey).toEqual({ type: 'rsa', bits: 1024 });
  });

  it('computes the SHA-256 fingerprint like OpenSSL and the SPKI pin like RFC 7469', () => {
    const der = pki.servers.good.leaf.der;
    const c = parseCertificate(der);
    expect(c.fingerprintSha256).toBe(new X509Certificate(der).fingerprint256);
    const spki = new X509Certificate(der).publicKey.export({ type: 'spki', format: 'der' });
    expect(c.spkiPin).toBe(`sha256/${createHash('sha256').update(spki).digest('base64')}`);
  });

  it('normalises pins given as SPKI hashes or fingerprints in any hex spelling', () => {
    const c = parseCertificate(pki.servers.good.leaf.der);
    expect(normalisePin(c.spkiPin)).toEqual({ kind: 'spki', value: c.spkiPin });
    const hex = c.fingerprintSha256.replace(/:/g, '').toLowerCase();
    expect(normalisePin(hex)).toEqual({ kind: 'fingerprint', value: c.fingerprintSha256 });
    expect(normalisePin(`sha256:${hex}`)).toEqual({ kind: 'fingerprint', value: c.fingerprintSha256 });
    expect(normalisePin('garbage')).toBeUndefined();
  });

  it('skips damaged blocks in a PEM bundle instead of failing the bundle', () => {
    const bundle = `${pki.rootPem}-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n${pki.intermediatePem}`;
    expect(parseCertificatesPem(bundle)).toHaveLength(2);
  });

  it('fuzz: arbitrary bytes either parse or throw an Error (the PEM reader never throws)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const pem = `-----BEGIN CERTIFICATE-----\n${Buffer.from(bytes).toString('base64')}\n-----END CERTIFICATE-----`;
        expect(() => parseCertificatesPem(pem)).not.toThrow();
      }),
      { numRuns: 100 },
    );
  });
});

describe('certificates whose key OpenSSL cannot decode (fuzz crashers, issue 15)', () => {
  it('are read without throwing: key type unknown, SPKI pin from the certificate bytes', () => {
    const dir = new URL('../../../test/corpus/certificate/crashers/', import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith('.bin'));
    expect(files.length).toBeGreaterThan(0);
    let undecodable = 0;
    for (const f of files) {
      let c;
      try {
        c = parseCertificate(readFileSync(new URL(f, dir)));
      } catch {
        continue; // refused at parse (the next test)
      }
      expect(() => JSON.stringify(c), f).not.toThrow();
      expect(c.spkiPin).toMatch(/^sha256\/[A-Za-z0-9+/]+=*$/);
      if (c.publicKey.type === 'unknown') undecodable++;
    }
    expect(undecodable).toBeGreaterThan(0);
  });

  it('refuses at parse a DER certificate OpenSSL accepts but the ASN.1 reader cannot read (fuzz crasher), instead of throwing from a getter later', () => {
    const good = Buffer.from(readFileSync(new URL('../../../test/corpus/certificate/good-0.bin', import.meta.url)));
    // An OpenSSL-tolerated oddity pkijs refuses: the crasher kept in test/corpus/certificate/crashers.
    const dir = new URL('../../../test/corpus/certificate/crashers/', import.meta.url);
    let refused = 0;
    for (const f of readdirSync(dir).filter((n) => n.endsWith('.bin'))) {
      let c;
      try {
        c = parseCertificate(readFileSync(new URL(f, dir)));
      } catch (e) {
        expect(e).toBeInstanceOf(Error);
        refused++;
        continue;
      }
      expect(() => JSON.stringify(c), f).not.toThrow();
    }
    expect(refused).toBeGreaterThan(0);
    expect(parseCertificate(good).subject).toContain('CN=');
  });
});

describe('certificate report entries', () => {
  it('counts days left and raises expiry warnings at 30/14/7 days and when expired', () => {
    const c = parseCertificate(pki.servers.expiringSoon.leaf.der);
    const now = Date.now();
    expect(daysUntil(c.notAfter, now)).toBeGreaterThanOrEqual(9);
    const at = (daysLeft: number): number => c.notAfter.getTime() - daysLeft * 86_400_000 - 1000;
    const warn = (n: number): unknown => expiryWarnings([certificateEntry(c, 'leaf', n, { trustAnchor: false, presented: true })])[0]?.threshold;
    expect(warn(at(45))).toBeUndefined();
    expect(warn(at(30))).toBe(30);
    expect(warn(at(20))).toBe(30);
    expect(warn(at(14))).toBe(14);
    expect(warn(at(7))).toBe(7);
    expect(warn(at(0))).toBe(7);
    expect(warn(c.notAfter.getTime() + 2 * 86_400_000)).toBe(0);
  });

  it('is plain serializable data (JSON round trip is lossless)', () => {
    const chain = parseCertificatesPem(pki.servers.good.certChainPem);
    const entries = reportChain(chain, undefined, Date.now(), () => false, () => undefined);
    expect(JSON.parse(JSON.stringify(entries))).toEqual(entries);
    expect(entries.map((e) => e.role)).toEqual(['leaf', 'intermediate']);
  });
});
