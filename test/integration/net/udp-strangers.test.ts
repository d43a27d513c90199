/**
 * Strangers on the UDP SIP port (issue 15): the socket accepts only responses that answer one of
 * our requests, from where the request went (RFC 3581 §4), and the NAT binding (`received` /
 * `rport`, hence the Contact) moves only for an answer to our REGISTER from the registrar. Over
 * real UDP sockets on loopback: the whole account (AccountConnectionFactory + AccountRuntime)
 * against a scripted UDP registrar, and a stranger socket that forges 200 OKs.
 */
import * as dgram from 'node:dgram';
import * as v from 'valibot';
import { afterEach, describe, expect, it } from 'vitest';
import { SystemClock } from '../../../src-main/base/clock.js';
import { createLogger } from '../../../src-main/base/logger.js';
import { CryptoRng } from '../../../src-main/base/rng.js';
import { AccountConnectionFactory } from '../../../src-main/platform/net/account-connection.js';
import { NodeDnsPort } from '../../../src-main/platform/net/dns-port.js';
import { startTestDnsServer } from '../tls/support/test-dns-server.js';
import { Rfc3263Resolver } from '../../../src-main/platform/net/rfc3263-resolver.js';
import { AccountFlow } from '../../../src-main/platform/net/account-flow.js';
import { FlowSipTransport, type DatagramSipTransport } from '../../../src-main/platform/net/sip-transport.js';
import { parseMessage } from '../../../src-main/protocol/sip/message/parser.js';
import type { SipRequest } from '../../../src-main/protocol/sip/message/message.js';
import { NodeTcpConnector } from '../../../src-main/platform/net/tcp-connector.js';
import { NodeTlsConnector } from '../../../src-main/platform/tls/tls-connector.js';
import { AccountRuntime } from '../../../src-main/services/phone/account-runtime.js';
import { AccountConfigSchema } from '../../../src-shared/model/account.js';
import { responseText, startUdpRegistrar, type SeenRequest, type UdpRegistrar } from '../tls/support/scripted-registrar.js';
import { isolatedTrustStore } from '../tls/support/tls-harness.js';
import { noDns } from '../tls/support/tls-suite.js';
import { startTcpServer } from '../tls/support/recording-server.js';
import { netHandles, waitFor } from '../tls/support/wait.js';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function stranger(): Promise<dgram.Socket> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => s.close(() => r())));
  return s;
}

const branchOf = (req: SeenRequest): string => /;branch=([^;,\s]+)/.exec(req.header('via') ?? '')![1]!;
const sendFrom = (s: dgram.Socket, text: string, to: { address: string; port: number }): Promise<void> =>
  new Promise((r) => s.send(Buffer.from(text, 'latin1'), to.port, to.address, () => r()));

