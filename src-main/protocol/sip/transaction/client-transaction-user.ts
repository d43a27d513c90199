/** What a client transaction tells its transaction user (RFC 3261 §17.1: "the TU is informed"). */
import type { SipResponse } from '../message/message.js';

export interface ClientTransactionUser {
  /** Every response the transaction passes up: provisional, final, and (RFC 6026) further 2xx. */
  receiveResponse(response: SipResponse): void;
  /** Timer B or F fired: treat as 408 Request Timeout (§8.1.3.1). */
  timeout?(): void;
  /** The transport could not send (§17.1.4): treat as 503 Service Unavailable (§8.1.3.1). */
  transportError?(): void;
}
