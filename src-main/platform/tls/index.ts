/** Public surface of platform/tls (see README.md). */
export * from './certificate-report.js';
export * from './chain-verifier.js';
export * from './client-certificate.js';
export * from './ocsp-evaluator.js';
export * from './parsed-certificate.js';
export * from './peer-verifier.js';
export * from './server-identity.js';
export * from './tls-connector.js';
export * from './tls-error.js';
export * from './tls-event-log.js';
export * from './tls-settings.js';
export * from './trust-store.js';
