/**
 * The closed list of error codes that may cross the process boundary (DESIGN.md rule 2).
 * Errors cross as `{code, message, detail?}`; never as raw Error objects or stack traces.
 */
export const IPC_ERROR_CODES = [
  /** The payload did not match the channel's schema. */
  'invalid-payload',
  /** No such channel in the contract. */
  'unknown-channel',
  /** The caller is not the app's own renderer (wrong frame, origin or token). */
  'forbidden-sender',
  /** The thing asked for does not exist (account, call, certificate…). */
  'not-found',
  /** The request conflicts with the current state (e.g. answering a call that already ended). */
  'conflict',
  /** A policy set by IT forbids this (locked setting, insecure mode not allowed). */
  'policy-denied',
  /** The service cannot do this now (not started, shutting down, no network). */
  'unavailable',
  /** The operation took too long. */
  'timeout',
  /** A bug: the message is generic and details stay in main's log. */
  'internal',
] as const;

export type IpcErrorCode = (typeof IPC_ERROR_CODES)[number];

export interface IpcErrorPayload {
  readonly code: IpcErrorCode;
  readonly message: string;
  readonly detail?: Readonly<Record<string, string | number | boolean | null>>;
}

export function isIpcErrorCode(value: unknown): value is IpcErrorCode {
  return typeof value === 'string' && (IPC_ERROR_CODES as readonly string[]).includes(value);
}

/** What a request returns across a carrier: a value or a typed error, never a thrown exception. */
export type IpcEnvelope<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: IpcErrorPayload };

/** Raised on the calling side when main answers with an error envelope. */
export class IpcError extends Error {
  readonly code: IpcErrorCode;
  readonly detail: IpcErrorPayload['detail'];
  constructor(payload: IpcErrorPayload) {
    super(payload.message);
    this.name = 'IpcError';
    this.code = payload.code;
    this.detail = payload.detail;
  }
}
