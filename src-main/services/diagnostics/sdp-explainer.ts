/**
 * "SDP check" (issue 13): what this phone would answer to a pasted SDP offer, and why — the same
 * negotiator a call uses (protocol/sdp/offer-answer.ts, RFC 3264 with SDES per RFC 4568), judged
 * by the policy and SIP transport given, explained in words. Our answer's keys are masked; the
 * offer's keys are never echoed (only suites, tags and verdicts).
 */
import type { Rng } from '../../base/rng.js';
import { TELEPHONE_EVENT, TELEPHONE_EVENT_48K } from '../../media/call/local-media-config.js';
import type { MediaSecurityReport, NegotiationReport } from '../../protocol/sdes/negotiation-report.js';
import { createAnswer, type LocalMediaConfig } from '../../protocol/sdp/offer-answer.js';
import type { ExplainSdp, SdpExplanation } from '../../../src-shared/model/diagnostics.js';
import { problem } from '../problems/problem-catalog.js';
import { cryptoLineViews } from '../phone/views/call-view.js';
import { MEDIA_REASON_WORDS, MEDIA_WARNING_WORDS } from '../phone/views/security-words.js';
import { maskSipText } from './sip-masking.js';

/** The codecs the media engine implements, in the default preference order. */
const CODECS: LocalMediaConfig['codecs'] = [
  { payloadType: 111, encodingName: 'opus', clockRate: 48000, channels: 2, fmtp: 'useinbandfec=1' },
  { payloadType: 9, encodingName: 'G722', clockRate: 8000 },
  { payloadType: 0, encodingName: 'PCMU', clockRate: 8000 },
  { payloadType: 8, encodingName: 'PCMA', clockRate: 8000 },
  TELEPHONE_EVENT_48K,
  TELEPHONE_EVENT,
];

function streams(report: NegotiationReport | undefined): SdpExplanation['streams'] {
  return (report?.media ?? []).map((m: MediaSecurityReport) => ({
    media: m.media,
    reason: m.reasonCode,
    why: MEDIA_REASON_WORDS[m.reasonCode],
    encrypted: m.outcome === 'srtp',
    suite: m.chosen?.suite ?? null,
    offered: cryptoLineViews(m.cryptoOffered, m.chosen?.tag),
  }));
}

export function explainSdp(req: ExplainSdp, rng: Rng): SdpExplanation {
  const config: LocalMediaConfig = {
    address: '192.0.2.1',
    port: 40000,
    codecs: CODECS,
    ptime: 20,
    srtp: {
      policy: req.policy,
      transport: req.transport,
      ...(req.allowInsecure ? { allowInsecureTransport: true } : {}),
      ...(req.suites === undefined ? {} : { suites: req.suites }),
    },
  };
  // Pasted text often has bare LF line ends or stray spaces: the parser is strict about neither.
  const sdp = req.sdp.replace(/\r?\n/g, '\r\n').trim() + '\r\n';
  const r = createAnswer(sdp, config, { rng });
  if (r.ok) {
    const s = streams(r.value.report);
    const encrypted = s.filter((x) => x.encrypted);
    const summary =
      encrypted.length === s.length && s.length > 0
        ? `We would answer with SRTP (${[...new Set(encrypted.map((x) => x.suite))].join(', ')}).`
        : encrypted.length === 0
          ? `We would answer, but the audio would NOT be encrypted: ${s[0]?.why ?? 'no stream was accepted.'}`
          : 'We would answer; some streams would be encrypted and some not.';
    return { status: 'answer', statusCode: 200, answer: maskSipText(r.value.text), summary, streams: s, warnings: r.value.report.warnings.map((w) => MEDIA_WARNING_WORDS[w.code]), problem: null };
  }
  const e = r.error;
  if (e.sipStatus === 400) {
    return {
      status: 'refused',
      statusCode: 400,
      answer: null,
      summary: 'The offer is not valid SDP: we would refuse it with 400 Bad Request.',
      streams: [],
      warnings: [],
      problem: { ...problem('invalid-value', { field: 'SDP offer' }), message: `The SDP offer cannot be read: ${e.message.replace(/^the offer SDP is malformed: /, '').slice(0, 200)}`, hint: 'Paste the whole body of the INVITE or 200 OK, from the v=0 line to the last a= line.' },
    };
  }
  const s = streams(e.report);
  return {
    status: 'refused',
    statusCode: e.sipStatus,
    answer: null,
    summary: `We would refuse the call with 488 Not Acceptable Here: ${s.find((x) => !x.encrypted)?.why ?? e.message}`,
    streams: s,
    warnings: (e.report?.warnings ?? []).map((w) => MEDIA_WARNING_WORDS[w.code]),
    problem: null,
  };
}
