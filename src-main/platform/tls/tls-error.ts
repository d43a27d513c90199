/**
 * The closed list of connection and certificate failures for SIP over TLS/TCP/UDP (issue 4; seed
 * "Common Error Messages"). Errors are values (DESIGN.md rule 4): every failure the platform
 * layer reports is a `TlsError`, a code from this list with its context.
 *
 * Mapping sources: OpenSSL X509_V_ERR_* names as Node reports them in `authorizationError`,
 * OpenSSL/Node `ERR_SSL_*` codes of handshake errors (TLS alerts, RFC 8446 §6.2), and POSIX errno
 * codes of the TCP connect.
 */

export type TlsErrorCode =
  // certificate verdicts
  | 'expired'
  | 'not-yet-valid'
  | 'unknown-authority'
  | 'incomplete-chain'
  | 'self-signed'
  | 'invalid-chain'
  | 'hostname-mismatch'
  | 'pin-mismatch'
  | 'revoked'
  | 'revocation-unknown'
  | 'weak-key'
  | 'weak-signature'
  // handshake
  | 'protocol-version'
  | 'handshake-failure'
  | 'not-tls'
  | 'client-cert-required'
  | 'client-cert-rejected'
  // local configuration
  | 'client-cert-invalid'
  | 'client-cert-password'
  | 'insecure-not-allowed'
  | 'policy-violation'
  // network
  | 'connection-refused'
  | 'connection-reset'
  | 'host-unreachable'
  | 'timeout'
  | 'dns-failure'
  | 'no-targets'
  | 'flow-closed'
  | 'aborted';

/**
 * A connection or certificate failure: the code and its public context (the server, the cause).
 * The words (message and fix) are made once, above the platform, in
 * services/problems/problem-catalog.ts ("codes, not sentences, below services").
 */
export interface TlsError {
  readonly code: TlsErrorCode;
  readonly detail?: Readonly<Record<string, unknown>>;
}

const CODES: Readonly<Record<TlsErrorCode, true>> = {
  expired: true,
  'not-yet-valid': true,
  'unknown-authority': true,
  'incomplete-chain': true,
  'self-signed': true,
  'invalid-chain': true,
  'hostname-mismatch': true,
  'pin-mismatch': true,
  revoked: true,
  'revocation-unknown': true,
  'weak-key': true,
  'weak-signature': true,
  'protocol-version': true,
  'handshake-failure': true,
  'not-tls': true,
  'client-cert-required': true,
  'client-cert-rejected': true,
  'client-cert-invalid': true,
  'client-cert-password': true,
  'insecure-not-allowed': true,
  'policy-violation': true,
  'connection-refused': true,
  'connection-reset': true,
  'host-unreachable': true,
  timeout: true,
  'dns-failure': true,
  'no-targets': true,
  'flow-closed': true,
  aborted: true,
};

export const TLS_ERROR_CODES: readonly TlsErrorCode[] = Object.keys(CODES) as TlsErrorCode[];

export function tlsError(code: TlsErrorCode, detail?: Readonly<Record<string, unknown>>): TlsError {
  return detail === undefined ? { code } : { code, detail };
}

export function isTlsErrorCode(value: string): value is TlsErrorCode {
  return Object.prototype.hasOwnProperty.call(CODES, value);
}

/**
 * Certificate verification failures that may be specific to one server of a multi-IP deployment
 * (seed: "Multi-IP Deployments and GeoDNS"), so trying the next address is right.
 * Local configuration problems are not: every address would fail the same way.
 */
export function isHostSpecific(code: TlsErrorCode): boolean {
  switch (code) {
    case 'client-cert-invalid':
    case 'client-cert-password':
    case 'insecure-not-allowed':
    case 'policy-violation':
    case 'aborted':
      return false;
    default:
      return true;
  }
}

/** Maps OpenSSL's X509 verification result (Node's `authorizationError` code) to our codes. */
export function fromVerifyCode(code: string, presentedCount: number): TlsErrorCode {
  switch (code) {
    case 'CERT_HAS_EXPIRED':
    case 'CRL_HAS_EXPIRED':
      return 'expired';
    case 'CERT_NOT_YET_VALID':
    case 'CRL_NOT_YET_VALID':
      return 'not-yet-valid';
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
      return 'self-signed';
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'CERT_UNTRUSTED':
    case 'CERT_REJECTED':
      return 'unknown-authority';
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT':
      return 'incomplete-chain';
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      // Only the leaf was sent: an intermediate is missing. With intermediates sent, the top one
      // is from an authority we do not know.
      return presentedCount <= 1 ? 'incomplete-chain' : 'unknown-authority';
    case 'CERT_REVOKED':
      return 'revoked';
    case 'EE_KEY_TOO_SMALL':
    case 'CA_KEY_TOO_SMALL':
      return 'weak-key';
    case 'CA_MD_TOO_WEAK':
      return 'weak-signature';
    case 'HOSTNAME_MISMATCH':
    case 'IP_ADDRESS_MISMATCH':
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return 'hostname-mismatch';
    default:
      return 'invalid-chain';
  }
}