describe('a stranger on the UDP SIP port', () => {
  it('a stray UDP response with received= changes nothing; a genuine registrar response still does', async () => {
    const handlesBefore = netHandles();
    // The registrar holds its answer to the first REGISTER until the test says so, and answers
    // with received=127.0.0.2 once `rebind` is set (a NAT that moved us).
    let held: { req: SeenRequest; from: { address: string; port: number } } | undefined;
    let release = false;
    let rebind = false;
    const reg: UdpRegistrar = await startUdpRegistrar();
    cleanups.push(() => reg.close());
    reg.script = (req, conn, reply) => {
      if (req.method !== 'REGISTER') return reply.answer();
      if (held === undefined) held = { req, from: conn.remote };
      if (branchOf(req) === branchOf(held.req) && !release) return; // retransmissions wait too
      if (rebind) conn.write(responseText(req, { address: '127.0.0.2', port: conn.remote.port }));
      else reply.answer();
    };

    const clock = new SystemClock({ unrefTimers: true });
    const rng = new CryptoRng();
    const logger = createLogger({ sinks: [], level: 'info' });
    const factory = new AccountConnectionFactory({ clock, rng, logger, locator: new Rfc3263Resolver(noDns, rng), tls: new NodeTlsConnector({ clock }), tcp: new NodeTcpConnector({ clock }), trustStore: isolatedTrustStore() });
    const config = v.parse(AccountConfigSchema, { uri: 'sip:alice@sip.example.test', registrar: `127.0.0.1:${reg.port}`, transport: 'udp', password: 'not-a-real-password', mwi: false, srtp: 'off' });
    const created = await factory.create('alice', config);
    if (!created.ok) throw new Error(created.error.code);
    const connection = created.value;
    const runtime = new AccountRuntime('alice', config, connection, { clock, rng, logger, instanceId: 'urn:uuid:00000000-0000-4000-8000-000000000016', userAgent: 'issue-15-test', mediaForIncoming: () => { throw new Error('no calls'); } });
    cleanups.push(() => runtime.dispose());
    const udp = connection.transport as DatagramSipTransport;
    let bindingChanges = 0;
    connection.onBindingChanged(() => bindingChanges++);
    runtime.start();

    await waitFor(() => held !== undefined, 5000, 'the first REGISTER at the registrar');
    const phoneAt = held!.from;
    const local = connection.endpoint()!;
    expect(local).toMatchObject({ contactHost: '127.0.0.1', contactPort: phoneAt.port });
    const evil = await stranger();
    // An OPTIONS from the registrar, answered by the phone: everything sent before it was handled.
    let barriers = 0;
    const barrier = async (): Promise<void> => {
      const id = `barrier-${++barriers}`;
      reg.send(
        `OPTIONS sip:alice@127.0.0.1:${phoneAt.port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:${reg.port};branch=z9hG4bK${id}\r\nFrom: <sip:pbx@sip.example.test>;tag=b\r\nTo: <sip:alice@sip.example.test>\r\nCall-ID: ${id}\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`,
        phoneAt,
      );
      await waitFor(() => reg.responses.some((r) => r.includes(`Call-ID: ${id}\r\n`)), 3000, `the OPTIONS ${id} answered`);
    };

    // 1. While our REGISTER waits: a forged 200 OK with its branch, Call-ID and CSeq, from another port.
    await sendFrom(evil, responseText(held!.req, { address: '127.0.0.66', port: 4444 }), phoneAt);
    // 2. A 200 OK that answers no request of ours at all.
    const unrelated = responseText(held!.req, { address: '127.0.0.77', port: 5555 }).replace(branchOf(held!.req), 'z9hG4bKnot-ours').replace(/Call-ID: [^\r]*/, 'Call-ID: someone-else');
    await sendFrom(evil, unrelated, phoneAt);
    await barrier();
    expect(runtime.registration.state.kind).toBe('registering');
    expect(udp.natBinding.contact).toEqual({ address: '127.0.0.1', port: phoneAt.port });
    expect(bindingChanges).toBe(0);
    expect(udp.strangerResponses).toBe(2);

    // The registrar answers for real: registered, binding unchanged (it saw what we use).
    release = true;
    reg.connections[0]!.write(responseText(held!.req, phoneAt));
    await waitFor(() => runtime.registration.state.kind === 'registered', 5000, 'registered');
    expect(bindingChanges).toBe(0);

    // 3. After it: a replay of the real answer from the stranger, and a stray from the registrar's
    // own address that answers nothing; then an OPTIONS round trip as a barrier.
    await sendFrom(evil, responseText(held!.req, { address: '127.0.0.66', port: 4444 }), phoneAt);
    reg.send(unrelated, phoneAt);
    await barrier();
    expect(udp.strangerResponses).toBe(4);
    expect(runtime.registration.state.kind).toBe('registered');
    expect(connection.endpoint()).toMatchObject({ contactHost: '127.0.0.1', contactPort: phoneAt.port });
    expect(bindingChanges).toBe(0);
    const registersBefore = new Set(reg.datagrams.filter((d) => d.request.method === 'REGISTER').map((d) => branchOf(d.request)));
    expect(registersBefore.size).toBe(1);

    // 4. A genuine answer that moves us (NAT rebinding) still updates the binding and Contact.
    rebind = true;
    runtime.networkChanged();
    await waitFor(() => reg.datagrams.some((d) => d.request.method === 'REGISTER' && (d.request.header('contact') ?? '').includes('127.0.0.2')), 5000, 'a REGISTER with the learned Contact');
    expect(bindingChanges).toBe(1);
    expect(udp.natBinding.contact).toEqual({ address: '127.0.0.2', port: phoneAt.port });
    expect(connection.endpoint()).toMatchObject({ contactHost: '127.0.0.2' });
    await waitFor(() => runtime.registration.state.kind === 'registered', 5000, 'registered with the new Contact');

    await runtime.stop(500);
    for (const c of cleanups.splice(0).reverse()) await c();
    await waitFor(() => netHandles() <= handlesBefore, 2000, 'all sockets closed');
  });
});

