/**
 * The UAS side of call setup, RFC 3261 §13.3 with RFC 3264 offer/answer and RFC 4028 §9:
 *
 *   offered ─ring()→ offered (180, early dialog §13.3.1.1)
 *      ├─answer()→ answered ─ACK→ (the call is active)
 *      │              └─no ACK within 64·T1 (§13.3.1.4) / no usable answer in the ACK→ BYE, ended
 *      ├─decline()→ 486/603/480, ended            (§13.3.1.3, §21.4.7, §21.6.2)
 *      ├─CANCEL→ 487, ended                       (§9.2)
 *      └─offer not acceptable→ 488/400 with a Warning, ended (§13.3.1.3)
 *
 * `answered.sdp` says what our 200 carried: the answer to the INVITE's offer, or (for an INVITE
 * without SDP) our offer, whose answer then comes in the ACK (§13.2.1, RFC 3264 §5).
 */
import type { Disposable } from '../../../base/disposable.js';
import { err, ok, type Result } from '../../../base/result.js';
import { Dialog } from '../dialog/dialog.js';
import { createResponse } from '../message/builders.js';
import type { SipRequest, SipResponse } from '../message/message.js';
import type { InviteServerTransaction } from '../transaction/invite-server-transaction.js';
import type { TransportAddress } from '../transaction/transport-port.js';
import { SUPPORTED, type CallContext } from './call-context.js';
import { CallSessionTimer } from './call-session-timer.js';
import type { CallActionError, CallState } from './call-state.js';
import type { EndCause, EndReason } from './end-reason.js';
import { mediaWarning, type SdpFailure } from './sdp-handler.js';
import { formatSessionExpires } from './session-timer.js';

type IncomingPhase =
  | { readonly kind: 'offered' }
  | { readonly kind: 'answered'; readonly ok: SipResponse; readonly sdp: 'answer' | 'offer'; readonly retransmit: Disposable | undefined };

export class IncomingCallSetup {
  readonly direction = 'incoming' as const;
  private phase: IncomingPhase = { kind: 'offered' };

  constructor(
    private readonly ctx: CallContext,
    private readonly request: SipRequest,
    private readonly transaction: InviteServerTransaction,
    /** Where the INVITE came from. */
    readonly source: TransportAddress,
    private readonly localTag: string,
  ) {}

  /** The public state while the call is being set up. */
  get view(): CallState {
    switch (this.phase.kind) {
      case 'offered':
        return { kind: 'incoming' };
      case 'answered':
        return { kind: 'answering' };
    }
  }

  /** Sends 180 Ringing (creates the early dialog, §13.3.1.1). */
  ring(): void {
    if (this.phase.kind !== 'offered') return;
    this.transaction.respond(createResponse(this.request, 180, 'Ringing', { toTag: this.localTag, contact: [this.ctx.stack.contact()] }));
  }

  /** §13.3.1.4: 200 OK with our answer, or with our offer for an INVITE without one. */
  answer(): Result<void, CallActionError> {
    if (this.phase.kind !== 'offered') return err({ code: 'not-ringing' });
    const { stack, media } = this.ctx;
    const request = this.request;
    let body: string;
    let sdp: 'answer' | 'offer';
    if (request.body.length > 0) {
      const answer = media.answerOffer(request.body, 'sendrecv');
      if (!answer.ok) return this.refuseMedia(answer.error, 'offer-not-acceptable');
      body = answer.value.sdp;
      sdp = 'answer';
    } else {
      const offer = media.createOffer('sendrecv');
      if (!offer.ok) return this.refuseMedia(offer.error, undefined);
      body = offer.value;
      sdp = 'offer';
    }
    const se = CallSessionTimer.negotiate(request);
    const headers: [string, string][] = [
      ['Allow', stack.allow],
      ['Supported', SUPPORTED],
      ['User-Agent', stack.userAgent],
    ];
    if (se !== undefined) headers.push(['Session-Expires', formatSessionExpires(se)], ['Require', 'timer']);
    const response = createResponse(request, 200, 'OK', { toTag: this.localTag, contact: [stack.contact()], headers, body, contentType: 'application/sdp' });
    // §12.1.1: our 2xx creates the dialog.
    const dialog = Dialog.fromRequest(request, response);
    if (dialog !== undefined) {
      dialog.sentResponse(request, response);
      this.ctx.adoptDialog(dialog);
    }
    this.transaction.respond(response);
    this.phase = { kind: 'answered', ok: response, sdp, retransmit: stack.reliable ? undefined : this.retransmitOk(response) };
    this.ctx.publish();
    if (se !== undefined) this.ctx.sessionTimer.answered(se);
    return ok(undefined);
  }

