/**
 * A dialog, RFC 3261 §12 (with §13.2.2.4 for ACK to 2xx, §14 for target refresh, §15 for BYE):
 *
 *   Early ──2xx──▶ Confirmed ──BYE sent/received, 481/408, terminate()──▶ Terminated
 *     └──non-2xx final to the dialog-creating INVITE, 481/408──▶ Terminated
 *
 * Created from a 1xx with a To tag (Early) or a 2xx (Confirmed): on the UAC side from the response
 * (§12.1.2: route set = Record-Route reversed, remote target = Contact of the response), on the UAS
 * side from the request and the response sent (§12.1.1: route set = Record-Route in order, remote
 * target = Contact of the request). Requests within the dialog are built per §12.2.1.1.
 */
import { Emitter, type Event } from '../../../base/event.js';
import type { Rng } from '../../../base/rng.js';
import { createRequest, type HeaderList } from '../message/builders.js';
import type { SipRequest, SipResponse } from '../message/message.js';
import { tagOf, type NameAddr } from '../message/name-addr.js';
import type { Uri } from '../message/uri.js';
import type { Via } from '../message/via.js';
import { dialogKey, type DialogId } from './dialog-id.js';
import { routeRequest } from './route-set.js';

export type DialogState = 'Early' | 'Confirmed' | 'Terminated';

export interface DialogStateChange {
  readonly from: DialogState;
  readonly to: DialogState;
  readonly cause: string;
}

/** Methods whose requests and 2xx responses refresh the remote target (§12.2, RFC 3311 §5.1, RFC 6665 §4.1.1). */
const TARGET_REFRESH = new Set(['INVITE', 'UPDATE', 'SUBSCRIBE', 'NOTIFY', 'REFER']);

interface DialogInit {
  readonly role: 'uac' | 'uas';
  readonly id: DialogId;
  readonly state: 'Early' | 'Confirmed';
  readonly localUri: Uri;
  readonly remoteUri: Uri;
  readonly remoteTarget: Uri;
  readonly routeSet: readonly NameAddr[];
  readonly localSeq: number | undefined;
  readonly remoteSeq: number | undefined;
  readonly secure: boolean;
}

export interface InDialogRequestOptions {
  /** The top Via, with a fresh branch (transaction/transaction-key.ts generateBranch). */
  readonly via: Via;
  readonly contact?: NameAddr;
  readonly headers?: HeaderList;
  readonly body?: Uint8Array | string;
  readonly contentType?: string;
  readonly maxForwards?: number;
}

export class Dialog {
  readonly role: 'uac' | 'uas';
  readonly id: DialogId;
  readonly localUri: Uri;
  readonly remoteUri: Uri;
  /** §12.1.1/§12.1.2: true when the dialog was set up over sips: (requests must stay on TLS). */
  readonly secure: boolean;
  private current: DialogState;
  private target: Uri;
  private routes: readonly NameAddr[];
  private local: number | undefined;
  private remote: number | undefined;
  private readonly stateEmitter = new Emitter<DialogStateChange>();
  readonly onStateChange: Event<DialogStateChange> = this.stateEmitter.event;

  private constructor(init: DialogInit) {
    this.role = init.role;
    this.id = init.id;
    this.current = init.state;
    this.localUri = init.localUri;
    this.remoteUri = init.remoteUri;
    this.target = init.remoteTarget;
    this.routes = init.routeSet;
    this.local = init.localSeq;
    this.remote = init.remoteSeq;
    this.secure = init.secure;
  }

