/**
 * Two of our CallMedia instances on 127.0.0.1, real UDP and real time: A plays 1 kHz, B plays
 * 440 Hz, each records the far end. Every codec (PCMU, PCMA, G722, opus) and every SRTP suite the
 * brief names (AES_CM_128_HMAC_SHA1_80, _32, AEAD_AES_128_GCM) is covered; each recording must
 * hold the far end's tone, dominant and at a sane level.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallCodecName, MediaState } from '../../../src-main/media/call-media.js';
import type { CallMediaDiagnostics } from '../../../src-main/media/call/index.js';
import type { SrtpSuiteName } from '../../../src-main/protocol/srtp/index.js';
import { AudioScratch, CODEC_RATES, analyseRecording, createLeg, createTestEngine, expectTone, negotiate, sleep, udpHandles } from './support/media-call-pair.js';

const scratch = new AudioScratch();
const engine = createTestEngine();

afterAll(async () => {
  await sleep(300);
  scratch.dispose();
  expect(udpHandles(), 'UDP sockets left open').toBe(0);
});

const CASES: readonly [CallCodecName, SrtpSuiteName][] = [
  ['PCMU', 'AES_CM_128_HMAC_SHA1_80'],
  ['PCMA', 'AES_CM_128_HMAC_SHA1_32'],
  ['G722', 'AEAD_AES_128_GCM'],
  ['opus', 'AES_CM_128_HMAC_SHA1_80'],
  ['PCMU', 'AEAD_AES_128_GCM'],
  ['opus', 'AES_CM_128_HMAC_SHA1_32'],
];

interface Outcome {
  readonly offer: string;
  readonly answer: string;
  readonly states: readonly MediaState[];
  readonly diagnostics: readonly CallMediaDiagnostics[];
  readonly aRec: string;
  readonly bRec: string;
}

/** One call per case, all at once (12 sessions in this process), 2.2 s of audio each. */
async function call(codec: CallCodecName, suite: SrtpSuiteName): Promise<Outcome> {
  const rate = CODEC_RATES[codec];
  const aRec = scratch.file('a.wav');
  const bRec = scratch.file('b.wav');
  const a = await createLeg(engine, { callId: `a-${codec}-${suite}`, codecs: [codec], srtpSuites: [suite], audio: { playFile: scratch.tone(1000, rate), recordFile: aRec } });
  const b = await createLeg(engine, { callId: `b-${codec}-${suite}`, codecs: [codec], audio: { playFile: scratch.tone(440, rate), recordFile: bRec } });
  try {
    const n = negotiate(a, b);
    await sleep(2200);
    return { offer: n.offer, answer: n.answer, states: [n.a, n.b], diagnostics: [a.media.diagnostics(), b.media.diagnostics()], aRec, bRec };
  } finally {
    a.media.dispose();
    b.media.dispose();
  }
}

let outcomes: Map<string, Outcome>;

beforeAll(async () => {
  const results = await Promise.all(CASES.map(async ([codec, suite]) => [`${codec} ${suite}`, await call(codec, suite)] as const));
  outcomes = new Map(results);
  await sleep(50);
});

describe('tones both ways between two of our instances on loopback', () => {
  it.each(CASES)('%s over SRTP %s: each side records the far end tone', (codec, suite) => {
    const o = outcomes.get(`${codec} ${suite}`)!;
    expect(o.offer).toMatch(/^m=audio \d+ RTP\/SAVP /m);
    expect(o.answer).toMatch(new RegExp(`^a=crypto:\\d+ ${suite} inline:`, 'm'));
    for (const s of o.states) {
      expect(s).toMatchObject({ srtp: true, suite, direction: 'sendrecv' });
      expect(s.codec?.toLowerCase()).toContain(codec.toLowerCase());
      expect(JSON.stringify(s), 'no key material in the state').not.toMatch(/inline:/);
    }
    for (const d of o.diagnostics) {
      expect(d.srtp.authFailures).toBe(0);
      expect(d.transport.rtpPacketsIn).toBeGreaterThan(60);
      expect(d.receiver.decodeErrors).toBe(0);
    }
    expectTone(analyseRecording(o.bRec), 1000, `B hears A (${codec})`);
    expectTone(analyseRecording(o.aRec), 440, `A hears B (${codec})`);
  });
});
