import type { VoicemailView } from '../../../../src-shared/model/voicemail.js';
import type { MessageSummary } from '../../../protocol/sip/ua/message-summary.js';

/** The voicemail indicator (RFC 3842) of one account. */
export function toVoicemailView(accountId: string, s: MessageSummary, at: number): VoicemailView {
  return { accountId, waiting: s.waiting, newMessages: s.newMessages, oldMessages: s.oldMessages, urgentNew: s.urgentNew, mailbox: s.account ?? null, updatedAt: new Date(at).toISOString() };
}