describe('a UDP server that never answers', () => {
  it('a REGISTER unanswered over UDP moves the account to the next located server (RFC 3263 §4.3), which registers it', async () => {
    // The first SRV target is a bound socket that reads and never answers; the second a registrar.
    const blackHole = await stranger();
    let blackHoleRegisters = 0;
    blackHole.on('message', (m) => {
      if (m.toString('latin1').startsWith('REGISTER ')) blackHoleRegisters++;
    });
    const reg: UdpRegistrar = await startUdpRegistrar();
    cleanups.push(() => reg.close());
    const dns = await startTestDnsServer({
      naptr: { 'sip.example.test': [{ order: 10, preference: 10, flags: 's', services: 'SIP+D2U', regexp: '', replacement: '_sip._udp.sip.example.test' }] },
      srv: {
        '_sip._udp.sip.example.test': [
          { priority: 10, weight: 0, port: blackHole.address().port, target: 'a.sip.example.test' },
          { priority: 20, weight: 0, port: reg.port, target: 'b.sip.example.test' },
        ],
      },
      a: { 'a.sip.example.test': ['127.0.0.1'], 'b.sip.example.test': ['127.0.0.1'] },
    });
    cleanups.push(() => dns.close());

    const clock = new SystemClock({ unrefTimers: true });
    const rng = new CryptoRng();
    const records: { message: string }[] = [];
    const logger = createLogger({ sinks: [{ write: (r) => void records.push({ message: r.message }) }], level: 'info' });
    const factory = new AccountConnectionFactory({
      clock,
      rng,
      logger,
      locator: new Rfc3263Resolver(new NodeDnsPort({ servers: [dns.address], timeoutMs: 1000, tries: 1 }), rng),
      tls: new NodeTlsConnector({ clock }),
      tcp: new NodeTcpConnector({ clock }),
      trustStore: isolatedTrustStore(),
      unansweredRegisterMs: 1500,
    });
    const config = v.parse(AccountConfigSchema, { uri: 'sip:alice@sip.example.test', transport: 'udp', password: 'not-a-real-password', mwi: false, srtp: 'off' });
    const created = await factory.create('alice', config);
    if (!created.ok) throw new Error(created.error.code);
    const connection = created.value;
    const runtime = new AccountRuntime('alice', config, connection, { clock, rng, logger, instanceId: 'urn:uuid:00000000-0000-4000-8000-000000000017', userAgent: 'issue-15-test', mediaForIncoming: () => { throw new Error('no calls'); } });
    cleanups.push(() => runtime.dispose());
    runtime.start();

    await waitFor(() => runtime.registration.state.kind === 'registered', 10_000, 'registered at the second server');
    expect(blackHoleRegisters).toBeGreaterThanOrEqual(1);
    // (A second REGISTER may follow there: the answer taught the binding of our 0.0.0.0 socket.)
    expect(reg.registered[0]).toBeGreaterThanOrEqual(1);
    expect(connection.state).toMatchObject({ kind: 'connected', remote: `127.0.0.1:${reg.port}` });
    expect(connection.endpoint()!.destination).toEqual({ transport: 'UDP', host: '127.0.0.1', port: reg.port });
    expect(records.some((r) => r.message === 'the SIP server does not answer over UDP: trying the next address')).toBe(true);
    await runtime.stop(500);
  });
});

