/**
 * INVITE server transaction, RFC 3261 §17.2.1 (Figure 7) as updated by RFC 6026 §7.1 (Figure 5):
 *
 *   Proceeding ──TU 300-699──▶ Completed ──ACK──▶ Confirmed ──Timer I──▶ Terminated
 *      │                          └──Timer H / transport error──▶ Terminated
 *      └──TU 2xx──▶ Accepted ──Timer L──▶ Terminated
 *
 * Proceeding: 100 Trying goes out after 200 ms unless the TU answered first; retransmitted INVITEs
 * get the last provisional again. Completed: Timer G retransmits the final response (unreliable:
 * T1 doubling up to T2), Timer H gives up waiting for the ACK. Accepted (RFC 6026): retransmitted
 * INVITEs are absorbed, the TU's 2xx retransmissions pass through, an ACK that matches goes to the TU.
 */
import { Emitter, type Event } from '../../../base/event.js';
import { createResponse } from '../message/builders.js';
import type { SipRequest, SipResponse } from '../message/message.js';
import { TransactionBase, type TransactionContext } from './transaction-base.js';
import type { TransportAddress } from './transport-port.js';

export type InviteServerState = 'Proceeding' | 'Completed' | 'Confirmed' | 'Accepted' | 'Terminated';

export class InviteServerTransaction extends TransactionBase<InviteServerState> {
  readonly kind = 'invite-server';
  private lastResponse: SipResponse | undefined;
  private readonly timeoutEmitter = new Emitter<void>();
  private readonly transportErrorEmitter = new Emitter<void>();
  private readonly ackEmitter = new Emitter<SipRequest>();
  /** Timer H fired: no ACK came for the final response (§17.2.1); the TU should treat it as a failed call. */
  readonly onTimeout: Event<void> = this.timeoutEmitter.event;
  readonly onTransportError: Event<void> = this.transportErrorEmitter.event;
  /** An ACK that matched while Accepted (RFC 6026 §7.1). */
  readonly onAck: Event<SipRequest> = this.ackEmitter.event;

  constructor(
    id: string,
    ctx: TransactionContext,
    readonly request: SipRequest,
    readonly responseDestination: TransportAddress,
  ) {
    super(id, ctx, 'Proceeding', 'Terminated');
    // §17.2.1: 100 Trying unless the TU answers within 200 ms.
    this.startTimer('Trying', ctx.timers.trying, () => {
      if (this.state === 'Proceeding' && this.lastResponse === undefined) this.respond(createResponse(request, 100));
    });
  }

  /** The last response sent, if any. */
  get response(): SipResponse | undefined {
    return this.lastResponse;
  }

  /**
   * The TU's response. Returns false when the state does not allow it (a final response was sent
   * already, other than 2xx retransmissions in Accepted).
   */
  respond(response: SipResponse): boolean {
    const status = response.status;
    switch (this.state) {
      case 'Proceeding':
        this.stopTimer('Trying');
        this.lastResponse = response;
        if (status < 200) return this.send(response, this.responseDestination);
        if (status < 300) {
          // RFC 6026 §7.1: 2xx → Accepted, Timer L.
          this.transition('Accepted', `TU sent ${status}`);
          if (!this.send(response, this.responseDestination)) return false;
          this.startTimer('L', 64 * this.ctx.timers.T1, () => this.transition('Terminated', 'Timer L'));
          return true;
        }
        // §17.2.1: 300-699 → Completed: Timer G (unreliable), Timer H.
        this.transition('Completed', `TU sent ${status}`);
        if (!this.send(response, this.responseDestination)) return false;
        if (!this.reliable) this.scheduleG(this.ctx.timers.T1);
        this.startTimer('H', 64 * this.ctx.timers.T1, () => {
          this.transition('Terminated', 'Timer H');
          this.timeoutEmitter.fire();
        });
        return true;
      case 'Accepted':
        // RFC 6026 §7.1: the TU retransmits its 2xx through the transaction.
        if (status >= 200 && status < 300) return this.send(response, this.responseDestination);
        return false;
      default:
        return false;
    }
  }

  private scheduleG(interval: number): void {
    this.startTimer('G', interval, () => {
      // §17.2.1: Timer G in Completed → retransmit, min(2·interval, T2).
      if (this.state !== 'Completed' || this.lastResponse === undefined) return;
      if (this.send(this.lastResponse, this.responseDestination)) this.scheduleG(Math.min(2 * interval, this.ctx.timers.T2));
    });
  }

  /** A retransmission of the INVITE (§17.2.1). */
  receiveRequest(_retransmission: SipRequest): void {
    switch (this.state) {
      case 'Proceeding':
        // §17.2.1: resend the most recent provisional response.
        if (this.lastResponse !== undefined) this.send(this.lastResponse, this.responseDestination);
        return;
      case 'Completed':
        // §17.2.1: resend the final response.
        if (this.lastResponse !== undefined) this.send(this.lastResponse, this.responseDestination);
        return;
      case 'Accepted': // RFC 6026 §7.1: absorbed
      case 'Confirmed': // §17.2.1: absorbed
      case 'Terminated':
        return;
    }
  }

  receiveAck(ack: SipRequest): void {
    switch (this.state) {
      case 'Completed':
        // §17.2.1: ACK → Confirmed; G stops; Timer I absorbs further ACKs (T4, or 0 reliable).
        this.stopTimer('G', 'H');
        this.transition('Confirmed', 'ACK received');
        this.startTimer('I', this.reliable ? 0 : this.ctx.timers.T4, () => this.transition('Terminated', 'Timer I'));
        return;
      case 'Accepted':
        this.ackEmitter.fire(ack);
        return;
      default:
        return;
    }
  }

  protected transportFailed(): void {
    this.transportErrorEmitter.fire();
  }

  override dispose(): void {
    super.dispose();
    this.timeoutEmitter.dispose();
    this.transportErrorEmitter.dispose();
    this.ackEmitter.dispose();
  }
}
