/**
 * CallView, CallSecurityView, CallQualityView and LevelsView: the call screen's models, mapped once
 * from the engine's snapshots (phone-service.ts) and the media's state, stats and meters. The
 * actions a person may take are decided here, so the renderer never re-derives SIP rules.
 */
import type { CallAction, CallQualityView, CallSecurityView, CallStateName, CallView, LevelsView } from '../../../../src-shared/model/call.js';
import type { CallState } from '../../../protocol/sip/ua/call-state.js';
import type { CryptoLineReport } from '../../../protocol/sdes/negotiation-report.js';
import type { AudioLevels, MediaState, MediaStats } from '../../../media/call-media.js';
import type { CallSnapshot } from '../phone-service.js';
import { endReasonView } from './end-reason-words.js';
import { partyView } from './party-view.js';
import { MEDIA_REASON_WORDS, MEDIA_WARNING_WORDS } from './security-words.js';

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

/** The person's view of the SIP state (RFC 3261 §13, §14 hold; RFC 3515 transfer). */
export function callStateName(s: CallSnapshot): CallStateName {
  const st = s.state;
  switch (st.kind) {
    case 'calling':
    case 'cancelling':
      return 'dialing';
    case 'ringing':
      return st.earlyMedia ? 'early' : 'ringing';
    case 'incoming':
      return 'ringing';
    case 'answering':
      return 'active';
    case 'active':
      if (st.transfer !== undefined || s.transferee) return 'transferring';
      if (st.localHold) return 'held';
      if (st.remoteHold) return 'remote-held';
      return 'active';
    case 'ended':
      return 'ended';
  }
}

function connected(st: CallState): st is Extract<CallState, { kind: 'active' }> {
  return st.kind === 'active';
}

/** What may be done with `s` now, given the other calls in progress. */
export function callActions(s: CallSnapshot, others: readonly CallSnapshot[]): CallAction[] {
  const st = s.state;
  switch (st.kind) {
    case 'incoming':
      return s.mediaReady ? ['answer', 'decline', 'hangup'] : ['decline', 'hangup'];
    case 'calling':
    case 'ringing':
      return ['hangup'];
    case 'answering':
      // Our 200 OK is out and the audio flows (the screen says "Connected"); only the ACK is
      // missing. Muting is local to our media, so it is offered at once.
      return s.mediaReady ? ['hangup', s.muted ? 'unmute' : 'mute'] : ['hangup'];
    case 'cancelling':
    case 'ended':
      return [];
    case 'active': {
      const out: CallAction[] = ['hangup'];
      if (st.transfer !== undefined || s.transferee) return out;
      const idle = st.change === undefined;
      if (idle && !st.localHold) out.push('hold');
      if (idle && st.localHold) out.push('resume');
      if (s.mediaReady) out.push(s.muted ? 'unmute' : 'mute');
      if (!st.localHold) out.push('dtmf');
      out.push('transfer');
      const partners = others.filter((o) => o.info.callId !== s.info.callId && o.info.accountId === s.info.accountId && connected(o.state) && o.state.transfer === undefined && !o.transferee);
      if (partners.length > 0) out.push('attended-transfer');
      if (st.localHold && idle && others.some((o) => o.info.callId !== s.info.callId && o.state.kind !== 'ended')) out.push('swap');
      return out;
    }
  }
}

export function callSecurityView(s: CallSnapshot): CallSecurityView {
  const sig = s.signalling;
  const report = sig.report;
  const tls = sig.transport === 'tls';
  const verification = tls ? (report?.mode ?? null) : null;
  const hops = !tls ? 'none' : sig.everyHop ? 'every-hop' : 'first-hop';
  const cipher = report?.cipher === undefined ? null : (report.cipher.standardName ?? report.cipher.name);
  const signallingSummary = !tls
    ? `Signalling over ${sig.transport.toUpperCase()} is not encrypted.`
    : `Signalling is encrypted with ${report?.protocol ?? 'TLS'}${cipher === null ? '' : ` (${cipher})`}; the server was verified ${verificationWords(verification)}${hops === 'every-hop' ? '; every hop must use TLS (sips:).' : '; TLS is guaranteed on the first hop.'}`;
  const media = mediaSecurity(s.media, s.srtpPolicy);
  const weakTls = report?.verdict.level === 'weaker' || verification === 'insecure';
  const level = s.media === undefined ? 'pending' : !tls || !media.encrypted || verification === 'insecure' ? 'insecure' : weakTls ? 'weaker' : 'secure';
  return {
    level,
    signalling: { transport: sig.transport, tlsVersion: tls ? (report?.protocol ?? null) : null, cipher: tls ? cipher : null, verification, hops, summary: signallingSummary },
    media,
  };
}

function verificationWords(mode: string | null): string {
  switch (mode) {
    case 'full':
      return 'in full (trusted chain and the SIP domain)';
    case 'chain-only':
      return 'by its chain only (the SIP domain is not checked: weaker)';
    case 'pinned':
      return 'by its pinned key';
    case 'insecure':
      return 'not at all (insecure mode)';
    default:
      return 'as the account requires';
  }
}

