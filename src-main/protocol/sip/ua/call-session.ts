/**
 * One call (an INVITE dialog usage), RFC 3261 §12–§15 with RFC 3264 offer/answer, RFC 4028 session
 * timers, RFC 3515 REFER, RFC 3891 Replaces, and SIP INFO DTMF. This is the facade: creation, the
 * call's phase and its public projection, in-dialog request dispatch, BYE and disposal.
 *
 *   setup ─2xx ACKed→ active ─BYE (§15)→ ended
 *     └─────────────failure / CANCEL / decline──────→ ended
 *
 * The setup phases are outgoing-call-setup.ts (calling, ringing, cancelling) and
 * incoming-call-setup.ts (incoming, answering); while active, call-reinvite.ts (hold, re-INVITE,
 * UPDATE, glare), call-transfer.ts (REFER/NOTIFY) and call-session-timer.ts (RFC 4028) add to it.
 * Media is behind the SdpHandler port: the session only moves SDP text and outcomes.
 */
import type { Clock } from '../../../base/clock.js';
import { DisposableStore, toDisposable, type Disposable } from '../../../base/disposable.js';
import { Emitter, type Event } from '../../../base/event.js';
import type { Logger } from '../../../base/logger.js';
import { err, ok, type Result } from '../../../base/result.js';
import { Dialog } from '../dialog/dialog.js';
import { dialogKey, type DialogId } from '../dialog/dialog-id.js';
import { createResponse, type HeaderList } from '../message/builders.js';
import type { SipRequest, SipResponse } from '../message/message.js';
import type { NameAddr } from '../message/name-addr.js';
import type { Uri } from '../message/uri.js';
import type { InviteServerTransaction } from '../transaction/invite-server-transaction.js';
import { DEFAULT_TIMERS } from '../transaction/timer-values.js';
import type { ServerTransaction } from '../transaction/transaction-layer.js';
import type { TransportAddress } from '../transaction/transport-port.js';
import { SUPPORTED, type CallContext, type CallNotice } from './call-context.js';
import { CallReinvite } from './call-reinvite.js';
import { CallSessionTimer } from './call-session-timer.js';
import { sameCallState, type CallActionError, type CallDirection, type CallEvent, type CallState } from './call-state.js';
import { CallTransfer } from './call-transfer.js';
import { CallDtmfInfo } from './call-dtmf-info.js';
import { isDtmfDigit } from './dtmf-info.js';
import { peerText, type EndReason } from './end-reason.js';
import { IncomingCallSetup } from './incoming-call-setup.js';
import { OutgoingCallSetup } from './outgoing-call-setup.js';
import type { SdpFailure, SdpHandler } from './sdp-handler.js';
import type { UaStack } from './ua-stack.js';

export type { CallActionError, CallActionErrorCode, CallChange, CallDirection, CallErrorCode, CallEvent, CallState, TransferMode } from './call-state.js';
export type { EndCause, EndCode, EndReason } from './end-reason.js';
export type { SdpFailure, SdpHandler } from './sdp-handler.js';

export interface CallSessionOptions {
  readonly stack: UaStack;
  readonly media: SdpHandler;
  readonly clock: Clock;
  readonly logger: Logger;
  /** RFC 4028 interval we ask for (seconds). */
  readonly sessionExpires: number;
}

type CallPhase =
  /** Before the 2xx is ACKed: the setup's own phases show. */
  | { readonly kind: 'setup' }
  | { readonly kind: 'active' }
  | { readonly kind: 'ended'; readonly reason: EndReason };

export class CallSession implements Disposable {
  readonly id: string;
  private phase: CallPhase = { kind: 'setup' };
  private current: CallState;
  private readonly emitter = new Emitter<CallEvent>();
  readonly onEvent: Event<CallEvent> = this.emitter.event;
  private dialog: Dialog | undefined;
  /** Every timer of the call; disposed (and refusing new ones) when the call ends. */
  private readonly timers = new DisposableStore();
  private readonly ctx: CallContext;
  private readonly setup: OutgoingCallSetup | IncomingCallSetup;
  private readonly reinvite: CallReinvite;
  private readonly transfers: CallTransfer;
  private readonly dtmf: CallDtmfInfo;
  private readonly sessionTimer: CallSessionTimer;

