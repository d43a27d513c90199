/** Dialog identification (RFC 3261 §12): Call-ID, local tag and remote tag. */
import type { SipRequest, SipResponse } from '../message/message.js';
import { tagOf } from '../message/name-addr.js';

export interface DialogId {
  readonly callId: string;
  readonly localTag: string;
  readonly remoteTag: string;
}

export function dialogKey(id: DialogId): string {
  return `${id.callId}\u0000${id.localTag}\u0000${id.remoteTag}`;
}

/** The dialog a response to our request belongs to (UAC view: local = From tag, remote = To tag). */
export function dialogIdOfResponse(response: SipResponse): DialogId | undefined {
  const h = response.headers;
  const callId = h.callId();
  const localTag = h.from() && tagOf(h.from()!);
  const remoteTag = h.to() && tagOf(h.to()!);
  return callId === undefined || localTag === undefined || remoteTag === undefined ? undefined : { callId, localTag, remoteTag };
}

/** The dialog an incoming request belongs to (UAS view: local = To tag, remote = From tag); undefined without a To tag. */
export function dialogIdOfRequest(request: SipRequest): DialogId | undefined {
  const h = request.headers;
  const callId = h.callId();
  const localTag = h.to() && tagOf(h.to()!);
  const remoteTag = h.from() && tagOf(h.from()!);
  return callId === undefined || localTag === undefined || remoteTag === undefined ? undefined : { callId, localTag, remoteTag };
}
