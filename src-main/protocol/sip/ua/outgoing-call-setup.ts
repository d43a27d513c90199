/**
 * The UAC side of call setup, RFC 3261 §13.2 with RFC 3264 offer/answer, §9.1 CANCEL and RFC 4028
 * §7.4 (422 retry):
 *
 *   calling ─18x→ ringing ─18x→ ringing (status, early media from an answer in a provisional)
 *      │            │
 *      │            └──────────┬─2xx→ (ACK, answer applied) the call is active
 *      └─hangup()→ cancelling ─┤─2xx→ (ACK, then BYE: the 2xx crossed our CANCEL, §9.1)
 *                              └─3xx–6xx / timeout / CANCEL_GIVE_UP_MS→ ended
 *
 * Forking (§13.2.2.4, §12.1.2): every provisional with a new To tag is an early dialog; the first
 * 2xx picks one and the others are dropped. The state after a 2xx or a failure is the facade's.
 */
import { Dialog } from '../dialog/dialog.js';
import { createRequest, type HeaderList } from '../message/builders.js';
import type { SipRequest, SipResponse } from '../message/message.js';
import { tagOf } from '../message/name-addr.js';
import type { Uri } from '../message/uri.js';
import { CANCEL_GIVE_UP_MS } from '../transaction/timer-values.js';
import { SUPPORTED, type CallContext } from './call-context.js';
import type { CallState } from './call-state.js';
import { endReasonForStatus, peerText } from './end-reason.js';
import { outcomeStatus, type RequestOutcome, type SentRequest } from './request-sender.js';
import { carriesSdp } from './sdp-handler.js';
import { MAX_INTERVAL_RETRIES } from './peer-durations.js';
import { DEFAULT_MIN_SE, parseMinSe } from './session-timer.js';

/** Early dialogs kept per INVITE (forking, §12.1.2): a proxy sending 180s with endless To tags is bounded (issue 15). */
const MAX_EARLY_DIALOGS = 16;

/** The largest Min-SE we agree to retry with (RFC 4028 §7.4 leaves the ceiling to us): one day. */
const MAX_RETRY_MIN_SE = 86_400;

type OutgoingPhase =
  | { readonly kind: 'calling' }
  /** `earlyMedia`: a provisional carried the answer to our offer and the media applied it (RFC 3264 §5, early media). */
  | { readonly kind: 'ringing'; readonly status: number; readonly earlyMedia: boolean }
  | { readonly kind: 'cancelling' };

export class OutgoingCallSetup {
  readonly direction = 'outgoing' as const;
  private phase: OutgoingPhase = { kind: 'calling' };
  /** Early dialogs by remote tag (forking). */
  private readonly early = new Map<string, Dialog>();
  /** 422 retries so far, and the Session-Expires of the last INVITE (a 422 loop is bounded). */
  private intervalRetries = 0;
  private sessionExpires = 0;
  private invite: SentRequest | undefined;
  private cseq: number;

  constructor(
    private readonly ctx: CallContext,
    private readonly target: Uri,
    private readonly localTag: string,
    private readonly offer: string,
    private readonly extraHeaders: HeaderList,
  ) {
    this.cseq = 1 + (ctx.stack.rng.uint32() % 1000);
  }

  /** The public state while the call is being set up. */
  get view(): CallState {
    return this.phase;
  }

  ownsEarlyDialog(key: string): boolean {
    for (const d of this.early.values()) if (d.key === key) return true;
    return false;
  }

  /** §13.2.1: the INVITE with our offer, Session-Expires and Min-SE (RFC 4028 §7.1). */
  start(sessionExpires: number): void {
    this.sessionExpires = sessionExpires;
    const { stack } = this.ctx;
    const build = (): SipRequest =>
      createRequest({
        method: 'INVITE',
        uri: this.target,
        via: [stack.via()],
        from: stack.fromAddress(this.localTag),
        to: { displayName: undefined, uri: this.target, params: [] },
        callId: this.ctx.callId,
        cseq: this.cseq++,
        contact: [stack.contact()],
        headers: [
          ['Allow', stack.allow],
          ['Supported', SUPPORTED],
          ['Session-Expires', String(sessionExpires)],
          ['Min-SE', String(DEFAULT_MIN_SE)],
          ['User-Agent', stack.userAgent],
          ...this.extraHeaders,
        ],
        body: this.offer,
        contentType: 'application/sdp',
      });
    this.invite = stack.send(build, {
      provisional: (r, req) => this.provisional(r, req),
      final: (o) => this.final(o),
      extra2xx: (r, req) => this.ctx.ackFor(req, r),
    });
    if (this.invite === undefined) this.ctx.end({ code: 'transport', status: 503, cause: 'no-connection' });
  }

  /** §9.1: CANCEL (the transaction layer holds it until a provisional), and give up waiting after CANCEL_GIVE_UP_MS. */
  cancel(): void {
    switch (this.phase.kind) {
      case 'calling':
      case 'ringing':
        this.phase = { kind: 'cancelling' };
        this.invite?.cancel();
        this.ctx.timer(CANCEL_GIVE_UP_MS, () => this.ctx.end({ code: 'cancelled', status: 487, cause: 'cancel-timeout' }));
        this.ctx.publish();
        return;
      case 'cancelling':
        return;
    }
  }

