/** HistoryEntryView: one call of the history, with how it ended in words. */
import type { HistoryEntryView } from '../../../../src-shared/model/history.js';
import { END_CODES, type EndCodeName } from '../../../../src-shared/model/call.js';
import type { CallRecord } from '../call-history.js';
import { endReasonWords } from './end-reason-words.js';
import { partyView } from './party-view.js';

function endCode(outcome: string): EndCodeName {
  return (END_CODES as readonly string[]).includes(outcome) ? (outcome as EndCodeName) : 'failed';
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
    missed: r.direction === 'incoming' && !r.answered && (outcome === 'missed' || outcome === 'cancelled' || outcome === 'no-answer'),
    outcome,
    status: r.status ?? null,
    message: endReasonWords(outcome, r.direction, r.status),
    tls: r.tls,
    srtp: r.srtp,
  };
}
