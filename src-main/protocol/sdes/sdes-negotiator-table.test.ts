/**
 * SDES negotiator table tests: offers shaped like those of real PBXs and phones (see
 * fixtures/README.md) -> the answer we give or the 488 and its reason, under each policy and
 * signalling transport.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FakeRng } from '../../../test/fakes/fake-rng.js';
import { attributeValues } from '../sdp/media-attributes.js';
import { createAnswer, type LocalMediaConfig } from '../sdp/offer-answer.js';
import { parseSdp } from '../sdp/sdp-parser.js';
import { parseCryptoAttribute } from './crypto-attribute.js';
import type { CryptoLineVerdict, MediaReasonCode, NegotiationReport, ReportWarningCode } from './negotiation-report.js';
import type { SdesConfig, SignallingTransport, SrtpPolicy } from './sdes-config.js';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

function config(policy: SrtpPolicy, transport: SignallingTransport, extra: Partial<SdesConfig> = {}): LocalMediaConfig {
  return {
    address: '192.0.2.99',
    port: 30000,
    codecs: [
      { payloadType: 111, encodingName: 'opus', clockRate: 48000, channels: 2, fmtp: 'useinbandfec=1' },
      { payloadType: 9, encodingName: 'G722', clockRate: 8000 },
      { payloadType: 0, encodingName: 'PCMU', clockRate: 8000 },
      { payloadType: 8, encodingName: 'PCMA', clockRate: 8000 },
      { payloadType: 101, encodingName: 'telephone-event', clockRate: 8000, fmtp: '0-16' },
    ],
    ptime: 20,
    srtp: { policy, transport, ...extra },
  };
}

interface Row {
  readonly name: string;
  readonly fixture: string;
  readonly policy: SrtpPolicy;
  readonly transport?: SignallingTransport;
  readonly sdes?: Partial<SdesConfig>;
  readonly expect:
    | {
        readonly answer: true;
        readonly outcome: NegotiationReport['outcome'];
        readonly profile: string;
        /** Expected a=crypto answer: tag and suite spelling, or none. */
        readonly crypto?: { readonly tag: number; readonly spelling: string; readonly mkiLength?: number; readonly sessionParams?: string };
        readonly reasonCode: MediaReasonCode;
        readonly verdicts?: readonly CryptoLineVerdict[];
        readonly warnings?: readonly ReportWarningCode[];
        readonly direction?: string;
        readonly firstCodec?: string;
        readonly receiveKeys?: number;
        readonly replayWindow?: number;
        readonly rejectedStreams?: number;
      }
    | {
        readonly answer: false;
        readonly reasonCode: MediaReasonCode;
        readonly verdicts?: readonly CryptoLineVerdict[];
      };
}

