/**
 * One call (an INVITE dialog usage), RFC 3261 §13–§15 with RFC 3264 offer/answer, RFC 4028 session
 * timers, RFC 3515 REFER, RFC 3891 Replaces, and SIP INFO DTMF:
 *
 *   outgoing: calling ─1xx→ ringing ─2xx→ active ─BYE→ ended
 *                 └──────────3xx-6xx / CANCEL→ ended
 *   incoming: incoming ─answer()→ answering ─ACK→ active ─BYE→ ended
 *                 └──decline()/CANCEL→ ended
 *   active: hold()/resume() (re-INVITE, §14), remote re-INVITE / UPDATE, INFO, REFER, NOTIFY.
 *
 * Media is behind the SdpHandler port: the session only moves SDP text and outcomes.
 */
import type { Clock } from '../../../base/clock.js';
import type { Disposable } from '../../../base/disposable.js';
import { Emitter, type Event } from '../../../base/event.js';
import type { Logger } from '../../../base/logger.js';
import type { Result } from '../../../base/result.js';
import { Dialog } from '../dialog/dialog.js';
import { dialogKey, type DialogId } from '../dialog/dialog-id.js';
import { createRequest, createResponse, type HeaderList } from '../message/builders.js';
import type { SipRequest, SipResponse } from '../message/message.js';
import { formatNameAddr, parseNameAddr, type NameAddr } from '../message/name-addr.js';
import type { Uri } from '../message/uri.js';
import type { InviteServerTransaction } from '../transaction/invite-server-transaction.js';
import type { ServerTransaction } from '../transaction/transaction-layer.js';
import type { TransportAddress } from '../transaction/transport-port.js';
import type { Direction } from '../../sdp/session-description.js';
import { formatDtmfRelay, isDtmfDigit, parseDtmfInfo } from './dtmf-info.js';
import { endReasonForStatus, type EndReason } from './end-reason.js';
import { outcomeStatus, type RequestOutcome, type SentRequest } from './request-sender.js';
import { DEFAULT_MIN_SE, expiryDelayMs, formatSessionExpires, parseMinSe, parseSessionExpires, refreshDelayMs } from './session-timer.js';
import { formatSipfrag, parseSipfragStatus } from './sipfrag.js';
import type { UaStack } from './ua-stack.js';

/** What the session needs from the media layer (src-main/media/call-media.ts CallMedia fits it). */
export interface SdpHandler {
  createOffer(direction?: Direction): Result<string, SdpFailure>;
  applyAnswer(sdp: Uint8Array | string): Result<unknown, SdpFailure>;
  answerOffer(sdp: Uint8Array | string, direction?: Direction): Result<{ readonly sdp: string }, SdpFailure>;
}

export interface SdpFailure {
  readonly code: string;
  readonly message: string;
  readonly sipStatus?: 488 | 400;
}

export type CallDirection = 'outgoing' | 'incoming';

export type CallState =
  | { readonly kind: 'calling' }
  | { readonly kind: 'ringing'; readonly status: number; readonly earlyMedia: boolean }
  | { readonly kind: 'incoming' }
  | { readonly kind: 'answering' }
  | { readonly kind: 'active'; readonly localHold: boolean; readonly remoteHold: boolean }
  | { readonly kind: 'ended'; readonly reason: EndReason };

export type CallEvent =
  | { readonly kind: 'state'; readonly state: CallState }
  | { readonly kind: 'dtmf'; readonly digit: string; readonly durationMs: number; readonly via: 'info' }
  /** The peer asks us to call someone else (RFC 3515); the UA decides and reports progress. */
  | { readonly kind: 'refer'; readonly referTo: NameAddr; readonly replaces?: string; readonly referredBy?: string }
  /** Progress of a transfer we asked for (NOTIFY message/sipfrag). */
  | { readonly kind: 'transfer-progress'; readonly status: number; readonly reason: string }
  | { readonly kind: 'error'; readonly message: string };

const SUPPORTED = 'replaces, timer, norefersub';
const DTMF_INFO_MS = 160;

export interface CallSessionOptions {
  readonly stack: UaStack;
  readonly media: SdpHandler;
  readonly clock: Clock;
  readonly logger: Logger;
  /** RFC 4028 interval we ask for (seconds). */
  readonly sessionExpires: number;
}

interface PendingReinvite {
  readonly sent: SentRequest;
  readonly direction: Direction;
}

