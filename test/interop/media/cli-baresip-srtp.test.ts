/**
 * Issue 7 acceptance 1-2 and issue 5 acceptance 3: real SDES-SRTP calls between our headless CLI
 * (a child process: `node out/cli/softphone.js call|answer --json`) and a real baresip 1.0 (its
 * own SRTP code), through Kamailio over TLS, in both directions, with AES_CM_128_HMAC_SHA1_80 and
 * AES_CM_128_HMAC_SHA1_32. Each side plays a tone (we 1 kHz, baresip 440 Hz) and records the
 * other; each recording must hold the far end's tone, dominant, at a sane level, without gaps.
 * The SDP on the wire is read from Kamailio's log of every SIP message.
 *
 * baresip 1.0 offers only AES_CM_128_HMAC_SHA1_80 but answers the suite it is offered, so _32 is
 * tested with our side offering _32 only (account `srtpSuites`).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { requirePeers } from '../harness/peers.js';
import { isLoopbackBind } from '../harness/process-sockets.js';
import { useHarnessScope } from '../harness/vitest-scope.js';
import { OUR_TONE_HZ, PEER_TONE_HZ, baresipCallsCli, cliCallsBaresip, startRig, type CallOutcome, type Rig } from './support/interop-call.js';
import { audioCodecs, cryptoSuites, expectFarEndTone, expectSdp, expectTlsAndLoopbackSdp, offerAndAnswer } from './support/expectations.js';
import { mediaPathProblem } from '@softphone/media-path';

const peers = requirePeers(['kamailio', 'baresip', 'sox']);

const USERS = [
  { user: 'alice80', password: 'alice80-pw' },
  { user: 'bob80', password: 'bob80-pw' },
  { user: 'carol80', password: 'carol80-pw' },
  { user: 'dave80', password: 'dave80-pw' },
  { user: 'alice32', password: 'alice32-pw' },
  { user: 'bob32', password: 'bob32-pw' },
  { user: 'erin32', password: 'erin32-pw' },
  { user: 'frank80', password: 'frank80-pw' },
] as const;
const pw = (user: (typeof USERS)[number]['user']): { user: string; password: string } => USERS.find((u) => u.user === user)!;

/** What a successful SRTP call must show, whoever called. */
function expectSecureCall(o: CallOutcome, suite: string, codec: RegExp, label: string): void {
  expect(o.exit, `${label}: CLI exit; events ${o.cli.describeEvents()}\n${o.cli.stderrTail()}`).toEqual({ code: 0, signal: null });
  expect(o.cli.strayStdout, `${label}: non-JSON stdout`).toEqual([]);
  expect(o.cli.of('error'), `${label}: error events`).toEqual([]);
  // Our `media` event: SRTP with the suite and codec, encrypted.
  const media = o.media();
  expect(media, `${label}: no media event; events ${o.cli.describeEvents()}`).toBeDefined();
  expect(media).toMatchObject({ srtp: true, suite, outcome: 'encrypted', direction: 'sendrecv' });
  expect(String(media!.codec)).toMatch(codec);
  // baresip agrees: its CALL_MENC names the same suite.
  expect(o.peerEvents.find((e) => e.type === 'CALL_MENC')?.param, `${label}: baresip CALL_MENC`).toMatch(new RegExp(`audio,${suite}$`));
  // Both recordings hold the far end's tone.
  expectFarEndTone(o.ourRecording, PEER_TONE_HZ, `${label}: what we recorded (baresip's 440 Hz); ${o.statsSummary()}`);
  expectFarEndTone(o.peerRecording?.received, OUR_TONE_HZ, `${label}: what baresip recorded (our 1 kHz); ${o.statsSummary()}`);
  // Our RTP (and every other socket of ours) is on loopback.
  const udp = o.socketsInCall.filter((s) => s.proto.startsWith('udp'));
  expect(udp.length, `${label}: our UDP sockets during the call`).toBeGreaterThanOrEqual(1);
  expect(o.socketsInCall.filter((s) => !isLoopbackBind(s.address)), `${label}: our sockets off loopback`).toEqual([]);
}

/** The SDP on the wire: RTP/SAVP both ways, a=crypto with exactly `suite` in the answer. */
function expectSrtpOnTheWire(o: CallOutcome, suite: string, offeredSuites: readonly string[], codec: string, label: string): void {
  expectTlsAndLoopbackSdp(o.sip, label);
  const { offer, answer } = offerAndAnswer(o.sip);
  expectSdp(offer?.message.body, 'RTP/SAVP', `${label} offer`);
  expectSdp(answer?.message.body, 'RTP/SAVP', `${label} answer`);
  expect(cryptoSuites(offer?.message.body), `${label}: suites offered`).toEqual(offeredSuites);
  expect(cryptoSuites(answer?.message.body), `${label}: suite answered`).toEqual([suite]);
  expect(audioCodecs(answer?.message.body)[0], `${label}: codec answered`).toBe(codec);
}