const ROWS: readonly Row[] = [
  {
    name: 'Asterisk (chan_pjsip, media_encryption=sdes): the single AES_CM_128_HMAC_SHA1_80 line is answered with tag 1',
    fixture: 'asterisk-pjsip-savp.sdp',
    policy: 'mandatory',
    expect: { answer: true, outcome: 'encrypted', profile: 'RTP/SAVP', crypto: { tag: 1, spelling: 'AES_CM_128_HMAC_SHA1_80' }, reasonCode: 'srtp-negotiated', verdicts: ['chosen'], firstCodec: 'PCMU', direction: 'sendrecv' },
  },
  {
    name: 'Asterisk chan_sip without SRTP, policy mandatory: refused with 488',
    fixture: 'asterisk-chan-sip-avp-no-crypto.sdp',
    policy: 'mandatory',
    expect: { answer: false, reasonCode: 'peer-offered-no-crypto' },
  },
  {
    name: 'Asterisk chan_sip without SRTP, policy optional: plain RTP, flagged as not encrypted',
    fixture: 'asterisk-chan-sip-avp-no-crypto.sdp',
    policy: 'optional',
    expect: { answer: true, outcome: 'unencrypted', profile: 'RTP/AVP', reasonCode: 'peer-offered-no-crypto', warnings: ['media-not-encrypted'], firstCodec: 'PCMA' },
  },
  {
    name: 'Asterisk chan_sip without SRTP, policy off: plain RTP, no warning',
    fixture: 'asterisk-chan-sip-avp-no-crypto.sdp',
    policy: 'off',
    expect: { answer: true, outcome: 'unencrypted', profile: 'RTP/AVP', reasonCode: 'policy-off', warnings: [] },
  },
  {
    name: 'FreeSWITCH nine suites: GCM_8 and NULL_AUTH skipped, legacy AES_CM_256 spelling chosen and echoed',
    fixture: 'freeswitch-savp-many-suites.sdp',
    policy: 'mandatory',
    expect: {
      answer: true,
      outcome: 'encrypted',
      profile: 'RTP/SAVP',
      crypto: { tag: 3, spelling: 'AES_CM_256_HMAC_SHA1_80' },
      reasonCode: 'srtp-negotiated',
      verdicts: ['unsupported-suite', 'unsupported-suite', 'chosen', 'suite-not-allowed', 'acceptable', 'acceptable', 'suite-not-allowed', 'acceptable', 'unsupported-suite'],
      firstCodec: 'G722',
    },
  },
  {
    name: 'FreeSWITCH nine suites with only AES_CM_128_HMAC_SHA1_80 enabled: tag 5',
    fixture: 'freeswitch-savp-many-suites.sdp',
    policy: 'mandatory',
    sdes: { suites: ['AES_CM_128_HMAC_SHA1_80'] },
    expect: { answer: true, outcome: 'encrypted', profile: 'RTP/SAVP', crypto: { tag: 5, spelling: 'AES_CM_128_HMAC_SHA1_80' }, reasonCode: 'srtp-negotiated' },
  },
  {
    name: 'FreeSWITCH best-effort (RTP/AVP + a=crypto), policy optional: SRTP inside RTP/AVP',
    fixture: 'freeswitch-avp-optional.sdp',
    policy: 'optional',
    expect: { answer: true, outcome: 'encrypted', profile: 'RTP/AVP', crypto: { tag: 1, spelling: 'AES_CM_128_HMAC_SHA1_80' }, reasonCode: 'srtp-negotiated' },
  },
  {
    name: 'FreeSWITCH best-effort, policy mandatory: keys are offered, so SRTP is accepted',
    fixture: 'freeswitch-avp-optional.sdp',
    policy: 'mandatory',
    expect: { answer: true, outcome: 'encrypted', profile: 'RTP/AVP', crypto: { tag: 1, spelling: 'AES_CM_128_HMAC_SHA1_80' }, reasonCode: 'srtp-negotiated' },
  },
  {
    name: 'FreeSWITCH best-effort, policy off: plain RTP, no keys in the answer',
    fixture: 'freeswitch-avp-optional.sdp',
    policy: 'off',
    expect: { answer: true, outcome: 'unencrypted', profile: 'RTP/AVP', reasonCode: 'policy-off' },
  },
  {
    name: 'FreeSWITCH best-effort over UDP signalling, policy optional: no keys written, plain RTP, loudly',
    fixture: 'freeswitch-avp-optional.sdp',
    policy: 'optional',
    transport: 'udp',
    expect: { answer: true, outcome: 'unencrypted', profile: 'RTP/AVP', reasonCode: 'insecure-signalling', warnings: ['media-not-encrypted'] },
  },
  {
    name: 'FreeSWITCH best-effort over UDP signalling, policy mandatory: 488',
    fixture: 'freeswitch-avp-optional.sdp',
    policy: 'mandatory',
    transport: 'udp',
    expect: { answer: false, reasonCode: 'insecure-signalling' },
  },
  {
    name: 'Asterisk SAVP over TCP signalling, insecure transport explicitly allowed: SRTP with a loud warning',
    fixture: 'asterisk-pjsip-savp.sdp',
    policy: 'mandatory',
    transport: 'tcp',
    sdes: { allowInsecureTransport: true },
    expect: { answer: true, outcome: 'encrypted', profile: 'RTP/SAVP', crypto: { tag: 1, spelling: 'AES_CM_128_HMAC_SHA1_80' }, reasonCode: 'srtp-negotiated', warnings: ['keys-over-insecure-signalling'] },
  },
  {
    name: 'baresip (mediaenc=srtp-mand): first offered suite _32 chosen, opus and rtcp-mux accepted',
    fixture: 'baresip-srtp-mand.sdp',
    policy: 'mandatory',
    expect: { answer: true, outcome: 'encrypted', profile: 'RTP/SAVP', crypto: { tag: 1, spelling: 'AES_CM_128_HMAC_SHA1_32' }, reasonCode: 'srtp-negotiated', firstCodec: 'opus' },
  },
  {
    name: 'baresip (mediaenc=srtp): best effort answered with SRTP',
    fixture: 'baresip-srtp-optional-avp.sdp',
    policy: 'optional',
    expect: { answer: true, outcome: 'encrypted', profile: 'RTP/AVP', crypto: { tag: 1, spelling: 'AES_CM_128_HMAC_SHA1_32' }, reasonCode: 'srtp-negotiated' },
  },
  {
    name: 'linphone audio + video: audio encrypted, video rejected with port 0',
    fixture: 'linphone-savp-audio-video.sdp',
    policy: 'mandatory',
    expect: { answer: true, outcome: 'encrypted', profile: 'RTP/SAVP', crypto: { tag: 1, spelling: 'AES_CM_128_HMAC_SHA1_80' }, reasonCode: 'srtp-negotiated', firstCodec: 'opus', rejectedStreams: 1 },
  },
  {
    name: 'Cisco gateway with lifetime 2^31 and MKI 1:1: answered with a 1-octet MKI of our own',
    fixture: 'cisco-lifetime-mki.sdp',
    policy: 'mandatory',
    expect: { answer: true, outcome: 'encrypted', profile: 'RTP/SAVP', crypto: { tag: 1, spelling: 'AES_CM_128_HMAC_SHA1_32', mkiLength: 1 }, reasonCode: 'srtp-negotiated', receiveKeys: 1 },
  },
  {
    name: 'Cisco CUCM-style line with two keys told apart by 4-octet MKIs, lifetime 2^20: both keys accepted, short lifetime flagged',
    fixture: 'cisco-two-keys-mki.sdp',
    policy: 'mandatory',
    expect: { answer: true, outcome: 'encrypted', profile: 'RTP/SAVP', crypto: { tag: 1, spelling: 'AES_CM_128_HMAC_SHA1_80', mkiLength: 4 }, reasonCode: 'srtp-negotiated', receiveKeys: 2, warnings: ['short-key-lifetime'] },
  },
  {
    name: 'Polycom-style lines with UNENCRYPTED_SRTCP / UNAUTHENTICATED_SRTP: those refused, the plain line 3 chosen',
    fixture: 'polycom-weakening-params.sdp',
    policy: 'mandatory',
    expect: { answer: true, outcome: 'encrypted', profile: 'RTP/SAVP', crypto: { tag: 3, spelling: 'AES_CM_128_HMAC_SHA1_80' }, reasonCode: 'srtp-negotiated', verdicts: ['weakening-session-param', 'weakening-session-param', 'chosen'] },
  },
  {
    name: 'Polycom-style offer whose only line says UNENCRYPTED_SRTP: 488',
    fixture: 'polycom-only-weakened.sdp',
    policy: 'mandatory',
    expect: { answer: false, reasonCode: 'no-acceptable-crypto', verdicts: ['weakening-session-param'] },
  },
  {
    name: 'KDR, WSH and an optional "-" extension: KDR echoed, window widened, extension ignored (synthetic)',
    fixture: 'snom-kdr-wsh.sdp',
    policy: 'mandatory',
    expect: { answer: true, outcome: 'encrypted', profile: 'RTP/SAVP', crypto: { tag: 1, spelling: 'AES_CM_128_HMAC_SHA1_80', sessionParams: 'KDR=0' }, reasonCode: 'srtp-negotiated', replayWindow: 256, warnings: ['ignored-session-param'], firstCodec: 'PCMU' },
  },
  {
    name: 'Only suites we do not implement (F8, NULL cipher, NULL auth, SEED): 488 with each line explained',
    fixture: 'unsupported-suites-only.sdp',
    policy: 'mandatory',
    expect: { answer: false, reasonCode: 'no-acceptable-crypto', verdicts: ['unsupported-suite', 'unsupported-suite', 'unsupported-suite', 'unsupported-suite'] },
  },
  {
    name: 'Keys of the wrong length for their suite: 488, bad-key-length',
    fixture: 'bad-key-length.sdp',
    policy: 'mandatory',
    expect: { answer: false, reasonCode: 'no-acceptable-crypto', verdicts: ['bad-key-length', 'bad-key-length'] },
  },
  {
    name: 'A WebRTC DTLS-SRTP offer: 488, DTLS-SRTP not supported',
    fixture: 'webrtc-dtls-srtp.sdp',
    policy: 'optional',
    expect: { answer: false, reasonCode: 'dtls-srtp-not-supported' },
  },
  {
    name: 'Legacy hold (c=0.0.0.0): answered recvonly, still encrypted',
    fixture: 'legacy-hold-zero-address.sdp',
    policy: 'mandatory',
    expect: { answer: true, outcome: 'encrypted', profile: 'RTP/SAVP', crypto: { tag: 1, spelling: 'AES_CM_128_HMAC_SHA1_80' }, reasonCode: 'srtp-negotiated', direction: 'recvonly' },
  },
  {
    name: 'IPv6, LF line ends, tag 0 and sendonly: tag 0 kept, answered recvonly',
    fixture: 'ipv6-tag-zero-lf.sdp',
    policy: 'mandatory',
    expect: { answer: true, outcome: 'encrypted', profile: 'RTP/SAVP', crypto: { tag: 0, spelling: 'AES_CM_128_HMAC_SHA1_80' }, reasonCode: 'srtp-negotiated', direction: 'recvonly', firstCodec: 'PCMA' },
  },
];