function mediaSecurity(media: MediaState | undefined, policy: CallSnapshot['srtpPolicy']): CallSecurityView['media'] {
  if (media === undefined) {
    return { encrypted: false, suite: null, policy, reasonCode: null, offered: [], chosen: null, why: 'The call’s media is not negotiated yet.', summary: 'Negotiating media…', warnings: [], offeredBy: null, lines: [], remoteProfile: null };
  }
  const report = media.report;
  const audio = report.media.find((m) => m.media === 'audio') ?? report.media[0];
  const offered = audio?.cryptoOffered.map((c) => c.canonicalSuite ?? c.suite).filter((x) => x !== '') ?? [];
  const chosen = audio?.chosen?.suite ?? null;
  const why = audio === undefined ? 'No audio stream was negotiated.' : MEDIA_REASON_WORDS[audio.reasonCode];
  const summary = media.srtp
    ? `Audio is encrypted with SRTP (${media.suite ?? chosen ?? 'SRTP'}).`
    : report.outcome === 'pending'
      ? 'Waiting for the other side’s answer.'
      : `Audio is NOT encrypted: ${why.charAt(0).toLowerCase()}${why.slice(1)}`;
  return {
    encrypted: media.srtp,
    suite: media.suite ?? null,
    policy,
    reasonCode: audio?.reasonCode ?? null,
    offered,
    chosen,
    why,
    summary,
    warnings: report.warnings.map((w) => MEDIA_WARNING_WORDS[w.code]),
    offeredBy: report.role === 'offerer' ? 'us' : 'them',
    lines: cryptoLineViews(audio?.cryptoOffered ?? [], audio?.chosen?.tag),
    remoteProfile: (report.role === 'offerer' ? audio?.answeredProfile : audio?.offeredProfile) ?? null,
  };
}

/** The a=crypto lines of an offer with their verdicts, for the security dialog and the SDP check (no keys). */
export function cryptoLineViews(lines: readonly CryptoLineReport[], chosenTag: number | undefined): CallSecurityView['media']['lines'] {
  return lines.map((c) => ({ tag: c.tag, suite: c.canonicalSuite ?? c.suite, verdict: c.verdict, reason: c.reason, chosen: c.verdict === 'chosen' || (chosenTag !== undefined && c.tag === chosenTag && c.verdict !== 'malformed') }));
}

export function toCallView(s: CallSnapshot, others: readonly CallSnapshot[]): CallView {
  const st = s.state;
  const active = st.kind === 'active' ? st : undefined;
  return {
    id: s.info.callId,
    accountId: s.info.accountId,
    direction: s.info.direction,
    remote: partyView(s.info.remote, s.info.remoteName),
    state: callStateName(s),
    startedAt: new Date(s.startedAt).toISOString(),
    answeredAt: iso(s.answeredAt),
    endedAt: iso(s.endedAt),
    muted: s.muted,
    held: active?.localHold ?? false,
    remoteHeld: active?.remoteHold ?? false,
    actions: callActions(s, others),
    consultationOf: s.consultationOf ?? null,
    endReason: st.kind === 'ended' ? endReasonView(st.reason, s.info.direction) : null,
    security: callSecurityView(s),
    audio: s.audio === undefined ? null : { backend: s.audio.backend, captureDeviceId: s.audio.capture ?? null, playbackDeviceId: s.audio.playback ?? null, echoCancellation: s.audio.echoCancellation },
  };
}

const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;

export function callQualityView(callId: string, stats: MediaStats, codec: string | undefined): CallQualityView {
  const mos = stats.mos === undefined || !Number.isFinite(stats.mos) ? null : round(stats.mos, 2);
  return {
    callId,
    codec: codec ?? null,
    mos,
    lossPercent: round(stats.lossPercent),
    remoteLossPercent: stats.remoteLossPercent === undefined ? null : round(stats.remoteLossPercent),
    jitterMs: round(stats.jitterMs),
    rttMs: stats.rttMs === undefined ? null : round(stats.rttMs),
    jitterBufferMs: stats.jitterBufferMs === undefined ? null : round(stats.jitterBufferMs),
    packetsSent: stats.packetsSent,
    packetsReceived: stats.packetsReceived,
    packetsLost: stats.packetsLost,
    concealedFrames: stats.concealedFrames ?? 0,
    rating: mos === null ? 'unknown' : mos >= 4 ? 'good' : mos >= 3.6 ? 'fair' : 'poor',
  };
}

/** dBFS floored at −100: silence (−Infinity) is not JSON. */
const dbfs = (x: number): number => (Number.isFinite(x) ? Math.max(-100, round(x)) : -100);

export function levelsView(callId: string, l: AudioLevels): LevelsView {
  return { callId, inputRmsDbfs: dbfs(l.inputRmsDbfs), inputPeakDbfs: dbfs(l.inputPeakDbfs), outputRmsDbfs: dbfs(l.outputRmsDbfs), outputPeakDbfs: dbfs(l.outputPeakDbfs), inputClipped: l.inputClipped };
}
