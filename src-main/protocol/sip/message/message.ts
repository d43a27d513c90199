/**
 * SIP messages as values (RFC 3261 §7): a start line, headers (headers.ts) and a body kept as the
 * exact bytes. Requests and responses are a tagged union on `kind`.
 */
import type { SipHeaders } from './headers.js';
import type { Uri } from './uri.js';

export interface SipRequest {
  readonly kind: 'request';
  /** Case-sensitive method token (RFC 3261 §7.1). */
  readonly method: string;
  readonly uri: Uri;
  readonly headers: SipHeaders;
  readonly body: Buffer;
}

export interface SipResponse {
  readonly kind: 'response';
  /** 100..699 */
  readonly status: number;
  /** Reason-Phrase as text (may be empty, RFC 4475 §3.1.1.13). */
  readonly reason: string;
  readonly headers: SipHeaders;
  readonly body: Buffer;
}

export type SipMessage = SipRequest | SipResponse;

/** Methods of RFC 3261 and the common extensions (others are any token; compare case-sensitively). */
export const SipMethod = {
  INVITE: 'INVITE',
  ACK: 'ACK',
  BYE: 'BYE',
  CANCEL: 'CANCEL',
  OPTIONS: 'OPTIONS',
  REGISTER: 'REGISTER',
  PRACK: 'PRACK', // RFC 3262
  SUBSCRIBE: 'SUBSCRIBE', // RFC 6665
  NOTIFY: 'NOTIFY', // RFC 6665
  PUBLISH: 'PUBLISH', // RFC 3903
  INFO: 'INFO', // RFC 6086
  REFER: 'REFER', // RFC 3515
  MESSAGE: 'MESSAGE', // RFC 3428
  UPDATE: 'UPDATE', // RFC 3311
} as const;

export const EMPTY_BODY: Buffer = Buffer.alloc(0);
