/**
 * The user agent core of one account (RFC 3261 §8.2 UAS behaviour, §12.2.2 in-dialog routing):
 * routes requests from the transaction layer to registration, calls and subscriptions, answers
 * what nobody else does (OPTIONS §11.2, 481 for unknown dialogs §12.2.2, 405 with Allow §8.2.1,
 * 422 for too-short session timers RFC 4028 §8.1, 482 for merged requests via the transaction
 * layer), and owns the voicemail subscription (RFC 3842).
 */
import type { Clock } from '../../../base/clock.js';
import { DisposableStore, type Disposable } from '../../../base/disposable.js';
import { Emitter, type Event } from '../../../base/event.js';
import type { Logger } from '../../../base/logger.js';
import type { Result } from '../../../base/result.js';
import { createRequest, createResponse } from '../message/builders.js';
import type { SipRequest } from '../message/message.js';
import { tagOf } from '../message/name-addr.js';
import type { Uri } from '../message/uri.js';
import { dialogIdOfRequest, dialogIdOfResponse, dialogKey } from '../dialog/dialog-id.js';
import type { IncomingAck, IncomingRequest, StrayResponse } from '../transaction/transaction-layer.js';
import type { InviteServerTransaction } from '../transaction/invite-server-transaction.js';
import { DEFAULT_TIMERS } from '../transaction/timer-values.js';
import { CallSession, type CallSessionOptions, type SdpFailure, type SdpHandler } from './call-session.js';
import { parseMessageSummary, type MessageSummary } from './message-summary.js';
import { parseReplaces } from './replaces.js';
import { subscriptionRefreshMs } from './peer-durations.js';
import { outcomeStatus } from './request-sender.js';
import type { UaStack } from './ua-stack.js';

export interface IncomingCallOffer {
  readonly call: CallSession;
  /** The INVITE carried Replaces for this existing call (attended transfer, RFC 3891): answer it automatically. */
  readonly replaces?: CallSession;
}

export interface UserAgentOptions {
  readonly stack: UaStack;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly sessionExpires: number;
  /** Creates the media of an incoming call before it rings; undefined means 488/500 is answered. */
  readonly mediaForIncoming: (request: SipRequest) => SdpHandler | undefined;
  /** Incoming calls in progress at once (ringing or up); beyond, 486 Busy Here (default DEFAULT_MAX_INCOMING_CALLS). */
  readonly maxIncomingCalls?: number;
  /** Calls (dialogs) tracked at once, ended ones still absorbing retransmissions included; beyond, 503 (default DEFAULT_MAX_CALLS). */
  readonly maxCalls?: number;
}

/** A person answers a few calls at a time; a peer offering more is refused before any media exists. */
export const DEFAULT_MAX_INCOMING_CALLS = 8;
/** Ended calls linger 64·T1 to absorb retransmissions; a flood of INVITE+CANCEL must not pile them up. */
export const DEFAULT_MAX_CALLS = 64;
/** Retry-After (seconds) of the 503 an INVITE gets when the call table is full. */
const CALLS_FULL_RETRY_AFTER_S = 32;

export class UserAgent implements Disposable {
  private readonly calls = new Map<string, CallSession>();
  private readonly store = new DisposableStore();
  private readonly incomingEmitter = new Emitter<IncomingCallOffer>();
  private readonly mwiEmitter = new Emitter<MessageSummary>();
  /** A new incoming call, already answered 100 Trying; ring() / answer() / decline() it. */
  readonly onIncomingCall: Event<IncomingCallOffer> = this.incomingEmitter.event;
  readonly onMessageSummary: Event<MessageSummary> = this.mwiEmitter.event;
  private mwi: { callId: string; tag: string; cseq: number; timer: Disposable | undefined; active: boolean } | undefined;

  constructor(private readonly options: UserAgentOptions) {
    const layer = options.stack.transactions;
    this.store.add(layer.onRequest((r) => this.receiveRequest(r)));
    this.store.add(layer.onAck((a) => this.receiveAck(a)));
    this.store.add(layer.onStrayResponse((r) => this.strayResponse(r)));
  }

  get activeCalls(): CallSession[] {
    return [...this.calls.values()].filter((c) => !c.isEnded);
  }

  call(id: string): CallSession | undefined {
    return this.calls.get(id);
  }

  /** Starts an outgoing call; media is created by the caller and handed in. */
  startCall(target: Uri, media: SdpHandler, extraHeaders: readonly (readonly [string, string])[] = []): Result<CallSession, SdpFailure> {
    const session = CallSession.outgoing(target, this.sessionOptions(media), extraHeaders);
    if (session.ok) this.track(session.value);
    return session;
  }

  // ------------------------------------------------------------------------------------------
  // Voicemail (RFC 3842 / RFC 6665)