describe('SDES negotiator against real-world offers', () => {
  for (const row of ROWS) {
    it(row.name, () => {
      const offerText = fixture(row.fixture);
      const result = createAnswer(offerText, config(row.policy, row.transport ?? 'tls', row.sdes), { rng: new FakeRng(7) });
      const e = row.expect;
      if (!e.answer) {
        expect(result.ok).toBe(false);
        if (result.ok) return;
        expect(result.error.sipStatus).toBe(488);
        const report = result.error.report!;
        expect(report.outcome).toBe('refused');
        expect(report.sipStatus).toBe(488);
        const audio = report.media.find((m) => m.media === 'audio')!;
        expect(audio.reasonCode).toBe(e.reasonCode);
        if (e.verdicts !== undefined) expect(audio.cryptoOffered.map((c) => c.verdict)).toEqual(e.verdicts);
        expect(report.summary).toContain('488');
        return;
      }
      expect(result.ok, result.ok ? '' : result.error.message).toBe(true);
      if (!result.ok) return;
      const { report, session, text } = result.value;
      expect(report.outcome).toBe(e.outcome);
      expect(report.sipStatus).toBeUndefined();
      const answer = parseSdp(text);
      expect(answer.ok).toBe(true);
      if (!answer.ok) return;
      const offer = parseSdp(offerText);
      expect(offer.ok && answer.value.media.length).toBe(offer.ok ? offer.value.media.length : -1);
      const audioIndex = answer.value.media.findIndex((m) => m.port !== 0);
      const audio = answer.value.media[audioIndex]!;
      expect(audio.protocol).toBe(e.profile);
      expect(answer.value.media.filter((m) => m.port === 0).length).toBe(e.rejectedStreams ?? 0);
      const mediaReport = report.media[audioIndex]!;
      expect(mediaReport.reasonCode).toBe(e.reasonCode);
      if (e.verdicts !== undefined) expect(mediaReport.cryptoOffered.map((c) => c.verdict)).toEqual(e.verdicts);
      if (e.warnings !== undefined) expect(report.warnings.map((w) => w.code)).toEqual(e.warnings);
      const lines = attributeValues(audio.attributes, 'crypto');
      const negotiated = session.media[audioIndex]!;
      if (e.crypto === undefined) {
        expect(lines).toEqual([]);
        expect(negotiated.srtp).toBeUndefined();
      } else {
        expect(lines).toHaveLength(1);
        const ours = parseCryptoAttribute(lines[0]!);
        expect(ours.ok).toBe(true);
        if (!ours.ok) return;
        expect(ours.value.tag).toBe(e.crypto.tag);
        expect(ours.value.suite).toBe(e.crypto.spelling);
        expect(ours.value.keyParams[0]?.mki?.length).toBe(e.crypto.mkiLength);
        if (e.crypto.sessionParams !== undefined) expect(lines[0]).toContain(e.crypto.sessionParams);
        expect(mediaReport.chosen).toMatchObject({ tag: e.crypto.tag, spelling: e.crypto.spelling });
        // Our key is fresh: not any key of the offer.
        const offeredKeys = offerText.match(/inline:([A-Za-z0-9+/=]+)/g) ?? [];
        expect(offeredKeys).not.toContain(`inline:${ours.value.keyParams[0]!.key.encoded}`);
        const srtp = negotiated.srtp!;
        expect(srtp.receive).toHaveLength(e.receiveKeys ?? 1);
        expect(srtp.replayWindowSize).toBe(e.replayWindow ?? 128);
      }
      if (e.direction !== undefined) expect(negotiated.direction).toBe(e.direction);
      if (e.firstCodec !== undefined) expect(negotiated.sendCodec?.encodingName.toLowerCase()).toBe(e.firstCodec.toLowerCase());
      // The report is plain data and carries no key material.
      const json = JSON.stringify(report);
      expect(JSON.parse(json)).toEqual(report);
      expect(json).not.toMatch(/inline:/);
      for (const k of [...(offerText.match(/inline:([A-Za-z0-9+/=]+)/g) ?? []), ...lines]) expect(json).not.toContain(k.replace(/^.*inline:/, '').slice(0, 12));
    });
  }
});