  /** Declines a ringing call: 486 Busy Here, 603 Decline or 480 (§21.4.7, §21.6.2, §21.4.18). */
  decline(status: 486 | 603 | 480): void {
    if (this.phase.kind !== 'offered') return;
    this.transaction.respond(createResponse(this.request, status, undefined, { toTag: this.localTag }));
    this.ctx.end({ code: status === 486 ? 'busy' : 'declined', status });
  }

  /** Ends the call before it is up: 603 while it rings (§21.6.2), BYE with `reason` once our 2xx is out (§15). */
  hangup(reason: EndReason): void {
    switch (this.phase.kind) {
      case 'offered':
        this.decline(603);
        return;
      case 'answered':
        this.ctx.bye(reason);
        return;
    }
  }

  /** The caller cancelled (CANCEL matched our INVITE server transaction, §9.2). */
  cancelledByPeer(): void {
    switch (this.phase.kind) {
      case 'offered':
        this.transaction.respond(createResponse(this.request, 487, 'Request Terminated', { toTag: this.localTag }));
        break;
      case 'answered':
        break;
    }
    this.ctx.end({ code: 'missed', status: 487 });
  }

  /** The ACK for our 2xx (§13.3.1.4): the call is up. An INVITE without an offer gets its answer here. */
  ackReceived(ack: SipRequest): void {
    if (this.phase.kind !== 'answered') return;
    this.phase.retransmit?.dispose();
    const sdp = this.phase.sdp;
    this.phase = { ...this.phase, retransmit: undefined };
    if (sdp === 'offer') {
      if (ack.body.length === 0) {
        this.ctx.bye({ code: 'media-refused', cause: 'no-answer-sdp' });
        return;
      }
      const applied = this.ctx.media.applyAnswer(ack.body);
      if (!applied.ok) {
        this.ctx.bye({ code: 'media-refused', cause: 'answer-not-acceptable', mediaCode: applied.error.code });
        return;
      }
    }
    this.ctx.confirmed();
  }

  /** §13.3.1.3: the offer cannot be answered - 488 (or 400) with a Warning saying why, and the call ends. */
  private refuseMedia(failure: SdpFailure, cause: EndCause | undefined): Result<void, CallActionError> {
    const status = failure.sipStatus ?? 488;
    this.transaction.respond(createResponse(this.request, status, undefined, { toTag: this.localTag, headers: [mediaWarning(failure)] }));
    this.ctx.end({ code: 'media-refused', status, mediaCode: failure.code, ...(cause === undefined ? {} : { cause }) });
    return err({ code: 'media-failed', media: failure });
  }

  /** §13.3.1.4: on unreliable transports retransmit the 2xx (T1 doubling to T2) until the ACK, for 64·T1 at most. */
  private retransmitOk(response: SipResponse): Disposable {
    const { T1, T2 } = this.ctx.timers;
    let waited = 0;
    let current: Disposable | undefined;
    const step = (delay: number): void => {
      current = this.ctx.timer(delay, () => {
        waited += delay;
        if (waited >= 64 * T1) {
          this.ctx.bye({ code: 'failed', cause: 'no-ack' });
          return;
        }
        this.transaction.respond(response);
        step(Math.min(delay * 2, T2));
      });
    };
    step(T1);
    return { dispose: () => current?.dispose() };
  }
}