  /** Subscribes to message-summary for our AOR; refreshes before expiry. */
  subscribeVoicemail(expires = 3600): void {
    const stack = this.options.stack;
    const mwi = this.mwi ?? { callId: stack.newCallId(), tag: stack.newTag(), cseq: 1, timer: undefined, active: true };
    this.mwi = mwi;
    mwi.active = true;
    stack.send(
      () =>
        createRequest({
          method: 'SUBSCRIBE',
          uri: stack.identity.aor,
          via: [stack.via()],
          from: stack.fromAddress(mwi.tag),
          to: { displayName: undefined, uri: stack.identity.aor, params: [] },
          callId: mwi.callId,
          cseq: mwi.cseq++,
          contact: [stack.contact()],
          headers: [
            ['Event', 'message-summary'],
            ['Accept', 'application/simple-message-summary'],
            ['Expires', String(expires)],
            ['Allow', stack.allow],
          ],
        }),
      {
        final: (o) => {
          const status = outcomeStatus(o);
          if (status < 300 && o.kind === 'response') {
            const granted = o.response.headers.expires() ?? expires;
            mwi.timer?.dispose();
            // Within bounds (peer-durations.ts): a grant of 1 s or of 2^32-1 s neither storms nor stops.
            if (granted > 0 && mwi.active) mwi.timer = this.options.clock.setTimer(subscriptionRefreshMs(granted), () => this.subscribeVoicemail(expires));
            return;
          }
          // 489/404/405/501: the server has no voicemail events; do not insist.
          this.options.logger.info('voicemail subscription not available', { status });
          mwi.active = false;
        },
      },
    );
  }

  // ------------------------------------------------------------------------------------------
  // Incoming

  private receiveRequest(incoming: IncomingRequest): void {
    const { request, transaction } = incoming;
    if (incoming.cancels !== undefined) {
      // §9.2: 200 to the CANCEL, 487 to the INVITE (done by the call).
      transaction.respond(createResponse(request, 200, 'OK'));
      const call = [...this.calls.values()].find((c) => c.callId === request.headers.callId() && c.direction === 'incoming');
      call?.cancelledByPeer();
      return;
    }
    const toTag = request.headers.to() === undefined ? undefined : tagOf(request.headers.to()!);
    if (toTag !== undefined) {
      const id = dialogIdOfRequest(request);
      const key = id === undefined ? undefined : dialogKey(id);
      const call = key === undefined ? undefined : [...this.calls.values()].find((c) => c.ownsDialog(key));
      if (call !== undefined && !call.isEnded) {
        call.receiveRequest(request, transaction);
        return;
      }
      if (request.method === 'NOTIFY' && this.isMwiNotify(request)) {
        this.receiveMwiNotify(request, transaction);
        return;
      }
      // §12.2.2: a request for a dialog we do not know.
      transaction.respond(createResponse(request, 481, 'Call/Transaction Does Not Exist'));
      return;
    }
    switch (request.method) {
      case 'INVITE':
        this.receiveInvite(request, transaction as InviteServerTransaction, incoming);
        return;
      case 'OPTIONS':
        transaction.respond(
          createResponse(request, 200, 'OK', {
            headers: [
              ['Allow', this.options.stack.allow],
              ['Accept', 'application/sdp'],
              ['Supported', 'replaces, timer, outbound'],
              ['User-Agent', this.options.stack.userAgent],
            ],
          }),
        );
        return;
      case 'NOTIFY':
        // Unsolicited MWI (Asterisk, FreeSWITCH) arrives outside any subscription dialog.
        if (this.isMwiNotify(request)) {
          this.receiveMwiNotify(request, transaction);
          return;
        }
        transaction.respond(createResponse(request, 489, 'Bad Event'));
        return;
      case 'MESSAGE':
        transaction.respond(createResponse(request, 415, 'Unsupported Media Type'));
        return;
      case 'BYE':
      case 'INFO':
      case 'REFER':
      case 'UPDATE':
        transaction.respond(createResponse(request, 481, 'Call/Transaction Does Not Exist'));
        return;
      default:
        transaction.respond(createResponse(request, 405, 'Method Not Allowed', { headers: [['Allow', this.options.stack.allow]] }));
    }
  }

