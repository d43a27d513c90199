import { describe, expect, it } from 'vitest';
import { FakeRng } from '../../../test/fakes/fake-rng.js';
import { createLogger, MemorySink } from '../../base/logger.js';
import { parseCryptoAttribute, serializeCryptoAttribute } from '../sdes/crypto-attribute.js';
import { srtpSessionFor } from '../sdes/sdes-negotiator.js';
import type { SrtpSession } from '../srtp/srtp-session.js';
import { rtpPacket } from '../srtp/srtp-test-packets.js';
import { attributeValues, hasRtcpMux } from './media-attributes.js';
import { applyAnswer, createAnswer, createOffer, type LocalMediaConfig, type NegotiatedMedia, type PendingOffer } from './offer-answer.js';
import { parseSdp } from './sdp-parser.js';
import { serializeSdp } from './sdp-serializer.js';
import type { SessionDescription } from './session-description.js';

const ALICE: LocalMediaConfig = {
  address: '192.0.2.1',
  port: 40000,
  codecs: [
    { payloadType: 0, encodingName: 'PCMU', clockRate: 8000 },
    { payloadType: 8, encodingName: 'PCMA', clockRate: 8000 },
    { payloadType: 101, encodingName: 'telephone-event', clockRate: 8000, fmtp: '0-16' },
  ],
  ptime: 20,
  srtp: { policy: 'mandatory', transport: 'tls' },
};

const BOB: LocalMediaConfig = {
  ...ALICE,
  address: '2001:db8::2',
  port: 50000,
  codecs: [
    { payloadType: 8, encodingName: 'PCMA', clockRate: 8000 },
    { payloadType: 96, encodingName: 'telephone-event', clockRate: 8000, fmtp: '0-15' },
  ],
};

function offer(cfg: LocalMediaConfig, rng = new FakeRng(1), previous?: Parameters<typeof createOffer>[1]['previous']): PendingOffer {
  const r = createOffer(cfg, { rng, ...(previous === undefined ? {} : { previous }) });
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
}

function audio(sd: SessionDescription): SessionDescription['media'][number] {
  return sd.media[0]!;
}

function srtpPair(a: NegotiatedMedia, b: NegotiatedMedia): { a: SrtpSession; b: SrtpSession } {
  return { a: srtpSessionFor(a.srtp!), b: srtpSessionFor(b.srtp!) };
}