export class CallSession implements Disposable {
  readonly id: string;
  private current: CallState;
  private readonly emitter = new Emitter<CallEvent>();
  readonly onEvent: Event<CallEvent> = this.emitter.event;
  private dialog: Dialog | undefined;
  /** Early dialogs by remote tag (forking), outgoing only. */
  private early = new Map<string, Dialog>();
  private invite: SentRequest | undefined;
  private answerApplied = false;
  private serverTx: InviteServerTransaction | undefined;
  private inviteRequest: SipRequest | undefined;
  private inviteSource: TransportAddress | undefined;
  private localTag: string | undefined;
  private okResponse: SipResponse | undefined;
  private okRetransmit: Disposable | undefined;
  private offerInOk = false;
  private reinvite: PendingReinvite | undefined;
  private localHold = false;
  private remoteHold = false;
  private sessionTimer: Disposable | undefined;
  private sessionInterval: number | undefined;
  private weRefresh = false;
  private referPending = false;
  private cancelled = false;
  private readonly timers = new Set<Disposable>();

  private constructor(
    readonly direction: CallDirection,
    readonly remote: NameAddr,
    readonly callId: string,
    private readonly opts: CallSessionOptions,
    initial: CallState,
  ) {
    this.id = callId;
    this.current = initial;
  }

  // ------------------------------------------------------------------------------------------
  // Creation

  /** Starts an outgoing call to `target` (INVITE with our offer, §13.2.1). */
  static outgoing(target: Uri, opts: CallSessionOptions, extraHeaders: HeaderList = []): CallSession | { error: SdpFailure } {
    const offer = opts.media.createOffer('sendrecv');
    if (!offer.ok) return { error: offer.error };
    const call = new CallSession('outgoing', { displayName: undefined, uri: target, params: [] }, opts.stack.newCallId(), opts, { kind: 'calling' });
    call.localTag = opts.stack.newTag();
    call.startInvite(target, offer.value, opts.sessionExpires, extraHeaders);
    return call;
  }

