/**
 * The RTP flow's behaviour between two of our instances on loopback, real sockets and time:
 * RFC 4733 DTMF both ways, SRTP tag corruption (counted, never thrown, audio goes on), symmetric
 * RTP latching when the SDP port is not where the peer sends from (NAT), RTCP call-quality stats
 * (loss, jitter, RTT, MOS) and the RTCP BYE when a call ends.
 */
import { forwardingRtpSocket } from '../../fakes/forwarding-rtp-socket.js';
import { createSocket } from 'node:dgram';
import { afterAll, describe, expect, it } from 'vitest';
import { once } from '../../../src-main/base/event.js';
import { ok } from '../../../src-main/base/result.js';
import type { MediaEvent, MediaStats } from '../../../src-main/media/call-media.js';
import type { RtpSocketFactory } from '../../../src-main/media/call/index.js';
import { NodeRtpSocketFactory } from '../../../src-main/platform/net/rtp-socket.js';
import { AudioScratch, analyseRecording, createLeg, createTestEngine, expectTone, negotiate, sleep, udpHandles, waitUntil, type Leg } from './support/media-call-pair.js';

const scratch = new AudioScratch();
const engine = createTestEngine();

afterAll(async () => {
  await sleep(300);
  scratch.dispose();
  expect(udpHandles(), 'UDP sockets left open').toBe(0);
});

/** A and B; `aSockets` replaces the socket factory of A's engine only. */
async function pair(codec: 'PCMU' | 'opus' = 'PCMU', aSockets?: RtpSocketFactory): Promise<{ a: Leg; b: Leg; aRec: string; bRec: string }> {
  const rate = codec === 'opus' ? 48000 : 8000;
  const aRec = scratch.file('a.wav');
  const bRec = scratch.file('b.wav');
  const a = await createLeg(aSockets === undefined ? engine : createTestEngine({ sockets: aSockets }), { callId: 'a', codecs: [codec], audio: { playFile: scratch.tone(1000, rate), recordFile: aRec } });
  const b = await createLeg(engine, { callId: 'b', codecs: [codec], audio: { playFile: scratch.tone(440, rate), recordFile: bRec } });
  return { a, b, aRec, bRec };
}

const digits = (l: Leg): string => l.events.flatMap((e) => (e.kind === 'dtmf' ? [e.digit] : [])).join('');

describe('RFC 4733 DTMF', () => {
  it.each(['PCMU', 'opus'] as const)('digits sent both ways arrive once each, in order, with their durations (%s)', async (codec) => {
    const { a, b } = await pair(codec);
    try {
      negotiate(a, b);
      await waitUntil(() => a.media.diagnostics().transport.rtpPacketsIn > 5 && b.media.diagnostics().transport.rtpPacketsIn > 5, 3000, 'audio');
      expect(a.media.sendDtmf('123#')).toBe(true);
      expect(b.media.sendDtmf('*0A9')).toBe(true);
      expect(a.media.sendDtmf('7', 250)).toBe(true);
      await waitUntil(() => digits(b).length >= 5 && digits(a).length >= 4, 4000, 'digits');
      await sleep(300);
      expect(digits(b)).toBe('123#7');
      expect(digits(a)).toBe('*0A9');
      const durations = b.events.flatMap((e) => (e.kind === 'dtmf' ? [e.durationMs] : []));
      for (const d of durations.slice(0, 4)) expect(d).toBeCloseTo(100, -1);
      expect(durations[4]).toBeCloseTo(250, -1);
      expect(a.media.sendDtmf('X')).toBe(false);
    } finally {
      a.media.dispose();
      b.media.dispose();
    }
  });

  it('offers telephone-event at the 48 kHz Opus clock as well as at 8 kHz, and only at 8 kHz without Opus (RFC 4733 §2.1)', async () => {
    const opus = await createLeg(engine, { callId: 'o', codecs: ['opus', 'PCMU'] });
    const pcmu = await createLeg(engine, { callId: 'p', codecs: ['PCMU'] });
    try {
      const withOpus = opus.media.createOffer();
      const without = pcmu.media.createOffer();
      if (!withOpus.ok || !without.ok) throw new Error('offer');
      expect(withOpus.value).toMatch(/a=rtpmap:110 telephone-event\/48000\r\n/);
      expect(withOpus.value).toMatch(/a=rtpmap:101 telephone-event\/8000\r\n/);
      expect(without.value).not.toMatch(/telephone-event\/48000/);
      expect(without.value).toMatch(/a=rtpmap:101 telephone-event\/8000\r\n/);
    } finally {
      opus.media.dispose();
      pcmu.media.dispose();
    }
  });

  it('sendDtmf says false when the peer did not offer telephone-event (the UA falls back to SIP INFO)', async () => {
    const { a, b } = await pair();
    a.media.dispose();
    try {
      const offer = ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 40000 RTP/AVP 0', 'a=rtpmap:0 PCMU/8000', 'a=sendrecv', ''].join('\r\n');
      const r = b.media.answerOffer(offer);
      // Our policy is mandatory: plain RTP is refused, so answer with an optional-policy leg.
      expect(r.ok).toBe(false);
      const c = await createLeg(engine, { callId: 'c', codecs: ['PCMU'], srtp: 'optional' });
      try {
        const answer = c.media.answerOffer(offer);
        expect(answer.ok).toBe(true);
        if (answer.ok) expect(answer.value.sdp).not.toMatch(/telephone-event/);
        expect(c.media.sendDtmf('1')).toBe(false);
      } finally {
        c.media.dispose();
      }
    } finally {
      b.media.dispose();
    }
  });
});

