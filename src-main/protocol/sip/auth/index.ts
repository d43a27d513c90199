/** Public surface of Digest authentication, client side (RFC 3261 §22, RFC 7616, RFC 8760). */
export * from './digest-algorithm.js';
export * from './digest-challenge.js';
export * from './digest-client.js';
export * from './digest-response.js';
