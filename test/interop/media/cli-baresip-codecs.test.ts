/**
 * Issue 7 acceptance 1 ("repeat with PCMA, G.722 and Opus"): the SDES-SRTP (AES_CM_128_HMAC_SHA1_80)
 * call between our CLI and a real baresip 1.0 through Kamailio over TLS, once per codec baresip
 * has, in both directions, with both sides restricted to that codec (our account `codecs`,
 * baresip's `audio_codecs`). Each recording must hold the far end's tone (we play 1 kHz, baresip
 * 440 Hz), dominant, at a sane level, without gaps; the SDP on the wire must name the codec.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readWav } from '../harness/audio/wav.js';
import { requirePeers } from '../harness/peers.js';
import { useHarnessScope } from '../harness/vitest-scope.js';
import { OUR_TONE_HZ, PEER_TONE_HZ, baresipCallsCli, cliCallsBaresip, startRig, type CallOutcome, type OurCodec, type Rig } from './support/interop-call.js';
import { audioCodecs, cryptoSuites, expectFarEndTone, expectSdp, expectTlsAndLoopbackSdp, offerAndAnswer } from './support/expectations.js';

const peers = requirePeers(['kamailio', 'baresip', 'sox']);

interface CodecCase {
  readonly codec: OurCodec & ('PCMA' | 'G722' | 'opus');
  /** Our `media` event's codec (rtpmap encoding/clock[/channels]). */
  readonly mediaCodec: RegExp;
  /** rtpmap encoding name in the SDP. */
  readonly sdpName: string;
  /** Rate baresip's sndfile records its decoded audio at. */
  readonly peerRecordRate: number;
}

const CASES: readonly CodecCase[] = [
  { codec: 'PCMA', mediaCodec: /^PCMA\/8000$/, sdpName: 'PCMA', peerRecordRate: 8000 },
  { codec: 'G722', mediaCodec: /^G722\/8000$/, sdpName: 'G722', peerRecordRate: 16000 },
  { codec: 'opus', mediaCodec: /^opus\/48000(\/2)?$/, sdpName: 'opus', peerRecordRate: 48000 },
];

const users = CASES.flatMap((c) => ['us-out', 'peer-out', 'us-in', 'peer-in'].map((role) => ({ user: `${role}-${c.codec.toLowerCase()}`, password: `${role}-${c.codec}-pw` })));
const account = (role: string, c: CodecCase): { user: string; password: string } => users.find((u) => u.user === `${role}-${c.codec.toLowerCase()}`)!;

function expectCodecCall(o: CallOutcome, c: CodecCase, label: string): void {
  expect(o.exit, `${label}: CLI exit; events ${o.cli.describeEvents()}\n${o.cli.stderrTail()}`).toEqual({ code: 0, signal: null });
  expect(o.cli.of('error'), `${label}: error events`).toEqual([]);
  const media = o.media();
  expect(media, `${label}: no media event; events ${o.cli.describeEvents()}`).toBeDefined();
  expect(media).toMatchObject({ srtp: true, suite: 'AES_CM_128_HMAC_SHA1_80', outcome: 'encrypted' });
  expect(String(media!.codec), `${label}: codec in our media event`).toMatch(c.mediaCodec);
  expect(o.peerEvents.find((e) => e.type === 'CALL_MENC')?.param, `${label}: baresip CALL_MENC`).toMatch(/audio,AES_CM_128_HMAC_SHA1_80$/);
  // The wire: RTP/SAVP with a=crypto both ways, this codec first in the answer, only it (and
  // telephone-event) offered by whoever was restricted to it.
  expectTlsAndLoopbackSdp(o.sip, label);
  const { offer, answer } = offerAndAnswer(o.sip);
  expectSdp(offer?.message.body, 'RTP/SAVP', `${label} offer`);
  expectSdp(answer?.message.body, 'RTP/SAVP', `${label} answer`);
  expect(cryptoSuites(offer?.message.body).length, `${label}: a=crypto in the offer`).toBeGreaterThan(0);
  expect(cryptoSuites(answer?.message.body), `${label}: a=crypto in the answer`).toEqual(['AES_CM_128_HMAC_SHA1_80']);
  expect(audioCodecs(offer?.message.body).filter((n) => n !== 'telephone-event'), `${label}: codecs offered`).toEqual([c.sdpName]);
  expect(audioCodecs(answer?.message.body)[0], `${label}: codec answered`).toBe(c.sdpName);
  // The audio, both ways.
  expectFarEndTone(o.ourRecording, PEER_TONE_HZ, `${label}: what we recorded (baresip's 440 Hz); ${o.statsSummary()}`);
  expectFarEndTone(o.peerRecording?.received, OUR_TONE_HZ, `${label}: what baresip recorded (our 1 kHz); ${o.statsSummary()}`);
  expect(readWav(o.peerRecording!.received).sampleRate, `${label}: baresip decoded at the codec's rate`).toBe(c.peerRecordRate);
}

// Skips only where a Debian peer is missing (requirePeers prints which); under CI=true requirePeers throws instead.
describe.skipIf(!peers.available)('our CLI and baresip 1.0 over SDES-SRTP with PCMA, G.722 and Opus, both directions, through Kamailio over TLS', () => {
  const scope = useHarnessScope('media-codecs');
  let rig: Rig;

  beforeAll(async () => {
    rig = await startRig(scope(), users);
  });

  for (const c of CASES) {
    describe(`${c.codec}`, () => {
      let out: CallOutcome;
      let inc: CallOutcome;
      beforeAll(async () => {
        out = await cliCallsBaresip(rig, { label: `out-${c.codec}`, us: { ...account('us-out', c), codecs: [c.codec] }, peer: { ...account('peer-out', c), codecs: [c.codec] } });
        inc = await baresipCallsCli(rig, { label: `in-${c.codec}`, us: { ...account('us-in', c), codecs: [c.codec] }, peer: { ...account('peer-in', c), codecs: [c.codec] } });
      }, 60_000);

      it(`our CLI calls baresip with ${c.codec} only: ${c.codec} on the wire, both tones arrive, SRTP _80`, () => {
        expectCodecCall(out, c, `out-${c.codec}`);
      });

      it(`baresip calls our CLI with ${c.codec} only: ${c.codec} on the wire, both tones arrive, SRTP _80`, () => {
        expectCodecCall(inc, c, `in-${c.codec}`);
      });
    });
  }
});
