/**
 * Building requests and responses from typed values.
 * Requests: RFC 3261 §8.1.1 (mandatory headers, in the customary order).
 * Responses: RFC 3261 §8.2.6 (copy Via, From, To, Call-ID, CSeq; add a To tag; §12.1.1 copy
 * Record-Route into dialog-creating responses).
 */
import { formatCSeq } from './cseq.js';
import { H } from './header-kinds.js';
import { SipHeaders } from './headers.js';
import { EMPTY_BODY, type SipRequest, type SipResponse } from './message.js';
import { formatNameAddr, tagOf, type NameAddr } from './name-addr.js';
import { withParam } from './parameters.js';
import { defaultReasonPhrase } from './reason-phrases.js';
import type { Uri } from './uri.js';
import { formatVia, type Via } from './via.js';

export type HeaderList = ReadonlyArray<readonly [string, string]>;

export interface RequestInit {
  readonly method: string;
  readonly uri: Uri;
  readonly via: readonly Via[];
  readonly from: NameAddr;
  readonly to: NameAddr;
  readonly callId: string;
  readonly cseq: number;
  /** Defaults to 70 (RFC 3261 §8.1.1.6). */
  readonly maxForwards?: number;
  readonly route?: readonly NameAddr[];
  readonly contact?: readonly NameAddr[];
  /** Other headers, appended in order before Content-Type. */
  readonly headers?: HeaderList;
  readonly body?: Uint8Array | string;
  readonly contentType?: string;
}

export function createRequest(init: RequestInit): SipRequest {
  const h = new SipHeaders();
  if (init.via.length > 0) h.setTyped(H.via, init.via, init.via.map(formatVia));
  h.setTyped(H.maxForwards, init.maxForwards ?? 70, [String(init.maxForwards ?? 70)]);
  if (init.route !== undefined && init.route.length > 0) h.setTyped(H.route, init.route, init.route.map(formatNameAddr));
  h.setTyped(H.from, init.from, [formatNameAddr(init.from)]);
  h.setTyped(H.to, init.to, [formatNameAddr(init.to)]);
  h.setTyped(H.callId, init.callId, [init.callId]);
  const cseq = { seq: init.cseq, method: init.method };
  h.setTyped(H.cseq, cseq, [formatCSeq(cseq)]);
  if (init.contact !== undefined && init.contact.length > 0) h.setTyped(H.contact, init.contact, init.contact.map(formatNameAddr));
  for (const [n, v] of init.headers ?? []) h.append(n, v);
  const body = toBody(init.body);
  if (init.contentType !== undefined) h.set('Content-Type', init.contentType);
  h.setTyped(H.contentLength, body.length, [String(body.length)]);
  return { kind: 'request', method: init.method, uri: init.uri, headers: h, body };
}

export interface ResponseOptions {
  /** Added to To when the request's To has no tag and status > 100 (RFC 3261 §8.2.6.2). */
  readonly toTag?: string;
  readonly contact?: readonly NameAddr[];
  readonly headers?: HeaderList;
  readonly body?: Uint8Array | string;
  readonly contentType?: string;
}

export function createResponse(request: SipRequest, status: number, reason?: string, options: ResponseOptions = {}): SipResponse {
  const src = request.headers;
  const h = new SipHeaders();
  for (const v of src.getAll('via')) h.appendRaw('Via', v);
  if (status > 100 && status < 300) for (const v of src.getAll('record-route')) h.appendRaw('Record-Route', v);
  const from = src.get('from');
  if (from !== undefined) h.appendRaw('From', from);
  const to = src.to();
  if (to !== undefined) {
    if (status > 100 && options.toTag !== undefined && tagOf(to) === undefined) {
      const tagged: NameAddr = { ...to, params: withParam(to.params, 'tag', options.toTag) };
      h.setTyped(H.to, tagged, [formatNameAddr(tagged)]);
    } else h.appendRaw('To', src.get('to')!);
  }
  const callId = src.get('call-id');
  if (callId !== undefined) h.appendRaw('Call-ID', callId);
  const cseq = src.get('cseq');
  if (cseq !== undefined) h.appendRaw('CSeq', cseq);
  // RFC 3261 §8.2.6.1: a 100 (Trying) echoes Timestamp.
  if (status === 100) for (const v of src.getAll('timestamp')) h.appendRaw('Timestamp', v);
  if (options.contact !== undefined && options.contact.length > 0) h.setTyped(H.contact, options.contact, options.contact.map(formatNameAddr));
  for (const [n, v] of options.headers ?? []) h.append(n, v);
  const body = toBody(options.body);
  if (options.contentType !== undefined) h.set('Content-Type', options.contentType);
  h.setTyped(H.contentLength, body.length, [String(body.length)]);
  return { kind: 'response', status, reason: reason ?? defaultReasonPhrase(status), headers: h, body };
}

function toBody(body: Uint8Array | string | undefined): Buffer {
  if (body === undefined) return EMPTY_BODY;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  return Buffer.isBuffer(body) ? body : Buffer.from(body);
}