/** Wraps a socket factory so that selected outgoing datagrams get their last octet (in the SRTP tag) flipped. */
function corruptingSockets(inner: RtpSocketFactory, corrupt: (bytes: Uint8Array) => boolean): RtpSocketFactory & { corrupted: number } {
  const state = {
    corrupted: 0,
    async bind(address: string, port: number) {
      const r = await inner.bind(address, port);
      if (!r.ok) return r;
      const s = r.value;
      const wrapped = forwardingRtpSocket(s, (bytes, p, a) => {
        if (corrupt(bytes)) {
          bytes[bytes.length - 1]! ^= 0x5a;
          state.corrupted++;
        }
        s.send(bytes, p, a);
      });
      return ok(wrapped);
    },
  };
  return state;
}

describe('SRTP authentication failures', () => {
  it('corrupted tags are counted by the receiver, never thrown, and the audio goes on', async () => {
    let n = 0;
    let corrupting = true;
    const isRtp = (b: Uint8Array): boolean => b.length > 12 && !(b[1]! >= 192 && b[1]! <= 223);
    const sockets = corruptingSockets(new NodeRtpSocketFactory(), (b) => corrupting && isRtp(b) && ++n % 7 === 0);
    const { a, b, bRec } = await pair('PCMU', sockets);
    try {
      negotiate(a, b);
      await sleep(2200);
      corrupting = false;
      await sleep(100);
      const corrupted = sockets.corrupted;
      expect(corrupted).toBeGreaterThan(10);
      const d = b.media.diagnostics();
      expect(d.srtp.authFailures).toBe(corrupted);
      expect(b.media.stats().srtpAuthFailures).toBe(corrupted);
      expect(d.transport.unprotectFailures).toBe(corrupted);
      expect(d.transport.latches, 'forged packets never move the latch').toBe(0);
      expect(b.events.filter((e) => e.kind === 'error')).toEqual([]);
      expect(d.receiver.jitterBuffer?.concealed).toBeGreaterThan(0);
    } finally {
      a.media.dispose();
      b.media.dispose();
    }
    await sleep(50);
    expectTone(analyseRecording(bRec), 1000, 'B hears A despite 1 packet in 7 forged');
  });

  it('garbage from a stranger is dropped and counted without effect', async () => {
    const { a, b } = await pair();
    const stranger = createSocket('udp4');
    await new Promise<void>((r) => stranger.bind(0, '127.0.0.1', r));
    try {
      negotiate(a, b);
      await waitUntil(() => b.media.diagnostics().transport.rtpPacketsIn > 10, 3000, 'audio');
      const port = b.media.diagnostics().localRtpPort;
      const junk = [Buffer.alloc(0), Buffer.from([0x80]), Buffer.alloc(40, 0x80), Buffer.from('INVITE sip:x SIP/2.0\r\n\r\n'), Buffer.alloc(1500, 0xff)];
      for (const j of junk) stranger.send(j, port, '127.0.0.1');
      await sleep(200);
      const d = b.media.diagnostics();
      // Connected to A (the latched source is live), B's socket never sees the junk: the kernel
      // refuses it. Had it fallen quiet and disconnected, the junk would be read and counted.
      if (!d.transport.rtpSocketConnected) expect(d.transport.dropped + d.transport.unprotectFailures).toBeGreaterThanOrEqual(3);
      expect(d.remote?.port).toBe(a.media.diagnostics().localRtpPort);
      expect(b.events.filter((e) => e.kind === 'error')).toEqual([]);
    } finally {
      stranger.close();
      a.media.dispose();
      b.media.dispose();
    }
  });
});

