/**
 * The native media path prototype (native/media-path, issue 16) held to the TypeScript engine,
 * which stays the reference implementation: a native leg and one of our CallMedia instances in
 * one call on 127.0.0.1 with real UDP sockets, SDES-SRTP negotiated by the TypeScript offer/answer
 * code, each hearing the other's tone; then a peer that sends junk, forged and replayed packets,
 * which the native leg must count and survive. The addon is the one `npm ci` builds with node-gyp
 * from the vendored sources (native/media-path/README.md); mediaPathProblem() says why it is not there.
 */
import { randomFillSync } from 'node:crypto';
import dgram from 'node:dgram';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMediaPath, mediaPathProblem, type MediaPathStats } from '@softphone/media-path';
import { NativeCallMedia, nativeCallMediaFactory } from '../../../src-main/media/native/native-call-media.js';
import { nativeMediaPath } from '../../../src-main/platform/audio/native-media-path.js';
import { NativeMediaLeg, nativePcmRate, type NativeCodec, type NativeSuite } from '../../../src-main/media/native/native-media-leg.js';
import type { MediaEvent } from '../../../src-main/media/call-media.js';
import { CryptoRng } from '../../../src-main/base/rng.js';
import { SrtpFilter } from '../../../src-main/media/call/srtp-filter.js';
import { linearToUlaw } from '../../../src-main/protocol/codec/g711.js';
import { generateKey } from '../../../src-main/protocol/sdes/index.js';
import { analyseTone } from '../../interop/harness/audio/tone-analysis.js';
import { AudioScratch, analyseRecording, createLeg, createTestEngine, expectLoopbackSdp, expectTone, sleep, waitUntil } from './support/media-call-pair.js';

const problem = mediaPathProblem();
const ci = process.env.CI === 'true';
if (problem !== undefined) process.stderr.write(`\n*** native media path tests SKIPPED: ${problem} ***\n\n`);
// Skips only where the addon is not there (not Linux, or npm ci did not build it: mediaPathProblem says which); never under CI=true.
const maybe = problem === undefined || ci ? describe : describe.skip;

const scratch = new AudioScratch();
const engine = createTestEngine();
const rng = new CryptoRng();

afterAll(() => scratch.dispose());

function tone(hz: number, seconds: number, rate = 8000): Int16Array {
  const out = new Int16Array(seconds * rate);
  for (let i = 0; i < out.length; i++) out[i] = Math.round(16384 * Math.sin((2 * Math.PI * hz * i) / rate));
  return out;
}

/** Where the datagrams went (each exactly one outcome). */
function outcomes(s: MediaPathStats): number {
  return s.rtcpReceived + s.rtcpMalformed + s.strangers + s.authFailures + s.replayFailures + s.otherSrtpFailures + s.notRtp + s.refusedSources + s.wrongPayloadType + s.latePackets + s.duplicates + s.held + s.dtmfPackets + s.accepted;
}

function asFloat(pcm: Int16Array): Float32Array {
  const f = new Float32Array(pcm.length);
  for (let i = 0; i < pcm.length; i++) f[i] = pcm[i]! / 32768;
  return f;
}

async function callWithTypeScriptLeg(codec: NativeCodec, suite: NativeSuite, nativeOffers: boolean, sourceRate?: number): Promise<void> {
  const rate = nativePcmRate(codec);
  // The source at the codec's PCM rate, or at another one (a 48 kHz file) that the native thread converts a period at a time.
  const source = sourceRate === undefined ? { source: tone(440, 3, rate) } : { source: tone(440, 3, sourceRate), sourceRate, loopSource: true };
  const native = new NativeMediaLeg({ addon: loadMediaPath(), address: '127.0.0.1', codec, suite, rng, ...source, recordSeconds: 5 });
  const tsRecording = scratch.file('ts.wav');
  const ts = await createLeg(engine, { callId: `ts-${codec}-${nativeOffers}`, codecs: [codec], srtpSuites: [suite], audio: { playFile: scratch.tone(1000, rate, 3), recordFile: tsRecording } });
  try {
    if (nativeOffers) {
      const offer = native.createOffer();
      expectLoopbackSdp(offer);
      const answer = ts.media.answerOffer(offer);
      if (!answer.ok) throw new Error(answer.error.message);
      native.applyAnswer(answer.value.sdp);
    } else {
      const offer = ts.media.createOffer();
      if (!offer.ok) throw new Error(offer.error.message);
      const answer = native.answerOffer(offer.value);
      expectLoopbackSdp(answer);
      const applied = ts.media.applyAnswer(answer);
      if (!applied.ok) throw new Error(applied.error.message);
      expect(applied.value.suite, 'the suite the TypeScript leg agreed').toBe(suite);
    }
    await waitUntil(() => (native.stats()?.framesPlayed ?? 0) > 120 && ts.media.diagnostics().transport.rtpPacketsIn > 120, 10_000, 'both legs playing each other');
    await sleep(300);
    const tsd = ts.media.diagnostics();
    const { recording, stats } = native.stop();
    expect(stats, 'the native leg counters').toBeDefined();
    const s = stats!;
    // Both directions authenticated under the negotiated keys, nothing refused.
    expect(s.authFailures + s.replayFailures + s.otherSrtpFailures, 'SRTP failures on the native leg').toBe(0);
    expect(tsd.srtp.authFailures, 'SRTP failures on the TypeScript leg').toBe(0);
    expect(tsd.transport.unprotectFailures).toBe(0);
    expect(s.packetsReceived, 'packets the native leg took from the TypeScript one').toBeGreaterThan(120);
    expect(s.wrongPayloadType + s.notRtp + s.sendErrors).toBe(0);
    // The TypeScript leg's RTCP (SRTCP on the muxed port) is recognised, counted and dropped.
    expect(s.rtcpReceived).toBeGreaterThanOrEqual(0);
    // One wake-up per 20 ms: as many as frames sent, give or take the last one.
    expect(Math.abs(s.wakeups - s.packetsSent), 'one wake-up a frame').toBeLessThanOrEqual(1);
    // The native leg heard the TypeScript leg's 1 kHz...
    const heard = analyseTone({ samples: asFloat(recording), sampleRate: rate }, { trimSeconds: 0.6 });
    expectTone(heard, 1000, `native leg heard the TypeScript leg (${codec}, ${suite})`);
  } finally {
    native.close();
    ts.media.dispose();
  }
  await sleep(50);
  // ...and the TypeScript leg heard the native one's 440 Hz.
  expectTone(analyseRecording(tsRecording), 440, `TypeScript leg heard the native leg (${codec}, ${suite})`);
}

