/**
 * Call transfer, RFC 3515 (REFER and its implicit subscription) with RFC 3891 Replaces and RFC 5589:
 *
 *   we transfer (transferor):  none ─transfer()→ referred ─REFER refused (≥300)→ none ('transfer-refused')
 *                                                   ├─final NOTIFY 2xx→ BYE, the call ends (RFC 5589 §6.1)
 *                                                   └─final NOTIFY ≥300→ none (the call stays)
 *   we are transferred (transferee): REFER → 202 + NOTIFY 100 (§2.4.4), 'refer' event; the UA reports
 *   the new call's progress through notifyRefer(), the final NOTIFY ends the subscription.
 */
import { err, ok, type Result } from '../../../base/result.js';
import { createResponse } from '../message/builders.js';
import type { SipRequest } from '../message/message.js';
import { formatNameAddr, parseNameAddr, type NameAddr } from '../message/name-addr.js';
import type { Uri } from '../message/uri.js';
import type { ServerTransaction } from '../transaction/transaction-layer.js';
import type { CallContext } from './call-context.js';
import type { CallActionError, TransferMode } from './call-state.js';
import type { Disposable } from '../../../base/disposable.js';
import { clamp, MAX_SUBSCRIPTION_S, parseDeltaSecondsSaturating } from './peer-durations.js';
import { outcomeStatus } from './request-sender.js';
import { formatSipfrag, parseSipfragStatus } from './sipfrag.js';

/** RFC 3515 §2.4.4 / RFC 6665 §4.1.3: how long the implicit subscription is said to last while active (seconds). */
const REFER_SUBSCRIPTION_SECONDS = 60;

/**
 * How long we wait, as transferor, for the first NOTIFY of our REFER's subscription (seconds);
 * each NOTIFY's `Subscription-State: active;expires=N` then sets the wait, bounded by
 * MAX_SUBSCRIPTION_S (peer-durations.ts). When it runs out the transfer counts as failed (408).
 */
const REFER_FIRST_NOTIFY_WAIT_S = 120;

/** The standard reason phrases for the statuses a request gets without a response (§8.1.3.1). */
const LOCAL_REASON: Readonly<Record<number, string>> = { 408: 'Request Timeout', 503: 'Service Unavailable' };

type OurRefer = { readonly kind: 'none' } | { readonly kind: 'referred'; readonly mode: TransferMode };

export class CallTransfer {
  private ours: OurRefer = { kind: 'none' };
  /** Bounds our REFER's subscription (RFC 6665 §4.1.2.4: it ends when its expiry passes). */
  private watchdog: Disposable | undefined;

  constructor(private readonly ctx: CallContext) {}

  /** The transfer of ours in progress, for the public state. */
  get mode(): TransferMode | undefined {
    switch (this.ours.kind) {
      case 'none':
        return undefined;
      case 'referred':
        return this.ours.mode;
    }
  }

  /**
   * REFER (RFC 3515 §2.4.1): blind to `target`, or attended with `replaces` (the Replaces value of
   * our call with the target, RFC 3891 / RFC 5589 §7). The caller checked the call is active.
   */
  transfer(target: Uri, replaces?: string): Result<void, CallActionError> {
    const dialog = this.ctx.dialog();
    if (dialog === undefined) return err({ code: 'not-connected' });
    if (this.ours.kind === 'referred') return err({ code: 'transfer-pending' });
    if (!this.ctx.connected()) return err({ code: 'no-connection' });
    const stack = this.ctx.stack;
    const referUri: Uri = replaces !== undefined && target.kind === 'sip' ? { ...target, headers: [...target.headers, { name: 'Replaces', value: replaces }] } : target;
    const referTo = formatNameAddr({ displayName: undefined, uri: referUri, params: [] });
    const referredBy = formatNameAddr({ displayName: undefined, uri: stack.identity.aor, params: [] });
    this.ours = { kind: 'referred', mode: replaces === undefined ? 'blind' : 'attended' };
    this.watch(REFER_FIRST_NOTIFY_WAIT_S);
    this.ctx.publish();
    const sent = stack.send(() => dialog.createRequest('REFER', { via: stack.via(), contact: stack.contact(), headers: [['Refer-To', referTo], ['Referred-By', referredBy]] }, stack.rng), {
      final: (o) => {
        const status = outcomeStatus(o);
        if (status < 300 || this.ours.kind !== 'referred') return;
        this.settled();
        this.ctx.publish();
        this.ctx.fire({ kind: 'transfer-progress', status, reasonPhrase: o.kind === 'response' ? o.response.reason : (LOCAL_REASON[status] ?? '') });
        this.ctx.fire({ kind: 'error', code: 'transfer-refused', status });
      },
    });
    return sent === undefined ? err({ code: 'no-connection' }) : ok(undefined);
  }

