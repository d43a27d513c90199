/** HistoryEntryView: one call of the history, with how it ended in words. */
import type { HistoryEntryView } from '../../../../src-shared/model/history.js';
import { END_CODES, type EndCodeName } from '../../../../src-shared/model/call.js';
import type { CallRecord } from '../call-history.js';
import { endReasonWords } from './end-reason-words.js';
import { partyView } from './party-view.js';

export function endCode(outcome: string): EndCodeName {
  return (END_CODES as readonly string[]).includes(outcome) ? (outcome as EndCodeName) : 'failed';
}

/** An incoming call nobody answered (the caller gave up, or Do not disturb refused it). */
export function isMissed(direction: 'incoming' | 'outgoing', answered: boolean, outcome: EndCodeName): boolean {
  return direction === 'incoming' && !answered && (outcome === 'missed' || outcome === 'cancelled' || outcome === 'no-answer' || outcome === 'do-not-disturb');
}

export function toHistoryEntryView(r: CallRecord): HistoryEntryView {
  const outcome = endCode(r.outcome);
  return {
    id: r.id,
    accountId: r.accountId,
    direction: r.direction,
    remote: partyView(r.remote, r.remoteName),
    startedAt: r.startedAt,
    durationSeconds: r.durationSeconds,
    answered: r.answered,
    missed: isMissed(r.direction, r.answered, outcome),
    outcome,
    status: r.status ?? null,
    message: endReasonWords(outcome, r.direction, r.status),
    tls: r.tls,
    srtp: r.srtp,
    security: historySecurity(r),
  };
}

const VERIFIED: Readonly<Record<string, string>> = { full: 'verified', 'chain-only': 'chain-only (weaker)', pinned: 'pinned', insecure: 'not verified' };

function historySecurity(r: CallRecord): HistoryEntryView['security'] {
  const s = r.security;
  if (s === undefined) {
    // Older records kept only whether TLS and SRTP were in use.
    return { level: 'unknown', tlsVersion: null, verification: null, srtpSuite: null, summary: `${r.tls ? 'TLS' : 'No TLS'} · ${r.srtp ? 'SRTP' : 'no SRTP'}` };
  }
  const tls = s.tlsVersion === null ? (r.tls ? 'TLS' : 'Signalling not encrypted') : `${s.tlsVersion}${s.verification === null ? '' : `, ${VERIFIED[s.verification] ?? s.verification}`}`;
  const media = s.srtpSuite === null ? (r.answered ? 'audio not encrypted' : 'no audio') : `SRTP ${s.srtpSuite}`;
  return { level: s.level === 'pending' ? 'unknown' : s.level, tlsVersion: s.tlsVersion, verification: s.verification, srtpSuite: s.srtpSuite, summary: `${tls} · ${media}` };
}