  /** A 2xx retransmission after the INVITE transaction ended (§13.2.2.4: ACK it again). */
  ackRetransmitted2xx(response: SipResponse): void {
    if (this.invite !== undefined && !this.ctx.isEnded()) this.ctx.ackFor(this.invite.request, response);
  }

  private provisional(response: SipResponse, request: SipRequest): void {
    if (this.ctx.isEnded() || response.status === 100) return;
    // §12.1.2: a provisional with a To tag creates (or updates) an early dialog.
    const d = Dialog.fromResponse(request, response);
    if (d !== undefined && !this.early.has(d.id.remoteTag)) {
      if (this.early.size < MAX_EARLY_DIALOGS) this.early.set(d.id.remoteTag, d);
    }
    else if (d !== undefined) this.early.get(d.id.remoteTag)?.receiveResponse(request, response);
    switch (this.phase.kind) {
      case 'cancelling':
        return;
      case 'calling':
      case 'ringing': {
        let earlyMedia = this.phase.kind === 'ringing' && this.phase.earlyMedia;
        if (!earlyMedia && carriesSdp(response)) earlyMedia = this.ctx.media.applyAnswer(response.body).ok;
        this.phase = { kind: 'ringing', status: response.status, earlyMedia };
        this.ctx.publish();
      }
    }
  }

  private final(outcome: RequestOutcome): void {
    if (outcome.kind === 'response' && outcome.response.status < 300) {
      this.accepted(outcome.response, outcome.request);
      return;
    }
    const status = outcomeStatus(outcome);
    if (outcome.kind === 'response' && status === 422 && this.phase.kind !== 'cancelling') {
      // RFC 4028 §7.4: retry with a Session-Expires at least the server's Min-SE.
      const minSe = parseMinSe(outcome.response);
      if (minSe !== undefined && minSe <= MAX_RETRY_MIN_SE && minSe > this.sessionExpires && this.intervalRetries < MAX_INTERVAL_RETRIES) {
        this.intervalRetries++;
        this.ctx.logger.info('session interval too small: retrying with Min-SE', { minSe });
        this.start(minSe);
        return;
      }
    }
    for (const d of this.early.values()) d.terminate('final response');
    this.early.clear();
    if (this.phase.kind === 'cancelling' && (status === 487 || outcome.kind !== 'response')) {
      this.ctx.end({ code: 'cancelled', status: 487 });
      return;
    }
    switch (outcome.kind) {
      case 'auth-failed':
        this.ctx.end({ code: 'auth-failed', status, digestCode: outcome.error.code, ...peerText(outcome.response.reason) });
        return;
      case 'timeout':
        this.ctx.end({ code: 'no-answer', status: 408, cause: 'timeout' });
        return;
      case 'transport-error':
        this.ctx.end({ code: 'transport', status: 503, cause: 'no-connection' });
        return;
      case 'response': {
        const headers = outcome.response.headers;
        this.ctx.end(endReasonForStatus(status, outcome.response.reason, headers.getText('warning') ?? headers.getText('reason')));
      }
    }
  }

  private accepted(response: SipResponse, request: SipRequest): void {
    const to = response.headers.to();
    const toTag = to === undefined ? undefined : tagOf(to);
    let dialog = toTag === undefined ? undefined : this.early.get(toTag);
    if (dialog === undefined) dialog = Dialog.fromResponse(request, response);
    else dialog.receiveResponse(request, response);
    if (dialog === undefined) {
      this.ctx.logger.warn('2xx without a usable dialog (no To tag or Contact): ignored');
      this.ctx.end({ code: 'failed', status: response.status, cause: 'malformed-answer' });
      return;
    }
    for (const [tag, d] of this.early) if (tag !== dialog.id.remoteTag) d.terminate('another fork answered');
    this.early.clear();
    this.ctx.adoptDialog(dialog);
    this.ctx.ackFor(request, response);
    if (this.phase.kind === 'cancelling') {
      // §9.1: the 2xx crossed our CANCEL - the call exists, so end it with BYE.
      this.ctx.bye({ code: 'cancelled', status: 487 });
      return;
    }
    const answered = this.phase.kind === 'ringing' && this.phase.earlyMedia;
    if (!answered) {
      // RFC 3264 §5: no provisional carried the answer, so the 2xx must.
      if (!carriesSdp(response)) {
        this.ctx.bye({ code: 'media-refused', cause: 'no-answer-sdp' });
        return;
      }
      const applied = this.ctx.media.applyAnswer(response.body);
      if (!applied.ok) {
        // §13.2.2.4: ACK, then end the session with BYE when the answer is unacceptable.
        this.ctx.bye({ code: 'media-refused', cause: 'answer-not-acceptable', mediaCode: applied.error.code });
        return;
      }
    }
    this.ctx.sessionTimer.fromResponse(response, 'uac');
    this.ctx.confirmed();
  }
}
