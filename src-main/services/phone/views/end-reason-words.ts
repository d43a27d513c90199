/**
 * Why a call ended, in words (the call screen and the history), from the closed end codes of
 * protocol/sip/ua/end-reason.ts and the SIP status when there was one (RFC 3261 §21).
 */
import type { EndCodeName, EndReasonView } from '../../../../src-shared/model/call.js';

const WORDS: Readonly<Record<EndCodeName, { readonly incoming?: string; readonly outgoing?: string; readonly any: string }>> = {
  'hangup-local': { any: 'You hung up.' },
  'hangup-remote': { any: 'The other party hung up.' },
  cancelled: { outgoing: 'You cancelled the call.', any: 'The call was cancelled.' },
  missed: { any: 'The caller hung up before you answered.' },
  'do-not-disturb': { any: 'Refused while Do not disturb was on.' },
  busy: { incoming: 'You were busy.', any: 'The other party is busy.' },
  declined: { incoming: 'You declined the call.', any: 'The call was declined.' },
  unavailable: { any: 'The other party is not available right now.' },
  'not-found': { any: 'That number or address does not exist.' },
  'no-answer': { any: 'Nobody answered.' },
  'media-refused': { any: 'The call’s audio could not be agreed (no common codec or encryption).' },
  'auth-failed': { any: 'The phone system refused the account credentials for this call.' },
  forbidden: { any: 'The phone system does not allow this call.' },
  transferred: { any: 'The call was transferred.' },
  replaced: { any: 'The call was replaced by a transferred call.' },
  'session-expired': { any: 'The call was lost: the other side stopped confirming it (session timer).' },
  transport: { any: 'The connection to the phone system failed.' },
  failed: { any: 'The call failed.' },
};

export function endReasonWords(code: EndCodeName, direction: 'incoming' | 'outgoing', status: number | undefined): string {
  const w = WORDS[code];
  const text = (direction === 'incoming' ? w.incoming : w.outgoing) ?? w.any;
  return code === 'failed' && status !== undefined ? `The call failed (${status}).` : text;
}

export function endReasonView(reason: { readonly code: EndCodeName; readonly status?: number }, direction: 'incoming' | 'outgoing'): EndReasonView {
  return { code: reason.code, status: reason.status ?? null, message: endReasonWords(reason.code, direction, reason.status) };
}
