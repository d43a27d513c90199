/**
 * Modifying an existing session, RFC 3261 §14 with RFC 3264 §8 (hold is a direction, §8.4) and
 * UPDATE (RFC 3311 §5.2), both ways:
 *
 *   ours:  idle ─setHold()/refresh→ in-flight ─2xx→ idle (answer applied, hold as offered)
 *                                      ├─491→ glare-backoff ─timer (§14.1)→ in-flight (at most MAX_GLARE_RETRIES)
 *                                      ├─481/408→ the call ends (§12.2.1.2)
 *                                      └─other→ idle, 'error' event (the session stays as it was, §14.1)
 *   peer:  none ─re-INVITE without SDP→ offer-in-2xx ─ACK with the answer→ none
 *
 * A re-INVITE of the peer while ours is in flight gets 491 (§14.2); during our back-off it is
 * answered, which is what the back-off is for.
 */
import type { Disposable } from '../../../base/disposable.js';
import { err, ok, type Result } from '../../../base/result.js';
import { createResponse } from '../message/builders.js';
import type { SipRequest } from '../message/message.js';
import type { InviteServerTransaction } from '../transaction/invite-server-transaction.js';
import type { ServerTransaction } from '../transaction/transaction-layer.js';
import type { Direction } from '../../sdp/session-description.js';
import { SUPPORTED, type CallContext } from './call-context.js';
import { CallSessionTimer } from './call-session-timer.js';
import type { CallActionError, CallChange } from './call-state.js';
import { outcomeStatus, type RequestOutcome } from './request-sender.js';
import { mediaWarning } from './sdp-handler.js';
import { formatSessionExpires } from './session-timer.js';

/** §14.1: how often a re-INVITE answered 491 is tried again. */
const MAX_GLARE_RETRIES = 3;
/** §14.1: the owner of the Call-ID waits 2.1–4 s, the other side 0–2 s (we draw within 1.9 s of the floor). */
const GLARE_OWNER_FLOOR_MS = 2100;
const GLARE_SPREAD_MS = 1900;

interface Pending {
  readonly change: CallChange;
  readonly direction: Direction;
  readonly attempt: number;
}

type OurChange =
  | { readonly kind: 'idle' }
  | ({ readonly kind: 'in-flight' } & Pending)
  | ({ readonly kind: 'glare-backoff'; readonly retry: Disposable } & Pending);

/** The peer's offer-less re-INVITE got our offer in the 2xx; its answer comes in the ACK (§14.2, RFC 3264 §5). */
type PeerOffer = { readonly kind: 'none' } | { readonly kind: 'offer-in-2xx' };

export interface HoldView {
  readonly localHold: boolean;
  readonly remoteHold: boolean;
  readonly change?: CallChange;
}

export class CallReinvite {
  /** RFC 3264 §8.4: we offered sendonly/inactive (local), the peer did (remote). */
  private hold = { local: false, remote: false };
  private ours: OurChange = { kind: 'idle' };
  private peer: PeerOffer = { kind: 'none' };

  constructor(private readonly ctx: CallContext) {}

  get view(): HoldView {
    const base = { localHold: this.hold.local, remoteHold: this.hold.remote };
    switch (this.ours.kind) {
      case 'idle':
        return base;
      case 'in-flight':
      case 'glare-backoff':
        return { ...base, change: this.ours.change };
    }
  }

  /** Hold (re-INVITE with sendonly, RFC 3264 §8.4) or resume (sendrecv). The caller checked the call is active. */
  setHold(hold: boolean): Result<void, CallActionError> {
    switch (this.ours.kind) {
      case 'in-flight':
        return err({ code: 'change-pending' });
      case 'glare-backoff':
        // The newest wish replaces the one waiting out the glare.
        this.ours.retry.dispose();
        this.ours = { kind: 'idle' };
        break;
      case 'idle':
        break;
    }
    const r = this.send({ change: hold ? 'hold' : 'resume', direction: hold ? 'sendonly' : 'sendrecv', attempt: 0 });
    this.ctx.publish();
    return r;
  }

