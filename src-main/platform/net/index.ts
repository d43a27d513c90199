/** Public surface of platform/net (see README.md). */
export * from './account-flow.js';
export * from './connect-failover.js';
export * from './dns-port.js';
export * from './hop-security.js';
export * from './keep-alive.js';
export * from './nat-binding.js';
export * from './network-monitor.js';
export * from './reconnect-backoff.js';
export * from './rfc3263-resolver.js';
export * from './sent-requests.js';
export * from './sip-hop.js';
export * from './sip-stream-flow.js';
export * from './sip-transport.js';
export * from './srv-order.js';
export * from './stream-framing.js';
export * from './tcp-connector.js';
export * from './udp-transport.js';