  /** (Re-)arms the wait for our REFER's subscription, bounded whatever the notifier said. */
  private watch(seconds: number): void {
    this.watchdog?.dispose();
    this.watchdog = this.ctx.timer(clamp(seconds, 1, MAX_SUBSCRIPTION_S) * 1000, () => {
      this.watchdog = undefined;
      if (this.ours.kind !== 'referred') return;
      this.ctx.logger.info('transfer subscription expired without a final NOTIFY');
      this.settled();
      this.ctx.publish();
      this.ctx.fire({ kind: 'transfer-progress', status: 408, reasonPhrase: LOCAL_REASON[408]! });
      this.ctx.fire({ kind: 'error', code: 'transfer-refused', status: 408 });
    });
  }

  /** Our transfer is over (refused, answered or expired). */
  private settled(): void {
    this.ours = { kind: 'none' };
    this.watchdog?.dispose();
    this.watchdog = undefined;
  }

  /** Reports the progress of a transfer the peer asked us to make (NOTIFY message/sipfrag, RFC 3515 §2.4.4). */
  notifyRefer(status: number, reasonPhrase: string): void {
    const dialog = this.ctx.dialog();
    if (dialog === undefined || dialog.state === 'Terminated') return;
    const stack = this.ctx.stack;
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
              ['Subscription-State', final ? 'terminated;reason=noresource' : `active;expires=${REFER_SUBSCRIPTION_SECONDS}`],
            ],
            body: formatSipfrag(status, reasonPhrase),
            contentType: 'message/sipfrag;version=2.0',
          },
          stack.rng,
        ),
      { final: () => undefined },
    );
  }

  /** RFC 3515 §2.4.2: accept a REFER with 202, report 100 Trying at once, and let the UA place the call. */
  receiveRefer(request: SipRequest, tx: ServerTransaction): void {
    const raw = request.headers.getText('refer-to');
    // Refer-To is a name-addr or addr-spec; the URI may carry escaped headers (Replaces).
    const referTo = raw === undefined ? undefined : parseNameAddr(raw.trim());
    if (referTo === undefined) {
      tx.respond(createResponse(request, 400, 'Bad Refer-To'));
      return;
    }
    tx.respond(createResponse(request, 202, 'Accepted', { contact: [this.ctx.stack.contact()] }));
    const replaces = referTo.uri.kind === 'sip' ? (referTo.uri.headers.find((h) => h.name.toLowerCase() === 'replaces')?.value ?? undefined) : undefined;
    const target: NameAddr = referTo.uri.kind === 'sip' ? { ...referTo, uri: { ...referTo.uri, headers: [] } } : referTo;
    this.notifyRefer(100, 'Trying');
    const referredBy = request.headers.getText('referred-by');
    this.ctx.fire({ kind: 'refer', referTo: target, ...(replaces === undefined ? {} : { replaces }), ...(referredBy === undefined ? {} : { referredBy }) });
  }

  /** RFC 3515 §2.4.5: NOTIFY of our REFER's subscription, its body the target's status line (message/sipfrag). */
  receiveNotify(request: SipRequest, tx: ServerTransaction): void {
    const event = (request.headers.get('event') ?? '').split(';')[0]!.trim().toLowerCase();
    if (event !== 'refer') {
      tx.respond(createResponse(request, 489, 'Bad Event'));
      return;
    }
    tx.respond(createResponse(request, 200, 'OK'));
    const state = /^\s*([A-Za-z]+)\s*(?:;.*?\bexpires\s*=\s*(\d+))?/i.exec(request.headers.get('subscription-state') ?? '');
    const expires = parseDeltaSecondsSaturating(state?.[2]);
    if (this.ours.kind === 'referred' && expires !== undefined) this.watch(expires);
    const frag = parseSipfragStatus(request.body.toString('utf8'));
    if (frag === undefined) return;
    this.ctx.fire({ kind: 'transfer-progress', status: frag.status, reasonPhrase: frag.reason });
    if (frag.status < 200 || this.ours.kind !== 'referred') return;
    this.settled();
    // RFC 5589 §6.1: after a successful transfer the transferor ends its call.
    if (frag.status < 300) this.ctx.bye({ code: 'transferred' });
    else this.ctx.publish();
  }
}