  /**
   * UAC side, §12.1.2: a dialog from a response with a To tag to our dialog-creating request
   * (1xx except 100 → Early, 2xx → Confirmed). Undefined when the response creates none.
   */
  static fromResponse(request: SipRequest, response: SipResponse): Dialog | undefined {
    const h = response.headers;
    const remoteTag = h.to() && tagOf(h.to()!);
    const localTag = request.headers.from() && tagOf(request.headers.from()!);
    const callId = request.headers.callId();
    const contact = h.contact()[0];
    if (response.status <= 100 || response.status >= 300 || remoteTag === undefined || localTag === undefined || callId === undefined) return undefined;
    if (contact === undefined) return undefined; // §12.1.2: the Contact gives the remote target
    return new Dialog({
      role: 'uac',
      id: { callId, localTag, remoteTag },
      state: response.status < 200 ? 'Early' : 'Confirmed',
      localUri: request.headers.from()!.uri,
      remoteUri: request.headers.to()!.uri,
      remoteTarget: contact.uri,
      routeSet: [...h.recordRoute()].reverse(),
      localSeq: request.headers.cseq()?.seq,
      remoteSeq: undefined,
      secure: request.uri.kind === 'sip' && request.uri.scheme === 'sips',
    });
  }

  /**
   * UAS side, §12.1.1: a dialog from a dialog-creating request and the response we send
   * (101-199 with a To tag → Early, 2xx → Confirmed).
   */
  static fromRequest(request: SipRequest, response: SipResponse): Dialog | undefined {
    const h = request.headers;
    const localTag = response.headers.to() && tagOf(response.headers.to()!);
    const remoteTag = h.from() && tagOf(h.from()!);
    const callId = h.callId();
    const contact = h.contact()[0];
    if (response.status <= 100 || response.status >= 300 || localTag === undefined || remoteTag === undefined || callId === undefined || contact === undefined) return undefined;
    return new Dialog({
      role: 'uas',
      id: { callId, localTag, remoteTag },
      state: response.status < 200 ? 'Early' : 'Confirmed',
      localUri: h.to()!.uri,
      remoteUri: h.from()!.uri,
      remoteTarget: contact.uri,
      routeSet: h.recordRoute(),
      localSeq: undefined,
      remoteSeq: h.cseq()?.seq,
      secure: request.uri.kind === 'sip' && request.uri.scheme === 'sips',
    });
  }

  get key(): string {
    return dialogKey(this.id);
  }
  get state(): DialogState {
    return this.current;
  }
  get remoteTarget(): Uri {
    return this.target;
  }
  get routeSet(): readonly NameAddr[] {
    return this.routes;
  }
  get localSeq(): number | undefined {
    return this.local;
  }
  get remoteSeq(): number | undefined {
    return this.remote;
  }

  /** The URI whose address the request goes to (RFC 3263 input): first Route, else the Request-URI. */
  nextHop(): Uri {
    const r = routeRequest(this.routes, this.target);
    return r.route[0]?.uri ?? r.requestUri;
  }

  /**
   * §12.2.1.1: a request within the dialog. CSeq is the local sequence number plus one (initialised
   * randomly below 2^31 when empty, §8.1.1.5); ACK and CANCEL are not built here (createAck, and
   * CANCEL belongs to the transaction layer).
   */
  createRequest(method: string, options: InDialogRequestOptions, rng?: Rng): SipRequest {
    if (method === 'ACK' || method === 'CANCEL') throw new Error(`${method} is not built with createRequest`);
    if (this.current === 'Terminated') throw new Error('dialog terminated');
    const seq = this.local === undefined ? initialSeq(rng) : (this.local + 1) >>> 0;
    this.local = seq;
    return this.build(method, seq, options);
  }

  /** §13.2.2.4: the ACK for a 2xx to `invite` (same CSeq number, method ACK; a new branch in `via`). */
  createAck(invite: SipRequest, options: InDialogRequestOptions): SipRequest {
    const seq = invite.headers.cseq()?.seq ?? this.local ?? 0;
    return this.build('ACK', seq, options);
  }

