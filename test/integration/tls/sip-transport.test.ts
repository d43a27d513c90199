/**
 * The transaction layer's TransportPort over real sockets: SIP over TLS on the account's one flow
 * (requests out, responses and server requests in, CRLF ping answered, NAT binding learned from
 * Via received/rport), and SIP over UDP and TCP with their plaintext warning.
 */
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
    expect(flow.flowInfo?.security.warning).toMatch(/not encrypted/);
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
});