describe('the NAT binding on a TCP flow', () => {
  const request = (method: string, branch: string, cseq: number): SipRequest => {
    const r = parseMessage(
      Buffer.from(`${method} sip:sip.example.test SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:5060;branch=${branch};rport\r\nMax-Forwards: 70\r\nFrom: <sip:alice@sip.example.test>;tag=1\r\nTo: <sip:alice@sip.example.test>\r\nCall-ID: flow-call\r\nCSeq: ${cseq} ${method}\r\nContent-Length: 0\r\n\r\n`),
    );
    if (!r.ok || r.value.kind !== 'request') throw new Error('test request does not parse');
    return r.value;
  };
  const answer = (method: string, branch: string, cseq: number, received: string): string =>
    `SIP/2.0 200 OK\r\nVia: SIP/2.0/TCP 127.0.0.1:5060;branch=${branch};rport=40000;received=${received}\r\nFrom: <sip:alice@sip.example.test>;tag=1\r\nTo: <sip:alice@sip.example.test>;tag=2\r\nCall-ID: flow-call\r\nCSeq: ${cseq} ${method}\r\nContent-Length: 0\r\n\r\n`;

  it('moves only for an answer to our REGISTER: not for a stray response, nor for the answer to an OPTIONS', async () => {
    const clock = new SystemClock({ unrefTimers: true });
    const rng = new CryptoRng();
    const server = await startTcpServer({ behaviour: 'silent' });
    cleanups.push(() => server.close());
    const flow = new AccountFlow(
      { account: 'alice', hop: { host: '127.0.0.1', port: server.port, transport: 'tcp', secure: false, supported: ['tcp'] }, keepAlive: false },
      { locator: new Rfc3263Resolver(noDns, rng), tls: new NodeTlsConnector({ clock }), tcp: new NodeTcpConnector({ clock }), clock, rng },
    );
    cleanups.push(() => flow.dispose());
    const transport = new FlowSipTransport(flow, undefined, { clock });
    cleanups.push(() => transport.dispose());
    const seen: string[] = [];
    transport.connect({ receive: (m) => void seen.push(m.kind === 'response' ? `${m.status} ${m.headers.cseq()?.method}` : m.method) });
    flow.start();
    await waitFor(() => flow.state.kind === 'connected', 3000, 'connected');
    await server.waitForConnections(1);
    const to = { transport: 'TCP' as const, host: '127.0.0.1', port: server.port };
    const local = { address: flow.flowInfo!.local.address, port: flow.flowInfo!.local.port };
    const peer = server.connections[0]!.socket;

    expect(transport.send(request('OPTIONS', 'z9hG4bKopt', 1), to)).toBe(true);
    expect(transport.send(request('REGISTER', 'z9hG4bKreg', 2), to)).toBe(true);
    peer.write(answer('REGISTER', 'z9hG4bKnot-ours', 2, '127.0.0.66'));
    peer.write(answer('OPTIONS', 'z9hG4bKopt', 1, '127.0.0.77'));
    await waitFor(() => seen.length === 2, 2000, 'both responses delivered (the flow is the registrar\'s)');
    expect(transport.natBinding?.contact).toEqual(local);
    peer.write(answer('REGISTER', 'z9hG4bKreg', 2, '127.0.0.2'));
    await waitFor(() => seen.length === 3, 2000, 'the REGISTER answered');
    expect(transport.natBinding?.contact).toEqual({ address: '127.0.0.2', port: 40000 });
  });
});
