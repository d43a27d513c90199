/**
 * Mutual TLS against real node:tls servers that request a client certificate (issue 4,
 * acceptance 2): success with the right PKCS#12, clean failures with a wrong password and with a
 * server that rejects the client, and the private key never appearing in reports or logs.
 */
import type { TLSSocket } from 'node:tls';
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, MemorySink } from '../../../src-main/base/logger.js';
import { loadClientCredentials, type ClientCredentials } from '../../../src-main/platform/tls/client-certificate.js';
import { parseCertificatesPem } from '../../../src-main/platform/tls/parsed-certificate.js';
import { NodeTlsConnector } from '../../../src-main/platform/tls/tls-connector.js';
import { TlsEventLog } from '../../../src-main/platform/tls/tls-event-log.js';
import { SystemClock } from '../../../src-main/base/clock.js';
import { getTestPki, type TestPki } from '../../fixtures/pki/test-pki.js';
import { netHandles, waitFor } from './support/wait.js';
import { startTlsServer, type RecordingServer } from './support/recording-server.js';
import { SIP_REGISTER, tlsHarness, type Harness } from './support/tls-harness.js';

let pki: TestPki;
let h: Harness;
let creds: ClientCredentials;
const servers: RecordingServer[] = [];

let handlesBefore = 0;
beforeAll(async () => {
  handlesBefore = netHandles();
  pki = await getTestPki();
  h = tlsHarness(pki);
  const loaded = loadClientCredentials({ kind: 'pkcs12', data: pki.client.p12, password: pki.client.password }, Date.now());
  if (!loaded.ok) throw new Error(`fixture PKCS#12 did not load: ${loaded.error.code}`);
  creds = loaded.value;
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  // Leak check (DESIGN.md rule 8): every socket and server this file opened is closed.
  await waitFor(() => netHandles() <= handlesBefore, 2000, 'all sockets closed');
});

async function mtlsServer(trustedClientCa: string, maxVersion: 'TLSv1.2' | 'TLSv1.3' = 'TLSv1.3'): Promise<RecordingServer> {
  const s = await startTlsServer({
    credentials: pki.servers.good,
    tls: { requestCert: true, rejectUnauthorized: true, ca: [trustedClientCa], maxVersion },
  });
  servers.push(s);
  return s;
}

describe('client certificates (mTLS)', () => {
  it('shows subject, issuer and expiry of the PKCS#12 before use, and never its key', () => {
    expect(creds.summary.subject).toBe('CN=alice@example.test, O=Example Corp');
    expect(creds.summary.issuer).toBe('CN=Softphone Test Client CA');
    expect(creds.summary.daysLeft).toBeGreaterThan(190);
    expect(creds.summary.keyType).toBe('rsa');
    // The certificate comes out byte-identical to the one issued (no re-encoding by forge).
    expect(creds.summary.fingerprintSha256).toBe(parseCertificatesPem(pki.client.certPem)[0]!.fingerprintSha256);
    const shown = JSON.stringify(creds) + inspect(creds) + String(creds);
    expect(shown).not.toMatch(/PRIVATE KEY|MII/);
  });

  for (const version of ['TLSv1.3', 'TLSv1.2'] as const) {
    it(`connects with the right PKCS#12 over ${version} and the server sees the client certificate`, async () => {
      const s = await mtlsServer(pki.client.caPem, version);
      const r = await h.connector.connect(h.request(s.port, { clientCredentials: creds }));
      expect(r.ok ? 'ok' : r.error.error.code).toBe('ok');
      if (!r.ok) return;
      const { socket } = r.value.adopt();
      socket.write(SIP_REGISTER);
      await s.waitForConnections(1);
      const peer = (s.connections[0]!.socket as TLSSocket).getPeerCertificate();
      expect(peer.subject.CN).toBe('alice@example.test');
      socket.destroy();
    });
  }

  it('fails cleanly with a wrong PKCS#12 password, before any connection', () => {
    const r = loadClientCredentials({ kind: 'pkcs12', data: pki.client.p12, password: 'wrong password' }, Date.now());
    expect(r.ok ? 'ok' : r.error.code).toBe('client-cert-password');
    expect(JSON.stringify(r)).not.toContain('wrong password');
  });

  it('fails with a garbage file as `client-cert-invalid`', () => {
    const r = loadClientCredentials({ kind: 'pkcs12', data: Buffer.from('not a pkcs12'), password: 'x' }, Date.now());
    expect(r.ok ? 'ok' : r.error.code).toBe('client-cert-invalid');
  });

  it('loads PEM key + certificate and refuses a key that does not match', () => {
    const good = loadClientCredentials({ kind: 'pem', certPem: pki.client.certPem, keyPem: pki.client.keyPem }, Date.now());
    expect(good.ok).toBe(true);
    const bad = loadClientCredentials({ kind: 'pem', certPem: pki.client.certPem, keyPem: pki.servers.good.keyPem }, Date.now());
    expect(bad.ok ? 'ok' : bad.error.code).toBe('client-cert-invalid');
  });

  for (const version of ['TLSv1.3', 'TLSv1.2'] as const) {
    it(`reports \`client-cert-rejected\` over ${version} when the server does not trust our certificate, writing no SIP byte`, async () => {
      const s = await mtlsServer(pki.client.otherCaPem, version);
      const r = await h.connector.connect(h.request(s.port, { clientCredentials: creds }));
      expect(r.ok ? 'ok' : r.error.error.code).toBe('client-cert-rejected');
      await new Promise((res) => setTimeout(res, 30));
      expect(s.received().length).toBe(0);
    });
  }

  it('reports `client-cert-required` when the server wants a certificate and none is configured', async () => {
    const s = await mtlsServer(pki.client.caPem, 'TLSv1.3');
    const r = await h.connector.connect(h.request(s.port, {}));
    expect(r.ok ? 'ok' : r.error.error.code).toBe('client-cert-required');
    expect(s.received().length).toBe(0);
  });

  it('keeps the private key out of the TLS event log and the logger', async () => {
    const sink = new MemorySink();
    const logger = createLogger({ sinks: [sink], level: 'debug' });
    const eventLog = new TlsEventLog(logger);
    const connector = new NodeTlsConnector({ clock: new SystemClock(), eventLog });
    const s = await mtlsServer(pki.client.caPem);
    const r = await connector.connect(h.request(s.port, { clientCredentials: creds }));
    logger.info('account settings', { creds, report: r.ok ? r.value.report : r.error.report });
    if (r.ok) r.value.dispose();
    const text = sink.text() + JSON.stringify(eventLog.records());
    expect(text).toContain('tls connection verified');
    expect(text).not.toMatch(/PRIVATE KEY|MIIE/);
    expect(text).not.toContain(pki.client.password);
    eventLog.dispose();
  });
});