  private build(method: string, seq: number, options: InDialogRequestOptions): SipRequest {
    const { requestUri, route } = routeRequest(this.routes, this.target);
    return createRequest({
      method,
      uri: requestUri,
      via: [options.via],
      from: { displayName: undefined, uri: this.localUri, params: [{ name: 'tag', value: this.id.localTag }] },
      to: { displayName: undefined, uri: this.remoteUri, params: [{ name: 'tag', value: this.id.remoteTag }] },
      callId: this.id.callId,
      cseq: seq,
      maxForwards: options.maxForwards,
      route,
      contact: options.contact === undefined ? undefined : [options.contact],
      headers: options.headers,
      body: options.body,
      contentType: options.contentType,
    });
  }

  /**
   * §12.2.2: an incoming request within this dialog. 'out-of-order' (answer 500, §12.2.2) when its
   * CSeq is lower than the remote sequence number; ACK and CANCEL are not sequence-checked.
   * A target refresh request updates the remote target; BYE terminates the dialog (§15.1.2).
   */
  receiveRequest(request: SipRequest): 'accepted' | 'out-of-order' {
    const cseq = request.headers.cseq();
    if (request.method !== 'ACK' && request.method !== 'CANCEL' && cseq !== undefined) {
      if (this.remote !== undefined && cseq.seq < this.remote) return 'out-of-order';
      this.remote = cseq.seq;
    }
    if (TARGET_REFRESH.has(request.method)) {
      const contact = request.headers.contact()[0];
      if (contact !== undefined) this.target = contact.uri;
    }
    if (request.method === 'BYE') this.transition('Terminated', 'BYE received');
    return 'accepted';
  }

  /**
   * A response to a request we sent in (or to create) this dialog, UAC side.
   * 2xx to INVITE: Early → Confirmed, route set recomputed and remote target refreshed (§13.2.2.4);
   * 2xx to another target refresh: remote target refreshed (§12.2.1.2);
   * 481 or 408: the dialog ends (§12.2.1.2); a non-2xx final to the INVITE that created an early
   * dialog ends it (§13.2.2.3).
   */
  receiveResponse(request: SipRequest, response: SipResponse): void {
    const status = response.status;
    if (status === 481 || status === 408) {
      this.transition('Terminated', `${status} received`);
      return;
    }
    const contact = response.headers.contact()[0];
    if (status >= 200 && status < 300) {
      if (TARGET_REFRESH.has(request.method) && contact !== undefined) this.target = contact.uri;
      if (request.method === 'INVITE' && this.current === 'Early') {
        if (this.role === 'uac') this.routes = [...response.headers.recordRoute()].reverse();
        this.transition('Confirmed', `${status} received`);
      }
      if (request.method === 'BYE') this.transition('Terminated', 'BYE answered');
      return;
    }
    if (status >= 101 && status < 200 && this.current === 'Early' && contact !== undefined) {
      this.target = contact.uri; // §12.1.2: reliable provisionals (and in practice any) update the early target
      return;
    }
    if (status >= 300 && request.method === 'INVITE' && this.current === 'Early') this.transition('Terminated', `${status} to the INVITE`);
  }

  /** UAS side: the TU sent `response` to a request in this dialog (2xx to INVITE confirms; non-2xx final ends an early dialog). */
  sentResponse(request: SipRequest, response: SipResponse): void {
    if (request.method !== 'INVITE' || this.current !== 'Early') return;
    if (response.status >= 200 && response.status < 300) this.transition('Confirmed', `sent ${response.status}`);
    else if (response.status >= 300) this.transition('Terminated', `sent ${response.status}`);
  }

  /** Ends the dialog (BYE sent, §15.1.1, or the TU gave up). */
  terminate(cause = 'terminated by the TU'): void {
    this.transition('Terminated', cause);
  }

  private transition(to: DialogState, cause: string): void {
    const from = this.current;
    if (from === to || from === 'Terminated') return;
    this.current = to;
    this.stateEmitter.fire({ from, to, cause });
    if (to === 'Terminated') this.stateEmitter.dispose();
  }
}

/** §8.1.1.5: an initial CSeq below 2^31. */
function initialSeq(rng: Rng | undefined): number {
  return rng === undefined ? 1 : (rng.uint32() & 0x7fffffff) || 1;
}
