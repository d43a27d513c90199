/**
 * Requests the transaction layer builds from an INVITE:
 * the ACK for a non-2xx final response (RFC 3261 §17.1.1.3) and CANCEL (§9.1). Both reuse the
 * INVITE's top Via (same branch), Request-URI, Call-ID, From and Route; CSeq keeps the number.
 */
import { formatCSeq } from '../message/cseq.js';
import { H } from '../message/header-kinds.js';
import { SipHeaders } from '../message/headers.js';
import { EMPTY_BODY, type SipRequest, type SipResponse } from '../message/message.js';
import { formatVia } from '../message/via.js';

function base(invite: SipRequest, method: 'ACK' | 'CANCEL', to: string): SipRequest {
  const src = invite.headers;
  const h = new SipHeaders();
  const via = src.topVia();
  if (via !== undefined) h.setTyped(H.via, [via], [formatVia(via)]);
  h.appendRaw('Max-Forwards', '70');
  for (const r of src.getAll('route')) h.appendRaw('Route', r);
  const from = src.get('from');
  if (from !== undefined) h.appendRaw('From', from);
  h.appendRaw('To', to);
  const callId = src.get('call-id');
  if (callId !== undefined) h.appendRaw('Call-ID', callId);
  const cseq = { seq: src.cseq()?.seq ?? 0, method };
  h.setTyped(H.cseq, cseq, [formatCSeq(cseq)]);
  h.appendRaw('Content-Length', '0');
  return { kind: 'request', method, uri: invite.uri, headers: h, body: EMPTY_BODY };
}

/** §17.1.1.3: To comes from the response (with its tag); everything else from the INVITE. */
export function createNon2xxAck(invite: SipRequest, response: SipResponse): SipRequest {
  return base(invite, 'ACK', response.headers.get('to') ?? invite.headers.get('to') ?? '');
}

/** §9.1: To as in the INVITE (no tag added). */
export function createCancel(invite: SipRequest): SipRequest {
  return base(invite, 'CANCEL', invite.headers.get('to') ?? '');
}
