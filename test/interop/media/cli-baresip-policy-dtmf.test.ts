/**
 * Issue 7 acceptance 2 (the `optional` policy against a peer that offers plain RTP: media flows
 * and the CLI says it is not encrypted; `mandatory` refuses it with 488 and a reason) and the DTMF
 * part of acceptance 3 (RFC 4733 digits from baresip arrive in order as our `dtmf` events, and
 * ours arrive at baresip in order), with a real baresip 1.0 through Kamailio over TLS.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { requirePeers } from '../harness/peers.js';
import { useHarnessScope } from '../harness/vitest-scope.js';
import { OUR_TONE_HZ, PEER_TONE_HZ, baresipCallsCli, cliCallsBaresip, startRig, type CallOutcome, type Rig } from './support/interop-call.js';
import { cryptoSuites, expectFarEndTone, expectSdp, expectTlsAndLoopbackSdp, offerAndAnswer } from './support/expectations.js';

const peers = requirePeers(['kamailio', 'baresip', 'sox']);

const ROLES = ['opt-in-us', 'opt-in-peer', 'opt-out-us', 'opt-out-peer', 'mand-us', 'mand-peer', 'dtmf-in-us', 'dtmf-in-peer', 'dtmf-out-us', 'dtmf-out-peer'] as const;
const users = ROLES.map((user) => ({ user, password: `${user}-pw` }));
const pw = (user: (typeof ROLES)[number]): { user: string; password: string } => users.find((u) => u.user === user)!;

/** Media flowed both ways although it is plain RTP, and our CLI says so. */
function expectUnencryptedCall(o: CallOutcome, label: string): void {
  expect(o.exit, `${label}: CLI exit; events ${o.cli.describeEvents()}\n${o.cli.stderrTail()}`).toEqual({ code: 0, signal: null });
  const media = o.media();
  expect(media, `${label}: no media event; events ${o.cli.describeEvents()}`).toBeDefined();
  expect(media).toMatchObject({ srtp: false, outcome: 'unencrypted', direction: 'sendrecv' });
  expect(media!.suite, `${label}: no suite when unencrypted`).toBeUndefined();
  expect(String(media!.summary)).toMatch(/not encrypted/i);
  expect(o.peerEvents.filter((e) => e.type === 'CALL_MENC'), `${label}: baresip must not have switched SRTP on`).toEqual([]);
  expectFarEndTone(o.ourRecording, PEER_TONE_HZ, `${label}: what we recorded (baresip's 440 Hz); ${o.statsSummary()}`);
  expectFarEndTone(o.peerRecording?.received, OUR_TONE_HZ, `${label}: what baresip recorded (our 1 kHz); ${o.statsSummary()}`);
  expectTlsAndLoopbackSdp(o.sip, label);
}

