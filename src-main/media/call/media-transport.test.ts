import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../test/fakes/fake-clock.js';
import { FakeRng } from '../../../test/fakes/fake-rng.js';
import { FakeRtpNetwork } from '../../../test/fakes/fake-rtp-network.js';
import { serializeRtcpCompound, serializeRtpPacket } from '../../protocol/rtp/index.js';
import { generateKey } from '../../protocol/sdes/index.js';
import { MediaTransport, type MediaEndpoint, type RemoteTransport } from './media-transport.js';
import { SrtpFilter } from './srtp-filter.js';

const HOST = '127.0.0.1';

function rtp(seq: number, ssrc = 0xabc): Uint8Array {
  return serializeRtpPacket({ marker: false, payloadType: 0, sequenceNumber: seq, timestamp: seq * 160, ssrc, csrcs: [], payload: new Uint8Array(160) });
}
const rr = (ssrc = 0xabc): Uint8Array => serializeRtcpCompound([{ type: 'rr', ssrc, reports: [], profileExtension: new Uint8Array(0) }]);

interface Harness {
  clock: FakeClock;
  net: FakeRtpNetwork;
  transport: MediaTransport;
  srtp: SrtpFilter;
  got: { rtp: number; rtcp: number; latched: { endpoint: MediaEndpoint; kind: string }[] };
  /** The peer's sockets. */
  peerRtp: ReturnType<FakeRtpNetwork['bind']>;
}

let cleanup: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanup) c();
  cleanup = [];
});

function harness(remote?: (peerPort: number) => RemoteTransport): Harness & { peerPort: number; ourPort: number } {
  const clock = new FakeClock();
  const net = new FakeRtpNetwork(clock, new FakeRng(3));
  const ours = net.bind(HOST, 0);
  const oursRtcp = net.bind(HOST, 0);
  const peer = net.bind(HOST, 0);
  if (!ours.ok || !oursRtcp.ok || !peer.ok) throw new Error('bind');
  const srtp = new SrtpFilter();
  const got = { rtp: 0, rtcp: 0, latched: [] as { endpoint: MediaEndpoint; kind: string }[] };
  const transport = new MediaTransport(ours.value, oursRtcp.value, srtp, clock, {
    rtp: () => got.rtp++,
    rtcp: () => got.rtcp++,
    latched: (endpoint, kind) => got.latched.push({ endpoint, kind }),
  });
  const peerPort = peer.value.localPort;
  if (remote !== undefined) transport.configure(remote(peerPort));
  cleanup.push(() => {
    transport.dispose();
    net.dispose();
  });
  return { clock, net, transport, srtp, got, peerRtp: peer, peerPort, ourPort: ours.value.localPort };
}

const muxed = (port: number): RemoteTransport => ({ rtp: { address: HOST, port }, rtcp: { address: HOST, port }, mux: true });