maybe('the native media path prototype against the TypeScript engine (the reference)', () => {
  it('native offers PCMU with AES_CM_128_HMAC_SHA1_80, the TypeScript leg answers: both hear each other, zero SRTP failures either way', async () => {
    await callWithTypeScriptLeg('PCMU', 'AES_CM_128_HMAC_SHA1_80', true);
  }, 30_000);

  it('the TypeScript leg offers PCMA with AES_CM_128_HMAC_SHA1_32, native answers: both hear each other', async () => {
    await callWithTypeScriptLeg('PCMA', 'AES_CM_128_HMAC_SHA1_32', false);
  }, 30_000);

  it('AES-256 (RFC 6188, libsrtp2\'s own AES-256-ICM): native offers AES_256_CM_HMAC_SHA1_80, then answers _32; both hear each other against the TypeScript SRTP', async () => {
    await callWithTypeScriptLeg('PCMU', 'AES_256_CM_HMAC_SHA1_80', true);
    await callWithTypeScriptLeg('PCMA', 'AES_256_CM_HMAC_SHA1_32', false);
  }, 30_000);

  it('G.722 (16 kHz audio on an 8 kHz RTP clock): native offers, then answers; each side hears the other against our TypeScript G.722', async () => {
    await callWithTypeScriptLeg('G722', 'AES_CM_128_HMAC_SHA1_80', true);
    await callWithTypeScriptLeg('G722', 'AES_CM_128_HMAC_SHA1_32', false);
  }, 30_000);

  it('Opus (RFC 7587, libopus on the native thread at 16 kHz): native offers, then answers; the TypeScript leg (@discordjs/opus) hears 440 Hz and the native leg 1 kHz, zero SRTP failures', async () => {
    await callWithTypeScriptLeg('opus', 'AES_CM_128_HMAC_SHA1_80', true);
    await callWithTypeScriptLeg('opus', 'AES_CM_128_HMAC_SHA1_80', false);
  }, 30_000);

  it('a 48 kHz file (the headless faces\' --play): the native thread converts it to 8 kHz for PCMU and to 16 kHz for Opus; the TypeScript leg hears 440 Hz either way', async () => {
    await callWithTypeScriptLeg('PCMU', 'AES_CM_128_HMAC_SHA1_80', true, 48000);
    await callWithTypeScriptLeg('opus', 'AES_CM_128_HMAC_SHA1_80', false, 44100);
  }, 30_000);

  it('a hostile peer: junk, truncated and absurd headers, forged tags and replays are counted, the leg keeps playing the authentic packets and never crashes', async () => {
    const peer = dgram.createSocket('udp4');
    await new Promise<void>((r) => peer.bind(0, '127.0.0.1', () => r()));
    const peerPort = peer.address().port;
    const suite = 'AES_CM_128_HMAC_SHA1_80';
    const native = new NativeMediaLeg({ addon: loadMediaPath(), address: '127.0.0.1', codec: 'PCMU', suite, rng, recordSeconds: 10 });
    // The hostile peer is a TypeScript SRTP endpoint: it answers the native offer with its own key.
    const theirs = generateKey(suite, rng).params;
    const offer = native.createOffer();
    const ourKey = /a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:([A-Za-z0-9+/=]+)/.exec(offer)?.[1];
    expect(ourKey, 'the offer carries a key').toBeDefined();
    const theirInline = Buffer.concat([Buffer.from(theirs.masterKey), Buffer.from(theirs.masterSalt)]).toString('base64');
    const answer = [
      'v=0',
      `o=- 1 1 IN IP4 127.0.0.1`,
      's=-',
      'c=IN IP4 127.0.0.1',
      't=0 0',
      `m=audio ${peerPort} RTP/SAVP 0`,
      'a=rtpmap:0 PCMU/8000',
      'a=rtcp-mux',
      'a=sendrecv',
      `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${theirInline}`,
      '',
    ].join('\r\n');
    const ours = Buffer.from(ourKey!, 'base64');
    const filter = new SrtpFilter();
    filter.update({ suite, tag: 1, send: theirs, receive: [{ suite, masterKey: ours.subarray(0, 16), masterSalt: ours.subarray(16) }], replayWindowSize: 128 });
    native.applyAnswer(answer);
    const send = (b: Uint8Array): Promise<void> => new Promise((r) => peer.send(b, native.localPort, '127.0.0.1', () => r()));
    const rtp = (seq: number, value: number): Uint8Array => {
      const p = new Uint8Array(12 + 160);
      p[0] = 0x80;
      p[1] = 0;
      p[2] = seq >> 8;
      p[3] = seq & 0xff;
      p.set([0, 0, (seq * 160) >> 8, (seq * 160) & 0xff], 4);
      p.set([0x12, 0x34, 0x56, 0x78], 8);
      p.fill(value, 12);
      return p;
    };
    try {
      let seq = 1000;
      const authentic = async (n: number): Promise<void> => {
        for (let i = 0; i < n; i++) {
          await send(filter.protectRtp(rtp(seq++, 0x1f))!);
          await sleep(20);
        }
      };
      await authentic(25);
      const junk: Uint8Array[] = [
        new Uint8Array(0),
        new Uint8Array([0x80]),
        new Uint8Array(12),
        new Uint8Array(1500).fill(0xff),
        Uint8Array.from([0x9f, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0]), // 15 CSRCs in 14 octets
        Uint8Array.from([0x90, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 1, 0xbe, 0xde, 0xff, 0xff]), // extension longer than the packet
        Uint8Array.from([0xa0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 1, 0xff]), // padding longer than the packet
      ];
      for (let i = 0; i < 200; i++) junk.push(Uint8Array.from(rng.bytes(1 + (i % 300))));
      for (const j of junk) await send(j);
      const forged = Uint8Array.from(filter.protectRtp(rtp(seq++, 0x1f))!);
      forged[forged.length - 1]! ^= 1;
      await send(forged);
      const replayed = filter.protectRtp(rtp(seq++, 0x1f))!;
      await send(replayed);
      await send(replayed);
      // A plausible packet in plain RTP (no tag): fails authentication too.
      await send(rtp(seq++, 0x1f));
      await authentic(25);
      await sleep(100);
      const s = native.stats()!;
      expect(s.authFailures, 'forged, unauthenticated and junk RTP-looking packets').toBeGreaterThanOrEqual(2);
      expect(s.replayFailures, 'the replayed packet').toBe(1);
      expect(s.packetsReceived, 'authentic packets taken').toBeGreaterThanOrEqual(50);
      expect(s.framesPlayed, 'authentic frames played').toBeGreaterThan(40);
      // Every datagram is accounted for: taken, or refused for a reason.
      expect(s.datagrams, 'datagrams read').toBe(50 + junk.length + 1 + 2 + 1);
      expect(outcomes(s), 'every datagram accounted for, once').toBe(s.datagrams);
      const { recording } = native.stop();
      expect(recording.some((v) => v !== 0), 'the authentic audio was played').toBe(true);
    } finally {
      native.close();
      peer.close();
    }
  }, 30_000);

  for (const { ptimeMs, peerMs } of [
    { ptimeMs: 30, peerMs: 10 },
    { ptimeMs: 20, peerMs: 60 },
  ]) {
    it(`packet durations: a ${ptimeMs} ms period sends ${ptimeMs} ms packets and plays a peer that sends ${peerMs} ms ones without a gap`, async () => {
      const addon = loadMediaPath();
      const peer = dgram.createSocket('udp4');
      const sizes: number[] = [];
      peer.on('message', (m) => sizes.push(m.length));
      await new Promise<void>((r) => peer.bind(0, '127.0.0.1', () => r()));
      const leg = addon.open({ address: '127.0.0.1' });
      const port = addon.localPort(leg);
      try {
        addon.start(leg, { remoteAddress: '127.0.0.1', remotePort: peer.address().port, codec: 'PCMU', payloadType: 0, frameSamples: ptimeMs * 8, ssrc: 7, sequence: 1, timestamp: 1, source: tone(440, 4), recordSeconds: 10, jitterFrames: 2 });
        // The peer: a 500 Hz tone in packets of peerMs, paced by the wall clock.
        const per = peerMs * 8;
        const codes = new Uint8Array(per);
        const started = Date.now();
        let sentSamples = 0;
        for (let seq = 0; sentSamples < 8000 * 3; seq++) {
          for (let i = 0; i < per; i++) codes[i] = linearToUlaw(Math.round(12000 * Math.sin((2 * Math.PI * 500 * (sentSamples + i)) / 8000)));
          const p = new Uint8Array(12 + per);
          p[0] = 0x80;
          p[2] = (seq >> 8) & 0xff;
          p[3] = seq & 0xff;
          new DataView(p.buffer).setUint32(4, sentSamples);
          new DataView(p.buffer).setUint32(8, 0x1234);
          p.set(codes, 12);
          peer.send(p, port, '127.0.0.1');
          sentSamples += per;
          const due = started + (sentSamples / 8) - Date.now();
          if (due > 0) await sleep(due);
        }
        await sleep(200);
        const recording = addon.stop(leg);
        const s = addon.stats(leg);
        // RTP is every datagram of 100 octets or more (our RTCP compounds are shorter).
        expect(new Set(sizes.filter((n) => n >= 100)), 'the sizes of the RTP packets we sent').toEqual(new Set([12 + ptimeMs * 8]));
        expect(sizes.filter((n) => n === 12 + ptimeMs * 8).length, `${ptimeMs} ms packets sent over ~3 s`).toBeGreaterThan((2500 / ptimeMs) | 0);
        expect(s.framesPlayed, 'peer packets played').toBeGreaterThan((2500 / peerMs) | 0);
        expect(s.framesConcealed, 'periods concealed (start-up and the end only)').toBeLessThanOrEqual(4);
        const heard = analyseTone({ samples: asFloat(recording.subarray(4000, 8000 * 3)), sampleRate: 8000 }, { trimSeconds: 0 });
        expectTone(heard, 500, `the ${peerMs} ms packets played in ${ptimeMs} ms periods`);
      } finally {
        addon.close(leg);
        peer.close();
      }
    }, 20_000);
  }

  it('plain RTP: 20,000 random RTP-shaped datagrams (any CSRC count, extension, padding, sequence) reach the parser; every one is counted and the leg still plays the real stream', async () => {
    const addon = loadMediaPath();
    const peer = dgram.createSocket('udp4');
    await new Promise<void>((r) => peer.bind(0, '127.0.0.1', () => r()));
    const leg = addon.open({ address: '127.0.0.1' });
    const port = addon.localPort(leg);
    const send = (b: Uint8Array): Promise<void> => new Promise((r) => peer.send(b, port, '127.0.0.1', () => r()));
    try {
      addon.start(leg, { remoteAddress: '127.0.0.1', remotePort: peer.address().port, codec: 'PCMU', payloadType: 0, ssrc: 7, sequence: 1, timestamp: 1, recordSeconds: 30 });
      const N = 20_000;
      for (let i = 0; i < N; i++) {
        const b = Uint8Array.from(rng.bytes(1 + (i % 400)));
        if (b.length >= 2) {
          b[0] = 0x80 | (b[0]! & 0x3f); // version 2, random P, X and CSRC count
          b[1] = (b[1]! & 0x80) | (i % 3 === 0 ? 0 : b[1]! & 0x3f); // mostly our payload type or other audio types, never RTCP
        }
        await send(b);
        if (i % 100 === 99) await sleep(25); // the thread reads every 20 ms: keep within the socket buffer (this is about parsing, not flooding)
      }
      // Then a clean stream: it must still be played.
      for (let seq = 40_000; seq < 40_050; seq++) {
        const p = new Uint8Array(172);
        p[0] = 0x80;
        p[2] = seq >> 8;
        p[3] = seq & 0xff;
        p.fill(0x1f, 12);
        await send(p);
        await sleep(20);
      }
      await sleep(100);
      const recording = addon.stop(leg);
      const s = addon.stats(leg);
      // All of them, unless a loaded machine kept the thread from reading for a while and the
      // socket buffer overflowed (the kernel's drop; the point here is parsing, not flooding).
      expect(s.datagrams, 'datagrams read').toBeLessThanOrEqual(N + 50);
      expect(s.datagrams, 'datagrams read').toBeGreaterThan((N + 50) / 2);
      expect(outcomes(s), 'every datagram accounted for, once').toBe(s.datagrams);
      expect(s.notRtp, 'malformed headers refused').toBeGreaterThan(0);
      expect(s.resyncs, 'random sources and sequence jumps restarted the queue').toBeGreaterThan(0);
      expect(s.wrongPayloadType + s.latePackets, 'refused after parsing: other payload types, late').toBeGreaterThan(0);
      // The tail of the recording is the clean stream's (decoded 0x1f), not silence.
      const tail = recording.subarray(recording.length - 8000, recording.length - 1600);
      expect(tail.filter((v) => v !== 0).length, 'the clean stream after the junk was played').toBeGreaterThan(tail.length / 2);
    } finally {
      addon.close(leg);
      peer.close();
    }
  }, 60_000);

  it('behind the CallMedia port (the bench\'s in-phone factory): a G.711 call answers our TypeScript offer and plays both ways, is held by the peer, resumed and refreshed with the same keys, re-keys both ways without losing a packet to SRTP, exchanges RFC 4733 digits both ways, and leaves a call without audio to the TypeScript engine', async () => {
    const factory = nativeCallMediaFactory(engine, { path: nativeMediaPath(loadMediaPath()), rng });
    const recordFile = scratch.file('native-port.wav');
    const tsRecording = scratch.file('ts-port.wav');
    const options = { srtp: 'mandatory' as const, signalling: 'tls' as const, allowInsecureSdes: false, localAddress: '127.0.0.1' };
    const made = await factory.create({ ...options, callId: 'n', codecs: ['PCMU'], audio: { playFile: scratch.tone(440, 16000, 3), recordFile } });
    if (!made.ok) throw new Error(made.error.message);
    const native = made.value;
    expect(native, 'a G.711 call with file audio is taken by the native path').toBeInstanceOf(NativeCallMedia);
    const negotiated: MediaEvent[] = [];
    native.onEvent((e) => negotiated.push(e));
    expect(native.state).toBeUndefined();
    const ts = await createLeg(engine, { callId: 'ts-port', codecs: ['PCMU'], audio: { playFile: scratch.tone(1000, 8000, 3), recordFile: tsRecording } });
    try {
      const offer = ts.media.createOffer();
      if (!offer.ok) throw new Error(offer.error.message);
      const answer = native.answerOffer(offer.value);
      if (!answer.ok) throw new Error(answer.error.message);
      expect(answer.value.state).toMatchObject({ srtp: true, suite: 'AES_CM_128_HMAC_SHA1_80', codec: 'PCMU/8000', direction: 'sendrecv' });
      expect(answer.value.sdp, 'RFC 4733 DTMF agreed').toMatch(/a=rtpmap:101 telephone-event\/8000/);
      expect(negotiated.map((e) => e.kind)).toEqual(['negotiated']);
      const applied = ts.media.applyAnswer(answer.value.sdp);
      if (!applied.ok) throw new Error(applied.error.message);
      await sleep(600);
      // DTMF both ways as RFC 4733 events: each side reports the other's digits once, with their length.
      expect(native.sendDtmf('5', 120), 'native sends RFC 4733').toBe(true);
      expect(native.sendDtmf('*', 80)).toBe(true);
      expect(native.sendDtmf('x', 80), 'not a DTMF key').toBe(false);
      expect(ts.media.sendDtmf('1#', 100)).toBe(true);
      await waitUntil(() => ts.events.filter((e) => e.kind === 'dtmf').length >= 2 && negotiated.filter((e) => e.kind === 'dtmf').length >= 2, 5000, 'both sides hearing the digits');
      expect(ts.events.filter((e) => e.kind === 'dtmf').map((e) => (e.kind === 'dtmf' ? [e.digit, e.durationMs] : [])), 'what the TypeScript leg heard').toEqual([
        ['5', 120],
        ['*', 80],
      ]);
      expect(negotiated.filter((e) => e.kind === 'dtmf').map((e) => (e.kind === 'dtmf' ? [e.digit, e.durationMs] : [])), 'what the native call heard').toEqual([
        ['1', 100],
        ['#', 100],
      ]);
      await sleep(600);
      const sent = (): number => (native as NativeCallMedia).nativeStats()?.packetsSent ?? 0;
      const tsIn = (): number => ts.media.diagnostics().transport.rtpPacketsIn;
      // The TypeScript side holds (re-INVITE sendonly): we answer recvonly and stop sending.
      const hold = ts.media.createOffer('sendonly');
      if (!hold.ok) throw new Error(hold.error.message);
      const held = native.answerOffer(hold.value);
      if (!held.ok) throw new Error(held.error.message);
      expect(held.value.state.direction, 'held by the peer').toBe('recvonly');
      expect(held.value.sdp, 'the same keys (nothing else changed)').toContain(/a=crypto:\S+ \S+ inline:\S+/.exec(answer.value.sdp)![0]);
      if (!ts.media.applyAnswer(held.value.sdp).ok) throw new Error('hold answer');
      await sleep(100);
      const sentAtHold = sent();
      const tsInAtHold = tsIn();
      await sleep(600);
      expect(sent() - sentAtHold, 'frames the native call sent while held').toBe(0);
      expect(tsIn() - tsInAtHold, 'what the holding side received').toBe(0);
      // The holder resumes (re-INVITE sendrecv); then we refresh the session (re-INVITE, no
      // direction given: the one we last asked for), and audio flows both ways again.
      const resume = ts.media.createOffer('sendrecv');
      if (!resume.ok) throw new Error(resume.error.message);
      const resumed = native.answerOffer(resume.value);
      if (!resumed.ok) throw new Error(resumed.error.message);
      expect(resumed.value.state.direction).toBe('sendrecv');
      if (!ts.media.applyAnswer(resumed.value.sdp).ok) throw new Error('resume answer');
      const refresh = native.createOffer();
      if (!refresh.ok) throw new Error(refresh.error.message);
      expect(refresh.value, 'a refresh keeps our key').toContain(/a=crypto:\S+ \S+ inline:\S+/.exec(answer.value.sdp)![0]);
      const refreshed = ts.media.answerOffer(refresh.value);
      if (!refreshed.ok) throw new Error(refreshed.error.message);
      const back = native.applyAnswer(refreshed.value.sdp);
      expect(back.ok && back.value.direction).toBe('sendrecv');
      await sleep(300);
      const sentAtResume = sent();
      await sleep(1500);
      expect(sent() - sentAtResume, 'frames sent after resume').toBeGreaterThan(50);
      // Re-keying (RFC 4568 §7.1.4), ours then the peer's: audio goes on both ways, and no packet
      // fails SRTP on either side (packets in flight under an old key are played under it).
      const nativeStats = (): MediaPathStats => (native as NativeCallMedia).nativeStats()!;
      const firstKey = /a=crypto:\S+ \S+ inline:\S+/.exec(answer.value.sdp)![0];
      const ourRekey = native.createOffer(undefined, { rekey: true });
      if (!ourRekey.ok) throw new Error(ourRekey.error.message);
      expect(ourRekey.value, 'our re-key offer carries a new key').not.toContain(firstKey);
      const ourRekeyAnswer = ts.media.answerOffer(ourRekey.value);
      if (!ourRekeyAnswer.ok) throw new Error(ourRekeyAnswer.error.message);
      const afterOurs = native.applyAnswer(ourRekeyAnswer.value.sdp);
      expect(afterOurs.ok && afterOurs.value.direction).toBe('sendrecv');
      await sleep(800);
      const theirRekey = ts.media.createOffer(undefined, { rekey: true });
      if (!theirRekey.ok) throw new Error(theirRekey.error.message);
      const theirRekeyAnswer = native.answerOffer(theirRekey.value);
      if (!theirRekeyAnswer.ok) throw new Error(theirRekeyAnswer.error.message);
      if (!ts.media.applyAnswer(theirRekeyAnswer.value.sdp).ok) throw new Error('re-key answer');
      await sleep(800);
      const atRekeyed = { accepted: nativeStats().accepted, sent: sent(), tsIn: tsIn() };
      await sleep(1200);
      const r = nativeStats();
      expect(r.rekeys, 'the native leg took both re-keys').toBeGreaterThanOrEqual(2);
      expect(r.acceptsPreviousReceiveKey + r.sendKeyDeferred, 'both re-keys completed (previous key dropped, deferred send key in use)').toBe(0);
      expect(r.authFailures + r.replayFailures + r.otherSrtpFailures, 'SRTP failures on the native call across both re-keys').toBe(0);
      expect(ts.media.diagnostics().srtp.authFailures, 'SRTP failures on the TypeScript leg across both re-keys').toBe(0);
      expect(ts.media.diagnostics().srtp.rekeys, 'the TypeScript leg re-keyed').toBeGreaterThanOrEqual(2);
      expect(ts.media.diagnostics().srtp.acceptsPreviousReceiveKey, "the TypeScript leg dropped the native call's old key: the native call sends under its new one").toBe(false);
      expect(r.accepted - atRekeyed.accepted, 'frames the native call took under the new keys').toBeGreaterThan(40);
      expect(tsIn() - atRekeyed.tsIn, 'frames the TypeScript leg took under the new keys').toBeGreaterThan(40);
      await sleep(1000);
    } finally {
      native.dispose();
      ts.media.dispose();
    }
    await sleep(50);
    expectTone(analyseRecording(recordFile), 1000, 'the native call heard the TypeScript leg');
    expectTone(analyseRecording(tsRecording), 440, 'the TypeScript leg heard the native call (16 kHz file resampled to 8 kHz)');
    // No audio at all (neither file audio nor sound cards): the TypeScript engine takes the call.
    const silent = await factory.create({ ...options, callId: 's', codecs: ['PCMU'] });
    expect(silent.ok && !(silent.value instanceof NativeCallMedia), 'a call with neither file audio nor sound cards goes to the TypeScript engine').toBe(true);
    if (silent.ok) silent.value.dispose();
  }, 30_000);

  it('symmetric RTP behind a NAT: the peer\'s SDP names a port it does not send from; the native leg latches to the real source at its first authentic packet and sends there, reports it once, hears no other source while the peer is live, and once the peer is quiet authenticates at most one stranger per 20 ms of a flood', async () => {
    const dead = dgram.createSocket('udp4');
    const flood = dgram.createSocket('udp4');
    let deadReceived = 0;
    dead.on('message', () => deadReceived++);
    await Promise.all([dead, flood].map((x) => new Promise<void>((r) => x.bind(0, '127.0.0.1', () => r()))));
    const suite = 'AES_CM_128_HMAC_SHA1_80';
    const latched: [string, number][] = [];
    const native = new NativeMediaLeg({ addon: loadMediaPath(), address: '127.0.0.1', codec: 'PCMU', suite, rng, source: tone(440, 6), recordSeconds: 8, onLatched: (address, port) => latched.push([address, port]) });
    const tsRecording = scratch.file('ts-nat.wav');
    const ts = await createLeg(engine, { callId: 'ts-nat', codecs: ['PCMU'], srtpSuites: [suite], audio: { playFile: scratch.tone(1000, 8000, 6), recordFile: tsRecording } });
    const floodFor = async (ms: number): Promise<number> => {
      // SRTP-shaped junk from another port: an RTP header, random payload and tag.
      let n = 0;
      const end = Date.now() + ms;
      while (Date.now() < end) {
        for (let i = 0; i < 20; i++) {
          const p = Buffer.alloc(182);
          randomFillSync(p);
          p[0] = 0x80;
          p[1] = 0;
          flood.send(p, native.localPort, '127.0.0.1');
          n++;
        }
        await sleep(10);
      }
      return n;
    };
    try {
      const offer = native.createOffer();
      const answer = ts.media.answerOffer(offer);
      if (!answer.ok) throw new Error(answer.error.message);
      const tsPort = Number(/m=audio (\d+) /.exec(answer.value.sdp)![1]);
      // What a NAT does: the SDP names an address the peer's packets do not come from.
      native.applyAnswer(answer.value.sdp.replace(`m=audio ${tsPort} `, `m=audio ${dead.address().port} `));
      await waitUntil(() => latched.length > 0 && ts.media.diagnostics().transport.rtpPacketsIn > 50, 5000, 'the native leg latching and the TypeScript leg hearing it');
      expect(latched, 'one latch, to where the peer really sends from').toEqual([['127.0.0.1', tsPort]]);
      const live = native.stats()!;
      expect(live.latches).toBe(1);
      expect(live.socketConnected, 'connected to the latched source').toBe(1);
      expect(deadReceived, 'only what went out before the first packet from the peer reached the SDP address').toBeLessThan(20);
      const deadAtLatch = deadReceived;
      // A flood from elsewhere while the peer is live: the connected socket never hands it over.
      await floodFor(500);
      await sleep(200);
      const afterLiveFlood = native.stats()!;
      expect(afterLiveFlood.authFailures + afterLiveFlood.strangers, 'SRTP work or reads for the flood while the peer is live').toBe(0);
      expect(deadReceived, 'nothing more to the SDP address after the latch').toBe(deadAtLatch);
      // The peer falls quiet (it holds: sendonly from us, so it stops sending): after 250 ms the
      // socket is opened again so a NAT rebinding can be followed; a flood then buys at most one
      // authentication per 20 ms.
      const hold = native.createOffer('sendonly');
      const held = ts.media.answerOffer(hold);
      if (!held.ok) throw new Error(held.error.message);
      native.applyAnswer(held.value.sdp.replace(`m=audio ${tsPort} `, `m=audio ${dead.address().port} `));
      await waitUntil(() => native.stats()!.socketConnected === 0, 3000, 'the socket opened again after the peer fell quiet');
      const before = native.stats()!;
      const started = Date.now();
      const sentFlood = await floodFor(1000);
      const floodMs = Date.now() - started;
      await sleep(200);
      const after = native.stats()!;
      const auths = after.authFailures - before.authFailures;
      const strangers = after.strangers - before.strangers;
      // What was read of the flood (a loaded machine may let the socket buffer overflow while the
      // thread waits for a core): each one a stranger or one authentication attempt.
      const read = after.datagrams - before.datagrams - (after.rtcpReceived - before.rtcpReceived);
      expect(read, 'flood datagrams read').toBeGreaterThan(Math.min(200, sentFlood / 2));
      expect(read).toBeLessThanOrEqual(sentFlood);
      expect(auths + strangers, 'each one a stranger or one authentication attempt').toBe(read);
      expect(auths, 'authentications bought by the flood: at most one per 20 ms').toBeLessThanOrEqual(Math.ceil(floodMs / 20) + 2);
      expect(strangers, 'most of the flood dropped before SRTP').toBeGreaterThan(read * 0.8);
      expect(after.latches, 'the flood never moved the latch').toBe(1);
      expect(outcomes(after), 'every datagram accounted for, once').toBe(after.datagrams);
    } finally {
      native.close();
      ts.media.dispose();
      dead.close();
      flood.close();
    }
    await sleep(50);
    expectTone(analyseRecording(tsRecording), 440, 'the TypeScript leg heard the native leg behind the "NAT"');
  }, 30_000);

  for (const mux of [true, false]) {
    it(`RTCP with the TypeScript engine${mux ? ' on the muxed port' : ' without rtcp-mux (port + 1 both ways)'}: each side takes the other's SR/RR (SRTCP), the TypeScript leg measures the round trip from our report blocks and we from its, no loss either way, and our BYE ends its stream`, async () => {
      const suite = 'AES_CM_128_HMAC_SHA1_80';
      const native = new NativeMediaLeg({ addon: loadMediaPath(), address: '127.0.0.1', codec: 'PCMU', suite, rng, source: tone(440, 6), recordSeconds: 8, rtcpMux: mux, rtcpIntervalMs: 500 });
      const ts = await createLeg(engine, { callId: `ts-rtcp-${mux}`, codecs: ['PCMU'], srtpSuites: [suite], audio: { playFile: scratch.tone(1000, 8000, 6) } });
      try {
        const offer = native.createOffer();
        expect(offer.includes('a=rtcp-mux'), 'rtcp-mux offered as configured').toBe(mux);
        const answer = ts.media.answerOffer(offer);
        if (!answer.ok) throw new Error(answer.error.message);
        native.applyAnswer(answer.value.sdp);
        const tsStats = (): Extract<MediaEvent, { kind: 'stats' }>['stats'] | undefined => ts.events.filter((e) => e.kind === 'stats').map((e) => (e.kind === 'stats' ? e.stats : undefined)).at(-1);
        await waitUntil(() => (native.stats()?.rttMs ?? -1) >= 0 && tsStats()?.rttMs !== undefined && ts.media.diagnostics().rtcp.received >= 3, 10_000, 'round trips measured on both sides');
        await sleep(1500);
        const s = native.stats()!;
        const d = ts.media.diagnostics();
        expect(s.rtcpMux, 'rtcp-mux as negotiated').toBe(mux ? 1 : 0);
        expect(d.rtcpMux).toBe(mux);
        expect(s.rtcpReceived, "the TypeScript leg's reports, authenticated and parsed").toBeGreaterThanOrEqual(3);
        expect(s.rtcpMalformed + s.authFailures + s.replayFailures + s.otherSrtpFailures, 'nothing refused').toBe(0);
        expect(d.rtcp.received, 'our reports, taken by the TypeScript leg').toBeGreaterThanOrEqual(3);
        expect(d.rtcp.malformed + d.srtp.authFailures + d.transport.unprotectFailures, 'nothing of ours refused').toBe(0);
        expect(s.rttMs, 'our round trip from its report blocks (loopback)').toBeLessThan(100);
        const theirs = tsStats()!;
        expect(theirs.rttMs!, 'its round trip from our report blocks: LSR/DLSR right').toBeGreaterThanOrEqual(0);
        expect(theirs.rttMs!).toBeLessThan(100);
        expect(theirs.remoteLossPercent, 'the loss our blocks report for its stream').toBe(0);
        expect(s.remoteLossPercent, 'the loss its blocks report for ours').toBe(0);
        expect(s.received, 'RFC 3550 A.3: received').toBeGreaterThan(100);
        expect(Math.abs(s.expected - s.received), 'expected = received on loopback').toBeLessThanOrEqual(1);
        expect(s.jitterMs, 'interarrival jitter from kernel arrival times (not the 20 ms wake-up)').toBeLessThan(10);
        expect(outcomes(s), 'every datagram accounted for, once').toBe(s.datagrams);
        expect(d.peerSaidBye).toBe(false);
        native.stop();
        await waitUntil(() => ts.media.diagnostics().peerSaidBye, 2000, 'the TypeScript leg taking our BYE');
      } finally {
        native.close();
        ts.media.dispose();
      }
    }, 30_000);
  }

  it('behind the port, the native leg offers all of the account\'s codecs in its order and starts with the one the peer picks: an Opus-first account (opus, G.722, PCMU) calls a PCMU-only peer and both hear each other, recorded at 8 kHz', async () => {
    const factory = nativeCallMediaFactory(engine, { path: nativeMediaPath(loadMediaPath()), rng });
    const recordFile = scratch.file('native-multi.wav');
    const tsRecording = scratch.file('ts-multi.wav');
    const made = await factory.create({ srtp: 'mandatory', signalling: 'tls', allowInsecureSdes: false, localAddress: '127.0.0.1', callId: 'multi', codecs: ['opus', 'G722', 'PCMU'], audio: { playFile: scratch.tone(440, 16000, 3), recordFile } });
    if (!made.ok) throw new Error(made.error.message);
    const native = made.value;
    expect(native).toBeInstanceOf(NativeCallMedia);
    const ts = await createLeg(engine, { callId: 'ts-multi', codecs: ['PCMU'], audio: { playFile: scratch.tone(1000, 8000, 3), recordFile: tsRecording } });
    try {
      const offer = native.createOffer();
      if (!offer.ok) throw new Error(offer.error.message);
      expect(/^m=audio \d+ RTP\/SAVP (.+)$/m.exec(offer.value)?.[1]?.split(' ').slice(0, 3), 'the offer: opus, G.722, PCMU in the account\'s order').toEqual(['111', '9', '0']);
      const answer = ts.media.answerOffer(offer.value);
      if (!answer.ok) throw new Error(answer.error.message);
      const applied = native.applyAnswer(answer.value.sdp);
      expect(applied.ok && applied.value.codec, 'the codec the peer picked').toBe('PCMU/8000');
      await sleep(2500);
      expect((native as NativeCallMedia).nativeStats()?.pcmRate).toBe(8000);
    } finally {
      native.dispose();
      ts.media.dispose();
    }
    await sleep(50);
    expectTone(analyseRecording(recordFile), 1000, 'the native leg heard the PCMU peer');
    expectTone(analyseRecording(tsRecording), 440, 'the PCMU peer heard the native leg (the 16 kHz file at 8 kHz)');
  }, 30_000);

  it('refuses bad options with a typed error instead of crashing', async () => {
    const addon = loadMediaPath();
    expect(() => addon.open({ address: 'not-an-address' })).toThrow(/numeric/);
    const leg = addon.open({ address: '127.0.0.1' });
    try {
      expect(() => addon.start(leg, { remoteAddress: '127.0.0.1', remotePort: 9, codec: 'PCMU', payloadType: 0, ssrc: 1, sequence: 1, timestamp: 1, srtp: { suite: 'AES_CM_128_HMAC_SHA1_80', sendKey: new Uint8Array(5), receiveKey: new Uint8Array(30) } })).toThrow(/30 octets/);
      expect(() => addon.start(leg, { remoteAddress: '127.0.0.1', remotePort: 0, codec: 'PCMU', payloadType: 0, ssrc: 1, sequence: 1, timestamp: 1 })).toThrow(/out of range/);
    } finally {
      addon.close(leg);
    }
    expect(() => addon.stats(leg)).toThrow(/closed/);
  });
});