describe('createOffer (RFC 3264 §5, RFC 4568 §5.1.1)', () => {
  it('mandatory over TLS: RTP/SAVP, one a=crypto per suite, tags from 1, AES_CM_128_HMAC_SHA1_80 first, distinct fresh keys', () => {
    const p = offer(ALICE);
    const m = audio(p.sdp);
    expect(m.protocol).toBe('RTP/SAVP');
    expect(m.formats).toEqual(['0', '8', '101']);
    const lines = attributeValues(m.attributes, 'crypto').map((v) => parseCryptoAttribute(v));
    expect(lines.map((l) => l.ok && l.value.tag)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(lines[0]!.ok && lines[0]!.value.suite).toBe('AES_CM_128_HMAC_SHA1_80');
    const keys = lines.map((l) => (l.ok ? l.value.keyParams[0]!.key.encoded : ''));
    expect(new Set(keys).size).toBe(6);
    expect(hasRtcpMux(m)).toBe(true);
    expect(attributeValues(m.attributes, 'ptime')).toEqual(['20']);
    expect(m.attributes.some((a) => a.name === 'sendrecv')).toBe(true);
    expect(p.report.outcome).toBe('pending');
    expect(JSON.stringify(p.report)).not.toContain(keys[0]!.slice(0, 10));
    // What we send parses back to what we built.
    const reparsed = parseSdp(p.text);
    expect(reparsed.ok && reparsed.value).toEqual(p.sdp);
  });

  it('optional: RTP/AVP carrying a=crypto (best-effort SRTP)', () => {
    const p = offer({ ...ALICE, srtp: { policy: 'optional', transport: 'tls' } });
    expect(audio(p.sdp).protocol).toBe('RTP/AVP');
    expect(attributeValues(audio(p.sdp).attributes, 'crypto')).toHaveLength(6);
  });

  it('off: RTP/AVP without keys', () => {
    const p = offer({ ...ALICE, srtp: { policy: 'off', transport: 'tls' } });
    expect(audio(p.sdp).protocol).toBe('RTP/AVP');
    expect(attributeValues(audio(p.sdp).attributes, 'crypto')).toEqual([]);
  });

  it('never writes keys into SDP over UDP/TCP: mandatory fails with a report, optional offers plain RTP and says why', () => {
    const mandatory = createOffer({ ...ALICE, srtp: { policy: 'mandatory', transport: 'udp' } }, { rng: new FakeRng() });
    expect(mandatory.ok).toBe(false);
    if (!mandatory.ok) {
      expect(mandatory.error.code).toBe('insecure-signalling');
      expect(mandatory.error.report?.media[0]?.reasonCode).toBe('insecure-signalling');
    }
    const optional = offer({ ...ALICE, srtp: { policy: 'optional', transport: 'tcp' } });
    expect(attributeValues(audio(optional.sdp).attributes, 'crypto')).toEqual([]);
    expect(optional.text).not.toContain('inline:');
    expect(optional.report.warnings.map((w) => w.code)).toContain('media-not-encrypted');
    expect(optional.report.media[0]?.reasonCode).toBe('insecure-signalling');
    const sink = new MemorySink();
    const logged = createOffer({ ...ALICE, srtp: { policy: 'mandatory', transport: 'udp', allowInsecureTransport: true } }, { rng: new FakeRng(), logger: createLogger({ sinks: [sink], level: 'debug' }) });
    expect(logged.ok).toBe(true);
    const warn = sink.records.find((r) => r.level === 'warn');
    expect(warn?.fields?.code).toBe('keys-over-insecure-signalling');
    expect(sink.text()).not.toMatch(/inline:[A-Za-z0-9+/]{8}/);
    const allowed = offer({ ...ALICE, srtp: { policy: 'mandatory', transport: 'udp', allowInsecureTransport: true } });
    expect(allowed.text).toContain('inline:');
    expect(allowed.report.warnings[0]?.code).toBe('keys-over-insecure-signalling');
    expect(allowed.report.warnings[0]?.message).toMatch(/anyone on the signalling path can decrypt/);
  });

  it('rejects an invalid configuration as a value', () => {
    const r = createOffer({ ...ALICE, port: 0 }, { rng: new FakeRng() });
    expect(r.ok ? 'ok' : r.error.code).toBe('bad-config');
  });
});

describe('offer -> answer -> applyAnswer between two of our user agents', () => {
  it('agrees on codecs, addresses, rtcp-mux and mirrored SRTP keys that carry media both ways', () => {
    const p = offer(ALICE, new FakeRng(1));
    const answered = createAnswer(p.text, BOB, { rng: new FakeRng(2) });
    expect(answered.ok).toBe(true);
    if (!answered.ok) return;
    const bob = answered.value.session.media[0]!;
    expect(bob).toMatchObject({ accepted: true, remoteAddress: '192.0.2.1', remotePort: 40000, rtcpMux: true, direction: 'sendrecv' });
    expect(bob.sendCodec?.encodingName).toBe('PCMA');
    expect(bob.telephoneEvent?.payloadType).toBe(101);
    const applied = applyAnswer(p, answered.value.text);
    expect(applied.ok).toBe(true);
    if (!applied.ok) return;
    const alice = applied.value.media[0]!;
    expect(alice).toMatchObject({ accepted: true, remoteAddress: '2001:db8::2', remotePort: 50000, rtcpMux: true, direction: 'sendrecv' });
    expect(alice.sendCodec?.payloadType).toBe(8);
    expect(applied.value.report.outcome).toBe('encrypted');
    expect(alice.srtp?.suite).toBe('AES_CM_128_HMAC_SHA1_80');
    expect(Buffer.from(alice.srtp!.send.masterKey)).toEqual(Buffer.from(bob.srtp!.receive[0]!.masterKey));
    expect(Buffer.from(bob.srtp!.send.masterKey)).toEqual(Buffer.from(alice.srtp!.receive[0]!.masterKey));
    expect(Buffer.from(alice.srtp!.send.masterKey)).not.toEqual(Buffer.from(bob.srtp!.send.masterKey));
    const s = srtpPair(alice, bob);
    const pkt = rtpPacket({ seq: 1, ssrc: 1, payload: 160 });
    const toBob = s.a.protectRtp(pkt);
    expect(toBob.ok && s.b.unprotectRtp(toBob.value).ok).toBe(true);
    const pkt2 = rtpPacket({ seq: 1, ssrc: 2, payload: 160 });
    const toAlice = s.b.protectRtp(pkt2);
    expect(toAlice.ok && s.a.unprotectRtp(toAlice.value).ok).toBe(true);
  });

  it('each offered suite, when it is the only one the answerer allows, yields working SRTP', () => {
    for (const suite of ['AES_CM_128_HMAC_SHA1_32', 'AES_256_CM_HMAC_SHA1_80', 'AEAD_AES_128_GCM', 'AEAD_AES_256_GCM'] as const) {
      const p = offer(ALICE);
      const answered = createAnswer(p.text, { ...BOB, srtp: { policy: 'mandatory', transport: 'tls', suites: [suite] } }, { rng: new FakeRng(3) });
      if (!answered.ok) throw new Error(answered.error.message);
      const applied = applyAnswer(p, answered.value.text);
      if (!applied.ok) throw new Error(applied.error.message);
      expect(applied.value.media[0]!.srtp?.suite).toBe(suite);
      const s = srtpPair(applied.value.media[0]!, answered.value.session.media[0]!);
      const r = s.a.protectRtp(rtpPacket({ seq: 9, ssrc: 5, payload: 40 }));
      expect(r.ok && s.b.unprotectRtp(r.value).ok, suite).toBe(true);
    }
  });

  it('copes with an answerer that renumbers tags (matched by suite, with a warning)', () => {
    const p = offer(ALICE);
    const answered = createAnswer(p.text, BOB, { rng: new FakeRng(2) });
    if (!answered.ok) throw new Error('no answer');
    const renumbered = answered.value.text.replace('a=crypto:1 ', 'a=crypto:7 ');
    const applied = applyAnswer(p, renumbered);
    expect(applied.ok).toBe(true);
    if (!applied.ok) return;
    expect(applied.value.media[0]!.srtp?.tag).toBe(1);
    expect(applied.value.report.warnings.map((w) => w.code)).toContain('answer-renumbered-tag');
  });

  it('fails an answer without a=crypto to our RTP/SAVP offer, and one that names a suite we did not offer', () => {
    const p = offer(ALICE);
    const answered = createAnswer(p.text, BOB, { rng: new FakeRng(2) });
    if (!answered.ok) throw new Error('no answer');
    const stripped = answered.value.text.replace(/a=crypto:[^\r\n]*\r\n/, '');
    const r1 = applyAnswer(p, stripped);
    expect(r1.ok ? 'ok' : r1.error.report?.media[0]?.reasonCode).toBe('peer-answered-no-crypto');
    const other = answered.value.text.replace('AES_CM_128_HMAC_SHA1_80', 'AES_192_CM_HMAC_SHA1_80');
    const r2 = applyAnswer(p, other);
    expect(r2.ok ? 'ok' : r2.error.report?.media[0]?.reasonCode).toBe('answer-crypto-mismatch');
    const r3 = applyAnswer(p, 'v=0\r\nthis is not sdp');
    expect(r3.ok ? 'ok' : r3.error.code).toBe('unparseable-answer');
  });

  it('best-effort offer answered without keys: the call proceeds unencrypted and says so', () => {
    const p = offer({ ...ALICE, srtp: { policy: 'optional', transport: 'tls' } });
    const answered = createAnswer(p.text, { ...BOB, srtp: { policy: 'off', transport: 'tls' } }, { rng: new FakeRng(2) });
    if (!answered.ok) throw new Error('no answer');
    expect(answered.value.text).not.toContain('a=crypto');
    const applied = applyAnswer(p, answered.value.text);
    expect(applied.ok).toBe(true);
    if (!applied.ok) return;
    expect(applied.value.report.outcome).toBe('unencrypted');
    expect(applied.value.report.warnings.map((w) => w.code)).toContain('media-not-encrypted');
    expect(applied.value.media[0]!.srtp).toBeUndefined();
  });

  it('rejects a stream with port 0 in the answer and refuses when nothing is left', () => {
    const p = offer(ALICE);
    const answered = createAnswer(p.text, BOB, { rng: new FakeRng(2) });
    if (!answered.ok) throw new Error('no answer');
    const zero = answered.value.text.replace('m=audio 50000', 'm=audio 0');
    const r = applyAnswer(p, zero);
    expect(r.ok ? 'ok' : r.error.code).toBe('no-media');
  });

  it('refuses (488) an offer with no codec in common', () => {
    const p = offer({ ...ALICE, codecs: [{ payloadType: 18, encodingName: 'G729', clockRate: 8000 }] });
    const r = createAnswer(p.text, BOB, { rng: new FakeRng(2) });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.sipStatus).toBe(488);
      expect(r.error.report?.media[0]?.reasonCode).toBe('no-common-codec');
    }
  });

  it('an unparseable offer is a 400, never an exception', () => {
    const r = createAnswer('garbage', BOB, { rng: new FakeRng(2) });
    expect(r.ok ? 0 : r.error.sipStatus).toBe(400);
  });
});

