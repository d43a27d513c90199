import * as v from 'valibot';
import { ProblemSchema } from '../ipc/errors.js';
import { SrtpPolicySchema, SrtpSuiteNameSchema } from './account.js';
import { SecurityLevelSchema } from './registration.js';

/**
 * Trust and diagnostics (issue 13): the SIP message log, the TLS event log, the SDP negotiation
 * explained for a pasted offer, and the diagnostics bundle. Everything here is masked in main
 * before it is built: digest responses, cnonces, passwords and SDES keys never cross the door.
 */

const AccountId = v.pipe(v.string(), v.minLength(1), v.maxLength(64));

/** One SIP message as sent or received by an account's flow (masked). */
export const SipLogEntryViewSchema = v.object({
  /** Increasing per phone run: the renderer orders and de-duplicates by it. */
  seq: v.number(),
  /** ISO 8601 with milliseconds. */
  time: v.string(),
  accountId: v.string(),
  direction: v.picklist(['sent', 'received']),
  /** The peer (`203.0.113.7:5061`) and the transport. */
  remote: v.string(),
  transport: v.string(),
  /** `INVITE sips:bob@pbx.example.com SIP/2.0` or `SIP/2.0 200 OK`. */
  firstLine: v.string(),
  /** Request method, or the CSeq method of a response. */
  method: v.string(),
  /** Response status, null for requests. */
  status: v.nullable(v.number()),
  callId: v.nullable(v.string()),
  bytes: v.number(),
  /** The whole message, secrets masked (Authorization values, digest responses, SDES keys). */
  text: v.string(),
});
export type SipLogEntryView = v.InferOutput<typeof SipLogEntryViewSchema>;

export const SipLogQuerySchema = v.strictObject({
  accountId: v.optional(AccountId),
  /** Only the messages of one call: its CallView.id, or its SIP Call-ID (as SipLogPage.calls and entries give it). */
  callId: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(256))),
  /** Newest N (default 500). */
  limit: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(5000)), 500),
});
export type SipLogQuery = v.InferOutput<typeof SipLogQuerySchema>;

export const SipLogPageSchema = v.object({
  entries: v.array(SipLogEntryViewSchema),
  /** Messages no longer kept (the log keeps the newest few thousand per account). */
  dropped: v.number(),
  /** Calls seen in the log (by SIP Call-ID), newest first, for the filter. */
  calls: v.array(v.object({ callId: v.string(), accountId: v.string(), firstLine: v.string(), time: v.string() })),
});
export type SipLogPage = v.InferOutput<typeof SipLogPageSchema>;

export const SipLogExportSchema = v.object({ text: v.string(), count: v.number(), fileName: v.string() });

/** One TLS connection attempt of an account's flow (connected, re-verified on reconnect, failed). */
export const TlsEventViewSchema = v.object({
  seq: v.number(),
  time: v.string(),
  accountId: v.string(),
  kind: v.picklist(['connected', 'reconnected', 'failed']),
  domain: v.string(),
  address: v.string(),
  port: v.number(),
  sni: v.nullable(v.string()),
  mode: v.string(),
  tlsVersion: v.nullable(v.string()),
  cipher: v.nullable(v.string()),
  level: SecurityLevelSchema,
  revocation: v.string(),
  /** How long the handshake took, when known. */
  durationMs: v.nullable(v.number()),
  chain: v.array(v.object({ subject: v.string(), fingerprintSha256: v.string(), notAfter: v.string() })),
  /** One line: "TLSv1.3 TLS_AES_256_GCM_SHA384, verified (full) · 2 certificates". */
  summary: v.string(),
  problem: v.nullable(ProblemSchema),
});
export type TlsEventView = v.InferOutput<typeof TlsEventViewSchema>;
export const TlsEventListSchema = v.object({ events: v.array(TlsEventViewSchema) });

/** `diagnostics.explainSdp`: a pasted SDP offer and the account policy to judge it by. */
export const ExplainSdpSchema = v.strictObject({
  sdp: v.pipe(v.string(), v.minLength(1), v.maxLength(65_536)),
  policy: v.optional(SrtpPolicySchema, 'mandatory'),
  /** The SIP hop the offer came over: SDES keys are accepted only over TLS (unless allowInsecure). */
  transport: v.optional(v.picklist(['tls', 'tcp', 'udp']), 'tls'),
  allowInsecure: v.optional(v.boolean(), false),
  suites: v.optional(v.pipe(v.array(SrtpSuiteNameSchema), v.minLength(1))),
});
export type ExplainSdp = v.InferOutput<typeof ExplainSdpSchema>;

export const CryptoLineViewSchema = v.object({
  tag: v.number(),
  suite: v.string(),
  verdict: v.string(),
  /** Why this line was or was not taken, in words. */
  reason: v.string(),
  chosen: v.boolean(),
});

export const SdpExplanationSchema = v.object({
  /** answer: we would answer; refused: 488 (or 400 for an unparseable offer). */
  status: v.picklist(['answer', 'refused']),
  statusCode: v.nullable(v.number()),
  /** Our answer with SDES keys masked, or null when refused. */
  answer: v.nullable(v.string()),
  /** The outcome in one sentence. */
  summary: v.string(),
  streams: v.array(
    v.object({
      media: v.string(),
      /** The closed reason code of the negotiator (srtp-negotiated, policy-off, no-acceptable-crypto…). */
      reason: v.string(),
      /** The reason in words. */
      why: v.string(),
      encrypted: v.boolean(),
      suite: v.nullable(v.string()),
      offered: v.array(CryptoLineViewSchema),
    }),
  ),
  warnings: v.array(v.string()),
  /** The offer could not be read (the parse error, in words). */
  problem: v.nullable(ProblemSchema),
});
export type SdpExplanation = v.InferOutput<typeof SdpExplanationSchema>;

/** `diagnostics.writeBundle`: one zip for IT with everything needed to diagnose, masked by construction. */
export const BundleRequestSchema = v.strictObject({
  /** Only this account's trace and events (default: every account). */
  accountId: v.optional(AccountId),
});
export const BundleResultSchema = v.object({
  /** Where the zip was written (the user-data folder's diagnostics/ by default). */
  path: v.string(),
  bytes: v.number(),
  createdAt: v.string(),
  files: v.array(v.object({ name: v.string(), bytes: v.number() })),
});
export type BundleResult = v.InferOutput<typeof BundleResultSchema>;

/** Trust actions of the certificate panel, each refused with a policy error where IT forbids it. */
export const TrustCaSchema = v.strictObject({
  accountId: AccountId,
  /** The certificate of the account's last chain to trust as a CA (an intermediate/root, or a self-signed server certificate). */
  fingerprintSha256: v.pipe(v.string(), v.minLength(32), v.maxLength(128)),
});
export const PinSchema = v.strictObject({
  accountId: AccountId,
  /** key: the server's public key (survives renewal with the same key); certificate: this exact certificate. */
  what: v.picklist(['key', 'certificate']),
});
export const ChainOnlySchema = v.strictObject({
  accountId: AccountId,
  /** The person read the warning (the renderer shows it before asking). */
  acknowledgeWeaker: v.literal(true),
});

/** What the panel may offer for an account, as policy decides (the renderer never decides it). */
export const TrustActionsViewSchema = v.object({
  trustCa: v.boolean(),
  pin: v.boolean(),
  chainOnly: v.boolean(),
  exportPem: v.boolean(),
  /** Why some are not offered (IT's words), or null. */
  reason: v.nullable(v.string()),
});
export type TrustActionsView = v.InferOutput<typeof TrustActionsViewSchema>;
