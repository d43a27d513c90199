/**
 * The whole account (AccountConnectionFactory + AccountRuntime: flow, transactions, registration)
 * against a scripted TLS registrar on loopback with the test PKI, playing a hostile or broken PBX
 * (issue 15, "framing and flows"). Each case ends with the account registered on a new flow, which
 * the behaviour before issue 15 never reached:
 *  - a response with an absurd Content-Length is fatal to its flow: reconnect, register again;
 *  - a header trickled a byte every 100 ms forever closes the flow at the header bound, replaced;
 *  - a flow whose local address vanished is replaced at once on the network change;
 *  - a REGISTER that gets no answer on an open flow moves to the next SRV target.
 */
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { SystemClock } from '../../../src-main/base/clock.js';
import { createLogger, type LogRecord } from '../../../src-main/base/logger.js';
import { CryptoRng } from '../../../src-main/base/rng.js';
import { AccountConnectionFactory, type AccountConnectionDeps } from '../../../src-main/platform/net/account-connection.js';
import { machineAddresses } from '../../../src-main/platform/net/network-monitor.js';
import { NodeDnsPort, type DnsPort } from '../../../src-main/platform/net/dns-port.js';
import { Rfc3263Resolver } from '../../../src-main/platform/net/rfc3263-resolver.js';
import { NodeTcpConnector } from '../../../src-main/platform/net/tcp-connector.js';
import { AccountRuntime } from '../../../src-main/services/phone/account-runtime.js';
import type { ConnectionState, SipConnection } from '../../../src-main/services/phone/ports.js';
import { AccountConfigSchema, type AccountConfigInput } from '../../../src-shared/model/account.js';
import { startTlsServer } from '../tls/support/recording-server.js';
import { startStreamRegistrar, type ScriptedRegistrar } from '../tls/support/scripted-registrar.js';
import { startTestDnsServer } from '../tls/support/test-dns-server.js';
import { noDns, useTlsSuite } from '../tls/support/tls-suite.js';
import { waitFor } from '../tls/support/wait.js';

const suite = useTlsSuite();

interface Phone {
  readonly runtime: AccountRuntime;
  readonly connection: SipConnection;
  readonly states: ConnectionState[];
  readonly logs: LogRecord[];
}

async function phone(account: Partial<AccountConfigInput>, extra: Partial<AccountConnectionDeps> = {}, dns: DnsPort = noDns): Promise<Phone> {
  const clock = new SystemClock({ unrefTimers: true });
  const rng = new CryptoRng();
  const logs: LogRecord[] = [];
  const logger = createLogger({ sinks: [{ write: (r: LogRecord) => void logs.push(r) }], level: 'info' });
  const factory = new AccountConnectionFactory({
    clock,
    rng,
    logger,
    locator: new Rfc3263Resolver(dns, rng),
    tls: suite.h.connector,
    tcp: new NodeTcpConnector({ clock }),
    trustStore: suite.h.store,
    ...extra,
  });
  const config = v.parse(AccountConfigSchema, {
    uri: 'sips:alice@sip.example.test',
    transport: 'tls',
    password: 'not-a-real-password',
    mwi: false,
    tls: { trustedCas: [suite.pki.rootPem], caOnly: true, revocation: 'off' },
    ...account,
  });
  const created = await factory.create('alice', config);
  if (!created.ok) throw new Error(`connection not created: ${created.error.code}`);
  const connection = created.value;
  const runtime = new AccountRuntime('alice', config, connection, {
    clock,
    rng,
    logger,
    instanceId: 'urn:uuid:00000000-0000-4000-8000-000000000015',
    userAgent: 'issue-15-test',
    mediaForIncoming: () => {
      throw new Error('no calls in this test');
    },
  });
  const states: ConnectionState[] = [];
  connection.onState((s) => states.push(s));
  suite.cleanups.push(() => runtime.dispose());
  runtime.start();
  return { runtime, connection, states, logs };
}

async function registrar(): Promise<ScriptedRegistrar> {
  const r = await startStreamRegistrar({ credentials: suite.pki.servers.good });
  suite.cleanups.push(() => r.close());
  return r;
}

const registered = (p: Phone): boolean => p.runtime.registration.state.kind === 'registered';
const registers = (r: ScriptedRegistrar, i: number): number => r.connections[i]?.requests.filter((q) => q.method === 'REGISTER').length ?? 0;

