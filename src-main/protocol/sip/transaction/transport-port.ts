/**
 * The only view transactions have of the network (RFC 3261 §18, as seen from §17): a tiny port that
 * the TLS/TCP/UDP transports in src-main/platform/net implement, and that tests fake.
 */
import type { SipMessage } from '../message/message.js';

export type TransportProtocol = 'UDP' | 'TCP' | 'TLS' | 'WS' | 'WSS';

/** Where a message goes to or came from. */
export interface TransportAddress {
  readonly transport: TransportProtocol;
  /** IP address or host name; IPv6 without brackets. */
  readonly host: string;
  readonly port: number;
  /**
   * For connection-oriented transports: the connection a request arrived on, so that responses go
   * back over it (RFC 3261 §18.2.2). Opaque to the protocol layer.
   */
  readonly connectionId?: string;
}

export interface TransportPort {
  /**
   * True for TCP, TLS, SCTP and WebSocket: requests and responses are not retransmitted (Timers A, E,
   * G are not used) and the wait timers D, I, J, K are zero (RFC 3261 §17.1.1.2, §17.1.2.2, §17.2.1, §17.2.2).
   */
  readonly reliable: boolean;
  /**
   * Hands a message to the transport. Returns false when it cannot be sent at all (no route, the
   * connection is gone): the transaction then reports a transport error (RFC 3261 §17.1.4, §17.2.4).
   */
  send(message: SipMessage, destination: TransportAddress): boolean;
}
