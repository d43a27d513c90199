/**
 * Real node:tls servers on loopback presenting each test-PKI variant (issue 4, acceptance 1-2):
 * the client refuses every bad variant with the expected typed error and writes no SIP byte,
 * accepts the good ones, and the modes behave as specified.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TlsConnectRequest } from '../../../src-main/platform/tls/tls-connector.js';
import type { TlsErrorCode } from '../../../src-main/platform/tls/tls-error.js';
import type { TlsAccountSettings } from '../../../src-main/platform/tls/tls-settings.js';
import { getTestPki, type ServerCredentials, type TestPki } from '../../fixtures/pki/test-pki.js';
import { netHandles, waitFor } from './support/wait.js';
import { startTlsServer, type RecordingServer, type TlsServerOptions } from './support/recording-server.js';
import { SIP_REGISTER, tlsHarness, type Harness } from './support/tls-harness.js';

let pki: TestPki;
let h: Harness;
const servers: RecordingServer[] = [];

let handlesBefore = 0;
beforeAll(async () => {
  handlesBefore = netHandles();
  pki = await getTestPki();
  h = tlsHarness(pki);
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  // Leak check (DESIGN.md rule 8): every socket and server this file opened is closed.
  await waitFor(() => netHandles() <= handlesBefore, 2000, 'all sockets closed');
});
afterAll(() => h.eventLog.dispose());

async function server(credentials: ServerCredentials, extra: Omit<TlsServerOptions, 'credentials'> = {}): Promise<RecordingServer> {
  const s = await startTlsServer({ credentials, ...extra });
  servers.push(s);
  return s;
}

/** What the production flow does: connect, and only on success write the first SIP request. */
async function connectAndRegister(req: TlsConnectRequest): Promise<{ ok: true; protocol?: string } | { ok: false; code: TlsErrorCode }> {
  const r = await h.connector.connect(req);
  if (!r.ok) return { ok: false, code: r.error.error.code };
  const { socket } = r.value.adopt();
  await new Promise<void>((resolve) => socket.end(SIP_REGISTER, () => resolve()));
  socket.resume();
  await new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { ok: true, ...(r.value.report.protocol === undefined ? {} : { protocol: r.value.report.protocol }) };
}

async function expectRefused(credentials: ServerCredentials, code: TlsErrorCode, account: TlsAccountSettings = {}, serverExtra: Omit<TlsServerOptions, 'credentials'> = {}): Promise<RecordingServer> {
  const s = await server(credentials, serverExtra);
  const result = await connectAndRegister(h.request(s.port, account));
  expect(result).toEqual({ ok: false, code });
  // Give any stray write time to arrive, then prove nothing did.
  await new Promise((r) => setTimeout(r, 30));
  expect(s.received().length).toBe(0);
  return s;
}