  private constructor(
    readonly direction: CallDirection,
    readonly remote: NameAddr,
    readonly callId: string,
    private readonly opts: CallSessionOptions,
    setup: (ctx: CallContext) => OutgoingCallSetup | IncomingCallSetup,
  ) {
    this.id = callId;
    this.sessionTimer = new CallSessionTimer((ms, fn) => this.timer(ms, fn), {
      refresh: () => this.reinvite.refresh(),
      expire: () => {
        if (this.phase.kind === 'active') this.bye({ code: 'session-expired', cause: 'session-not-refreshed' });
      },
    });
    this.ctx = this.context();
    this.reinvite = new CallReinvite(this.ctx);
    this.transfers = new CallTransfer(this.ctx);
    this.dtmf = new CallDtmfInfo(this.ctx);
    this.setup = setup(this.ctx);
    this.current = this.project();
  }

  // ------------------------------------------------------------------------------------------
  // Creation

  /** Starts an outgoing call to `target` (INVITE with our offer, §13.2.1). */
  static outgoing(target: Uri, opts: CallSessionOptions, extraHeaders: HeaderList = []): Result<CallSession, SdpFailure> {
    const offer = opts.media.createOffer('sendrecv');
    if (!offer.ok) return offer;
    const localTag = opts.stack.newTag();
    const call = new CallSession('outgoing', { displayName: undefined, uri: target, params: [] }, opts.stack.newCallId(), opts, (ctx) => new OutgoingCallSetup(ctx, target, localTag, offer.value, extraHeaders));
    if (call.setup.direction === 'outgoing') call.setup.start(opts.sessionExpires);
    return ok(call);
  }

  /** An incoming INVITE (no To tag) with its server transaction (§13.3). */
  static incoming(request: SipRequest, transaction: InviteServerTransaction, source: TransportAddress, opts: CallSessionOptions): CallSession {
    const from = request.headers.from()!;
    const localTag = opts.stack.newTag();
    const call = new CallSession('incoming', { displayName: from.displayName, uri: from.uri, params: [] }, request.headers.callId() ?? opts.stack.newCallId(), opts, (ctx) => new IncomingCallSetup(ctx, request, transaction, source, localTag));
    // §17.2.1 Timer H: our final response was never ACKed.
    transaction.onTimeout(() => call.end({ code: 'failed', status: 408, cause: 'no-ack' }));
    return call;
  }

  /** Rejects an INVITE whose Session-Expires is below our Min-SE (RFC 4028 §8.1); true when it did. */
  static rejectSmallInterval(request: SipRequest, respond: (r: SipResponse) => void): boolean {
    return CallSessionTimer.rejectSmallInterval(request, respond);
  }

  // ------------------------------------------------------------------------------------------
  // What the call is

  get state(): CallState {
    return this.current;
  }

  /** The media handler this call negotiates with. */
  get media(): SdpHandler {
    return this.opts.media;
  }

  /** The dialog id once there is a dialog (for Replaces and routing). */
  get dialogId(): DialogId | undefined {
    return this.dialog?.id;
  }

  get dialogKey(): string | undefined {
    return this.dialog === undefined ? undefined : dialogKey(this.dialog.id);
  }

  /** True when this session owns the dialog with this key (confirmed or early). */
  ownsDialog(key: string): boolean {
    if (this.dialog !== undefined && this.dialog.key === key) return true;
    return this.setup.direction === 'outgoing' && this.setup.ownsEarlyDialog(key);
  }

  get isEnded(): boolean {
    return this.phase.kind === 'ended';
  }

  /** For logs and the refresher role in tests. */
  get sessionTimerInfo(): { interval: number; weRefresh: boolean } | undefined {
    return this.sessionTimer.info;
  }

  /** The INVITE server transaction's source, for responses routing in tests. */
  get source(): TransportAddress | undefined {
    return this.setup.direction === 'incoming' ? this.setup.source : undefined;
  }

  // ------------------------------------------------------------------------------------------
  // Setup (delegated while the call is not up yet)

  /** Sends 180 Ringing (creates the early dialog, §13.3.1.1). */
  ring(): void {
    if (this.phase.kind === 'setup' && this.setup.direction === 'incoming') this.setup.ring();
  }

  /** Answers the incoming call (200 OK with our answer, or our offer for an offer-less INVITE). */
  answer(): Result<void, CallActionError> {
    if (this.phase.kind !== 'setup' || this.setup.direction !== 'incoming') return err({ code: 'not-ringing' });
    return this.setup.answer();
  }

