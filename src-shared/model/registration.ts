import * as v from 'valibot';
import { ProblemSchema } from '../ipc/errors.js';
import { TlsVerifyModeSchema, TransportSchema } from './account.js';

/** How a TLS server was verified, and how much that is worth (certificate-report levels). */
export const SecurityLevelSchema = v.picklist(['secure', 'weaker', 'insecure', 'failed']);
export type SecurityLevel = v.InferOutput<typeof SecurityLevelSchema>;

/** The signalling connection (flow) an account uses now. */
export const FlowViewSchema = v.object({
  transport: TransportSchema,
  /** The server's address and port as connected (`203.0.113.7:5061`). */
  remote: v.string(),
  /** TLS only: negotiated version and cipher (IANA name), and how the server was verified. */
  tlsVersion: v.nullable(v.string()),
  cipher: v.nullable(v.string()),
  verification: v.nullable(TlsVerifyModeSchema),
  level: v.picklist(['secure', 'weaker', 'insecure', 'plaintext']),
  /** Plain words when the hop is less than fully secure (chain-only, plain TCP/UDP). */
  warning: v.nullable(v.string()),
  /** Whether SRTP keys (SDES) may travel on this hop. */
  keysAllowed: v.boolean(),
  /** Servers tried before this one, and why they were skipped ("203.0.113.8:5061: expired"). */
  skipped: v.array(v.string()),
});
export type FlowView = v.InferOutput<typeof FlowViewSchema>;

export const RegistrationStateSchema = v.picklist(['unregistered', 'connecting', 'registered', 'failed']);
export type RegistrationStateName = v.InferOutput<typeof RegistrationStateSchema>;

/** One account's registration as the accounts list shows it. */
export const RegistrationViewSchema = v.object({
  accountId: v.string(),
  state: RegistrationStateSchema,
  /** When the current state began (ISO 8601). */
  since: v.string(),
  /** Registered: when the binding runs out unless refreshed (ISO 8601), and the granted seconds. */
  expiresAt: v.nullable(v.string()),
  expiresSeconds: v.nullable(v.number()),
  /** The flow in use (connected), or null. */
  flow: v.nullable(FlowViewSchema),
  /** Failed: the typed failure in plain words with the fix. */
  failure: v.nullable(ProblemSchema),
  /** Failed: when the phone tries again by itself (ISO 8601), or null when it waits for you. */
  nextRetryAt: v.nullable(v.string()),
  /** What is happening while connecting ("connecting to 203.0.113.7:5061 (1 of 2)"). */
  progress: v.nullable(v.string()),
  /**
   * The server's chain runs out within 30 days (or has): the soonest certificate, the threshold
   * crossed (30, 14, 7; 0 once expired) and the words. Drives the account badge and the daily
   * notification.
   */
  certificateExpiry: v.nullable(
    v.object({ subject: v.string(), daysLeft: v.number(), threshold: v.picklist([30, 14, 7, 0]), message: v.string() }),
  ),
});
export type RegistrationView = v.InferOutput<typeof RegistrationViewSchema>;