// Skips only where a Debian peer is missing (requirePeers prints which); under CI=true requirePeers throws instead.
describe.skipIf(!peers.available)('SRTP policies against plain RTP, and RFC 4733 DTMF, between our CLI and baresip 1.0 through Kamailio over TLS', () => {
  const scope = useHarnessScope('media-policy-dtmf');
  let rig: Rig;

  beforeAll(async () => {
    rig = await startRig(scope(), users);
  });

  describe('`optional` answering a plain RTP offer (baresip mediaenc none)', () => {
    let o: CallOutcome;
    beforeAll(async () => {
      o = await baresipCallsCli(rig, { label: 'optional-in', us: { ...pw('opt-in-us'), srtp: 'optional', codecs: ['PCMU'] }, peer: { ...pw('opt-in-peer'), mediaEncryption: 'none' } });
    }, 40_000);

    it('accepts: RTP/AVP without a=crypto both ways on the wire', () => {
      const { offer, answer } = offerAndAnswer(o.sip);
      expectSdp(offer?.message.body, 'RTP/AVP', 'optional-in offer');
      expectSdp(answer?.message.body, 'RTP/AVP', 'optional-in answer');
      expect(cryptoSuites(offer?.message.body)).toEqual([]);
      expect(cryptoSuites(answer?.message.body), 'no keys in an answer to a plain offer').toEqual([]);
    });

    it('media flows both ways, and our media event reports it unencrypted (srtp false, outcome unencrypted)', () => {
      expectUnencryptedCall(o, 'optional-in');
    });
  });

  describe('`optional` calling a peer that does plain RTP only (baresip mediaenc none)', () => {
    let o: CallOutcome;
    beforeAll(async () => {
      o = await cliCallsBaresip(rig, { label: 'optional-out', us: { ...pw('opt-out-us'), srtp: 'optional', codecs: ['PCMU'] }, peer: { ...pw('opt-out-peer'), mediaEncryption: 'none' } });
    }, 40_000);

    it('offers best-effort SRTP (RTP/AVP with a=crypto); the answer has no a=crypto', () => {
      const { offer, answer } = offerAndAnswer(o.sip);
      expectSdp(offer?.message.body, 'RTP/AVP', 'optional-out offer');
      expect(cryptoSuites(offer?.message.body).length, 'a=crypto in our best-effort offer').toBeGreaterThan(0);
      expectSdp(answer?.message.body, 'RTP/AVP', 'optional-out answer');
      expect(cryptoSuites(answer?.message.body)).toEqual([]);
    });

    it('media flows both ways, and our media event reports it unencrypted', () => {
      expectUnencryptedCall(o, 'optional-out');
    });
  });

  describe('`mandatory` answering a plain RTP offer', () => {
    let o: CallOutcome;
    beforeAll(async () => {
      o = await baresipCallsCli(rig, { label: 'mandatory-in', us: { ...pw('mand-us'), srtp: 'mandatory', codecs: ['PCMU'] }, peer: { ...pw('mand-peer'), mediaEncryption: 'none' }, expectRefusal: true });
    }, 40_000);

    it('refuses with 488 and a Warning giving the reason; our ended event says media-refused with the media code; baresip sees 488', () => {
      const seen = o.sip.map((e) => `${e.direction} ${e.message.startLine}`).join(' | ');
      const refusal = o.sip.find((e) => e.direction === 'in' && e.message.status !== undefined && e.message.status >= 300 && e.message.cseqMethod === 'INVITE');
      expect(refusal?.message.status, `our final response; SIP seen: ${seen}`).toBe(488);
      expect(refusal?.message.header('warning')).toMatch(/^399 \S+ ".*(encrypt|SRTP|crypto).*"$/i);
      expect(o.sip.some((e) => e.message.status === 200 && e.message.cseqMethod === 'INVITE'), 'no 200 to the INVITE').toBe(false);
      const ended = o.cli.of('ended').at(-1);
      expect(ended, `events: ${o.cli.describeEvents()}`).toMatchObject({ reason: 'media-refused', status: 488 });
      // Codes, not sentences: the reason in words is on the wire (the Warning above); the event names the media code.
      expect(ended).toMatchObject({ text: 'The call’s audio could not be agreed (no common codec or encryption).', mediaCode: 'not-acceptable', cause: 'offer-not-acceptable' });
      expect(o.cli.of('answered')).toEqual([]);
      expect(o.peerEvents.find((e) => e.type === 'CALL_CLOSED')?.param).toMatch(/488/);
      expect(o.peerEvents.filter((e) => e.type === 'CALL_ESTABLISHED')).toEqual([]);
    });
  });

  describe('DTMF (RFC 4733 telephone-event over SRTP)', () => {
    it('digits baresip sends arrive in order as our dtmf events (rfc4733), each once', async () => {
      const digits = '159#*0';
      const o = await baresipCallsCli(rig, { label: 'dtmf-in', us: { ...pw('dtmf-in-us'), codecs: ['PCMU'] }, peer: { ...pw('dtmf-in-peer') }, peerDtmf: digits });
      expect(o.exit, `CLI exit; events ${o.cli.describeEvents()}\n${o.cli.stderrTail()}`).toEqual({ code: 0, signal: null });
      expect(o.media()).toMatchObject({ srtp: true, suite: 'AES_CM_128_HMAC_SHA1_80' });
      const got = o.cli.of('dtmf');
      expect(got.map((e) => e.digit).join(''), `dtmf events: ${JSON.stringify(got)}`).toBe(digits);
      expect(got.every((e) => e.via === 'rfc4733')).toBe(true);
    }, 40_000);

    it('digits our CLI sends (--dtmf) arrive at baresip in order (CALL_DTMF_START), each once', async () => {
      const digits = '12#*90';
      const o = await cliCallsBaresip(rig, { label: 'dtmf-out', us: { ...pw('dtmf-out-us'), codecs: ['PCMU'] }, peer: { ...pw('dtmf-out-peer') }, dtmf: digits });
      expect(o.exit, `CLI exit; events ${o.cli.describeEvents()}\n${o.cli.stderrTail()}`).toEqual({ code: 0, signal: null });
      expect(o.cli.of('error'), 'error events (a failed sendDtmf is one)').toEqual([]);
      expect(o.media()).toMatchObject({ srtp: true, suite: 'AES_CM_128_HMAC_SHA1_80' });
      const starts = o.peerEvents.filter((e) => e.type === 'CALL_DTMF_START');
      expect(starts.map((e) => e.param).join(''), `baresip DTMF events: ${JSON.stringify(starts.map((e) => e.param))}`).toBe(digits);
      expect(o.peerEvents.filter((e) => e.type === 'CALL_DTMF_END').length).toBe(digits.length);
    }, 40_000);
  });
});
