import * as v from 'valibot';
import { EndCodeSchema, PartySchema } from './call.js';

/** One call in the history. */
export const HistoryEntryViewSchema = v.object({
  id: v.string(),
  accountId: v.string(),
  direction: v.picklist(['outgoing', 'incoming']),
  remote: PartySchema,
  startedAt: v.string(),
  durationSeconds: v.number(),
  answered: v.boolean(),
  /** An incoming call nobody answered. */
  missed: v.boolean(),
  outcome: EndCodeSchema,
  status: v.nullable(v.number()),
  /** How it ended, in words. */
  message: v.string(),
  /** Signalling over TLS and media over SRTP. */
  tls: v.boolean(),
  srtp: v.boolean(),
  /** What protected the call as it ran: the level, the TLS version and how the server was verified, the SRTP suite. */
  security: v.object({
    level: v.picklist(['secure', 'weaker', 'insecure', 'unknown']),
    tlsVersion: v.nullable(v.string()),
    verification: v.nullable(v.picklist(['full', 'chain-only', 'pinned', 'insecure'])),
    srtpSuite: v.nullable(v.string()),
    /** One line: "TLSv1.3, verified · SRTP AES_CM_128_HMAC_SHA1_80". */
    summary: v.string(),
  }),
});
export type HistoryEntryView = v.InferOutput<typeof HistoryEntryViewSchema>;

export const HistoryPageSchema = v.object({
  entries: v.array(HistoryEntryViewSchema),
  /** How many entries match in all (for paging). */
  total: v.number(),
  offset: v.number(),
  /** Missed calls since the history was last looked at (the badge on the nav item and the tray). */
  missedUnseen: v.number(),
});
export type HistoryPage = v.InferOutput<typeof HistoryPageSchema>;

export const HistoryQuerySchema = v.strictObject({
  offset: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0)), 0),
  limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(200)), 50),
  /** Matches the remote address or name, case-insensitive. */
  search: v.optional(v.pipe(v.string(), v.maxLength(128))),
  accountId: v.optional(v.pipe(v.string(), v.maxLength(64))),
  filter: v.optional(v.picklist(['all', 'missed', 'incoming', 'outgoing']), 'all'),
});
export const HistoryRemoveSchema = v.strictObject({ ids: v.pipe(v.array(v.pipe(v.string(), v.maxLength(256))), v.minLength(1), v.maxLength(1000)) });
export const HistoryChangedSchema = v.object({ total: v.number(), missedUnseen: v.number() });
export type HistoryChanged = v.InferOutput<typeof HistoryChangedSchema>;