  /** RFC 4028 §10: the session refresh, unless a change of ours (itself a refresh) is pending. */
  refresh(): void {
    if (!this.ctx.isActive() || this.ours.kind !== 'idle') return;
    const r = this.send({ change: 'refresh', direction: this.hold.local ? 'sendonly' : 'sendrecv', attempt: 0 });
    if (!r.ok) this.ctx.logger.warn('session refresh not sent', { code: r.error.code });
    this.ctx.publish();
  }

  /** A re-INVITE from the peer (§14.2). */
  receiveReinvite(request: SipRequest, tx: InviteServerTransaction): void {
    if (this.ours.kind === 'in-flight') {
      // §14.2: glare - we have a re-INVITE of our own outstanding.
      tx.respond(createResponse(request, 491, 'Request Pending'));
      return;
    }
    const { stack, media } = this.ctx;
    const headers: [string, string][] = [['Allow', stack.allow], ['Supported', SUPPORTED]];
    const se = CallSessionTimer.negotiate(request);
    if (se !== undefined) headers.push(['Session-Expires', formatSessionExpires(se)], ['Require', 'timer']);
    const direction: Direction = this.hold.local ? 'sendonly' : 'sendrecv';
    let body: string;
    if (request.body.length > 0) {
      const answer = media.answerOffer(request.body, direction);
      if (!answer.ok) {
        // §14.2: a refused re-offer leaves the session as it was.
        tx.respond(createResponse(request, answer.error.sipStatus ?? 488, undefined, { headers: [mediaWarning(answer.error)] }));
        return;
      }
      body = answer.value.sdp;
      this.hold.remote = isRemoteHold(request.body);
    } else {
      const offer = media.createOffer(direction);
      if (!offer.ok) {
        tx.respond(createResponse(request, 488));
        return;
      }
      body = offer.value;
      this.peer = { kind: 'offer-in-2xx' };
    }
    tx.respond(createResponse(request, 200, 'OK', { contact: [stack.contact()], headers, body, contentType: 'application/sdp' }));
    if (se !== undefined) this.ctx.sessionTimer.answered(se);
    this.ctx.publish();
  }

  /** An UPDATE from the peer (RFC 3311 §5.2): an offer is answered in its 2xx; without one it only refreshes. */
  receiveUpdate(request: SipRequest, tx: ServerTransaction): void {
    const { stack, media } = this.ctx;
    const headers: [string, string][] = [['Supported', SUPPORTED]];
    const se = CallSessionTimer.negotiate(request);
    if (se !== undefined) headers.push(['Session-Expires', formatSessionExpires(se)], ['Require', 'timer']);
    if (request.body.length > 0) {
      const answer = media.answerOffer(request.body, this.hold.local ? 'sendonly' : 'sendrecv');
      if (!answer.ok) {
        tx.respond(createResponse(request, answer.error.sipStatus ?? 488));
        return;
      }
      this.hold.remote = isRemoteHold(request.body);
      tx.respond(createResponse(request, 200, 'OK', { contact: [stack.contact()], headers, body: answer.value.sdp, contentType: 'application/sdp' }));
    } else tx.respond(createResponse(request, 200, 'OK', { contact: [stack.contact()], headers }));
    if (se !== undefined) this.ctx.sessionTimer.answered(se);
    this.ctx.publish();
  }

  /** The ACK for our 2xx to a re-INVITE (§13.3.1.4): it carries the answer when our 2xx carried the offer. */
  ackReceived(ack: SipRequest): void {
    switch (this.peer.kind) {
      case 'none':
        return;
      case 'offer-in-2xx': {
        this.peer = { kind: 'none' };
        if (ack.body.length === 0) {
          this.ctx.bye({ code: 'media-refused', cause: 'no-answer-sdp' });
          return;
        }
        const applied = this.ctx.media.applyAnswer(ack.body);
        if (!applied.ok) this.ctx.bye({ code: 'media-refused', cause: 'answer-not-acceptable', mediaCode: applied.error.code });
      }
    }
  }