  /** An incoming INVITE (no To tag) with its server transaction (§13.3). */
  static incoming(request: SipRequest, transaction: InviteServerTransaction, source: TransportAddress, opts: CallSessionOptions): CallSession {
    const from = request.headers.from()!;
    const call = new CallSession('incoming', { displayName: from.displayName, uri: from.uri, params: [] }, request.headers.callId() ?? opts.stack.newCallId(), opts, { kind: 'incoming' });
    call.serverTx = transaction;
    call.inviteRequest = request;
    call.inviteSource = source;
    call.localTag = opts.stack.newTag();
    transaction.onTimeout(() => call.end({ code: 'failed', status: 408, text: 'The caller never confirmed the answer (no ACK).' }, true));
    return call;
  }

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
    for (const d of this.early.values()) if (d.key === key) return true;
    return false;
  }

  get isEnded(): boolean {
    return this.current.kind === 'ended';
  }

  // ------------------------------------------------------------------------------------------
  // Outgoing

  private startInvite(target: Uri, sdp: string, sessionExpires: number, extraHeaders: HeaderList): void {
    const { stack } = this.opts;
    let cseq = 1 + (stack.rng.uint32() % 1000);
    const build = (): SipRequest =>
      createRequest({
        method: 'INVITE',
        uri: target,
        via: [stack.via()],
        from: stack.fromAddress(this.localTag!),
        to: { displayName: undefined, uri: target, params: [] },
        callId: this.callId,
        cseq: cseq++,
        contact: [stack.contact()],
        headers: [
          ['Allow', stack.allow],
          ['Supported', SUPPORTED],
          ['Session-Expires', String(sessionExpires)],
          ['Min-SE', String(DEFAULT_MIN_SE)],
          ['User-Agent', stack.userAgent],
          ...extraHeaders,
        ],
        body: sdp,
        contentType: 'application/sdp',
      });
    this.invite = stack.send(build, {
      provisional: (r, req) => this.inviteProvisional(r, req),
      final: (o) => this.inviteFinal(o, target, sdp, extraHeaders),
      extra2xx: (r, req) => this.ackFor(req, r),
    });
    if (this.invite === undefined) this.end({ code: 'transport', status: 503, text: 'No connection to the phone system.' }, false);
  }

  private inviteProvisional(response: SipResponse, request: SipRequest): void {
    if (this.isEnded || response.status === 100) return;
    const d = Dialog.fromResponse(request, response);
    if (d !== undefined && !this.early.has(d.id.remoteTag)) this.early.set(d.id.remoteTag, d);
    else if (d !== undefined) this.early.get(d.id.remoteTag)?.receiveResponse(request, response);
    let earlyMedia = false;
    if (response.body.length > 0 && !this.answerApplied && isSdp(response)) {
      const applied = this.opts.media.applyAnswer(response.body);
      if (applied.ok) {
        this.answerApplied = true;
        earlyMedia = true;
      }
    } else if (this.answerApplied) earlyMedia = true;
    if (this.cancelled) return;
    this.setState({ kind: 'ringing', status: response.status, earlyMedia });
  }

  private inviteFinal(outcome: RequestOutcome, target: Uri, sdp: string, extraHeaders: HeaderList): void {
    if (outcome.kind === 'response' && outcome.response.status < 300) {
      this.inviteAccepted(outcome.response, outcome.request);
      return;
    }
    const status = outcomeStatus(outcome);
    if (outcome.kind === 'response' && status === 422 && !this.cancelled) {
      // RFC 4028 §7.4: retry with a Session-Expires at least the server's Min-SE.
      const minSe = parseMinSe(outcome.response);
      if (minSe !== undefined && minSe <= 86400) {
        this.opts.logger.info('session interval too small: retrying with Min-SE', { minSe });
        this.startInvite(target, sdp, minSe, extraHeaders);
        return;
      }
    }
    for (const d of this.early.values()) d.terminate('final response');
    this.early.clear();
    if (this.cancelled && (status === 487 || outcome.kind !== 'response')) {
      this.end({ code: 'cancelled', status: 487, text: 'You cancelled the call.' }, false);
      return;
    }
    if (outcome.kind === 'auth-failed') {
      this.end({ code: 'auth-failed', status, text: `The phone system refused the account credentials (${outcome.error.message}).` }, false);
      return;
    }
    if (outcome.kind === 'timeout') {
      this.end({ code: 'no-answer', status: 408, text: 'The phone system did not answer the call attempt.' }, false);
      return;
    }
    if (outcome.kind === 'transport-error') {
      this.end({ code: 'transport', status: 503, text: 'The connection to the phone system failed.' }, false);
      return;
    }
    const warning = outcome.response.headers.getText('warning');
    const reasonHeader = outcome.response.headers.getText('reason');
    this.end(endReasonForStatus(status, outcome.response.reason, warning ?? reasonHeader), false);
  }

  private inviteAccepted(response: SipResponse, request: SipRequest): void {
    const toTag = response.headers.to()?.params.find((p) => p.name.toLowerCase() === 'tag')?.value ?? undefined;
    let dialog = toTag === undefined ? undefined : this.early.get(toTag);
    if (dialog === undefined) dialog = Dialog.fromResponse(request, response);
    else dialog.receiveResponse(request, response);
    if (dialog === undefined) {
      this.opts.logger.warn('2xx without a usable dialog (no To tag or Contact): ignored');
      this.end({ code: 'failed', status: response.status, text: 'The answer was malformed (no Contact or tag).' }, false);
      return;
    }
    for (const [tag, d] of this.early) if (tag !== dialog.id.remoteTag) d.terminate('another fork answered');
    this.early.clear();
    this.dialog = dialog;
    this.ackFor(request, response);
    if (this.cancelled) {
      // §9.1: the 2xx crossed our CANCEL - the call exists, so end it with BYE.
      this.bye({ code: 'cancelled', status: 487, text: 'You cancelled the call.' });
      return;
    }
    if (!this.answerApplied) {
      if (response.body.length === 0 || !isSdp(response)) {
        this.bye({ code: 'media-refused', text: 'The answer carried no media description.' });
        return;
      }
      const applied = this.opts.media.applyAnswer(response.body);
      if (!applied.ok) {
        // §13.2.2.4: ACK, then end the session with BYE when the answer is unacceptable.
        this.bye({ code: 'media-refused', text: `The answer's media is not acceptable: ${applied.error.message}` });
        return;
      }
      this.answerApplied = true;
    }
    this.setupSessionTimer(response, 'uac');
    this.setState({ kind: 'active', localHold: false, remoteHold: false });
  }

  /** A 2xx retransmission that arrived after the INVITE transaction ended (§13.2.2.4: ACK it again). */
  ackRetransmitted2xx(response: SipResponse): void {
    if (this.direction === 'outgoing' && this.invite !== undefined && !this.isEnded) this.ackFor(this.invite.request, response);
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

  // ------------------------------------------------------------------------------------------
  // Incoming

  /** Sends 180 Ringing (creates the early dialog, §13.3.1.1). */
  ring(): void {
    if (this.current.kind !== 'incoming' || this.serverTx === undefined || this.inviteRequest === undefined) return;
    const response = createResponse(this.inviteRequest, 180, 'Ringing', { toTag: this.localTag!, contact: [this.opts.stack.contact()] });
    this.serverTx.respond(response);
  }

  /** Answers the incoming call (200 OK with our answer, or our offer for an offer-less INVITE). */
  answer(): Result<void, SdpFailure> {
    if (this.current.kind !== 'incoming' || this.serverTx === undefined || this.inviteRequest === undefined) {
      return { ok: false, error: { code: 'bad-state', message: 'The call is not ringing.' } };
    }
    const request = this.inviteRequest;
    let sdp: string;
    if (request.body.length > 0) {
      const answer = this.opts.media.answerOffer(request.body, 'sendrecv');
      if (!answer.ok) {
        this.refuseMedia(answer.error);
        return { ok: false, error: answer.error };
      }
      sdp = answer.value.sdp;
    } else {
      const offer = this.opts.media.createOffer('sendrecv');
      if (!offer.ok) {
        this.refuseMedia(offer.error);
        return { ok: false, error: offer.error };
      }
      sdp = offer.value;
      this.offerInOk = true;
    }
    const se = this.negotiateIncomingTimer(request);
    const headers: [string, string][] = [
      ['Allow', this.opts.stack.allow],
      ['Supported', SUPPORTED],
      ['User-Agent', this.opts.stack.userAgent],
    ];
    if (se !== undefined) headers.push(['Session-Expires', formatSessionExpires(se)], ['Require', 'timer']);
    const ok = createResponse(request, 200, 'OK', { toTag: this.localTag!, contact: [this.opts.stack.contact()], headers, body: sdp, contentType: 'application/sdp' });
    this.dialog = Dialog.fromRequest(request, ok);
    this.dialog?.sentResponse(request, ok);
    this.okResponse = ok;
    this.serverTx.respond(ok);
    this.setState({ kind: 'answering' });
    if (!this.opts.stack.reliable) this.retransmitOk(500);
    if (se !== undefined) this.armSessionTimer(se.seconds, se.refresher === 'uas');
    return { ok: true, value: undefined };
  }

  /** Declines a ringing call: 486 Busy Here or 603 Decline (§21.4.7, §21.6.2). */
  decline(status: 486 | 603 | 480 = 603): void {
    if (this.current.kind !== 'incoming' || this.serverTx === undefined || this.inviteRequest === undefined) return;
    this.serverTx.respond(createResponse(this.inviteRequest, status, undefined, { toTag: this.localTag! }));
    this.end({ code: status === 486 ? 'busy' : 'declined', status, text: status === 486 ? 'You were busy.' : 'You declined the call.' }, false);
  }

  /** The caller cancelled (CANCEL matched our INVITE server transaction, §9.2). */
  cancelledByPeer(): void {
    if (this.current.kind !== 'incoming' && this.current.kind !== 'answering') return;
    if (this.serverTx !== undefined && this.inviteRequest !== undefined && this.current.kind === 'incoming') {
      this.serverTx.respond(createResponse(this.inviteRequest, 487, 'Request Terminated', { toTag: this.localTag! }));
    }
    this.end({ code: 'missed', status: 487, text: 'The caller hung up before you answered.' }, false);
  }

  /** The ACK for our 2xx (§13.3.1.4): the call is up. An offer-less INVITE gets its answer here. */
  ackReceived(ack: SipRequest): void {
    this.okRetransmit?.dispose();
    this.okRetransmit = undefined;
    if (this.offerInOk) {
      this.offerInOk = false;
      if (ack.body.length === 0) {
        this.bye({ code: 'media-refused', text: 'The caller sent no answer to our offer.' });
        return;
      }
      const applied = this.opts.media.applyAnswer(ack.body);
      if (!applied.ok) {
        this.bye({ code: 'media-refused', text: `The caller's answer is not acceptable: ${applied.error.message}` });
        return;
      }
    }
    if (this.current.kind === 'answering') this.setState({ kind: 'active', localHold: false, remoteHold: false });
  }

  private refuseMedia(failure: SdpFailure): void {
    const status = failure.sipStatus ?? 488;
    if (this.serverTx !== undefined && this.inviteRequest !== undefined) {
      this.serverTx.respond(
        createResponse(this.inviteRequest, status, undefined, {
          toTag: this.localTag!,
          headers: [['Warning', `399 softphone "${failure.message.replace(/"/g, "'").slice(0, 200)}"`]],
        }),
      );
    }
    this.end({ code: 'media-refused', status, text: `The call's media was refused: ${failure.message}` }, false);
  }

  /** §13.3.1.4: on unreliable transports retransmit the 2xx (T1 doubling to T2) until the ACK. */
  private retransmitOk(interval: number): void {
    const T2 = 4000;
    let waited = 0;
    const step = (delay: number): void => {
      this.okRetransmit = this.timer(delay, () => {
        if (this.current.kind !== 'answering' || this.okResponse === undefined) return;
        waited += delay;
        if (waited >= 32_000) {
          this.bye({ code: 'failed', text: 'The caller never confirmed the answer (no ACK).' });
          return;
        }
        this.serverTx?.respond(this.okResponse);
        step(Math.min(delay * 2, T2));
      });
    };
    step(interval);
  }

  // ------------------------------------------------------------------------------------------
  // Requests within the dialog

  /** An in-dialog request routed here by the user agent. */
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
        transaction.respond(createResponse(request, 200, 'OK'));
        this.end({ code: 'hangup-remote', text: 'The other party hung up.' }, false);
        return;
      case 'INVITE':
        this.receiveReinvite(request, transaction as InviteServerTransaction);
        return;
      case 'UPDATE':
        this.receiveUpdate(request, transaction);
        return;
      case 'INFO':
        this.receiveInfo(request, transaction);
        return;
      case 'REFER':
        this.receiveRefer(request, transaction);
        return;
      case 'NOTIFY':
        this.receiveNotify(request, transaction);
        return;
      case 'OPTIONS':
        transaction.respond(createResponse(request, 200, 'OK', { headers: [['Allow', this.opts.stack.allow], ['Accept', 'application/sdp'], ['Supported', SUPPORTED]] }));
        return;
      default:
        transaction.respond(createResponse(request, 405, 'Method Not Allowed', { headers: [['Allow', this.opts.stack.allow]] }));
    }
  }

  private receiveReinvite(request: SipRequest, tx: InviteServerTransaction): void {
    if (this.reinvite !== undefined) {
      // §14.2: glare - we have a re-INVITE of our own outstanding.
      tx.respond(createResponse(request, 491, 'Request Pending'));
      return;
    }
    const headers: [string, string][] = [['Allow', this.opts.stack.allow], ['Supported', SUPPORTED]];
    const se = this.negotiateIncomingTimer(request);
    if (se !== undefined) headers.push(['Session-Expires', formatSessionExpires(se)], ['Require', 'timer']);
    let sdp: string;
    if (request.body.length > 0) {
      const answer = this.opts.media.answerOffer(request.body, this.localHold ? 'sendonly' : 'sendrecv');
      if (!answer.ok) {
        // §14.2: a refused re-offer leaves the session as it was.
        tx.respond(createResponse(request, answer.error.sipStatus ?? 488, undefined, { headers: [['Warning', `399 softphone "${answer.error.message.replace(/"/g, "'").slice(0, 200)}"`]] }));
        return;
      }
      sdp = answer.value.sdp;
      this.remoteHold = isRemoteHold(request.body);
    } else {
      const offer = this.opts.media.createOffer(this.localHold ? 'sendonly' : 'sendrecv');
      if (!offer.ok) {
        tx.respond(createResponse(request, 488));
        return;
      }
      sdp = offer.value;
      this.offerInOk = true;
    }
    const ok = createResponse(request, 200, 'OK', { contact: [this.opts.stack.contact()], headers, body: sdp, contentType: 'application/sdp' });
    tx.respond(ok);
    if (se !== undefined) this.armSessionTimer(se.seconds, se.refresher === 'uas');
    if (this.current.kind === 'active') this.setState({ kind: 'active', localHold: this.localHold, remoteHold: this.remoteHold });
  }

  private receiveUpdate(request: SipRequest, tx: ServerTransaction): void {
    const headers: [string, string][] = [['Supported', SUPPORTED]];
    const se = this.negotiateIncomingTimer(request);
    if (se !== undefined) headers.push(['Session-Expires', formatSessionExpires(se)], ['Require', 'timer']);
    if (request.body.length > 0) {
      const answer = this.opts.media.answerOffer(request.body, this.localHold ? 'sendonly' : 'sendrecv');
      if (!answer.ok) {
        tx.respond(createResponse(request, answer.error.sipStatus ?? 488));
        return;
      }
      this.remoteHold = isRemoteHold(request.body);
      tx.respond(createResponse(request, 200, 'OK', { contact: [this.opts.stack.contact()], headers, body: answer.value.sdp, contentType: 'application/sdp' }));
    } else tx.respond(createResponse(request, 200, 'OK', { contact: [this.opts.stack.contact()], headers }));
    if (se !== undefined) this.armSessionTimer(se.seconds, se.refresher === 'uas');
  }

  private receiveInfo(request: SipRequest, tx: ServerTransaction): void {
    const dtmf = parseDtmfInfo(request.headers.get('content-type'), request.body.toString('utf8'));
    tx.respond(createResponse(request, 200, 'OK'));
    if (dtmf !== undefined) this.emitter.fire({ kind: 'dtmf', digit: dtmf.digit, durationMs: dtmf.durationMs, via: 'info' });
  }

  private receiveRefer(request: SipRequest, tx: ServerTransaction): void {
    const raw = request.headers.getText('refer-to');
    const referTo = raw === undefined ? undefined : parseReferTo(raw);
    if (referTo === undefined) {
      tx.respond(createResponse(request, 400, 'Bad Refer-To'));
      return;
    }
    tx.respond(createResponse(request, 202, 'Accepted', { contact: [this.opts.stack.contact()] }));
    const replaces = referTo.uri.kind === 'sip' ? referTo.uri.headers.find((h) => h.name.toLowerCase() === 'replaces')?.value ?? undefined : undefined;
    const target: NameAddr = referTo.uri.kind === 'sip' ? { ...referTo, uri: { ...referTo.uri, headers: [] } } : referTo;
    this.notifyRefer(100, 'Trying');
    const referredBy = request.headers.getText('referred-by');
    this.emitter.fire({ kind: 'refer', referTo: target, ...(replaces === undefined ? {} : { replaces }), ...(referredBy === undefined ? {} : { referredBy }) });
  }

  private receiveNotify(request: SipRequest, tx: ServerTransaction): void {
    const event = (request.headers.get('event') ?? '').split(';')[0]!.trim().toLowerCase();
    if (event !== 'refer') {
      tx.respond(createResponse(request, 489, 'Bad Event'));
      return;
    }
    tx.respond(createResponse(request, 200, 'OK'));
    const frag = parseSipfragStatus(request.body.toString('utf8'));
    if (frag === undefined) return;
    this.emitter.fire({ kind: 'transfer-progress', status: frag.status, reason: frag.reason });
    if (frag.status >= 200 && this.referPending) {
      this.referPending = false;
      // RFC 5589 §6.1: after a successful transfer the transferor ends its call.
      if (frag.status < 300) this.bye({ code: 'transferred', text: 'The call was transferred.' });
    }
  }

  // ------------------------------------------------------------------------------------------
  // Local actions

  /** Ends the call in whatever state it is in (CANCEL, 603/486, or BYE). */
  hangup(): void {
    switch (this.current.kind) {
      case 'calling':
      case 'ringing':
        if (this.direction === 'outgoing') {
          this.cancelled = true;
          this.invite?.cancel();
          // Without any provisional the CANCEL waits for one (§9.1); give up after 4 s.
          this.timer(4000, () => {
            if (!this.isEnded) this.end({ code: 'cancelled', status: 487, text: 'You cancelled the call.' }, false);
          });
        }
        return;
      case 'incoming':
        this.decline(603);
        return;
      case 'answering':
      case 'active':
        this.bye({ code: 'hangup-local', text: 'You hung up.' });
        return;
      case 'ended':
        return;
    }
  }

  /** Puts the call on hold (re-INVITE with sendonly, RFC 3264 §8.4) or resumes it. */
  setHold(hold: boolean): Result<void, SdpFailure> {
    if (this.current.kind !== 'active') return { ok: false, error: { code: 'bad-state', message: 'The call is not connected.' } };
    if (this.reinvite !== undefined) return { ok: false, error: { code: 'busy', message: 'A change of this call is already in progress.' } };
    const direction: Direction = hold ? 'sendonly' : 'sendrecv';
    return this.sendReinvite(direction, 0);
  }

  private sendReinvite(direction: Direction, attempt: number): Result<void, SdpFailure> {
    const dialog = this.dialog;
    if (dialog === undefined) return { ok: false, error: { code: 'bad-state', message: 'No dialog.' } };
    const offer = this.opts.media.createOffer(direction);
    if (!offer.ok) return offer;
    const stack = this.opts.stack;
    const headers: [string, string][] = [['Allow', stack.allow], ['Supported', SUPPORTED]];
    if (this.sessionInterval !== undefined) headers.push(['Session-Expires', `${this.sessionInterval};refresher=${this.dialog?.role === 'uac' ? 'uac' : 'uas'}`]);
    const sent = stack.send(() => dialog.createRequest('INVITE', { via: stack.via(), contact: stack.contact(), headers, body: offer.value, contentType: 'application/sdp' }, stack.rng), {
      final: (o) => this.reinviteFinal(o, direction, attempt),
      extra2xx: (r, req) => this.ackFor(req, r),
    });
    if (sent === undefined) return { ok: false, error: { code: 'transport', message: 'No connection to the phone system.' } };
    this.reinvite = { sent, direction };
    return { ok: true, value: undefined };
  }

  private reinviteFinal(outcome: RequestOutcome, direction: Direction, attempt: number): void {
    this.reinvite = undefined;
    if (this.isEnded) return;
    if (outcome.kind === 'response') this.dialog?.receiveResponse(outcome.request, outcome.response);
    if (outcome.kind === 'response' && outcome.response.status < 300) {
      this.ackFor(outcome.request, outcome.response);
      const applied = outcome.response.body.length > 0 ? this.opts.media.applyAnswer(outcome.response.body) : { ok: false as const, error: { code: 'no-sdp', message: 'no answer in the 2xx' } };
      if (!applied.ok) {
        this.emitter.fire({ kind: 'error', message: `The hold/resume answer was not usable: ${applied.error.message}` });
        return;
      }
      this.localHold = direction === 'sendonly' || direction === 'inactive';
      this.setupSessionTimer(outcome.response, this.dialog?.role === 'uas' ? 'uas' : 'uac');
      this.setState({ kind: 'active', localHold: this.localHold, remoteHold: this.remoteHold });
      return;
    }
    const status = outcomeStatus(outcome);
    if (status === 491 && attempt < 3) {
      // §14.1: glare - retry after 2.1-4 s (we own the Call-ID) or 0-2 s.
      const ms = (this.dialog?.role === 'uac' ? 2100 : 0) + (this.opts.stack.rng.uint32() % 1900);
      this.timer(ms, () => {
        if (this.current.kind === 'active' && this.reinvite === undefined) this.sendReinvite(direction, attempt + 1);
      });
      return;
    }
    if (status === 481 || status === 408) {
      this.end({ code: status === 481 ? 'hangup-remote' : 'transport', status, text: 'The call no longer exists on the other side.' }, false);
      return;
    }
    this.emitter.fire({ kind: 'error', message: `The other side refused to ${direction === 'sendrecv' ? 'resume' : 'hold'} the call (${status}).` });
  }

  /** DTMF by SIP INFO (application/dtmf-relay), the fallback when RFC 4733 is not negotiated. */
  sendDtmfInfo(digit: string, durationMs = DTMF_INFO_MS): boolean {
    const dialog = this.dialog;
    if (this.current.kind !== 'active' || dialog === undefined || !isDtmfDigit(digit)) return false;
    const stack = this.opts.stack;
    const sent = stack.send(() => dialog.createRequest('INFO', { via: stack.via(), contact: stack.contact(), body: formatDtmfRelay(digit, durationMs), contentType: 'application/dtmf-relay' }, stack.rng), {
      final: (o) => {
        const status = outcomeStatus(o);
        if (status >= 300) this.emitter.fire({ kind: 'error', message: `The other side refused DTMF by INFO (${status}).` });
      },
    });
    return sent !== undefined;
  }

  /**
   * Transfers the call (REFER, RFC 3515): blind to `target`, or attended with `replaces` (the
   * Replaces value of our call with the target, RFC 3891 / RFC 5589 §7).
   */
  transfer(target: Uri, replaces?: string): Result<void, SdpFailure> {
    const dialog = this.dialog;
    if (this.current.kind !== 'active' || dialog === undefined) return { ok: false, error: { code: 'bad-state', message: 'The call is not connected.' } };
    const stack = this.opts.stack;
    const referUri: Uri = replaces !== undefined && target.kind === 'sip' ? { ...target, headers: [...target.headers, { name: 'Replaces', value: replaces }] } : target;
    const referTo = formatNameAddr({ displayName: undefined, uri: referUri, params: [] });
    this.referPending = true;
    const sent = stack.send(
      () =>
        dialog.createRequest(
          'REFER',
          { via: stack.via(), contact: stack.contact(), headers: [['Refer-To', referTo], ['Referred-By', formatNameAddr({ displayName: undefined, uri: stack.identity.aor, params: [] })]] },
          stack.rng,
        ),
      {
        final: (o) => {
          const status = outcomeStatus(o);
          if (status >= 300) {
            this.referPending = false;
            this.emitter.fire({ kind: 'transfer-progress', status, reason: o.kind === 'response' ? o.response.reason : 'failed' });
          }
        },
      },
    );
    if (sent === undefined) {
      this.referPending = false;
      return { ok: false, error: { code: 'transport', message: 'No connection to the phone system.' } };
    }
    return { ok: true, value: undefined };
  }

  /** Reports the progress of a transfer the peer asked us to make (NOTIFY message/sipfrag, RFC 3515 §2.4.4). */
  notifyRefer(status: number, reason: string): void {
    const dialog = this.dialog;
    if (dialog === undefined || dialog.state === 'Terminated') return;
    const stack = this.opts.stack;
    const final = status >= 200;
    stack.send(
      () =>
        dialog.createRequest(
          'NOTIFY',
          {
            via: stack.via(),
            contact: stack.contact(),
            headers: [
              ['Event', 'refer'],
              ['Subscription-State', final ? 'terminated;reason=noresource' : 'active;expires=60'],
            ],
            body: formatSipfrag(status, reason),
            contentType: 'message/sipfrag;version=2.0',
          },
          stack.rng,
        ),
      { final: () => undefined },
    );
  }

  /** Ends a call replaced by another (RFC 3891 §3: the replaced dialog gets a BYE). */
  replaced(): void {
    if (this.current.kind === 'active' || this.current.kind === 'answering') this.bye({ code: 'replaced', text: 'The call was replaced by a transferred call.' });
    else this.hangup();
  }

  // ------------------------------------------------------------------------------------------
  // Session timers (RFC 4028)

  private negotiateIncomingTimer(request: SipRequest): { seconds: number; refresher: 'uac' | 'uas' } | undefined {
    const se = parseSessionExpires(request);
    if (se === undefined) return undefined;
    return { seconds: Math.max(se.seconds, DEFAULT_MIN_SE), refresher: se.refresher ?? 'uac' };
  }

  /** Rejects an INVITE whose Session-Expires is below our Min-SE (RFC 4028 §8.1); true when it did. */
  static rejectSmallInterval(request: SipRequest, respond: (r: SipResponse) => void): boolean {
    const se = parseSessionExpires(request);
    if (se === undefined || se.seconds >= DEFAULT_MIN_SE) return false;
    respond(createResponse(request, 422, 'Session Interval Too Small', { headers: [['Min-SE', String(DEFAULT_MIN_SE)]] }));
    return true;
  }

  private setupSessionTimer(response: SipResponse, ourRole: 'uac' | 'uas'): void {
    const se = parseSessionExpires(response);
    if (se === undefined) {
      this.sessionTimer?.dispose();
      this.sessionTimer = undefined;
      this.sessionInterval = undefined;
      return;
    }
    this.armSessionTimer(se.seconds, (se.refresher ?? 'uac') === ourRole);
  }

  /** (Re)arms the session timer: refresh at SE/2 if we are the refresher, else expire at SE - min(32, SE/3). */
  private armSessionTimer(seconds: number, weRefresh: boolean): void {
    this.sessionTimer?.dispose();
    this.sessionInterval = seconds;
    this.weRefresh = weRefresh;
    if (weRefresh) {
      this.sessionTimer = this.timer(refreshDelayMs(seconds), () => {
        if (this.current.kind !== 'active') return;
        const direction: Direction = this.localHold ? 'sendonly' : 'sendrecv';
        if (this.reinvite === undefined) this.sendReinvite(direction, 0);
      });
    } else {
      this.sessionTimer = this.timer(expiryDelayMs(seconds), () => {
        if (this.current.kind === 'active') this.bye({ code: 'session-expired', text: 'The session was not refreshed in time (RFC 4028).' });
      });
    }
  }

  // ------------------------------------------------------------------------------------------

  private bye(reason: EndReason): void {
    const dialog = this.dialog;
    if (dialog !== undefined && dialog.state !== 'Terminated') {
      const stack = this.opts.stack;
      stack.send(() => dialog.createRequest('BYE', { via: stack.via(), headers: [['User-Agent', stack.userAgent]] }, stack.rng), { final: () => undefined });
      dialog.terminate('BYE sent');
    }
    this.end(reason, false);
  }

  private end(reason: EndReason, sendBye: boolean): void {
    if (this.isEnded) return;
    if (sendBye) {
      this.bye(reason);
      return;
    }
    this.dialog?.terminate(reason.code);
    this.setState({ kind: 'ended', reason });
    this.clearTimers();
  }

  private setState(state: CallState): void {
    this.current = state;
    this.emitter.fire({ kind: 'state', state });
  }

  private timer(ms: number, fn: () => void): Disposable {
    const handle = this.opts.clock.setTimer(ms, () => {
      this.timers.delete(handle);
      fn();
    });
    this.timers.add(handle);
    return {
      dispose: () => {
        handle.dispose();
        this.timers.delete(handle);
      },
    };
  }

  private clearTimers(): void {
    for (const t of this.timers) t.dispose();
    this.timers.clear();
    this.sessionTimer = undefined;
    this.okRetransmit = undefined;
  }

  dispose(): void {
    this.clearTimers();
    this.emitter.dispose();
  }

  /** For logs and the weRefresh flag in tests. */
  get sessionTimerInfo(): { interval: number; weRefresh: boolean } | undefined {
    return this.sessionInterval === undefined ? undefined : { interval: this.sessionInterval, weRefresh: this.weRefresh };
  }

  /** The INVITE server transaction's source, for responses routing in tests. */
  get source(): TransportAddress | undefined {
    return this.inviteSource;
  }
}

function isSdp(message: SipRequest | SipResponse): boolean {
  const ct = message.headers.contentType();
  return ct === undefined || (ct.type.toLowerCase() === 'application' && ct.subtype.toLowerCase() === 'sdp');
}

/** The peer holds us when its offer says sendonly or inactive for audio (RFC 3264 §8.4), or c=0.0.0.0 (RFC 2543 style). */
export function isRemoteHold(sdp: Uint8Array): boolean {
  const text = Buffer.from(sdp).toString('utf8');
  const audio = text.split(/\r?\nm=/).find((s) => s.startsWith('audio')) ?? text;
  if (/\r?\na=(sendonly|inactive)\b/.test(`\n${audio}`)) return true;
  if (/\r?\na=(sendonly|inactive)\b/.test(text.split(/\r?\nm=/)[0] ?? '') && !/\r?\na=(sendrecv|recvonly)\b/.test(audio)) return true;
  return /c=IN IP4 0\.0\.0\.0/.test(audio);
}

/** Refer-To is a name-addr or addr-spec; the URI may carry escaped headers (Replaces). */
function parseReferTo(raw: string): NameAddr | undefined {
  return parseNameAddr(raw.trim());
}
