/**
 * The port through which a call reaches its media (RFC 3264 offer/answer): the call moves SDP text
 * and outcomes, the media layer (src-main/media/call-media.ts CallMedia) builds and judges them.
 */
import type { Result } from '../../../base/result.js';
import type { SipRequest, SipResponse } from '../message/message.js';
import type { Direction } from '../../sdp/session-description.js';

export interface SdpHandler {
  createOffer(direction?: Direction): Result<string, SdpFailure>;
  applyAnswer(sdp: Uint8Array | string): Result<unknown, SdpFailure>;
  answerOffer(sdp: Uint8Array | string, direction?: Direction): Result<{ readonly sdp: string }, SdpFailure>;
}

export interface SdpFailure {
  readonly code: string;
  /** The media layer's technical text (may go into a SIP Warning header on the wire). */
  readonly message: string;
  readonly sipStatus?: 488 | 400;
}

/** A body is SDP when it says so, or says nothing (RFC 3261 §20.15 default for INVITE bodies). */
export function carriesSdp(message: SipRequest | SipResponse): boolean {
  if (message.body.length === 0) return false;
  const ct = message.headers.contentType();
  return ct === undefined || (ct.type.toLowerCase() === 'application' && ct.subtype.toLowerCase() === 'sdp');
}

/** The Warning for a refused offer (RFC 3261 §20.43, code 399 "miscellaneous"), quotes made safe. */
export function mediaWarning(failure: SdpFailure): [string, string] {
  return ['Warning', `399 softphone "${failure.message.replace(/"/g, "'").slice(0, 200)}"`];
}