  /** §14.1: a re-INVITE with our offer, keeping the negotiated session interval (RFC 4028 §7.4). */
  private send(pending: Pending): Result<void, CallActionError> {
    const dialog = this.ctx.dialog();
    if (dialog === undefined) return err({ code: 'not-connected' });
    if (!this.ctx.connected()) return err({ code: 'no-connection' });
    const offer = this.ctx.media.createOffer(pending.direction);
    if (!offer.ok) return err({ code: 'media-failed', media: offer.error });
    const { stack } = this.ctx;
    const headers: [string, string][] = [['Allow', stack.allow], ['Supported', SUPPORTED]];
    const interval = this.ctx.sessionTimer.interval;
    if (interval !== undefined) headers.push(['Session-Expires', `${interval};refresher=${dialog.role === 'uac' ? 'uac' : 'uas'}`]);
    this.ours = { kind: 'in-flight', ...pending };
    const sent = stack.send(() => dialog.createRequest('INVITE', { via: stack.via(), contact: stack.contact(), headers, body: offer.value, contentType: 'application/sdp' }, stack.rng), {
      final: (o) => this.final(o, pending),
      extra2xx: (r, req) => this.ctx.ackFor(req, r),
    });
    if (sent === undefined && this.ours.kind === 'in-flight') this.ours = { kind: 'idle' };
    return sent === undefined ? err({ code: 'no-connection' }) : ok(undefined);
  }

  private final(outcome: RequestOutcome, pending: Pending): void {
    this.ours = { kind: 'idle' };
    if (this.ctx.isEnded()) return;
    if (outcome.kind === 'response') this.ctx.dialog()?.receiveResponse(outcome.request, outcome.response);
    if (outcome.kind === 'response' && outcome.response.status < 300) {
      this.ctx.ackFor(outcome.request, outcome.response);
      const applied = outcome.response.body.length > 0 ? this.ctx.media.applyAnswer(outcome.response.body) : undefined;
      if (applied === undefined || !applied.ok) {
        this.ctx.publish();
        this.ctx.fire({ kind: 'error', code: 'hold-answer-unusable' });
        return;
      }
      this.hold.local = pending.direction === 'sendonly' || pending.direction === 'inactive';
      this.ctx.sessionTimer.fromResponse(outcome.response, this.ctx.dialog()?.role === 'uas' ? 'uas' : 'uac');
      this.ctx.publish();
      return;
    }
    const status = outcomeStatus(outcome);
    if (status === 491 && pending.attempt < MAX_GLARE_RETRIES) {
      // §14.1: glare - try again after 2.1-4 s when we own the Call-ID (we sent the initial INVITE), else 0-2 s.
      const ms = (this.ctx.dialog()?.role === 'uac' ? GLARE_OWNER_FLOOR_MS : 0) + (this.ctx.stack.rng.uint32() % GLARE_SPREAD_MS);
      const next: Pending = { ...pending, attempt: pending.attempt + 1 };
      this.ours = { kind: 'glare-backoff', ...pending, retry: this.ctx.timer(ms, () => this.retry(next)) };
      return;
    }
    if (status === 481 || status === 408) {
      this.ctx.end({ code: status === 481 ? 'hangup-remote' : 'transport', status, cause: 'dialog-gone' });
      return;
    }
    this.ctx.publish();
    this.ctx.fire({ kind: 'error', code: pending.direction === 'sendrecv' ? 'resume-refused' : 'hold-refused', status });
  }

  private retry(next: Pending): void {
    if (this.ours.kind !== 'glare-backoff') return;
    this.ours = { kind: 'idle' };
    if (this.ctx.isActive()) {
      const r = this.send(next);
      if (!r.ok) this.ctx.logger.warn('re-INVITE after glare not sent', { code: r.error.code });
    }
    this.ctx.publish();
  }
}

/** The peer holds us when its offer says sendonly or inactive for audio (RFC 3264 §8.4), or c=0.0.0.0 (RFC 2543 style). */
export function isRemoteHold(sdp: Uint8Array): boolean {
  const text = Buffer.from(sdp).toString('utf8');
  const audio = text.split(/\r?\nm=/).find((s) => s.startsWith('audio')) ?? text;
  if (/\r?\na=(sendonly|inactive)\b/.test(`\n${audio}`)) return true;
  if (/\r?\na=(sendonly|inactive)\b/.test(text.split(/\r?\nm=/)[0] ?? '') && !/\r?\na=(sendrecv|recvonly)\b/.test(audio)) return true;
  return /c=IN IP4 0\.0\.0\.0/.test(audio);
}
