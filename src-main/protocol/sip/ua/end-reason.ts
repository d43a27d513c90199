/**
 * Why a call ended, in a closed list the UI and the CLI show (with the SIP status when there is one).
 * Mapping of final responses per RFC 3261 §21 and common PBX practice.
 */
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

export interface EndReason {
  readonly code: EndCode;
  readonly status?: number;
  /** One sentence for people. */
  readonly text: string;
}

export function endReasonForStatus(status: number, reasonPhrase: string, warning?: string): EndReason {
  const detail = warning === undefined ? '' : ` (${warning})`;
  switch (status) {
    case 486:
    case 600:
      return { code: 'busy', status, text: 'The other party is busy.' };
    case 603:
    case 607:
      return { code: 'declined', status, text: 'The call was declined.' };
    case 480:
      return { code: 'unavailable', status, text: 'The other party is not available right now.' };
    case 404:
    case 484:
    case 604:
      return { code: 'not-found', status, text: 'That number or address does not exist.' };
    case 408:
      return { code: 'no-answer', status, text: 'Nobody answered.' };
    case 487:
      return { code: 'cancelled', status, text: 'The call was cancelled.' };
    case 488:
    case 606:
      return { code: 'media-refused', status, text: `The other side refused the call's media${detail || ' (no common codec or encryption)'}.` };
    case 401:
    case 407:
      return { code: 'auth-failed', status, text: 'The phone system refused the account credentials for this call.' };
    case 403:
      return { code: 'forbidden', status, text: 'The phone system does not allow this call.' };
    case 503:
      return { code: 'transport', status, text: 'The phone system could not be reached.' };
    default:
      return { code: 'failed', status, text: `The call failed: ${status} ${reasonPhrase}${detail}.`.replace(' .', '.') };
  }
}