describe('re-offers (RFC 3264 §8): hold, resume, new keys only when the media changes', () => {
  function establish(): { p: PendingOffer; aliceSession: NonNullable<ReturnType<typeof applyAnswer> & { ok: true }>['value']; bobSession: ReturnType<typeof createAnswer> & { ok: true } } {
    const p = offer(ALICE, new FakeRng(11));
    const a = createAnswer(p.text, BOB, { rng: new FakeRng(12) });
    if (!a.ok) throw new Error('answer');
    const applied = applyAnswer(p, a.value.text);
    if (!applied.ok) throw new Error('apply');
    return { p, aliceSession: applied.value, bobSession: a };
  }

  it('hold: sendonly re-offer with a higher version and the same keys; the answer is recvonly and keeps its keys (RFC 4568 §7.1.4)', () => {
    const { p, aliceSession, bobSession } = establish();
    const hold = offer({ ...ALICE, direction: 'sendonly' }, new FakeRng(13), aliceSession);
    expect(hold.sdp.origin.sessionId).toBe(p.sdp.origin.sessionId);
    expect(BigInt(hold.sdp.origin.sessionVersion)).toBe(BigInt(p.sdp.origin.sessionVersion) + 1n);
    expect(audio(hold.sdp).attributes.some((a) => a.name === 'sendonly')).toBe(true);
    const oldKey = attributeValues(audio(p.sdp).attributes, 'crypto')[0];
    expect(attributeValues(audio(hold.sdp).attributes, 'crypto')).toEqual([oldKey]);
    const bobAnswer = createAnswer(hold.text, BOB, { rng: new FakeRng(14), previous: bobSession.value.session });
    if (!bobAnswer.ok) throw new Error('answer');
    expect(bobAnswer.value.session.media[0]!.direction).toBe('recvonly');
    expect(bobAnswer.value.session.media[0]!.rekeyed).toEqual({ send: false, receive: false });
    expect(BigInt(bobAnswer.value.sdp.origin.sessionVersion)).toBe(BigInt(bobSession.value.sdp.origin.sessionVersion) + 1n);
    const applied = applyAnswer(hold, bobAnswer.value.text);
    if (!applied.ok) throw new Error('apply');
    expect(applied.value.media[0]!.direction).toBe('sendonly');
    expect(applied.value.media[0]!.rekeyed).toEqual({ send: false, receive: false });

    // Resume: back to sendrecv.
    const resume = offer(ALICE, new FakeRng(15), applied.value);
    expect(audio(resume.sdp).attributes.some((a) => a.name === 'sendrecv')).toBe(true);
    const again = createAnswer(resume.text, BOB, { rng: new FakeRng(16), previous: bobAnswer.value.session });
    if (!again.ok) throw new Error('answer');
    expect(again.value.session.media[0]!.direction).toBe('sendrecv');
  });

  it('a re-offer that changes nothing keeps the version, the negotiated crypto and the keys', () => {
    const { p, aliceSession, bobSession } = establish();
    const same = offer(ALICE, new FakeRng(20), aliceSession);
    // The body differs from our first offer only because it now lists the negotiated crypto alone.
    expect(BigInt(same.sdp.origin.sessionVersion)).toBe(BigInt(p.sdp.origin.sessionVersion) + 1n);
    const twice = offer(ALICE, new FakeRng(22), { ...aliceSession, local: same.sdp });
    expect(twice.sdp.origin.sessionVersion).toBe(same.sdp.origin.sessionVersion);
    const cryptoLines = attributeValues(audio(same.sdp).attributes, 'crypto');
    expect(cryptoLines).toHaveLength(1);
    expect(cryptoLines[0]).toBe(attributeValues(audio(p.sdp).attributes, 'crypto')[0]);
    const answer = createAnswer(same.text, BOB, { rng: new FakeRng(21), previous: bobSession.value.session });
    if (!answer.ok) throw new Error('answer');
    expect(answer.value.session.media[0]!.rekeyed).toEqual({ send: false, receive: false });
    expect(answer.value.sdp.origin.sessionVersion).toBe(bobSession.value.sdp.origin.sessionVersion);
    expect(answer.value.text).toBe(bobSession.value.text);
    const applied = applyAnswer(same, answer.value.text);
    if (!applied.ok) throw new Error('apply');
    expect(applied.value.media[0]!.rekeyed).toEqual({ send: false, receive: false });
  });

  it('a codec change re-offer gets new keys, and the session re-keys without one-way audio', () => {
    const { aliceSession, bobSession } = establish();
    const s = srtpPair(aliceSession.media[0]!, bobSession.value.session.media[0]!);
    const change = offer({ ...ALICE, codecs: [ALICE.codecs[1]!, ALICE.codecs[2]!] }, new FakeRng(30), aliceSession);
    const bobAnswer = createAnswer(change.text, BOB, { rng: new FakeRng(31), previous: bobSession.value.session });
    if (!bobAnswer.ok) throw new Error('answer');
    const applied = applyAnswer(change, bobAnswer.value.text);
    if (!applied.ok) throw new Error('apply');
    const aliceNew = applied.value.media[0]!;
    const bobNew = bobAnswer.value.session.media[0]!;
    expect(aliceNew.rekeyed).toEqual({ send: true, receive: true });
    // Bob sent a packet under the old key that arrives after Alice re-keyed.
    const late = s.b.protectRtp(rtpPacket({ seq: 100, ssrc: 2, payload: 160 }));
    s.a.rekey({ send: aliceNew.srtp!.send, receive: aliceNew.srtp!.receive });
    expect(late.ok && s.a.unprotectRtp(late.value).ok).toBe(true);
    s.b.rekey({ send: bobNew.srtp!.send, receive: bobNew.srtp!.receive });
    const fresh = s.b.protectRtp(rtpPacket({ seq: 101, ssrc: 2, payload: 160 }));
    expect(fresh.ok && s.a.unprotectRtp(fresh.value).ok).toBe(true);
    expect(s.a.acceptsPreviousReceiveKeys).toBe(false);
  });
});

describe('serialized crypto in SDP', () => {
  it('an answer line round-trips through the a=crypto parser', () => {
    const p = offer(ALICE);
    for (const v of attributeValues(audio(p.sdp).attributes, 'crypto')) {
      const parsed = parseCryptoAttribute(v);
      expect(parsed.ok && serializeCryptoAttribute(parsed.value)).toBe(v);
    }
    expect(serializeSdp(p.sdp)).toBe(p.text);
  });
});
