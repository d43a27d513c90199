/**
 * RFC 3263 location against a real DNS server started by the test on 127.0.0.1, with three TLS
 * targets (issue 4, acceptance 3): the first refuses the connection, the second presents a bad
 * certificate; the account flow ends up on the third, sends SNI for the SIP domain everywhere,
 * says why it skipped the others, and writes no SIP byte to the bad server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemClock } from '../../../src-main/base/clock.js';
import { CryptoRng } from '../../../src-main/base/rng.js';
import { AccountFlow, type AccountFlowState } from '../../../src-main/platform/net/account-flow.js';
import { describeAttempts } from '../../../src-main/platform/net/connect-failover.js';
import { NodeDnsPort } from '../../../src-main/platform/net/dns-port.js';
import { Rfc3263Resolver } from '../../../src-main/platform/net/rfc3263-resolver.js';
import { NodeTcpConnector } from '../../../src-main/platform/net/tcp-connector.js';
import { getTestPki, type TestPki } from '../../fixtures/pki/test-pki.js';
import { refusedPort, startTlsServer, type RecordingServer } from './support/recording-server.js';
import { startTestDnsServer, type TestDnsServer } from './support/test-dns-server.js';
import { SIP_REGISTER, tlsHarness, type Harness } from './support/tls-harness.js';
import { netHandles, waitFor } from './support/wait.js';

let pki: TestPki;
let h: Harness;
let dns: TestDnsServer;
let badCert: RecordingServer;
let good: RecordingServer;
let refused: number;
let handlesBefore: number;

beforeAll(async () => {
  handlesBefore = netHandles();
  pki = await getTestPki();
  h = tlsHarness(pki);
  refused = await refusedPort();
  badCert = await startTlsServer({ credentials: pki.servers.expired });
  good = await startTlsServer({ credentials: pki.servers.good });
  dns = await startTestDnsServer({
    naptr: {
      'sip.example.test': [
        { order: 10, preference: 10, flags: 's', services: 'SIPS+D2T', regexp: '', replacement: '_sips._tcp.sip.example.test' },
        { order: 20, preference: 10, flags: 's', services: 'SIP+D2U', regexp: '', replacement: '_sip._udp.sip.example.test' },
      ],
    },
    srv: {
      '_sips._tcp.sip.example.test': [
        { priority: 10, weight: 0, port: refused, target: 'a.sip.example.test' },
        { priority: 20, weight: 0, port: badCert.port, target: 'b.sip.example.test' },
        { priority: 30, weight: 0, port: good.port, target: 'c.sip.example.test' },
      ],
    },
    a: { 'a.sip.example.test': ['127.0.0.1'], 'b.sip.example.test': ['127.0.0.1'], 'c.sip.example.test': ['127.0.0.1'] },
  });
});

afterAll(async () => {
  await Promise.all([badCert.close(), good.close(), dns.close()]);
  h.eventLog.dispose();
  await waitFor(() => netHandles() <= handlesBefore, 2000, 'all sockets closed');
});

describe('RFC 3263 failover over real DNS and TLS', () => {
  it('ends on the third target, says why it skipped the first two, and wrote nothing to the bad one', async () => {
    const clock = new SystemClock();
    const rng = new CryptoRng();
    const settings = h.request(0, {});
    const flow = new AccountFlow(
      {
        account: 'alice',
        hop: { host: 'sip.example.test', secure: true },
        tls: { settings: settings.settings, anchors: settings.anchors },
        keepAlive: false,
        connectTimeoutMs: 3000,
      },
      { locator: new Rfc3263Resolver(new NodeDnsPort({ servers: [dns.address], timeoutMs: 1000, tries: 1 }), rng), tls: h.connector, tcp: new NodeTcpConnector({ clock }), clock, rng },
    );
    const states: AccountFlowState[] = [];
    flow.onState((s) => states.push(s));
    flow.start();
    await waitFor(() => flow.state.kind === 'connected' || flow.state.kind === 'failed', 8000, 'a verdict');
    const st = flow.state;
    expect(st.kind).toBe('connected');
    if (st.kind !== 'connected') return;

    expect(st.flow.remote.port).toBe(good.port);
    expect(st.attempts.map((a) => [a.target.hostname, a.outcome, a.error?.code])).toEqual([
      ['a.sip.example.test', 'skipped', 'connection-refused'],
      ['b.sip.example.test', 'skipped', 'expired'],
      ['c.sip.example.test', 'connected', undefined],
    ]);
    // The bad server's certificate report is kept with the skip reason.
    expect(st.attempts[1]!.report?.chain[0]?.subject).toBe('CN=sip.example.test, O=Example PBX');
    const lines = describeAttempts(st.attempts);
    expect(lines[0]).toMatch(/^TLS 127\.0\.0\.1:\d+ \(a\.sip\.example\.test\): skipped - connection-refused/);
    expect(lines[1]).toMatch(/\(b\.sip\.example\.test\): skipped - expired$/); // codes in logs; the words are made in services (views/registration-view.ts)
    // Only TLS targets (sips): the UDP NAPTR was not followed.
    expect(dns.questions).not.toContain('SRV _sip._udp.sip.example.test');
    expect(states.filter((s) => s.kind === 'connecting')).toHaveLength(3);

    // SNI and identity stayed the SIP domain (not the SRV target names) on both TLS servers.
    expect([...badCert.serverNames, ...good.serverNames]).toEqual(['sip.example.test', 'sip.example.test']);
    expect(st.flow.identity).toBe('sip.example.test');
    expect(st.flow.security).toMatchObject({ level: 'secure', sdesAllowed: true });

    expect(flow.send(SIP_REGISTER).ok).toBe(true);
    await waitFor(() => good.received().length > 0, 2000, 'REGISTER at the good server');
    expect(good.received().toString()).toContain('REGISTER');
    expect(badCert.received().length).toBe(0);
    flow.dispose();
  });

  it('reports `dns-failure` when the domain has no records', async () => {
    const rng = new CryptoRng();
    const resolver = new Rfc3263Resolver(new NodeDnsPort({ servers: [dns.address], timeoutMs: 1000, tries: 1 }), rng);
    const r = await resolver.locate({ host: 'nothing.example.test', secure: true });
    expect(r.ok ? 'ok' : r.error.code).toBe('dns-failure');
  });
});
