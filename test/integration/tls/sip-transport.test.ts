/**
 * The transaction layer's TransportPort over real sockets: SIP over TLS on the account's one flow
 * (requests out, responses and server requests in, CRLF ping answered, NAT binding learned from
 * Via received/rport), and SIP over UDP and TCP with their plaintext warning. Malformed input goes
 * through the InboundParser: a malformed request is answered 400 (RFC 3261 §8.2.1, §21.4.1) on the
 * same flow or to the datagram's source; a malformed response or garbage is never answered.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SystemClock } from '../../../src-main/base/clock.js';
import { CryptoRng } from '../../../src-main/base/rng.js';
import { parseMessage } from '../../../src-main/protocol/sip/message/parser.js';
import type { SipMessage } from '../../../src-main/protocol/sip/message/message.js';
import { AccountFlow } from '../../../src-main/platform/net/account-flow.js';
import { viaSentBy } from '../../../src-main/platform/net/nat-binding.js';
import { Rfc3263Resolver } from '../../../src-main/platform/net/rfc3263-resolver.js';
import { DatagramSipTransport, FlowSipTransport, type ReceivedMessage } from '../../../src-main/platform/net/sip-transport.js';
import { NodeTcpConnector } from '../../../src-main/platform/net/tcp-connector.js';
import { UdpSipTransport } from '../../../src-main/platform/net/udp-transport.js';
import { startTcpServer, startTlsServer, type RecordingServer } from './support/recording-server.js';
import { SIP_REGISTER } from './support/tls-harness.js';
import { useTlsSuite, noDns } from './support/tls-suite.js';
import { waitFor } from './support/wait.js';

const suite = useTlsSuite();

/** RFC 4475 §3.1.2.1: a request with a malformed Via (and Contact), answered 400 "Malformed Via Header". */
const BAD_REQUEST = readFileSync(new URL('../../vectors/rfc4475/badinv01.dat', import.meta.url));
/** A response with a status code out of range (RFC 4475 §3.1.2.17 "bigcode"-style), which nobody answers. */
const BAD_RESPONSE = Buffer.from('SIP/2.0 4294967301 better not break the receiver\r\nVia: SIP/2.0/TLS 127.0.0.1;branch=z9hG4bKbig\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>;tag=2\r\nCall-ID: big\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n');
const OPTIONS = (via: string): string =>
  `OPTIONS sips:alice@127.0.0.1 SIP/2.0\r\nVia: ${via};branch=z9hG4bKsrv2\r\nFrom: <sips:pbx@sip.example.test>;tag=9\r\nTo: <sips:alice@sip.example.test>\r\nCall-ID: srv-2\r\nCSeq: 8 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n`;
const statusLines = (bytes: Buffer): string[] => [...bytes.toString('latin1').matchAll(/^SIP\/2\.0 \d{3} [^\r\n]*/gm)].map((m) => m[0]);

function msg(text: string): SipMessage {
  const r = parseMessage(Buffer.from(text));
  if (!r.ok) throw new Error(`test message does not parse: ${r.error.code}`);
  return r.value;
}

async function connectedFlow(server: RecordingServer, transport: 'tls' | 'tcp'): Promise<AccountFlow> {
  const clock = new SystemClock();
  const rng = new CryptoRng();
  const req = suite.h.request(server.port, {});
  const flow = new AccountFlow(
    {
      account: 'alice',
      hop: { host: '127.0.0.1', port: server.port, transport, secure: transport === 'tls', supported: [transport] },
      tls: { settings: req.settings, anchors: req.anchors },
      keepAlive: false,
    },
    { locator: new Rfc3263Resolver(noDns, rng), tls: suite.h.connector, tcp: new NodeTcpConnector({ clock }), clock, rng },
  );
  suite.cleanups.push(() => flow.dispose());
  flow.start();
  await waitFor(() => flow.state.kind === 'connected', 3000, 'connected');
  return flow;
}