describe('full verification against real TLS servers', () => {
  it('accepts the good chain over TLS 1.3 and the server receives the REGISTER', async () => {
    const s = await server(pki.servers.good);
    const result = await connectAndRegister(h.request(s.port, {}));
    expect(result).toEqual({ ok: true, protocol: 'TLSv1.3' });
    expect(s.serverNames).toEqual(['sip.example.test']);
    await s.waitForConnections(1);
    await new Promise((r) => setTimeout(r, 30));
    expect(s.received().toString()).toContain('REGISTER sips:sip.example.test');
  });

  it('accepts TLS 1.2 with an ECDHE-AEAD suite and reports version and cipher', async () => {
    const s = await server(pki.servers.good, { tls: { maxVersion: 'TLSv1.2' } });
    const r = await h.connector.connect(h.request(s.port, {}));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.report.protocol).toBe('TLSv1.2');
    expect(r.value.report.cipher?.name).toMatch(/^ECDHE-ECDSA-(AES\d+-GCM|CHACHA20)/);
    expect(r.value.report.target.sni).toBe('sip.example.test');
    r.value.dispose();
  });

  it('refuses an expired certificate with `expired` and writes nothing', async () => {
    await expectRefused(pki.servers.expired, 'expired');
  });

  it('refuses a not-yet-valid certificate with `not-yet-valid`', async () => {
    await expectRefused(pki.servers.notYetValid, 'not-yet-valid');
  });

  it('refuses a certificate for another host with `hostname-mismatch`', async () => {
    await expectRefused(pki.servers.wrongHost, 'hostname-mismatch');
  });

  it('refuses a self-signed certificate with `self-signed`', async () => {
    await expectRefused(pki.servers.selfSigned, 'self-signed');
  });

  it('refuses a chain from an unknown CA with `unknown-authority`', async () => {
    await expectRefused(pki.servers.unknownCa, 'unknown-authority');
  });

  it('refuses a leaf sent without its intermediate with `incomplete-chain`', async () => {
    await expectRefused(pki.servers.leafWithoutIntermediate, 'incomplete-chain');
  });

  it('refuses an RSA-1024 leaf with `weak-key` (OpenSSL at its default level accepts it)', async () => {
    await expectRefused(pki.servers.rsa1024, 'weak-key');
  });

  it('refuses a TLS 1.0/1.1-only server with `protocol-version`', async () => {
    await expectRefused(pki.servers.good, 'protocol-version', {}, { tls: { minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' } });
  });

  it('refuses a server offering only CBC / RSA-key-exchange suites with `handshake-failure`', async () => {
    await expectRefused(pki.servers.rsa, 'handshake-failure', {}, { tls: { maxVersion: 'TLSv1.2', ciphers: 'AES128-SHA:AES256-SHA:AES128-SHA256:AES256-SHA256:AES128-GCM-SHA256' } });
  });

  it('a TLS 1.3 minimum (e.g. locked by provisioning) refuses a TLS 1.2-only server with `protocol-version`', async () => {
    await expectRefused(pki.servers.good, 'protocol-version', { minVersion: 'TLSv1.3' }, { tls: { maxVersion: 'TLSv1.2' } });
  });

  it('accepts a certificate whose only identity is the SIP URI SAN sip:sip.example.test (RFC 5922 §7.1)', async () => {
    const s = await server(pki.servers.sipUriOnly);
    expect(await connectAndRegister(h.request(s.port, {}))).toMatchObject({ ok: true });
  });

  it('connects by IP over ::1 checking the IP SAN and sends no SNI', async () => {
    const s = await server(pki.servers.good, { host: '::1' });
    const r = await h.connector.connect(h.request(s.port, {}, { address: '::1', domain: '::1' }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.report.target.sni).toBeUndefined();
    expect(s.serverNames).toEqual([]);
    expect(r.value.report.identity?.source).toBe('ip-san');
    r.value.dispose();
  });

  it('refuses to connect by an IP the certificate does not list', async () => {
    const s = await server(pki.servers.wrongHost);
    const r = await h.connector.connect(h.request(s.port, {}, { domain: '127.0.0.1' }));
    expect(r.ok ? "ok" : r.error.error.code).toBe('hostname-mismatch');
  });
});

describe('chain-only and pinned modes', () => {
  it('chain-only accepts the wrong-host certificate and marks the verdict as weaker', async () => {
    const s = await server(pki.servers.wrongHost);
    const r = await h.connector.connect(h.request(s.port, { verification: 'chain-only' }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.report.verdict.level).toBe('weaker');
    expect(r.value.report.verdict.notes).toContainEqual({ code: 'chain-only' });
    r.value.dispose();
  });

  it('chain-only still refuses an unknown CA', async () => {
    await expectRefused(pki.servers.unknownCa, 'unknown-authority', { verification: 'chain-only' });
  });

  it('chain-only still refuses an expired certificate', async () => {
    await expectRefused(pki.servers.expired, 'expired', { verification: 'chain-only' });
  });

  it('pinned accepts the matching self-signed certificate', async () => {
    const s = await server(pki.servers.selfSigned);
    const pin = (await h.connector.connect(h.request(s.port, { verification: 'chain-only' }))) as { ok: false; report: never } | { ok: true };
    expect(pin.ok).toBe(false);
    const spki = pki.servers.selfSigned.leaf;
    const { parseCertificate } = await import('../../../src-main/platform/tls/parsed-certificate.js');
    const expected = parseCertificate(spki.der).spkiPin;
    const r = await h.connector.connect(h.request(s.port, { verification: 'pinned', pins: [expected] }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.report.pin?.matched).toBe(true);
    r.value.dispose();
  });

  it('pinned by certificate fingerprint also accepts it', async () => {
    const s = await server(pki.servers.selfSigned);
    const { parseCertificate } = await import('../../../src-main/platform/tls/parsed-certificate.js');
    const fp = parseCertificate(pki.servers.selfSigned.leaf.der).fingerprintSha256;
    const r = await h.connector.connect(h.request(s.port, { verification: 'pinned', pins: [fp] }));
    expect(r.ok).toBe(true);
    if (r.ok) r.value.dispose();
  });

  it('pinned refuses a different self-signed certificate with `pin-mismatch` and writes nothing', async () => {
    const { parseCertificate } = await import('../../../src-main/platform/tls/parsed-certificate.js');
    const pin = parseCertificate(pki.servers.selfSigned.leaf.der).spkiPin;
    await expectRefused(pki.servers.selfSignedOther, 'pin-mismatch', { verification: 'pinned', pins: [pin] });
  });

  it('insecure mode is refused unless policy allows it, and then flagged insecure', async () => {
    const s = await server(pki.servers.selfSigned);
    expect(() => h.request(s.port, { verification: 'insecure' })).toThrow(/insecure-not-allowed/);
    const r = await h.connector.connect(h.request(s.port, { verification: 'insecure' }, { policy: { allowInsecure: true } }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.report.verdict.level).toBe('insecure');
    r.value.dispose();
  });
});

describe('OCSP stapling', () => {
  it('reports a good stapled response', async () => {
    const s = await server(pki.servers.good, { ocspResponse: pki.ocsp.goodForGoodLeaf });
    const r = await h.connector.connect(h.request(s.port, { ocsp: 'hard-fail' }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.report.revocation.status).toBe('good');
    r.value.dispose();
  });

  it('refuses a certificate the stapled response says is revoked, under soft-fail', async () => {
    await expectRefused(pki.servers.good, 'revoked', { ocsp: 'soft-fail' }, { ocspResponse: pki.ocsp.revokedForGoodLeaf });
  });

  it('hard-fail refuses when nothing is stapled; soft-fail accepts and says so', async () => {
    await expectRefused(pki.servers.good, 'revocation-unknown', { ocsp: 'hard-fail' });
    const s = await server(pki.servers.good);
    const r = await h.connector.connect(h.request(s.port, { ocsp: 'soft-fail' }));
    expect(r.ok && r.value.report.revocation.status).toBe('absent');
    if (r.ok) r.value.dispose();
  });

  it('hard-fail refuses a forged (wrongly signed) stapled response', async () => {
    await expectRefused(pki.servers.good, 'revocation-unknown', { ocsp: 'hard-fail' }, { ocspResponse: pki.ocsp.forgedForGoodLeaf });
  });
});

describe('TLS event log', () => {
  it('records version, cipher, chain and result for each connection', async () => {
    const before = h.eventLog.records().length;
    const s = await server(pki.servers.good);
    const r = await h.connector.connect(h.request(s.port, {}, { account: 'alice' }));
    if (r.ok) r.value.dispose();
    await expectRefused(pki.servers.expired, 'expired');
    const recs = h.eventLog.records().slice(before);
    expect(recs).toHaveLength(2);
    expect(recs[0]).toMatchObject({ account: 'alice', result: 'ok', protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', level: 'secure' });
    expect(recs[0]!.chain.map((c) => c.subject)).toEqual(['CN=sip.example.test, O=Example PBX', 'CN=Softphone Test Intermediate CA, O=Softphone Tests', 'CN=Softphone Test Root CA, O=Softphone Tests']);
    expect(recs[1]).toMatchObject({ result: 'expired', level: 'failed' });
  });
});
