/**
 * Transaction identification.
 * Client side, RFC 3261 §17.1.3: the response's top Via branch and its CSeq method.
 * Server side, RFC 3261 §17.2.3: branch + sent-by + method (ACK matches INVITE) when the branch has
 * the magic cookie; otherwise the RFC 2543 rules (Request-URI, From tag, Call-ID, CSeq, top Via,
 * and for ACK the To tag of the response). RFC 4475 §3.2.1: a bare "z9hG4bK" falls back to RFC 2543.
 */
import { randomToken, type Rng } from '../../../base/rng.js';
import { hostAddress } from '../message/host.js';
import type { SipRequest, SipResponse } from '../message/message.js';
import { tagOf } from '../message/name-addr.js';
import { formatUri } from '../message/uri.js';
import { BRANCH_MAGIC_COOKIE, formatVia, isRfc3261Branch, type Via } from '../message/via.js';

/** A new globally unique branch (RFC 3261 §8.1.1.7): the magic cookie plus 96 random bits. */
export function generateBranch(rng: Rng): string {
  return BRANCH_MAGIC_COOKIE + randomToken(rng, 12);
}

export function clientKey(branch: string, method: string): string {
  return `${branch}\u0000${method}`;
}

/** The client key a response belongs to, or undefined when it has no usable top Via branch or CSeq. */
export function clientKeyOfResponse(response: SipResponse): string | undefined {
  const branch = response.headers.topVia()?.branch;
  const cseq = response.headers.cseq();
  return branch === undefined || cseq === undefined ? undefined : clientKey(branch, cseq.method);
}

function sentBy(via: Via): string {
  return `${hostAddress(via.host)}:${via.port ?? ''}`;
}

/**
 * The server key of a request for the transaction it would create or match, with `method` standing
 * for the transaction's method (INVITE for an ACK or a CANCEL's target). Undefined when RFC 2543
 * matching applies.
 */
export function serverKey(request: SipRequest, method: string = request.method === 'ACK' ? 'INVITE' : request.method): string | undefined {
  const via = request.headers.topVia();
  if (via === undefined || !isRfc3261Branch(via.branch)) return undefined;
  return `${via.branch}\u0000${sentBy(via)}\u0000${method}`;
}

/** RFC 2543 (§17.2.3 last paragraphs) identification, excluding the To tag of ACKs (checked apart). */
export function legacyServerKey(request: SipRequest, method: string = request.method === 'ACK' ? 'INVITE' : request.method): string {
  const h = request.headers;
  const from = h.from();
  const to = h.to();
  const via = h.topVia();
  const toTag = request.method === 'ACK' || method !== request.method ? '' : (to && tagOf(to)) ?? '';
  return [formatUri(request.uri), (from && tagOf(from)) ?? '', h.callId() ?? '', h.cseq()?.seq ?? '', method, via === undefined ? '' : formatVia(via), toTag].join('\u0000');
}

/** §8.2.2.2 merged requests: From tag, Call-ID and CSeq of a request without a To tag. */
export function mergeKey(request: SipRequest): string | undefined {
  const h = request.headers;
  const to = h.to();
  if (to === undefined || tagOf(to) !== undefined) return undefined;
  const from = h.from();
  const cseq = h.cseq();
  if (from === undefined || cseq === undefined) return undefined;
  return [tagOf(from) ?? '', h.callId() ?? '', cseq.seq, cseq.method].join('\u0000');
}