  /** Declines a ringing call: 486 Busy Here or 603 Decline (§21.4.7, §21.6.2). */
  decline(status: 486 | 603 | 480 = 603): void {
    if (this.phase.kind === 'setup' && this.setup.direction === 'incoming') this.setup.decline(status);
  }

  /** The caller cancelled (CANCEL matched our INVITE server transaction, §9.2). */
  cancelledByPeer(): void {
    if (this.phase.kind === 'setup' && this.setup.direction === 'incoming') this.setup.cancelledByPeer();
  }

  /** An ACK in our dialog (§13.3.1.4): for our 2xx to the INVITE, or to a re-INVITE. */
  ackReceived(ack: SipRequest): void {
    switch (this.phase.kind) {
      case 'setup':
        if (this.setup.direction === 'incoming') this.setup.ackReceived(ack);
        return;
      case 'active':
        this.reinvite.ackReceived(ack);
        return;
      case 'ended':
        return;
    }
  }

  /** A 2xx retransmission that arrived after the INVITE transaction ended (§13.2.2.4: ACK it again). */
  ackRetransmitted2xx(response: SipResponse): void {
    if (this.setup.direction === 'outgoing') this.setup.ackRetransmitted2xx(response);
  }

  // ------------------------------------------------------------------------------------------
  // Local actions

  /** Ends the call in whatever state it is in (CANCEL §9.1, 603 §21.6.2, or BYE §15.1.1). */
  hangup(): void {
    switch (this.phase.kind) {
      case 'setup':
        if (this.setup.direction === 'outgoing') this.setup.cancel();
        else this.setup.hangup({ code: 'hangup-local' });
        return;
      case 'active':
        this.bye({ code: 'hangup-local' });
        return;
      case 'ended':
        return;
    }
  }

  /** Puts the call on hold (re-INVITE with sendonly, RFC 3264 §8.4) or resumes it. */
  setHold(hold: boolean): Result<void, CallActionError> {
    if (this.phase.kind !== 'active') return err({ code: 'not-connected' });
    return this.reinvite.setHold(hold);
  }

  /** Transfers the call (REFER, RFC 3515): blind to `target`, or attended with `replaces` (RFC 3891). */
  transfer(target: Uri, replaces?: string): Result<void, CallActionError> {
    if (this.phase.kind !== 'active') return err({ code: 'not-connected' });
    return this.transfers.transfer(target, replaces);
  }

  /** Reports the progress of a transfer the peer asked us to make (NOTIFY message/sipfrag, RFC 3515 §2.4.4). */
  notifyRefer(status: number, reasonPhrase: string): void {
    this.transfers.notifyRefer(status, reasonPhrase);
  }

  /** Ends a call replaced by another (RFC 3891 §3: the replaced dialog gets a BYE). */
  replaced(): void {
    switch (this.phase.kind) {
      case 'setup':
        if (this.setup.direction === 'outgoing') this.setup.cancel();
        else this.setup.hangup({ code: 'replaced' });
        return;
      case 'active':
        this.bye({ code: 'replaced' });
        return;
      case 'ended':
        return;
    }
  }

  /** DTMF by SIP INFO (application/dtmf-relay), the fallback when RFC 4733 is not negotiated. */
  sendDtmfInfo(digit: string, durationMs?: number): Result<void, CallActionError> {
    if (!isDtmfDigit(digit)) return err({ code: 'invalid-digit' });
    if (this.phase.kind !== 'active') return err({ code: 'not-connected' });
    return this.dtmf.send(digit, durationMs);
  }

  // ------------------------------------------------------------------------------------------
  // Requests within the dialog

