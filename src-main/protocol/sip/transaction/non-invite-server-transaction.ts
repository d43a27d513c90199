/**
 * Non-INVITE server transaction, RFC 3261 §17.2.2 (Figure 8):
 *
 *   Trying ──TU 1xx──▶ Proceeding ──TU 200-699──▶ Completed ──Timer J──▶ Terminated
 *     └──────────────TU 200-699──────────────────▲   (transport error from any → Terminated)
 *
 * Request retransmissions: discarded in Trying, answered with the last response in Proceeding and
 * Completed. Timer J (64·T1, or 0 reliable) absorbs them after the final response.
 */
import { Emitter, type Event } from '../../../base/event.js';
import type { SipRequest, SipResponse } from '../message/message.js';
import { TransactionBase, type TransactionContext } from './transaction-base.js';
import type { TransportAddress } from './transport-port.js';

export type NonInviteServerState = 'Trying' | 'Proceeding' | 'Completed' | 'Terminated';

export class NonInviteServerTransaction extends TransactionBase<NonInviteServerState> {
  readonly kind = 'non-invite-server';
  private lastResponse: SipResponse | undefined;
  private readonly transportErrorEmitter = new Emitter<void>();
  readonly onTransportError: Event<void> = this.transportErrorEmitter.event;

  constructor(
    id: string,
    ctx: TransactionContext,
    readonly request: SipRequest,
    readonly responseDestination: TransportAddress,
  ) {
    super(id, ctx, 'Trying', 'Terminated');
  }

  get response(): SipResponse | undefined {
    return this.lastResponse;
  }

  /** The TU's response; false when a final response was already sent. */
  respond(response: SipResponse): boolean {
    if (this.state !== 'Trying' && this.state !== 'Proceeding') return false;
    this.lastResponse = response;
    if (response.status < 200) {
      // §17.2.2: 1xx → Proceeding.
      if (!this.send(response, this.responseDestination)) return false;
      this.transition('Proceeding', `TU sent ${response.status}`);
      return true;
    }
    // §17.2.2: 200-699 → Completed, Timer J (a transport error goes straight to Terminated, §17.2.4).
    if (!this.send(response, this.responseDestination)) return false;
    this.transition('Completed', `TU sent ${response.status}`);
    this.startTimer('J', this.reliable ? 0 : 64 * this.ctx.timers.T1, () => this.transition('Terminated', 'Timer J'));
    return true;
  }

  receiveRequest(_retransmission: SipRequest): void {
    // §17.2.2: Trying discards; Proceeding and Completed resend the last response.
    if ((this.state === 'Proceeding' || this.state === 'Completed') && this.lastResponse !== undefined) {
      this.send(this.lastResponse, this.responseDestination);
    }
  }

  protected transportFailed(): void {
    this.transportErrorEmitter.fire();
  }

  override dispose(): void {
    super.dispose();
    this.transportErrorEmitter.dispose();
  }
}