// Skips only where a Debian peer is missing (requirePeers prints which); under CI=true requirePeers throws instead.
describe.skipIf(!peers.available)('SDES-SRTP calls between our CLI and baresip 1.0 through Kamailio over TLS', () => {
  const scope = useHarnessScope('media-srtp');
  let rig: Rig;

  beforeAll(async () => {
    rig = await startRig(scope(), USERS);
  });

  describe('AES_CM_128_HMAC_SHA1_80, PCMU, our CLI calls baresip (auto-answer, srtp-mand)', () => {
    let o: CallOutcome;
    beforeAll(async () => {
      o = await cliCallsBaresip(rig, { label: 'out-80', us: { ...pw('alice80'), codecs: ['PCMU'] }, peer: { ...pw('bob80'), codecs: ['PCMU'] } });
    }, 40_000);

    it('each side hears the other: 440 Hz in our recording, 1 kHz in baresip\'s, at a sane level; media event says SRTP AES_CM_128_HMAC_SHA1_80', () => {
      expectSecureCall(o, 'AES_CM_128_HMAC_SHA1_80', /^PCMU/, 'out-80');
      expect(o.cli.of('ended').at(-1)?.reason).toBe('hangup-local');
    });

    it('the SDP on the wire is RTP/SAVP with a=crypto both ways (our default suite list offered - without AEAD-GCM on the native media path, which runs the rest - _80 answered), over TLS, loopback only', () => {
      // The CLI's --play call runs on the native media path where it is built (SOFTPHONE_MEDIA_PATH=auto): libsrtp2's own crypto has no AEAD-GCM.
      const all = ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32', 'AES_256_CM_HMAC_SHA1_80', 'AES_256_CM_HMAC_SHA1_32', 'AEAD_AES_128_GCM', 'AEAD_AES_256_GCM'];
      const native = mediaPathProblem() === undefined && (process.env['SOFTPHONE_MEDIA_PATH'] ?? '').toLowerCase() !== 'typescript';
      expectSrtpOnTheWire(o, 'AES_CM_128_HMAC_SHA1_80', native ? all.filter((x) => !x.startsWith('AEAD_')) : all, 'PCMU', 'out-80');
    });
  });

  describe('AES_CM_128_HMAC_SHA1_80, PCMU, baresip (srtp-mand) calls our CLI (`answer`)', () => {
    let o: CallOutcome;
    beforeAll(async () => {
      o = await baresipCallsCli(rig, { label: 'in-80', us: { ...pw('carol80'), codecs: ['PCMU'] }, peer: { ...pw('dave80'), codecs: ['PCMU'] } });
    }, 40_000);

    it('each side hears the other; media event says SRTP AES_CM_128_HMAC_SHA1_80; the call ends by baresip\'s BYE', () => {
      expectSecureCall(o, 'AES_CM_128_HMAC_SHA1_80', /^PCMU/, 'in-80');
      expect(o.cli.of('ended').at(-1)?.reason).toBe('hangup-remote');
    });

    it('the SDP on the wire is baresip\'s RTP/SAVP offer (one _80 a=crypto) and our RTP/SAVP answer with _80, over TLS, loopback only', () => {
      expectSrtpOnTheWire(o, 'AES_CM_128_HMAC_SHA1_80', ['AES_CM_128_HMAC_SHA1_80'], 'PCMU', 'in-80');
    });
  });

  describe('AES_CM_128_HMAC_SHA1_32, PCMU, our CLI (offering _32 only) calls baresip', () => {
    let o: CallOutcome;
    beforeAll(async () => {
      o = await cliCallsBaresip(rig, {
        label: 'out-32',
        us: { ...pw('alice32'), codecs: ['PCMU'], srtpSuites: ['AES_CM_128_HMAC_SHA1_32'] },
        peer: { ...pw('bob32'), codecs: ['PCMU'] },
      });
    }, 40_000);

    it('each side hears the other over AES_CM_128_HMAC_SHA1_32 (32-bit tags both ways); media event and baresip agree on _32', () => {
      expectSecureCall(o, 'AES_CM_128_HMAC_SHA1_32', /^PCMU/, 'out-32');
    });

    it('the SDP on the wire offers only _32 and baresip answers _32', () => {
      expectSrtpOnTheWire(o, 'AES_CM_128_HMAC_SHA1_32', ['AES_CM_128_HMAC_SHA1_32'], 'PCMU', 'out-32');
    });
  });

  describe('an account restricted to AES_CM_128_HMAC_SHA1_32 answering baresip (which offers _80 only)', () => {
    let o: CallOutcome;
    beforeAll(async () => {
      o = await baresipCallsCli(rig, {
        label: 'in-32-refused',
        us: { ...pw('erin32'), codecs: ['PCMU'], srtpSuites: ['AES_CM_128_HMAC_SHA1_32'] },
        peer: { ...pw('frank80'), codecs: ['PCMU'] },
        expectRefusal: true,
      });
    }, 40_000);

    it('refuses the call with 488 and a Warning naming the missing suite, and says why (as codes) in its ended event', () => {
      // Our final answer as Kamailio received it (Kamailio's own 407 goes the other way).
      const refusal = o.sip.find((e) => e.direction === 'in' && e.message.status !== undefined && e.message.status >= 300 && e.message.cseqMethod === 'INVITE');
      expect(refusal?.message.status, `final response; SIP seen: ${o.sip.map((e) => `${e.direction} ${e.message.startLine}`).join(' | ')}`).toBe(488);
      expect(refusal?.message.header('warning')).toMatch(/^399 \S+ ".*(suite|crypto|SRTP).*"$/i);
      const ended = o.cli.of('ended').at(-1);
      expect(ended).toMatchObject({ reason: 'media-refused', status: 488 });
      expect(ended).toMatchObject({ text: 'The call’s audio could not be agreed (no common codec or encryption).', mediaCode: 'not-acceptable', cause: 'offer-not-acceptable' });
      expect(o.peerEvents.find((e) => e.type === 'CALL_CLOSED')?.param).toMatch(/488/);
    });
  });
});