  private receiveInvite(request: SipRequest, transaction: InviteServerTransaction, incoming: IncomingRequest): void {
    const respond = (status: number, reason?: string, headers?: [string, string][]): void => {
      transaction.respond(createResponse(request, status, reason, { toTag: this.options.stack.newTag(), ...(headers === undefined ? {} : { headers }) }));
    };
    const ct = request.headers.contentType();
    if (request.body.length > 0 && ct !== undefined && !(ct.type.toLowerCase() === 'application' && ct.subtype.toLowerCase() === 'sdp')) {
      respond(415, 'Unsupported Media Type', [['Accept', 'application/sdp']]);
      return;
    }
    const require = (request.headers.get('require') ?? '').split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
    const unsupported = require.filter((r) => r !== 'timer' && r !== 'replaces');
    if (unsupported.length > 0) {
      respond(420, 'Bad Extension', [['Unsupported', unsupported.join(', ')]]);
      return;
    }
    if (CallSession.rejectSmallInterval(request, (r) => transaction.respond(r))) return;
    // Caps (issue 15), checked before any media (no RTP socket) exists for the call.
    if (this.calls.size >= (this.options.maxCalls ?? DEFAULT_MAX_CALLS)) {
      this.options.logger.warn('call table full: 503', { calls: this.calls.size });
      respond(503, 'Service Unavailable', [['Retry-After', String(CALLS_FULL_RETRY_AFTER_S)]]);
      return;
    }
    if (this.liveIncoming() >= (this.options.maxIncomingCalls ?? DEFAULT_MAX_INCOMING_CALLS)) {
      this.options.logger.info('too many incoming calls: 486', { incoming: this.liveIncoming() });
      respond(486, 'Busy Here');
      return;
    }
    let replaces: CallSession | undefined;
    const replacesHeader = request.headers.get('replaces');
    if (replacesHeader !== undefined) {
      const target = parseReplaces(replacesHeader);
      replaces = target === undefined ? undefined : [...this.calls.values()].find((c) => !c.isEnded && c.dialogId?.callId === target.callId && c.dialogId.localTag === target.toTag && c.dialogId.remoteTag === target.fromTag);
      if (replaces === undefined) {
        respond(481, 'Call/Transaction Does Not Exist');
        return;
      }
    }
    const media = this.options.mediaForIncoming(request);
    if (media === undefined) {
      respond(480, 'Temporarily Unavailable');
      return;
    }
    const call = CallSession.incoming(request, transaction, incoming.source, this.sessionOptions(media));
    this.track(call);
    this.incomingEmitter.fire({ call, ...(replaces === undefined ? {} : { replaces }) });
  }

  private liveIncoming(): number {
    let n = 0;
    for (const c of this.calls.values()) if (c.direction === 'incoming' && !c.isEnded) n++;
    return n;
  }

  private receiveAck(incoming: IncomingAck): void {
    const id = dialogIdOfRequest(incoming.ack);
    if (id === undefined) return;
    const key = dialogKey(id);
    const call = [...this.calls.values()].find((c) => c.ownsDialog(key));
    call?.ackReceived(incoming.ack);
  }

  /** A 2xx retransmission after the INVITE transaction ended: ACK again through the call. */
  private strayResponse(stray: StrayResponse): void {
    const id = dialogIdOfResponse(stray.response);
    const status = stray.response.status;
    if (id === undefined || stray.response.headers.cseq()?.method !== 'INVITE' || status < 200 || status >= 300) return;
    const key = dialogKey(id);
    const call = [...this.calls.values()].find((c) => c.ownsDialog(key));
    if (call !== undefined) call.ackRetransmitted2xx(stray.response);
    else this.options.logger.debug('2xx for an unknown dialog ignored', { status });
  }

  private isMwiNotify(request: SipRequest): boolean {
    return (request.headers.get('event') ?? '').split(';')[0]!.trim().toLowerCase() === 'message-summary';
  }

  private receiveMwiNotify(request: SipRequest, transaction: IncomingRequest['transaction']): void {
    transaction.respond(createResponse(request, 200, 'OK'));
    const summary = parseMessageSummary(request.body.toString('utf8'));
    if (summary !== undefined) this.mwiEmitter.fire(summary);
  }

  private sessionOptions(media: SdpHandler): CallSessionOptions {
    return { stack: this.options.stack, media, clock: this.options.clock, logger: this.options.logger.child('call'), sessionExpires: this.options.sessionExpires };
  }

  private track(call: CallSession): void {
    this.calls.set(call.id + (call.direction === 'incoming' ? ':in' : ':out'), call);
    call.onEvent((e) => {
      if (e.kind === 'state' && e.state.kind === 'ended') {
        // Keep ended calls briefly to absorb retransmissions (64·T1, §17.1.1.2), then forget them.
        const timer = this.store.add(
          this.options.clock.setTimer(64 * DEFAULT_TIMERS.T1, () => {
            this.store.delete(timer);
            for (const [k, c] of this.calls) if (c === call) this.calls.delete(k);
            call.dispose();
          }),
        );
      }
    });
  }

  /** Ends everything: calls get BYE/CANCEL, the voicemail subscription stops. */
  shutdown(): void {
    for (const c of this.calls.values()) c.hangup();
    if (this.mwi !== undefined) {
      this.mwi.active = false;
      this.mwi.timer?.dispose();
    }
  }

  dispose(): void {
    this.shutdown();
    for (const c of this.calls.values()) c.dispose();
    this.calls.clear();
    this.store.dispose();
    this.incomingEmitter.dispose();
    this.mwiEmitter.dispose();
  }
}