describe('symmetric RTP', () => {
  it('latches to the address the peer really sends from when its SDP port is wrong (NAT)', async () => {
    const { a, b, aRec, bRec } = await pair();
    // What a NAT would advertise: a port where A does not listen.
    const natPort = createSocket('udp4');
    await new Promise<void>((r) => natPort.bind(0, '127.0.0.1', r));
    let toNat = 0;
    natPort.on('message', () => toNat++);
    try {
      const offer = a.media.createOffer();
      if (!offer.ok) throw new Error(offer.error.message);
      const rewritten = offer.value.replace(/^m=audio \d+ /m, `m=audio ${natPort.address().port} `);
      const latched = once(b.media.onEvent, (e: MediaEvent) => e.kind === 'latched');
      const answer = b.media.answerOffer(rewritten);
      if (!answer.ok) throw new Error(answer.error.message);
      expect(a.media.applyAnswer(answer.value.sdp).ok).toBe(true);
      const e = await latched;
      expect(e).toEqual({ kind: 'latched', address: '127.0.0.1', port: a.media.diagnostics().localRtpPort });
      await sleep(100); // datagrams sent before the latch may still be queued at the NAT socket
      const before = toNat;
      await sleep(1800);
      expect(toNat - before, 'nothing goes to the advertised port after latching').toBe(0);
      expect(a.media.diagnostics().transport.rtpPacketsIn).toBeGreaterThan(60);
    } finally {
      natPort.close();
      a.media.dispose();
      b.media.dispose();
    }
    await sleep(50);
    expectTone(analyseRecording(aRec), 440, 'A hears B after B latched');
    expectTone(analyseRecording(bRec), 1000, 'B hears A');
  });
});

describe('RTCP', () => {
  it('reports loss, jitter, RTT and MOS as stats events, and says BYE when the call ends', async () => {
    const { a, b } = await pair();
    const stats: MediaStats[] = [];
    a.media.onEvent((e) => {
      if (e.kind === 'stats') stats.push(e.stats);
    });
    try {
      negotiate(a, b);
      await waitUntil(() => stats.some((s) => s.rttMs !== undefined && s.packetsReceived > 0), 6000, 'a stats event with RTT');
      const s = stats.find((x) => x.rttMs !== undefined && x.packetsReceived > 0)!;
      expect(s.lossPercent).toBe(0);
      expect(s.packetsLost).toBe(0);
      expect(s.packetsSent).toBeGreaterThan(0);
      expect(s.rttMs).toBeGreaterThanOrEqual(0);
      expect(s.rttMs).toBeLessThan(50);
      expect(s.jitterMs).toBeLessThan(20);
      expect(s.mos).toBeGreaterThan(4);
      expect(s.mos).toBeLessThanOrEqual(4.5);
      expect(s.remoteLossPercent).toBe(0);
      expect(b.media.diagnostics().peerSaidBye).toBe(false);
    } finally {
      a.media.dispose();
    }
    try {
      await waitUntil(() => b.media.diagnostics().peerSaidBye, 2000, 'RTCP BYE from A');
    } finally {
      b.media.dispose();
    }
  });
});
