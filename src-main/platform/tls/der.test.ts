import { describe, expect, it } from 'vitest';
import { certificateFields, children, DerError, generalizedTime, oidText, readTlv, smallInteger } from './der.js';
import { getTestPki } from '../../../test/fixtures/pki/test-pki.js';
import { X509Certificate } from 'node:crypto';

const b = (...bytes: number[]): Uint8Array => Uint8Array.from(bytes);

describe('strict DER reader (X.690 §10)', () => {
  it('reads short and long definite lengths and refuses indefinite, non-minimal and overrunning ones', () => {
    expect(readTlv(b(0x04, 0x02, 1, 2))).toMatchObject({ tag: 4, contentStart: 2, end: 4 });
    const long = new Uint8Array(3 + 200);
    long.set([0x04, 0x81, 200]);
    expect(readTlv(long)).toMatchObject({ contentStart: 3, end: 203 });
    expect(() => readTlv(b(0x30, 0x80, 0, 0))).toThrow(DerError);
    expect(() => readTlv(b(0x04, 0x81, 0x05, 1, 2, 3, 4, 5))).toThrow(/minimally/);
    expect(() => readTlv(b(0x04, 0x82, 0x00, 0x90))).toThrow(/minimally/);
    expect(() => readTlv(b(0x04, 0x03, 1, 2))).toThrow(/past its container/);
    expect(() => readTlv(b(0x30, 0x02, 0x04, 0x05), 2, 4)).toThrow(/past its container/);
  });

  it('reads high tag numbers and refuses non-minimal ones', () => {
    expect(readTlv(b(0x9f, 0x20, 0x00))).toMatchObject({ cls: 2, tag: 32 });
    expect(() => readTlv(b(0x9f, 0x1e, 0x00))).toThrow(/minimally/);
    expect(() => readTlv(b(0x9f, 0x80, 0x20, 0x00))).toThrow(/minimally/);
  });

  it('decodes object identifiers, small integers and GeneralizedTime, refusing what DER forbids', () => {
    const oid = b(0x06, 0x09, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x01);
    expect(oidText(oid, readTlv(oid))).toBe('1.3.6.1.5.5.7.48.1.1');
    const badOid = b(0x06, 0x02, 0x80, 0x01);
    expect(() => oidText(badOid, readTlv(badOid))).toThrow(DerError);
    const int = b(0x02, 0x02, 0x00, 0x80);
    expect(smallInteger(int, readTlv(int))).toBe(128);
    const padded = b(0x02, 0x02, 0x00, 0x01);
    expect(() => smallInteger(padded, readTlv(padded))).toThrow(/minimally/);
    const time = (s: string): Uint8Array => Uint8Array.from([0x18, s.length, ...Buffer.from(s, 'latin1')]);
    const t = time('20261207101112.5Z');
    expect(generalizedTime(t, readTlv(t)).toISOString()).toBe('2026-12-07T10:11:12.500Z');
    for (const bad of ['20260231000000Z', '20261207101112', '20261307000000Z', '2026120710111Z']) {
      const x = time(bad);
      expect(() => generalizedTime(x, readTlv(x)), bad).toThrow(DerError);
    }
  });

  it('children stay inside their parent', () => {
    const seq = b(0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02);
    expect(children(seq, readTlv(seq)).map((c) => c.contentStart)).toEqual([4, 7]);
    const bad = b(0x30, 0x04, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02);
    expect(() => children(bad, readTlv(bad))).toThrow(DerError);
  });

  it('certificate fields agree with OpenSSL: serial, issuer and subject names, and the public key', async () => {
    const pki = await getTestPki();
    const x = new X509Certificate(pki.servers.good.certChainPem);
    const f = certificateFields(new Uint8Array(x.raw));
    expect(Buffer.from(f.serial).toString('hex').toUpperCase().replace(/^00/, '')).toBe(x.serialNumber.toUpperCase().replace(/^00/, ''));
    const spki = x.publicKey.export({ type: 'spki', format: 'der' });
    expect(Buffer.from(spki).subarray(spki.length - f.subjectPublicKey.length).equals(f.subjectPublicKey)).toBe(true);
    expect(f.subjectName.length).toBeGreaterThan(10);
    expect(Buffer.from(f.issuerName).equals(f.subjectName)).toBe(false);
  });
});
