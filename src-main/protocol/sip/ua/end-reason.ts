/**
 * Why a call ended, as codes from closed lists (DESIGN.md "codes, not sentences, below services"):
 * the words are made once, in the services' view mappers. Mapping of final responses per
 * RFC 3261 §21 and common PBX practice; the peer's own words (reason phrase, Warning §20.43,
 * Reason RFC 3326) travel verbatim as wire data.
 */
import { boundedPeerText } from './peer-text.js';

export type EndCode =
  | 'hangup-local'
  | 'hangup-remote'
  | 'cancelled'
  | 'missed'
  | 'busy'
  | 'declined'
  | 'unavailable'
  | 'not-found'
  | 'no-answer'
  | 'media-refused'
  | 'auth-failed'
  | 'forbidden'
  | 'transferred'
  | 'replaced'
  | 'session-expired'
  | 'transport'
  | 'failed';

/** A finer cause for the ends we decide ourselves. */
export type EndCause =
  /** We answered and no ACK came (§13.3.1.4, §17.2.1 Timer H). */
  | 'no-ack'
  /** A 2xx without a usable dialog (no To tag or Contact, §12.1.2). */
  | 'malformed-answer'
  /** The answer to our offer carried no SDP (2xx §13.2.1, or the ACK for an offer in our 2xx). */
  | 'no-answer-sdp'
  /** The peer's answer cannot be used by our media (§13.2.2.4: ACK, then BYE). */
  | 'answer-not-acceptable'
  /** The peer's offer cannot be answered (488/400 with a Warning, RFC 3261 §13.3.1.3). */
  | 'offer-not-acceptable'
  /** No flow to send on, or the flow failed (§8.1.3.1: treated as 503). */
  | 'no-connection'
  /** Timer B fired: nothing answered the INVITE (§17.1.1.2, treated as 408). */
  | 'timeout'
  /** We cancelled and no final response came in time (CANCEL_GIVE_UP_MS). */
  | 'cancel-timeout'
  /** RFC 4028 §10: the refresher never refreshed. */
  | 'session-not-refreshed'
  /** Our in-dialog request got 481/408: the dialog no longer exists (§12.2.1.2). */
  | 'dialog-gone';

export interface EndReason {
  readonly code: EndCode;
  /** The SIP status that ended the call, when one did. */
  readonly status?: number;
  /** The peer's reason phrase / Warning / Reason header text, verbatim (wire data, at most 200 chars). */
  readonly peerText?: string;
  readonly cause?: EndCause;
  /** SdpFailure.code when media caused the end. */
  readonly mediaCode?: string;
  /** DigestError.code when our credentials for the call were refused. */
  readonly digestCode?: string;
}

/** Peer text as an optional field: absent when empty, bounded (peer-text.ts). */
export function peerText(text: string | undefined): { readonly peerText?: string } {
  const t = boundedPeerText(text);
  return t === undefined ? {} : { peerText: t };
}

/** The end of a call refused with a final response (§21); `warning` is the Warning or Reason header. */
export function endReasonForStatus(status: number, reasonPhrase: string, warning?: string): EndReason {
  return { code: endCodeForStatus(status), status, ...peerText(warning ?? reasonPhrase) };
}

function endCodeForStatus(status: number): EndCode {
  switch (status) {
    case 486:
    case 600:
      return 'busy';
    case 603:
    case 607:
      return 'declined';
    case 480:
      return 'unavailable';
    case 404:
    case 484:
    case 604:
      return 'not-found';
    case 408:
      return 'no-answer';
    case 487:
      return 'cancelled';
    case 488:
    case 606:
      return 'media-refused';
    case 401:
    case 407:
      return 'auth-failed';
    case 403:
      return 'forbidden';
    case 503:
      return 'transport';
    default:
      return 'failed';
  }
}
