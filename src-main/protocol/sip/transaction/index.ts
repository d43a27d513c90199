/** Public surface of the SIP transaction layer (RFC 3261 §17, RFC 6026). */
export * from './cancel-and-ack.js';
export * from './client-transaction-user.js';
export * from './invite-client-transaction.js';
export * from './invite-server-transaction.js';
export * from './non-invite-client-transaction.js';
export * from './non-invite-server-transaction.js';
export * from './response-destination.js';
export * from './timer-values.js';
export type { StateChange, TimerName } from './transaction-base.js';
export * from './transaction-key.js';
export * from './transaction-layer.js';
export * from './transport-port.js';