describe('a hostile registrar on the account flow', () => {
  it('a response with an absurd Content-Length makes the phone reconnect and register again on a new flow', async () => {
    const reg = await registrar();
    reg.script = (req, conn, reply) => {
      // On the first flow, the 200 declares a 4 GB body; on the next one it is a proper answer.
      if (conn.index === 0 && req.method === 'REGISTER') reply.answer(200, { contentLength: '4294967295' });
      else reply.answer();
    };
    const p = await phone({ registrar: `127.0.0.1:${reg.port}` });
    await waitFor(() => reg.registered[1] === 1 && registered(p), 15_000, 'registered on a second flow');
    expect(reg.connections).toHaveLength(2);
    expect(reg.connections[0]!.closed).toBe(true);
    expect(registers(reg, 0)).toBe(1);
    expect(registers(reg, 1)).toBe(1);
    expect(p.states).toContainEqual(expect.objectContaining({ kind: 'failed', lost: true, code: 'flow-closed' }));
    expect(p.logs.some((l) => l.message === 'sip flow closed' && l.fields?.['reason'] === 'framing')).toBe(true);
    expect(p.connection.state.kind).toBe('connected');
  });

  it('a trickled never-ending header closes the flow within the bound, and the flow is replaced', async () => {
    const reg = await registrar();
    const boundMs = 1500;
    let trickle: NodeJS.Timeout | undefined;
    let bytes = 0;
    let bytesWhenClosed = -1;
    suite.cleanups.push(() => clearInterval(trickle));
    reg.script = (req, conn, reply) => {
      if (conn.index !== 0 || req.method !== 'REGISTER') {
        reply.answer();
        return;
      }
      // A header byte every 100 ms, forever: the header section never ends.
      const head = 'SIP/2.0 200 OK\r\nVia: SIP/2.0/TLS 127.0.0.1;branch=z9hG4bKtrickle\r\nX-Trickle: ';
      trickle = setInterval(() => {
        if (conn.closed) {
          if (bytesWhenClosed < 0) bytesWhenClosed = bytes;
          clearInterval(trickle);
          return;
        }
        conn.write(bytes < head.length ? head[bytes]! : 'a');
        bytes++;
      }, 100);
    };
    const p = await phone({ registrar: `127.0.0.1:${reg.port}` }, { headerTimeoutMs: boundMs });
    await waitFor(() => reg.registered[1] === 1 && registered(p), 15_000, 'registered on the replacement flow');
    // The phone closed the flow while the trickle was still going (it never stops by itself).
    expect(reg.connections[0]!.closed).toBe(true);
    expect(bytesWhenClosed).toBeGreaterThan(0);
    expect(p.logs.find((l) => l.message === 'sip flow closed')?.fields).toMatchObject({ reason: 'framing', error: 'flow-closed' });
    expect(p.states).toContainEqual(expect.objectContaining({ kind: 'failed', lost: true, detail: expect.objectContaining({ cause: 'header-timeout' }) }));
  });

  it('a flow whose local address vanished is replaced at once on the network change, and registers again', async () => {
    const reg = await registrar();
    let addresses: ReadonlySet<string> = machineAddresses();
    expect(addresses.has('127.0.0.1')).toBe(true);
    const p = await phone({ registrar: `127.0.0.1:${reg.port}` }, { localAddresses: () => addresses });
    await waitFor(() => reg.registered[0] === 1 && registered(p), 10_000, 'registered on the first flow');
    const firstPort = p.connection.endpoint()!.viaPort;

    // A change that keeps the flow's address: re-REGISTER on the same flow, no new connection.
    p.runtime.networkChanged();
    await waitFor(() => reg.registered[0] === 2 && registered(p), 10_000, 're-registered on the same flow');
    expect(reg.connections).toHaveLength(1);

    // The flow's address goes away (as NetworkMonitor would report it): a new flow at once.
    addresses = new Set([...addresses].filter((a) => a !== '127.0.0.1'));
    p.runtime.networkChanged();
    expect(p.connection.state.kind).toBe('connecting');
    await waitFor(() => reg.registered[1] === 1 && registered(p), 10_000, 'registered on the new flow');
    expect(reg.connections[0]!.closed).toBe(true);
    const newPort = p.connection.endpoint()!.viaPort;
    expect(newPort).not.toBe(firstPort);
    expect(reg.connections[1]!.requests.find((q) => q.method === 'REGISTER')!.header('contact')).toContain(`:${newPort}`);
  });

  it('a REGISTER that times out on a flow that is open but dead moves to the next target', async () => {
    // The first SRV target accepts TLS and then never answers anything; the second is a registrar.
    const blackHole = await startTlsServer({ credentials: suite.pki.servers.good, behaviour: 'silent' });
    suite.cleanups.push(() => blackHole.close());
    const reg = await registrar();
    const dns = await startTestDnsServer({
      naptr: { 'sip.example.test': [{ order: 10, preference: 10, flags: 's', services: 'SIPS+D2T', regexp: '', replacement: '_sips._tcp.sip.example.test' }] },
      srv: {
        '_sips._tcp.sip.example.test': [
          { priority: 10, weight: 0, port: blackHole.port, target: 'a.sip.example.test' },
          { priority: 20, weight: 0, port: reg.port, target: 'b.sip.example.test' },
        ],
      },
      a: { 'a.sip.example.test': ['127.0.0.1'], 'b.sip.example.test': ['127.0.0.1'] },
    });
    suite.cleanups.push(() => dns.close());
    const p = await phone({}, { unansweredRegisterMs: 1500 }, new NodeDnsPort({ servers: [dns.address], timeoutMs: 1000, tries: 1 }));
    await waitFor(() => reg.registered[0] === 1 && registered(p), 15_000, 'registered at the second target');
    expect(blackHole.received().toString('latin1')).toMatch(/^REGISTER sips:sip\.example\.test SIP\/2\.0/);
    expect(blackHole.tcpConnections()).toBe(1);
    expect(reg.connections).toHaveLength(1);
    expect(p.logs.some((l) => l.message === 'REGISTER unanswered on an open flow: abandoning the flow')).toBe(true);
    expect(p.connection.state).toMatchObject({ kind: 'connected', remote: `127.0.0.1:${reg.port}` });
  });
});
