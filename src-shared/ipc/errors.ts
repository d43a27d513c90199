import * as v from 'valibot';

/**
 * The closed list of error codes that may cross the service boundary (DESIGN.md rule 2, "codes,
 * not sentences, below services"). Every failure a request returns, and every failure a view
 * model shows (a registration that failed, a certificate verdict, a refused call action), carries
 * one of these codes with its plain message and fix hint, made once in main
 * (src-main/services/problems/problem-catalog.ts, ready for i18n). Groups are disjoint (a test
 * checks it); a code is never reused with another meaning.
 */

/** The door itself: the request never reached a service, or a bug. */
export const IPC_ERROR_CODES = [
  /** The payload did not match the channel's schema. */
  'invalid-payload',
  /** No such channel in the contract. */
  'unknown-channel',
  /** The caller is not the app's own renderer (wrong frame, origin or token). */
  'forbidden-sender',
  /** A bug: the message is generic and details stay in main's log. */
  'internal',
] as const;

/** The request was understood but cannot be done as asked. */
export const GENERAL_ERROR_CODES = [
  /** The thing asked for does not exist (account, call, history entry…). */
  'not-found',
  /** The request conflicts with the current state. */
  'conflict',
  /** The service cannot do this now (shutting down, no network). */
  'unavailable',
  /** The user or the app cancelled the operation. */
  'cancelled',
] as const;

/** Input that passed the schema but is not usable. */
export const VALIDATION_ERROR_CODES = [
  /** A dial string that is neither a number nor a sip:/sips:/tel: address. */
  'invalid-target',
  /** An account whose address, server or proxy cannot be used. */
  'invalid-account',
  /** A value out of its range (a volume, a duration). */
  'invalid-value',
  /** An account with this id exists already. */
  'account-exists',
] as const;

/** IT's policy (provisioning) forbids it. */
export const POLICY_ERROR_CODES = [
  /** The action is not allowed by policy. */
  'policy-denied',
  /** The setting is locked by the administrator. */
  'setting-locked',
  /** A provisioning document was refused whole (the field named); the previous good one stays in force. */
  'provisioning-refused',
] as const;

/** Registration outcomes (RFC 3261 §10). */
export const REGISTRATION_ERROR_CODES = [
  'registration-auth-failed',
  'registration-forbidden',
  'registration-timeout',
  'registration-transport',
  'registration-interval-too-brief',
  'registration-rejected',
  'registration-server-error',
] as const;

/** Call actions that cannot be done now, and failures inside a call. */
export const CALL_ERROR_CODES = [
  'call-not-ringing',
  'call-not-connected',
  'call-change-pending',
  'call-transfer-pending',
  'call-no-connection',
  'call-invalid-digit',
  'call-media-not-ready',
  'call-no-consultation',
  'call-hold-refused',
  'call-resume-refused',
  'call-hold-answer-unusable',
  'call-dtmf-refused',
  'call-transfer-refused',
  'call-account-not-connected',
] as const;

/**
 * Connection and certificate failures of SIP over TLS/TCP/UDP (the seed's "Common Error Messages"
 * and the rest the engine knows), spelled as `softphone tls-check --json` prints them.
 */
export const TLS_ERROR_CODES = [
  'expired',
  'not-yet-valid',
  'unknown-authority',
  'incomplete-chain',
  'self-signed',
  'invalid-chain',
  'hostname-mismatch',
  'pin-mismatch',
  'revoked',
  'revocation-unknown',
  'weak-key',
  'weak-signature',
  'protocol-version',
  'handshake-failure',
  'not-tls',
  'client-cert-required',
  'client-cert-rejected',
  'client-cert-invalid',
  'client-cert-password',
  'insecure-not-allowed',
  'policy-violation',
  'connection-refused',
  'connection-reset',
  'host-unreachable',
  'timeout',
  'dns-failure',
  'no-targets',
  'flow-closed',
  'aborted',
  /** A CA file of the account cannot be read. */
  'ca-file-unreadable',
  /** The client certificate or key file cannot be read. */
  'client-cert-unreadable',
] as const;

