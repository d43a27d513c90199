/**
 * `softphone tls-check` against real TLS servers on loopback with a fake CliIo (issue 4,
 * acceptance 5): text and JSON output, typed error codes verbatim, exit status, modes, mTLS and
 * --all-addresses over a test DNS server.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getTestPki, type ServerCredentials, type TestPki } from '../../../test/fixtures/pki/test-pki.js';
import { startTlsServer, type RecordingServer, type TlsServerOptions } from '../../../test/integration/tls/support/recording-server.js';
import { startTestDnsServer, type TestDnsServer } from '../../../test/integration/tls/support/test-dns-server.js';
import { parseCertificate } from '../../platform/tls/parsed-certificate.js';
import type { CliIo } from '../cli-io.js';
import { tlsCheck } from './tls-check.js';

function fakeIo(env: Record<string, string> = {}): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (c: string) => (out += c) },
    stderr: { write: (c: string) => (err += c) },
    env,
    cwd: '/',
    out: () => out,
    err: () => err,
  };
}

let pki: TestPki;
const servers: RecordingServer[] = [];
beforeAll(async () => {
  pki = await getTestPki();
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(c: ServerCredentials, extra: Omit<TlsServerOptions, 'credentials'> = {}): Promise<RecordingServer> {
  const s = await startTlsServer({ credentials: c, ...extra });
  servers.push(s);
  return s;
}

const base = (port: number): string[] => [`127.0.0.1:${port}`, '--servername', 'sip.example.test', '--ca', pki.files.rootCa];

describe('softphone tls-check', () => {
  it('prints version, cipher, the chain with SANs, validity, days left and fingerprints, and exits 0', async () => {
    const s = await server(pki.servers.good);
    const io = fakeIo();
    expect(await tlsCheck(base(s.port), io)).toBe(0);
    const out = io.out();
    expect(out).toContain('SNI sip.example.test');
    expect(out).toMatch(/Protocol: TLSv1\.3\s+Cipher: TLS_AES_256_GCM_SHA384/);
    expect(out).toContain('[0] leaf: CN=sip.example.test, O=Example PBX');
    expect(out).toContain('issuer:   CN=Softphone Test Intermediate CA, O=Softphone Tests');
    expect(out).toContain('SANs:     DNS:sip.example.test, DNS:*.wild.example.test, URI:sip:sipuri.example.test, IP:127.0.0.1, IP:::1');
    expect(out).toMatch(/valid: {4}\S+ to \S+ \(36[45] days left\)/);
    expect(out).toContain(`SHA-256:  ${parseCertificate(pki.servers.good.leaf.der).fingerprintSha256}`);
    expect(out).toContain('[2] root (trust anchor, custom): CN=Softphone Test Root CA');
    expect(out).toContain('Verdict: OK (secure)');
  });

  it('--json reports the typed error code verbatim and exits 1 for an expired certificate', async () => {
    const s = await server(pki.servers.expired);
    const io = fakeIo();
    expect(await tlsCheck([...base(s.port), '--json'], io)).toBe(1);
    const j = JSON.parse(io.out()) as { ok: boolean; addresses: { ok: boolean; error: { code: string; hint: string }; report: { chain: { daysLeft: number }[]; protocol: string } }[] };
    expect(j.ok).toBe(false);
    expect(j.addresses[0]!.error.code).toBe('expired');
    expect(j.addresses[0]!.error.hint).toMatch(/renew/);
    expect(j.addresses[0]!.report.chain[0]!.daysLeft).toBeLessThan(0);
    expect(j.addresses[0]!.report.protocol).toBe('TLSv1.3');
  });

  it('names hostname-mismatch in text mode with a fix hint; chain-only passes it as weaker', async () => {
    const s = await server(pki.servers.wrongHost);
    const io = fakeIo();
    expect(await tlsCheck(base(s.port), io)).toBe(1);
    expect(io.out()).toContain('Verdict: FAILED hostname-mismatch');
    expect(io.out()).toMatch(/Fix: .*chain-only/);
    const io2 = fakeIo();
    expect(await tlsCheck([...base(s.port), '--mode', 'chain-only'], io2)).toBe(0);
    expect(io2.out()).toContain('Verdict: OK (weaker)');
  });

  it('pinned mode accepts the pinned self-signed server and refuses with pin-mismatch otherwise', async () => {
    const s = await server(pki.servers.selfSigned);
    const pin = parseCertificate(pki.servers.selfSigned.leaf.der).spkiPin;
    const io = fakeIo();
    expect(await tlsCheck([...base(s.port), '--mode', 'pinned', '--pin', pin, '--json'], io)).toBe(0);
    const other = parseCertificate(pki.servers.selfSignedOther.leaf.der).spkiPin;
    const io2 = fakeIo();
    expect(await tlsCheck([...base(s.port), '--mode', 'pinned', '--pin', other, '--json'], io2)).toBe(1);
    expect((JSON.parse(io2.out()) as { addresses: { error: { code: string } }[] }).addresses[0]!.error.code).toBe('pin-mismatch');
  });

  it('reports protocol-version and handshake-failure for legacy servers', async () => {
    const old = await server(pki.servers.good, { tls: { minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' } });
    const io = fakeIo();
    expect(await tlsCheck([...base(old.port), '--json'], io)).toBe(1);
    expect(io.out()).toContain('"code": "protocol-version"');
    const cbc = await server(pki.servers.rsa, { tls: { maxVersion: 'TLSv1.2', ciphers: 'AES128-SHA:AES256-SHA' } });
    const io2 = fakeIo();
    expect(await tlsCheck([...base(cbc.port), '--json'], io2)).toBe(1);
    expect(io2.out()).toContain('"code": "handshake-failure"');
  });

  it('does mTLS with --pkcs12 (password from the environment), and fails cleanly with a wrong password', async () => {
    const s = await server(pki.servers.good, { tls: { requestCert: true, rejectUnauthorized: true, ca: [pki.client.caPem] } });
    const io = fakeIo({ SOFTPHONE_PKCS12_PASSWORD: pki.client.password });
    expect(await tlsCheck([...base(s.port), '--pkcs12', pki.files.clientP12, '--json'], io)).toBe(0);
    const j = JSON.parse(io.out()) as { clientCertificate: { subject: string } };
    expect(j.clientCertificate.subject).toBe('CN=alice@example.test, O=Example Corp');
    expect(io.out()).not.toContain(pki.client.password);
    const bad = fakeIo();
    expect(await tlsCheck([...base(s.port), '--pkcs12', pki.files.clientP12, '--password', 'nope', '--json'], bad)).toBe(1);
    expect((JSON.parse(bad.out()) as { error: { code: string } }).error.code).toBe('client-cert-password');
    expect(s.tcpConnections()).toBe(1);
  });

  it('accepts PEM --cert/--key for mTLS', async () => {
    const s = await server(pki.servers.good, { tls: { requestCert: true, rejectUnauthorized: true, ca: [pki.client.caPem] } });
    const io = fakeIo();
    expect(await tlsCheck([...base(s.port), '--cert', pki.files.clientCertPem, '--key', pki.files.clientKeyPem], io)).toBe(0);
  });

  it('exits 2 on usage errors', async () => {
    for (const args of [[], ['a:b:c:d'], ['h', '--mode', 'weird'], ['h', '--mode', 'pinned'], ['h', '--cert', 'x'], ['h', '--bogus']]) {
      const io = fakeIo();
      expect(await tlsCheck(args, io), args.join(' ')).toBe(2);
      expect(io.err()).toContain('Usage: softphone tls-check');
    }
    const help = fakeIo();
    expect(await tlsCheck(['--help'], help)).toBe(0);
    expect(help.out()).toContain('--all-addresses');
  });

  describe('--all-addresses (multi-IP / GeoDNS)', () => {
    let dns: TestDnsServer;
    afterAll(async () => {
      await dns?.close();
    });

    it('checks every address of the name, keeping SNI on the SIP domain, with a verdict per address', async () => {
      const v4 = await server(pki.servers.good);
      const v6 = await server(pki.servers.expired, { host: '::1', port: v4.port });
      dns = await startTestDnsServer({ a: { 'sip.example.test': ['127.0.0.1'] }, aaaa: { 'sip.example.test': ['::1'] } });
      const io = fakeIo();
      const code = await tlsCheck([`sip.example.test:${v4.port}`, '--ca', pki.files.rootCa, '--dns-server', dns.address, '--all-addresses', '--json'], io);
      expect(code).toBe(1);
      const j = JSON.parse(io.out()) as { addresses: { address: string; ok: boolean; error?: { code: string } }[] };
      expect(j.addresses.map((a) => [a.address, a.ok, a.error?.code])).toEqual([
        ['127.0.0.1', true, undefined],
        ['::1', false, 'expired'],
      ]);
      expect([...v4.serverNames, ...v6.serverNames]).toEqual(['sip.example.test', 'sip.example.test']);
      // Without --all-addresses only the first address is checked.
      const io2 = fakeIo();
      expect(await tlsCheck([`sip.example.test:${v4.port}`, '--ca', pki.files.rootCa, '--dns-server', dns.address], io2)).toBe(0);
    });
  });
});