describe('SIP transport port over the account flow (TLS)', () => {
  it('sends requests, delivers responses and server requests with their source, answers pings, learns the NAT binding', async () => {
    const server = await startTlsServer({ credentials: suite.pki.servers.good, behaviour: 'silent' });
    suite.cleanups.push(() => server.close());
    const flow = await connectedFlow(server, 'tls');
    const transport = new FlowSipTransport(flow);
    suite.cleanups.push(() => transport.dispose());
    const received: ReceivedMessage[] = [];
    transport.connect({ receive: (message, source) => received.push({ message, source }) });

    const via = transport.localVia!;
    expect(via.transport).toBe('TLS');
    expect(viaSentBy('tls', via.host, via.port)).toBe(`SIP/2.0/TLS 127.0.0.1:${via.port};rport`);

    const register = msg(SIP_REGISTER.toString());
    expect(transport.send(register, { transport: 'TLS', host: '127.0.0.1', port: server.port })).toBe(true);
    await waitFor(() => server.received().toString().includes('REGISTER'), 2000, 'REGISTER at server');

    const peer = server.connections[0]!.socket;
    peer.write(
      'SIP/2.0 200 OK\r\nVia: SIP/2.0/TLS 127.0.0.1:5061;branch=z9hG4bKtest;rport=40000;received=203.0.113.5\r\nFrom: <sips:alice@sip.example.test>;tag=1\r\nTo: <sips:alice@sip.example.test>;tag=2\r\nCall-ID: test-call-id\r\nCSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n',
    );
    peer.write('\r\n\r\n');
    peer.write('OPTIONS sips:alice@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TLS 10.0.0.1;branch=z9hG4bKsrv\r\nFrom: <sips:pbx@sip.example.test>;tag=9\r\nTo: <sips:alice@sip.example.test>\r\nCall-ID: srv-1\r\nCSeq: 7 OPTIONS\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n');
    await waitFor(() => received.length === 2, 2000, 'response and request delivered');
    expect(received[0]!.message).toMatchObject({ kind: 'response', status: 200 });
    expect(received[0]!.source).toMatchObject({ transport: 'TLS', host: '127.0.0.1', port: server.port, connectionId: flow.flowInfo!.id });
    expect(received[1]!.message).toMatchObject({ kind: 'request', method: 'OPTIONS' });
    expect(transport.natBinding?.contact).toEqual({ address: '203.0.113.5', port: 40000 });
    expect(transport.natBinding?.behindNat).toBe(true);
    // The server's CRLFCRLF ping got a CRLF pong (RFC 5626 §3.5.1), after the REGISTER.
    await waitFor(() => server.received().toString('latin1').endsWith('\r\n\r\n\r\n'), 2000, 'pong');

    // Responses go back on the connection the request came in on; another connection is gone.
    expect(transport.send(register, { ...received[1]!.source })).toBe(true);
    expect(transport.send(register, { ...received[1]!.source, connectionId: 'some-old-flow' })).toBe(false);
    expect(flow.flowInfo?.security).toMatchObject({ encrypted: true, level: 'secure', sdesAllowed: true });
  });

  it('answers a malformed request with 400 on the same flow; a malformed response or garbage gets nothing', async () => {
    const server = await startTlsServer({ credentials: suite.pki.servers.good, behaviour: 'silent' });
    suite.cleanups.push(() => server.close());
    const flow = await connectedFlow(server, 'tls');
    const transport = new FlowSipTransport(flow);
    suite.cleanups.push(() => transport.dispose());
    const received: ReceivedMessage[] = [];
    transport.connect({ receive: (message, source) => received.push({ message, source }) });
    const peer = server.connections[0]!.socket;
    peer.write(BAD_REQUEST);
    peer.write(BAD_RESPONSE);
    peer.write('this is not SIP at all\r\n\r\n');
    peer.write(OPTIONS('SIP/2.0/TLS 10.0.0.1'));
    await waitFor(() => received.length === 1, 2000, 'the valid request after the bad ones');
    await waitFor(() => statusLines(server.received()).length > 0, 2000, '400 at the server');
    expect(statusLines(server.received())).toEqual(['SIP/2.0 400 Malformed Via Header']);
    expect(server.received().toString('latin1')).toMatch(/Call-ID: badinv01\.0ha0isndaksdjasdf3234nas\r\n/);
    expect(received[0]!.message).toMatchObject({ kind: 'request', method: 'OPTIONS' });
    // The stream framer resynchronises on what cannot start a message, so not all of it reaches the parser.
    expect(transport.inboundCounters.messages).toBe(1);
    expect(transport.inboundCounters.rejected).toBeGreaterThanOrEqual(1);
  });

  it('refuses to send when the flow is down', async () => {
    const server = await startTlsServer({ credentials: suite.pki.servers.good });
    suite.cleanups.push(() => server.close());
    const flow = await connectedFlow(server, 'tls');
    const transport = new FlowSipTransport(flow);
    suite.cleanups.push(() => transport.dispose());
    flow.stop();
    expect(transport.send(msg(SIP_REGISTER.toString()), { transport: 'TLS', host: '127.0.0.1', port: server.port })).toBe(false);
  });
});