/** Media negotiation and RTP (the call's audio path). */
export const MEDIA_ERROR_CODES = [
  'media-insecure-signalling',
  'media-no-codecs',
  'media-bad-config',
  'media-unparseable-sdp',
  'media-not-acceptable',
  'media-count-mismatch',
  'media-no-media',
  'media-socket-failed',
] as const;

/** Sound devices. */
export const AUDIO_ERROR_CODES = ['audio-unavailable', 'audio-device-not-found', 'audio-format-unsupported', 'audio-open-failed', 'audio-device-lost', 'audio-io-error', 'audio-echo-cancellation-unavailable'] as const;

/** What the phone keeps on disk. */
export const STORAGE_ERROR_CODES = [
  'storage-read-failed',
  'storage-write-failed',
  'storage-corrupt',
  /** The account's password is not kept on this computer (no keyring): it is asked for at each start. */
  'password-not-stored',
] as const;

export const ERROR_CODE_GROUPS = {
  ipc: IPC_ERROR_CODES,
  general: GENERAL_ERROR_CODES,
  validation: VALIDATION_ERROR_CODES,
  policy: POLICY_ERROR_CODES,
  registration: REGISTRATION_ERROR_CODES,
  call: CALL_ERROR_CODES,
  tls: TLS_ERROR_CODES,
  media: MEDIA_ERROR_CODES,
  audio: AUDIO_ERROR_CODES,
  storage: STORAGE_ERROR_CODES,
} as const;

export type ErrorGroup = keyof typeof ERROR_CODE_GROUPS;
export type ErrorCode = (typeof ERROR_CODE_GROUPS)[ErrorGroup][number];
export type TlsProblemCode = (typeof TLS_ERROR_CODES)[number];

export const ERROR_CODES: readonly ErrorCode[] = Object.values(ERROR_CODE_GROUPS).flat();

/**
 * The TLS codes that are about the server's certificate or the handshake itself (not the network):
 * the certificate panel explains them, and no screen offers to save or connect "anyway" past them.
 */
export const CERTIFICATE_PROBLEM_CODES: readonly TlsProblemCode[] = [
  'expired',
  'not-yet-valid',
  'unknown-authority',
  'incomplete-chain',
  'self-signed',
  'invalid-chain',
  'hostname-mismatch',
  'pin-mismatch',
  'revoked',
  'revocation-unknown',
  'weak-key',
  'weak-signature',
  'protocol-version',
  'handshake-failure',
  'not-tls',
  'insecure-not-allowed',
  'policy-violation',
];

export const ErrorCodeSchema = v.picklist(ERROR_CODES as [ErrorCode, ...ErrorCode[]]);

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** Context of a problem: flat and small, never a secret (ids, statuses, file names, SIP codes). */
export const ProblemDetailSchema = v.record(v.pipe(v.string(), v.maxLength(64)), v.nullable(v.union([v.pipe(v.string(), v.maxLength(500)), v.number(), v.boolean()])));

/**
 * A failure as people see it: the code for programs, a plain sentence, and what to do about it.
 * The shape of request errors and of every failure inside a view model.
 */
export const ProblemSchema = v.object({
  code: ErrorCodeSchema,
  message: v.string(),
  hint: v.nullable(v.string()),
  detail: v.optional(ProblemDetailSchema),
});
export type Problem = v.InferOutput<typeof ProblemSchema>;
export type ProblemDetail = v.InferOutput<typeof ProblemDetailSchema>;

/** What crosses the door for a failed request. */
export type IpcErrorPayload = Problem;

/** What a request returns across a carrier: a value or a typed error, never a thrown exception. */
export type IpcEnvelope<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: IpcErrorPayload };

/** Raised on the calling side when main answers with an error envelope. */
export class IpcError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | null;
  readonly detail: ProblemDetail | undefined;
  constructor(payload: IpcErrorPayload) {
    super(payload.message);
    this.name = 'IpcError';
    this.code = payload.code;
    this.hint = payload.hint;
    this.detail = payload.detail;
  }
}