export interface HandshakeContext {
  /** The server's certificate had arrived when the error happened (marks the later handshake phase). */
  readonly serverCertificateSeen: boolean;
  /** A client certificate was configured for this connection. */
  readonly clientCertificateConfigured: boolean;
}

/** Maps a socket/handshake error (errno or `ERR_SSL_*`) to our codes. */
export function fromSocketError(error: unknown, ctx: HandshakeContext): TlsError {
  const e = error as { code?: unknown; message?: unknown; reason?: unknown };
  const code = typeof e.code === 'string' ? e.code : '';
  const reason = typeof e.reason === 'string' ? e.reason : undefined;
  const detail = { cause: code || String(e.message ?? 'unknown'), ...(reason === undefined ? {} : { reason }) };
  const clientCertProblem = (): TlsError =>
    tlsError(ctx.clientCertificateConfigured ? 'client-cert-rejected' : 'client-cert-required', detail);
  switch (code) {
    case 'ECONNREFUSED':
      return tlsError('connection-refused', detail);
    case 'ETIMEDOUT':
      return tlsError('timeout', detail);
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EADDRNOTAVAIL':
    case 'ENETDOWN':
    case 'EHOSTDOWN':
      return tlsError('host-unreachable', detail);
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return tlsError('dns-failure', detail);
    case 'ECONNRESET':
    case 'EPIPE':
      // TLS 1.2: a server that rejects our client certificate often just drops the connection
      // after our Certificate/Finished flight, i.e. after its own certificate reached us.
      return ctx.serverCertificateSeen ? clientCertProblem() : tlsError('connection-reset', detail);
    case 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION':
    case 'ERR_SSL_UNSUPPORTED_PROTOCOL':
    case 'ERR_SSL_NO_PROTOCOLS_AVAILABLE':
    case 'ERR_SSL_UNSUPPORTED_SSL_VERSION':
    case 'ERR_SSL_TLSV1_ALERT_INAPPROPRIATE_FALLBACK':
      return tlsError('protocol-version', detail);
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
    case 'ERR_SSL_PACKET_LENGTH_TOO_LONG':
    case 'ERR_SSL_HTTP_REQUEST':
    case 'ERR_SSL_RECORD_LAYER_FAILURE':
      return tlsError('not-tls', detail);
    case 'ERR_SSL_NO_SHARED_CIPHER':
    case 'ERR_SSL_NO_CIPHERS_AVAILABLE':
    case 'ERR_SSL_NO_CIPHER_MATCH':
    case 'ERR_SSL_TLSV1_ALERT_INSUFFICIENT_SECURITY':
      return tlsError('handshake-failure', detail);
    case 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE':
      // RFC 5246 §7.4.6: a TLS 1.2 server that needs a client certificate answers our
      // Certificate message with handshake_failure; before its Certificate, it means no common suite.
      return ctx.serverCertificateSeen ? clientCertProblem() : tlsError('handshake-failure', detail);
    case 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED':
      return tlsError('client-cert-required', detail);
    case 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE':
    case 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA':
    case 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN':
    case 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED':
    case 'ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED':
    case 'ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE':
    case 'ERR_SSL_TLSV1_ALERT_ACCESS_DENIED':
    case 'ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR':
      return ctx.serverCertificateSeen ? clientCertProblem() : tlsError('handshake-failure', detail);
    case 'ERR_SSL_EE_KEY_TOO_SMALL':
    case 'ERR_SSL_CA_KEY_TOO_SMALL':
      return tlsError('weak-key', detail);
    case 'ERR_SSL_CA_MD_TOO_WEAK':
      return tlsError('weak-signature', detail);
    case 'ABORT_ERR':
      return tlsError('aborted', detail);
    default:
      if (code.startsWith('ERR_SSL_')) return tlsError('handshake-failure', detail);
      return tlsError('connection-reset', detail);
  }
}
