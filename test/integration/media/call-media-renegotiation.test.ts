/**
 * Offer/answer beyond the first call set-up, between two of our instances on loopback with real
 * sockets: the `optional` policy against a plain-RTP offer, hold and resume by re-offer, a
 * refresh that changes nothing (same keys), and re-keying without one-way audio (the old receive
 * key keeps working until the peer's packets under the new key arrive).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { AudioScratch, analyseRecording, createLeg, createTestEngine, expectTone, negotiate, sleep, udpHandles, waitUntil, type Leg } from './support/media-call-pair.js';

const scratch = new AudioScratch();
const engine = createTestEngine();

afterAll(async () => {
  await sleep(300);
  scratch.dispose();
  expect(udpHandles(), 'UDP sockets left open').toBe(0);
});

async function pcmuPair(aOptions: Partial<Parameters<typeof createLeg>[1]> = {}, bOptions: Partial<Parameters<typeof createLeg>[1]> = {}): Promise<{ a: Leg; b: Leg; aRec: string; bRec: string }> {
  const aRec = scratch.file('a.wav');
  const bRec = scratch.file('b.wav');
  const a = await createLeg(engine, { callId: 'a', codecs: ['PCMU'], audio: { playFile: scratch.tone(1000, 8000), recordFile: aRec }, ...aOptions });
  const b = await createLeg(engine, { callId: 'b', codecs: ['PCMU'], audio: { playFile: scratch.tone(440, 8000), recordFile: bRec }, ...bOptions });
  return { a, b, aRec, bRec };
}

const rtpIn = (l: Leg): number => l.media.diagnostics().transport.rtpPacketsIn;
const sent = (l: Leg): number => l.media.diagnostics().sender.packets;

describe('SRTP policy against a plain-RTP offer', () => {
  it('optional answers a plain RTP/AVP offer: media flows both ways and the state says unencrypted', async () => {
    const { a, b, aRec, bRec } = await pcmuPair({ srtp: 'off' }, { srtp: 'optional' });
    try {
      const n = negotiate(a, b);
      expect(n.offer).toMatch(/^m=audio \d+ RTP\/AVP /m);
      expect(n.offer).not.toMatch(/a=crypto/);
      expect(n.answer).not.toMatch(/a=crypto/);
      for (const s of [n.a, n.b]) {
        expect(s.srtp).toBe(false);
        expect(s.suite).toBeUndefined();
      }
      expect(n.b.report.outcome).toBe('unencrypted');
      expect(n.b.report.summary).toMatch(/NOT encrypted/);
      await sleep(1800);
    } finally {
      a.media.dispose();
      b.media.dispose();
    }
    await sleep(50);
    expectTone(analyseRecording(bRec), 1000, 'B hears A over plain RTP');
    expectTone(analyseRecording(aRec), 440, 'A hears B over plain RTP');
  });

  it('mandatory refuses the same plain offer with 488 and says why', async () => {
    const { a, b } = await pcmuPair({ srtp: 'off', audio: {} }, { srtp: 'mandatory', audio: {} });
    try {
      const offer = a.media.createOffer();
      if (!offer.ok) throw new Error(offer.error.message);
      const r = b.media.answerOffer(offer.value);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error).toMatchObject({ code: 'not-acceptable', sipStatus: 488 });
      expect(r.error.report?.outcome).toBe('refused');
      expect(b.media.state).toBeUndefined();
    } finally {
      a.media.dispose();
      b.media.dispose();
    }
  });
});

describe('hold and resume by re-offer', () => {
  it('hold stops audio both ways with the same keys, a refresh keeps keys and hold, resume brings audio back', async () => {
    const { a, b, aRec } = await pcmuPair();
    try {
      negotiate(a, b);
      await waitUntil(() => rtpIn(a) > 20 && rtpIn(b) > 20, 3000, 'audio both ways');

      // A holds: sendonly / recvonly; only the direction changed, so the keys stay (RFC 4568 §7.1.4;
      // baresip 1.0 does not apply new keys from a re-INVITE).
      const hold = negotiate(a, b, 'sendonly');
      expect(hold.offer).toMatch(/^a=sendonly$/m);
      expect(hold.a.direction).toBe('sendonly');
      expect(hold.b.direction).toBe('recvonly');
      expect(a.media.diagnostics().srtp.rekeys).toBe(0);
      expect(b.media.diagnostics().srtp.rekeys).toBe(0);
      await sleep(100); // packets already in flight
      const [aIn, bIn, aSent, bSent] = [rtpIn(a), rtpIn(b), sent(a), sent(b)];
      await sleep(600);
      expect(sent(a) - aSent, 'A (holding) sends no audio').toBe(0);
      expect(sent(b) - bSent, 'B (held, recvonly) sends no audio').toBe(0);
      expect(rtpIn(a) - aIn).toBe(0);
      expect(rtpIn(b) - bIn).toBe(0);
      const rtcpBefore = b.media.diagnostics().transport.rtcpPacketsIn;

      // A refresh that changes nothing: same keys (the offer carries only the agreed a=crypto
      // line, with the same key), still on hold (the default direction is the one last agreed).
      const refresh = negotiate(a, b);
      const refreshCrypto = refresh.offer.match(/^a=crypto:.*$/gm) ?? [];
      expect(refreshCrypto).toHaveLength(1);
      expect(hold.offer.split(/\r?\n/)).toContain(refreshCrypto[0]);
      expect(refresh.a.direction).toBe('sendonly');
      expect(a.media.diagnostics().srtp.rekeys).toBe(0);
      expect(b.media.diagnostics().srtp.rekeys).toBe(0);

      // RTCP keeps flowing on hold.
      await waitUntil(() => b.media.diagnostics().transport.rtcpPacketsIn > rtcpBefore, 3000, 'RTCP on hold');

      const resume = negotiate(a, b, 'sendrecv');
      expect(resume.a.direction).toBe('sendrecv');
      expect(resume.b.direction).toBe('sendrecv');
      expect(BigInt(version(resume.offer))).toBeGreaterThan(BigInt(version(refresh.offer)));
      expect(a.media.diagnostics().srtp.rekeys).toBe(0);
      const [aIn2, bIn2] = [rtpIn(a), rtpIn(b)];
      await waitUntil(() => rtpIn(a) > aIn2 + 30 && rtpIn(b) > bIn2 + 30, 3000, 'audio after resume');
      expect(a.media.diagnostics().srtp.authFailures + b.media.diagnostics().srtp.authFailures).toBe(0);
      await sleep(900);
    } finally {
      a.media.dispose();
      b.media.dispose();
    }
    await sleep(50);
    // The end of A's recording is after the resume.
    expectTone(analyseRecording(aRec), 440, 'A hears B after resume');
  });
});

describe('re-keying', () => {
  it('keeps audio both ways while the offerer still sends under its old key, then switches (no one-way audio)', async () => {
    const { a, b, aRec, bRec } = await pcmuPair();
    try {
      negotiate(a, b);
      await waitUntil(() => rtpIn(a) > 20 && rtpIn(b) > 20, 3000, 'audio both ways');
      const offer = a.media.createOffer(undefined, { rekey: true });
      if (!offer.ok) throw new Error(offer.error.message);
      const answer = b.media.answerOffer(offer.value);
      if (!answer.ok) throw new Error(answer.error.message);
      // B now expects A's new key, but A keeps sending under the old one until it processes the
      // answer (a re-INVITE's 200 OK in flight): B must still accept and play those packets.
      expect(b.media.diagnostics().srtp.acceptsPreviousReceiveKey).toBe(true);
      const bIn = rtpIn(b);
      await sleep(400);
      expect(rtpIn(b) - bIn, 'B keeps receiving under the old key').toBeGreaterThan(12);
      expect(b.media.diagnostics().srtp.authFailures).toBe(0);

      const applied = a.media.applyAnswer(answer.value.sdp);
      expect(applied.ok).toBe(true);
      expect(a.media.diagnostics().srtp.rekeys).toBe(1);
      await waitUntil(() => !b.media.diagnostics().srtp.acceptsPreviousReceiveKey, 2000, 'B to see the new key in use');
      const [aIn2, bIn2] = [rtpIn(a), rtpIn(b)];
      await sleep(700);
      expect(rtpIn(a) - aIn2).toBeGreaterThan(20);
      expect(rtpIn(b) - bIn2).toBeGreaterThan(20);
      expect(a.media.diagnostics().srtp.authFailures + b.media.diagnostics().srtp.authFailures, 'no packet lost to the key change').toBe(0);
      expect(b.media.diagnostics().srtp.sendKeyDeferred, 'B switched its own key once A used the new one').toBe(false);
      await sleep(600);
    } finally {
      a.media.dispose();
      b.media.dispose();
    }
    await sleep(50);
    expectTone(analyseRecording(bRec), 1000, 'B hears A across the re-key');
    expectTone(analyseRecording(aRec), 440, 'A hears B across the re-key');
  });
});

function version(sdp: string): string {
  const m = /^o=\S+ \S+ (\d+) /m.exec(sdp);
  if (m?.[1] === undefined) throw new Error('no o= line');
  return m[1];
}
