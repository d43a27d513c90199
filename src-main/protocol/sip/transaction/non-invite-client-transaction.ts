/**
 * Non-INVITE client transaction, RFC 3261 §17.1.2 (Figure 6):
 *
 *   Trying ──1xx──▶ Proceeding ──200-699──▶ Completed ──Timer K──▶ Terminated
 *     │  ╲─────────200-699──────────────────▲
 *     └─ Timer F / transport error (also from Proceeding) ──▶ Terminated
 *
 * Timer E retransmits over unreliable transports: T1 doubling up to T2 while Trying, every T2 while
 * Proceeding. Timer K absorbs response retransmissions (T4, or 0 when reliable).
 */
import type { SipRequest, SipResponse } from '../message/message.js';
import type { ClientTransactionUser } from './client-transaction-user.js';
import { TransactionBase, type TransactionContext } from './transaction-base.js';
import type { TransportAddress } from './transport-port.js';

export type NonInviteClientState = 'Trying' | 'Proceeding' | 'Completed' | 'Terminated';

export class NonInviteClientTransaction extends TransactionBase<NonInviteClientState> {
  readonly kind = 'non-invite-client';

  constructor(
    id: string,
    ctx: TransactionContext,
    readonly request: SipRequest,
    readonly destination: TransportAddress,
    private readonly user: ClientTransactionUser,
  ) {
    super(id, ctx, 'Trying', 'Terminated');
  }

  /** §17.1.2.2: send, Timer E (unreliable) at T1, Timer F at 64·T1. */
  start(): void {
    if (!this.send(this.request, this.destination)) return;
    const { T1 } = this.ctx.timers;
    if (!this.reliable) this.scheduleE(T1);
    this.startTimer('F', 64 * T1, () => {
      // §17.1.2.2: Timer F in Trying or Proceeding → Terminated, TU told of the timeout.
      this.transition('Terminated', 'Timer F');
      this.user.timeout?.();
    });
  }

  private scheduleE(interval: number): void {
    this.startTimer('E', interval, () => {
      if (this.state !== 'Trying' && this.state !== 'Proceeding') return;
      if (!this.send(this.request, this.destination)) return;
      // §17.1.2.2: min(2·interval, T2) while Trying; T2 while Proceeding.
      const { T2 } = this.ctx.timers;
      this.scheduleE(this.state === 'Trying' ? Math.min(2 * interval, T2) : T2);
    });
  }

  receiveResponse(response: SipResponse): void {
    switch (this.state) {
      case 'Trying':
      case 'Proceeding':
        if (response.status < 200) {
          // §17.1.2.2: 1xx → Proceeding (retransmissions continue at T2).
          this.transition('Proceeding', `${response.status} received`);
          this.user.receiveResponse(response);
        } else {
          // §17.1.2.2: 200-699 → Completed, Timer K.
          this.stopTimer('E', 'F');
          this.transition('Completed', `${response.status} received`);
          this.startTimer('K', this.reliable ? 0 : this.ctx.timers.T4, () => this.transition('Terminated', 'Timer K'));
          this.user.receiveResponse(response);
        }
        return;
      case 'Completed':
      case 'Terminated':
        // §17.1.2.2: retransmitted responses are absorbed in Completed.
        return;
    }
  }

  protected transportFailed(): void {
    this.user.transportError?.();
  }
}