describe('MediaTransport', () => {
  it('drops everything before a negotiation', () => {
    const h = harness();
    h.net.inject(rtp(1), { address: HOST, port: h.peerPort }, HOST, h.ourPort);
    h.clock.advance(1);
    expect(h.got.rtp).toBe(0);
    expect(h.transport.stats().dropped).toBe(1);
    expect(h.transport.sendRtp(rtp(1))).toBe(false);
  });

  it('sends RTP from the port it receives on, to the SDP address', () => {
    const h = harness(muxed);
    const received: number[] = [];
    if (!h.peerRtp.ok) throw new Error();
    h.peerRtp.value.onDatagram((d) => received.push(d.port));
    expect(h.transport.sendRtp(rtp(1))).toBe(true);
    h.clock.advance(1);
    expect(received).toEqual([h.ourPort]);
  });

  it('demultiplexes RTCP from RTP on one port with rtcp-mux (RFC 5761 §4)', () => {
    const h = harness(muxed);
    h.net.inject(rtp(1), { address: HOST, port: h.peerPort }, HOST, h.ourPort);
    h.net.inject(rr(), { address: HOST, port: h.peerPort }, HOST, h.ourPort);
    h.clock.advance(1);
    expect(h.got).toMatchObject({ rtp: 1, rtcp: 1 });
  });

  it('without rtcp-mux, takes RTCP on the RTCP socket only', () => {
    const h = harness((p) => ({ rtp: { address: HOST, port: p }, rtcp: { address: HOST, port: p + 1 }, mux: false }));
    h.net.inject(rr(), { address: HOST, port: h.peerPort }, HOST, h.ourPort);
    h.net.inject(rr(), { address: HOST, port: h.peerPort + 1 }, HOST, h.ourPort + 1);
    h.clock.advance(1);
    expect(h.got.rtcp).toBe(1);
    expect(h.transport.stats().dropped).toBe(1);
  });

  it('latches to the source the peer really sends from (a NAT rewrote its port) and sends there', () => {
    const h = harness(() => muxed(40000)); // the SDP names a port nobody sends from
    h.net.inject(rtp(1), { address: HOST, port: h.peerPort }, HOST, h.ourPort);
    h.clock.advance(1);
    expect(h.got.latched).toEqual([{ endpoint: { address: HOST, port: h.peerPort }, kind: 'rtp' }]);
    expect(h.transport.rtpTarget).toEqual({ address: HOST, port: h.peerPort });
  });

  it('plain RTP: a second source cannot take the latch while the first keeps sending, but can after it fell silent', () => {
    const h = harness(muxed);
    const stranger = { address: HOST, port: 50000 };
    h.net.inject(rtp(1), { address: HOST, port: h.peerPort }, HOST, h.ourPort);
    h.clock.advance(20);
    h.net.inject(rtp(2, 0x999), stranger, HOST, h.ourPort);
    h.clock.advance(20);
    expect(h.got.rtp).toBe(1);
    expect(h.got.latched).toEqual([]);
    h.clock.advance(1500);
    h.net.inject(rtp(3, 0x999), stranger, HOST, h.ourPort);
    h.clock.advance(1);
    expect(h.got.latched.map((l) => l.endpoint)).toEqual([stranger]);
  });

  it('SRTP: while the latched source is live, other sources are dropped before authentication; after it fell quiet, a forged packet never moves the latch and an authentic one does', () => {
    const h = harness(muxed);
    const ours = generateKey('AES_CM_128_HMAC_SHA1_80', new FakeRng(1)).params;
    const theirs = generateKey('AES_CM_128_HMAC_SHA1_80', new FakeRng(2)).params;
    h.srtp.update({ suite: ours.suite, tag: 1, send: ours, receive: [theirs], replayWindowSize: 128 });
    const peer = new SrtpFilter();
    peer.update({ suite: ours.suite, tag: 1, send: theirs, receive: [ours], replayWindowSize: 128 });
    h.net.inject(peer.protectRtp(rtp(1))!, { address: HOST, port: h.peerPort }, HOST, h.ourPort);
    h.clock.advance(1);
    const forged = Uint8Array.from(peer.protectRtp(rtp(2))!);
    forged[forged.length - 1]! ^= 1;
    h.net.inject(Uint8Array.from(forged), { address: HOST, port: 50000 }, HOST, h.ourPort);
    // Even an authentic packet from elsewhere is not looked at while the latched source is live.
    h.net.inject(peer.protectRtp(rtp(3))!, { address: HOST, port: 50002 }, HOST, h.ourPort);
    h.clock.advance(1);
    expect(h.got.latched).toEqual([]);
    expect(h.transport.stats().strangers).toBe(2);
    expect(h.transport.stats().unprotectFailures).toBe(0);
    expect(h.srtp.stats().authFailures).toBe(0);
    // The latched source fell quiet (a new NAT binding): a forged packet is authenticated, fails and moves nothing...
    h.clock.advance(300);
    h.net.inject(Uint8Array.from(forged), { address: HOST, port: 50000 }, HOST, h.ourPort);
    h.clock.advance(1);
    expect(h.got.latched).toEqual([]);
    expect(h.transport.stats().unprotectFailures).toBe(1);
    // ...and the peer's authentic packets from its new binding take the latch.
    h.clock.advance(25);
    h.net.inject(peer.protectRtp(rtp(4))!, { address: HOST, port: 50002 }, HOST, h.ourPort);
    h.clock.advance(1);
    expect(h.got.latched.map((l) => l.endpoint.port)).toEqual([50002]);
  });

  it('a re-negotiation that moves the peer retires the old source: its late packets never take the latch back', () => {
    const h = harness(muxed);
    h.net.inject(rtp(1), { address: HOST, port: h.peerPort }, HOST, h.ourPort);
    h.clock.advance(1);
    h.transport.configure(muxed(45000)); // transferred to another endpoint
    h.net.inject(rtp(2), { address: HOST, port: h.peerPort }, HOST, h.ourPort);
    h.clock.advance(3000);
    h.net.inject(rtp(3), { address: HOST, port: h.peerPort }, HOST, h.ourPort);
    h.clock.advance(1);
    expect(h.transport.rtpTarget?.port).toBe(45000);
    expect(h.got.rtp).toBe(1);
  });

  it('never throws on garbage and counts it', () => {
    const h = harness(muxed);
    for (const g of [new Uint8Array(0), new Uint8Array([0x80]), new Uint8Array(12), new Uint8Array(200).fill(0xff)]) h.net.inject(g, { address: HOST, port: h.peerPort }, HOST, h.ourPort);
    h.clock.advance(1);
    expect(h.transport.stats().dropped).toBe(4);
  });

  it('closes its sockets on dispose', () => {
    const h = harness(muxed);
    const before = h.net.openSockets;
    h.transport.dispose();
    expect(h.net.openSockets).toBe(before - 2);
  });
});
