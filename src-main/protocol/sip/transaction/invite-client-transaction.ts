/**
 * INVITE client transaction, RFC 3261 §17.1.1 (Figure 5) as updated by RFC 6026 §7.2 (Figure 3):
 *
 *   Calling ──1xx──▶ Proceeding ──300-699──▶ Completed ──Timer D──▶ Terminated
 *      │ ╲             │  ╲
 *      │  ╲300-699─────┼───╲──▶ Completed
 *      │   2xx ────────┴─2xx──▶ Accepted ──Timer M──▶ Terminated
 *      └─Timer B / transport error──▶ Terminated
 *
 * Timer A retransmits the INVITE over unreliable transports (T1, doubling) while Calling.
 * The ACK for a non-2xx final response is generated here (§17.1.1.3) and resent for each
 * retransmission of that response; ACKs for 2xx belong to the TU (§13.2.2.4).
 */
import type { SipRequest, SipResponse } from '../message/message.js';
import { createNon2xxAck } from './cancel-and-ack.js';
import type { ClientTransactionUser } from './client-transaction-user.js';
import { TransactionBase, type TransactionContext } from './transaction-base.js';
import type { TransportAddress } from './transport-port.js';

export type InviteClientState = 'Calling' | 'Proceeding' | 'Completed' | 'Accepted' | 'Terminated';

export class InviteClientTransaction extends TransactionBase<InviteClientState> {
  readonly kind = 'invite-client';
  private ack: SipRequest | undefined;
  /** True once any provisional response arrived (a CANCEL may then be sent, §9.1). */
  private provisionalSeen = false;

  constructor(
    id: string,
    ctx: TransactionContext,
    readonly request: SipRequest,
    readonly destination: TransportAddress,
    private readonly user: ClientTransactionUser,
  ) {
    super(id, ctx, 'Calling', 'Terminated');
  }

  get hasProvisional(): boolean {
    return this.provisionalSeen;
  }

  /** §17.1.1.2: send the INVITE, start Timer A (unreliable only) and Timer B. */
  start(): void {
    if (!this.send(this.request, this.destination)) return;
    const { T1 } = this.ctx.timers;
    if (!this.reliable) this.scheduleA(T1);
    this.startTimer('B', 64 * T1, () => {
      // §17.1.1.2: Timer B fires while Calling → Terminated, TU informed of the timeout.
      if (this.state !== 'Calling') return;
      this.transition('Terminated', 'Timer B');
      this.user.timeout?.();
    });
  }

  private scheduleA(interval: number): void {
    this.startTimer('A', interval, () => {
      // §17.1.1.2: Timer A fires while Calling → retransmit, reset with twice the interval.
      if (this.state !== 'Calling') return;
      if (this.send(this.request, this.destination)) this.scheduleA(interval * 2);
    });
  }

  receiveResponse(response: SipResponse): void {
    const status = response.status;
    switch (this.state) {
      case 'Calling':
      case 'Proceeding':
        if (status < 200) {
          // §17.1.1.2: 1xx → Proceeding; retransmissions stop; the TU gets every provisional.
          this.provisionalSeen = true;
          this.stopTimer('A', 'B');
          this.transition('Proceeding', `${status} received`);
          this.user.receiveResponse(response);
        } else if (status < 300) {
          // RFC 6026 §7.2: 2xx → Accepted, Timer M; the TU (not the transaction) ACKs.
          this.stopTimer('A', 'B');
          this.transition('Accepted', `${status} received`);
          this.startTimer('M', 64 * this.ctx.timers.T1, () => this.transition('Terminated', 'Timer M'));
          this.user.receiveResponse(response);
        } else {
          // §17.1.1.2: 300-699 → Completed: ACK it, Timer D, pass the response up.
          this.stopTimer('A', 'B');
          this.ack = createNon2xxAck(this.request, response);
          this.transition('Completed', `${status} received`);
          if (!this.send(this.ack, this.destination)) return;
          this.startTimer('D', this.reliable ? 0 : this.ctx.timers.D, () => this.transition('Terminated', 'Timer D'));
          this.user.receiveResponse(response);
        }
        return;
      case 'Completed':
        // §17.1.1.2: a retransmitted final response is answered with the ACK again, not passed up.
        if (status >= 300 && this.ack !== undefined) this.send(this.ack, this.destination);
        return;
      case 'Accepted':
        // RFC 6026 §7.2: further 2xx (retransmissions, forks) go to the TU; anything else is dropped.
        if (status >= 200 && status < 300) this.user.receiveResponse(response);
        return;
      case 'Terminated':
        return;
    }
  }

  protected transportFailed(): void {
    this.user.transportError?.();
  }
}
