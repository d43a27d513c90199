/**
 * The fixture servers of the certificate-panel e2e tests (trust-servers.ts), proven with a plain
 * `node:tls` client before any UI test relies on them: each presents what its variant says
 * (OpenSSL's own verdict with the test root trusted), the TLS-1.1-only server really speaks TLS
 * 1.1 (and nothing newer), the weak-key server really presents RSA-1024, the GeoDNS pair shares
 * one port number on 127.0.0.1 and ::1, and the test DNS zone sends the name to both.
 */
import { Resolver } from 'node:dns/promises';
import * as tls from 'node:tls';
import { beforeAll, describe, expect, it } from 'vitest';
import { useHarnessScope } from '../../interop/harness/vitest-scope.js';
import { tlsHarness } from '../../integration/tls/support/tls-harness.js';
import { GEO_NAME, startTrustServers, type TrustServer, type TrustServers, type TrustVariant } from './trust-servers.js';

interface Outcome {
  readonly ok: boolean;
  readonly code?: string;
  readonly protocol?: string | null;
  readonly keyBits?: number;
}

function handshake(s: Pick<TrustServer, 'host' | 'port'>, pki: TrustServers['pki'], extra: tls.ConnectionOptions = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: s.host, port: s.port, servername: pki.domain, ca: [pki.rootPem], ...extra });
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      const out: Outcome = { ok: true, protocol: socket.getProtocol(), ...(typeof cert.bits === 'number' ? { keyBits: cert.bits } : {}) };
      socket.end();
      socket.destroy();
      resolve(out);
    });
    socket.once('error', (e: Error & { code?: string }) => {
      socket.destroy();
      resolve({ ok: false, code: e.code ?? e.message });
    });
  });
}

describe('the certificate-panel fixture servers (trust-servers.ts)', () => {
  const scope = useHarnessScope('trust-servers');
  let t: TrustServers;
  beforeAll(async () => {
    t = await startTrustServers(scope());
  });

  const expected: Record<Exclude<TrustVariant, 'weakKey' | 'tls11Only'>, Outcome> = {
    good: { ok: true, protocol: 'TLSv1.3' },
    expired: { ok: false, code: 'CERT_HAS_EXPIRED' },
    notYetValid: { ok: false, code: 'CERT_NOT_YET_VALID' },
    wrongHost: { ok: false, code: 'ERR_TLS_CERT_ALTNAME_INVALID' },
    selfSigned: { ok: false, code: 'DEPTH_ZERO_SELF_SIGNED_CERT' },
    unknownCa: { ok: false, code: 'SELF_SIGNED_CERT_IN_CHAIN' },
    missingIntermediate: { ok: false, code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' },
  };
  for (const [variant, outcome] of Object.entries(expected)) {
    it(`${variant}: OpenSSL's verdict with the test root trusted is ${outcome.ok ? 'ok' : outcome.code}`, async () => {
      const s = t.servers[variant as TrustVariant];
      expect(s.host).toBe('127.0.0.1');
      expect(await handshake(s, t.pki)).toMatchObject(outcome);
    });
  }

  it('weakKey: presents a 1024-bit RSA key (accepted at security level 1, refused at level 2)', async () => {
    const s = t.servers.weakKey;
    expect(await handshake(s, t.pki, { ciphers: 'DEFAULT@SECLEVEL=1' })).toMatchObject({ ok: true, keyBits: 1024 });
    expect(await handshake(s, t.pki, { ciphers: 'DEFAULT@SECLEVEL=2' })).toMatchObject({ ok: false });
  });

  it('tls11Only: speaks TLS 1.1 to a client that allows it, and refuses a TLS 1.2+ client', async () => {
    const s = t.servers.tls11Only;
    expect(await handshake(s, t.pki, { minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' })).toEqual({ ok: true, protocol: 'TLSv1.1', keyBits: 256 });
    const modern = await handshake(s, t.pki);
    expect(modern.ok).toBe(false);
    expect(modern.code).toMatch(/PROTOCOL_VERSION|UNSUPPORTED_PROTOCOL/);
  });

  it("main's TLS connector (what the panel reports) gives each variant its typed code", async () => {
    const h = tlsHarness(t.pki);
    const codes: Record<string, string> = {};
    for (const [variant, s] of Object.entries(t.servers)) {
      const r = await h.connector.connect(h.request(s.port, {}));
      if (r.ok) r.value.adopt().socket.destroy();
      codes[variant] = r.ok ? 'ok' : r.error.error.code;
    }
    h.eventLog.dispose();
    expect(codes).toEqual({
      good: 'ok',
      expired: 'expired',
      notYetValid: 'not-yet-valid',
      wrongHost: 'hostname-mismatch',
      selfSigned: 'self-signed',
      unknownCa: 'unknown-authority',
      missingIntermediate: 'incomplete-chain',
      weakKey: 'weak-key',
      tls11Only: 'protocol-version',
    });
  });

  it('the GeoDNS pair: good on 127.0.0.1:P, expired on [::1]:P, and the test zone resolves the name to both', async () => {
    const { v4, v6, port } = t.pair;
    expect([v4.port, v6.port]).toEqual([port, port]);
    expect(v6.hostPort).toBe(`[::1]:${port}`);
    expect(await handshake(v4, t.pki)).toMatchObject({ ok: true });
    expect(await handshake(v6, t.pki)).toMatchObject({ ok: false, code: 'CERT_HAS_EXPIRED' });
    const r = new Resolver();
    r.setServers([t.dns.address]);
    expect(await r.resolve4(GEO_NAME)).toEqual(['127.0.0.1']);
    expect(await r.resolve6(GEO_NAME)).toEqual(['::1']);
    expect(v4.serverNames).toContain(t.pki.domain);
  });
});
