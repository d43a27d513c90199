import * as v from 'valibot';

/** The voicemail indicator of one account (RFC 3842 message-summary). */
export const VoicemailViewSchema = v.object({
  accountId: v.string(),
  waiting: v.boolean(),
  newMessages: v.number(),
  oldMessages: v.number(),
  urgentNew: v.number(),
  /** The mailbox to call, when the server names one. */
  mailbox: v.nullable(v.string()),
  updatedAt: v.string(),
});
export type VoicemailView = v.InferOutput<typeof VoicemailViewSchema>;