describe('plain transports', () => {
  it('TCP works and is flagged plaintext: SDES must not be used', async () => {
    const server = await startTcpServer({ behaviour: 'silent' });
    suite.cleanups.push(() => server.close());
    const flow = await connectedFlow(server, 'tcp');
    expect(flow.flowInfo?.security).toMatchObject({ encrypted: false, level: 'plaintext', sdesAllowed: false });
    expect(flow.flowInfo?.security.weakness).toBe('plaintext');
    expect(flow.send(SIP_REGISTER).ok).toBe(true);
    await waitFor(() => server.received().toString().includes('REGISTER'), 2000, 'REGISTER over TCP');
  });

  it('UDP moves whole datagrams both ways, ignores garbage, and is flagged plaintext', async () => {
    const a = await UdpSipTransport.open({ bindAddress: '127.0.0.1' });
    const b = await UdpSipTransport.open({ bindAddress: '127.0.0.1' });
    if (!a.ok || !b.ok) throw new Error('bind failed');
    suite.cleanups.push(() => a.value.close(), () => b.value.close());
    const ta = new DatagramSipTransport(a.value);
    const tb = new DatagramSipTransport(b.value);
    suite.cleanups.push(() => ta.dispose(), () => tb.dispose());
    const got: ReceivedMessage[] = [];
    tb.connect({ receive: (message, source) => got.push({ message, source }) });
    expect(ta.reliable).toBe(false);
    await b.value.send(Buffer.from('garbage'), '127.0.0.1', b.value.local.port);
    expect(ta.send(msg(SIP_REGISTER.toString()), { transport: 'UDP', host: '127.0.0.1', port: b.value.local.port })).toBe(true);
    await waitFor(() => got.length === 1, 2000, 'datagram');
    expect(got[0]!.source).toEqual({ transport: 'UDP', host: '127.0.0.1', port: a.value.local.port });
    expect(a.value.security).toMatchObject({ level: 'plaintext', sdesAllowed: false });
  });

  it('UDP answers a malformed request with 400 to the datagram\'s source; a malformed response, garbage or a keep-alive gets nothing', async () => {
    const us = await UdpSipTransport.open({ bindAddress: '127.0.0.1' });
    const peer = await UdpSipTransport.open({ bindAddress: '127.0.0.1' });
    if (!us.ok || !peer.ok) throw new Error('bind failed');
    suite.cleanups.push(() => us.value.close(), () => peer.value.close());
    const transport = new DatagramSipTransport(us.value);
    suite.cleanups.push(() => transport.dispose());
    const got: ReceivedMessage[] = [];
    transport.connect({ receive: (message, source) => got.push({ message, source }) });
    const replies: Buffer[] = [];
    peer.value.onDatagram((d) => replies.push(d.bytes));
    const to = us.value.local.port;
    await peer.value.send(BAD_REQUEST, '127.0.0.1', to);
    await peer.value.send(BAD_RESPONSE, '127.0.0.1', to);
    await peer.value.send(Buffer.from('garbage'), '127.0.0.1', to);
    await peer.value.send(Buffer.from('\r\n\r\n'), '127.0.0.1', to);
    await peer.value.send(Buffer.from(OPTIONS('SIP/2.0/UDP 127.0.0.1')), '127.0.0.1', to);
    await waitFor(() => got.length === 1 && replies.length > 0, 2000, 'the valid request and the 400');
    await new Promise((r) => setTimeout(r, 100));
    expect(replies.flatMap(statusLines)).toEqual(['SIP/2.0 400 Malformed Via Header']);
    expect(got[0]!.message).toMatchObject({ kind: 'request', method: 'OPTIONS' });
    expect(transport.inboundCounters).toMatchObject({ messages: 1, keepalives: 1, rejected: 3 });
  });
});
