/**
 * DTMF by SIP INFO on one call (RFC 6086 INFO carrying the de-facto `application/dtmf-relay` body,
 * dtmf-info.ts), the fallback when RFC 4733 telephone-events are not negotiated: digits we send,
 * and digits the peer sends (each INFO gets 200, §12.2.2).
 */
import { err, ok, type Result } from '../../../base/result.js';
import { createResponse } from '../message/builders.js';
import type { SipRequest } from '../message/message.js';
import type { ServerTransaction } from '../transaction/transaction-layer.js';
import type { CallContext } from './call-context.js';
import type { CallActionError } from './call-state.js';
import { formatDtmfRelay, parseDtmfInfo } from './dtmf-info.js';
import { outcomeStatus } from './request-sender.js';

/** The duration of a tone sent by INFO when the caller names none (ms). */
export const DTMF_INFO_MS = 160;

export class CallDtmfInfo {
  constructor(private readonly ctx: CallContext) {}

  /** One digit in an INFO; a refusal (≥300) comes back as a 'dtmf-info-refused' error event. The caller checked the digit (isDtmfDigit) and that the call is active. */
  send(digit: string, durationMs = DTMF_INFO_MS): Result<void, CallActionError> {
    const dialog = this.ctx.dialog();
    if (dialog === undefined) return err({ code: 'not-connected' });
    if (!this.ctx.connected()) return err({ code: 'no-connection' });
    const stack = this.ctx.stack;
    const sent = stack.send(() => dialog.createRequest('INFO', { via: stack.via(), contact: stack.contact(), body: formatDtmfRelay(digit, durationMs), contentType: 'application/dtmf-relay' }, stack.rng), {
      final: (o) => {
        const status = outcomeStatus(o);
        if (status >= 300) this.ctx.fire({ kind: 'error', code: 'dtmf-info-refused', status });
      },
    });
    return sent === undefined ? err({ code: 'no-connection' }) : ok(undefined);
  }

  /** An INFO from the peer: 200 whatever it carries, a 'dtmf' event when it is a digit. */
  receive(request: SipRequest, tx: ServerTransaction): void {
    const dtmf = parseDtmfInfo(request.headers.get('content-type'), request.body.toString('utf8'));
    tx.respond(createResponse(request, 200, 'OK'));
    if (dtmf !== undefined) this.ctx.fire({ kind: 'dtmf', digit: dtmf.digit, durationMs: dtmf.durationMs, via: 'info' });
  }
}
