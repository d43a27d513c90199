import { beforeAll, describe, expect, it } from 'vitest';
import { getTestPki, type TestPki } from '../../../test/fixtures/pki/test-pki.js';
import { parseCertificatesPem } from './parsed-certificate.js';
import { nodeTrustStoreHost, TrustStore, type TrustStoreHost } from './trust-store.js';

let pki: TestPki;
beforeAll(async () => {
  pki = await getTestPki();
});

function host(over: Partial<TrustStoreHost>): TrustStoreHost {
  return { rootCertificates: [], env: {}, platform: 'linux', readFile: () => undefined, listDir: () => [], ...over };
}

describe('trust store', () => {
  it('uses tls.getCACertificates("system") when the runtime has it (Electron 45 / Node ≥ 22.15)', () => {
    const calls: string[] = [];
    const store = new TrustStore(
      host({
        getCACertificates: (t) => {
          calls.push(t);
          return t === 'system' ? [pki.rootPem] : [pki.unknownRootPem];
        },
      }),
    );
    const set = store.anchorsFor({ system: true, bundled: true, customCaPems: [] });
    expect(calls.sort()).toEqual(['bundled', 'system']);
    expect(set.counts).toEqual({ system: 1, bundled: 1, custom: 0 });
    expect(store.systemInfo().method).toBe('getCACertificates');
  });

  it('falls back to OpenSSL default bundle files, honouring SSL_CERT_FILE first', () => {
    const files: Record<string, string> = { '/custom/bundle.pem': pki.rootPem, '/etc/ssl/certs/ca-certificates.crt': pki.unknownRootPem };
    const store = new TrustStore(host({ env: { SSL_CERT_FILE: '/custom/bundle.pem' }, readFile: (p) => files[p] }));
    expect(store.anchorsFor({ system: true, bundled: false, customCaPems: [] }).counts.system).toBe(1);
    expect(store.systemInfo()).toMatchObject({ method: 'openssl-file', location: '/custom/bundle.pem', count: 1 });
  });

  it('falls back to a hashed certificate directory when no bundle file exists', () => {
    const store = new TrustStore(
      host({
        listDir: (d) => (d === '/etc/ssl/certs' ? ['5f2b.0', 'README', 'x.pem'] : []),
        readFile: (p) => (p === '/etc/ssl/certs/5f2b.0' ? pki.rootPem : p === '/etc/ssl/certs/x.pem' ? pki.intermediatePem : undefined),
      }),
    );
    expect(store.anchorsFor({ system: true, bundled: false, customCaPems: [] }).counts.system).toBe(2);
    expect(store.systemInfo().method).toBe('openssl-dir');
  });

  it('uses the bundled Mozilla roots (tls.rootCertificates) when getCACertificates is missing', () => {
    const store = new TrustStore(host({ rootCertificates: [pki.rootPem] }));
    const set = store.anchorsFor({ system: false, bundled: true, customCaPems: [] });
    expect(set.counts.bundled).toBe(1);
  });

  it('merges custom CAs, deduplicates, and tells where each anchor came from', () => {
    const store = new TrustStore(host({ rootCertificates: [pki.rootPem] }));
    const set = store.anchorsFor({ system: false, bundled: true, customCaPems: [pki.rootPem, pki.unknownRootPem] });
    expect(set.counts).toEqual({ system: 0, bundled: 1, custom: 1 });
    const unknown = parseCertificatesPem(pki.unknownRootPem)[0]!;
    expect(set.sourceOf(unknown)).toBe('custom');
    expect(set.pems).toHaveLength(2);
  });

  it('an account that trusts nothing gets an empty anchor list (not OpenSSL defaults)', () => {
    const set = new TrustStore(host({ rootCertificates: [pki.rootPem] })).anchorsFor({ system: false, bundled: false, customCaPems: [] });
    expect(set.pems).toEqual([]);
  });

  it('finds real system and bundled roots on this machine', () => {
    const store = new TrustStore(nodeTrustStoreHost());
    // Roots present in both sources are counted once, under the first (system).
    expect(store.anchorsFor({ system: false, bundled: true, customCaPems: [] }).counts.bundled).toBeGreaterThan(50);
    const both = store.anchorsFor({ system: true, bundled: true, customCaPems: [] });
    expect(both.counts.system + both.counts.bundled).toBeGreaterThan(50);
  });
});