  /** An in-dialog request routed here by the user agent (§12.2.2). */
  receiveRequest(request: SipRequest, transaction: ServerTransaction): void {
    const dialog = this.dialog;
    if (dialog === undefined) {
      transaction.respond(createResponse(request, 481, 'Call/Transaction Does Not Exist'));
      return;
    }
    if (dialog.receiveRequest(request) === 'out-of-order') {
      transaction.respond(createResponse(request, 500, 'Server Internal Error'));
      return;
    }
    switch (request.method) {
      case 'BYE':
        // §15.1.2: the peer ended the session; its Reason header (RFC 3326) says why, when present.
        transaction.respond(createResponse(request, 200, 'OK'));
        this.end({ code: 'hangup-remote', ...peerText(request.headers.getText('reason')) });
        return;
      case 'INVITE':
        this.reinvite.receiveReinvite(request, transaction as InviteServerTransaction);
        return;
      case 'UPDATE':
        this.reinvite.receiveUpdate(request, transaction);
        return;
      case 'INFO':
        this.dtmf.receive(request, transaction);
        return;
      case 'REFER':
        this.transfers.receiveRefer(request, transaction);
        return;
      case 'NOTIFY':
        this.transfers.receiveNotify(request, transaction);
        return;
      case 'OPTIONS':
        transaction.respond(createResponse(request, 200, 'OK', { headers: [['Allow', this.opts.stack.allow], ['Accept', 'application/sdp'], ['Supported', SUPPORTED]] }));
        return;
      default:
        transaction.respond(createResponse(request, 405, 'Method Not Allowed', { headers: [['Allow', this.opts.stack.allow]] }));
    }
  }

  // ------------------------------------------------------------------------------------------
  // Phases and their projection

  /** The public state, from the phase (an exhaustive switch: a new phase will not compile without its view). */
  private project(): CallState {
    switch (this.phase.kind) {
      case 'setup':
        return this.setup.view;
      case 'active': {
        const transfer = this.transfers.mode;
        return { kind: 'active', ...this.reinvite.view, ...(transfer === undefined ? {} : { transfer }) };
      }
      case 'ended':
        return { kind: 'ended', reason: this.phase.reason };
    }
  }

  private publish(): void {
    const next = this.project();
    if (sameCallState(next, this.current)) return;
    this.current = next;
    this.emitter.fire({ kind: 'state', state: next });
  }

  /** §15.1.1: BYE on the dialog (when there is one), and the call has ended. */
  private bye(reason: EndReason): void {
    const dialog = this.dialog;
    if (dialog !== undefined && dialog.state !== 'Terminated') {
      const stack = this.opts.stack;
      stack.send(() => dialog.createRequest('BYE', { via: stack.via(), headers: [['User-Agent', stack.userAgent]] }, stack.rng), { final: () => undefined });
      dialog.terminate('BYE sent');
    }
    this.end(reason);
  }

  private end(reason: EndReason): void {
    if (this.phase.kind === 'ended') return;
    this.dialog?.terminate(reason.code);
    this.phase = { kind: 'ended', reason };
    this.publish();
    this.timers.dispose();
  }

  /** §13.2.2.4: ACK every 2xx (retransmissions too) within the dialog. */
  private ackFor(invite: SipRequest, response: SipResponse): void {
    const dialog = this.dialog ?? Dialog.fromResponse(invite, response);
    const dest = this.opts.stack.local?.destination;
    if (dialog === undefined || dest === undefined) return;
    const ack = dialog.createAck(invite, { via: this.opts.stack.via() });
    this.opts.stack.digest.authorize(ack);
    this.opts.stack.transactions.sendAck(ack, dest);
  }

  private context(): CallContext {
    const { stack, media, logger } = this.opts;
    return {
      stack,
      media,
      logger,
      timers: DEFAULT_TIMERS,
      callId: this.callId,
      sessionTimer: this.sessionTimer,
      dialog: () => this.dialog,
      isActive: () => this.phase.kind === 'active',
      isEnded: () => this.phase.kind === 'ended',
      connected: () => stack.local?.destination !== undefined,
      timer: (ms, fn) => this.timer(ms, fn),
      fire: (notice: CallNotice) => this.emitter.fire(notice),
      publish: () => this.publish(),
      adoptDialog: (dialog) => {
        this.dialog = dialog;
      },
      confirmed: () => {
        if (this.phase.kind !== 'setup') return;
        this.phase = { kind: 'active' };
        this.publish();
      },
      ackFor: (invite, response) => this.ackFor(invite, response),
      bye: (reason) => this.bye(reason),
      end: (reason) => this.end(reason),
    };
  }

  // ------------------------------------------------------------------------------------------
  // Timers and lifetime

  private timer(ms: number, fn: () => void): Disposable {
    const handle = this.timers.add(
      this.opts.clock.setTimer(ms, () => {
        this.timers.delete(handle);
        fn();
      }),
    );
    return toDisposable(() => {
      handle.dispose();
      this.timers.delete(handle);
    });
  }

  dispose(): void {
    this.timers.dispose();
    this.emitter.dispose();
  }
}
