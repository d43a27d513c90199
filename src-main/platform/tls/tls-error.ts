/**
 * The closed list of connection and certificate failures for SIP over TLS/TCP/UDP, each with a
 * plain-language message and a fix hint (issue 4; seed "Common Error Messages"). Errors are values
 * (DESIGN.md rule 4): every failure the platform layer reports is a `TlsError`.
 *
 * Mapping sources: OpenSSL X509_V_ERR_* names as Node reports them in `authorizationError`,
 * OpenSSL/Node `ERR_SSL_*` codes of handshake errors (TLS alerts, RFC 8446 §6.2), and POSIX errno
 * codes of the TCP connect.
 */
import type { CodedError } from '../../base/result.js';

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

export interface TlsError extends CodedError<TlsErrorCode> {
  /** What the person can do about it. */
  readonly hint: string;
}

interface Text {
  readonly message: string;
  readonly hint: string;
}

const TEXT: Readonly<Record<TlsErrorCode, Text>> = {
  expired: {
    message: "The server's certificate has expired.",
    hint: 'Ask the PBX/SBC administrator to renew the certificate; check that this computer’s date and time are correct.',
  },
  'not-yet-valid': {
    message: "The server's certificate is not valid yet.",
    hint: 'Check that this computer’s date and time are correct; otherwise the server was given a certificate dated in the future.',
  },
  'unknown-authority': {
    message: "The server's certificate was issued by an authority this account does not trust.",
    hint: 'If your organisation runs its own certificate authority, add its root certificate to this account’s trusted CAs.',
  },
  'incomplete-chain': {
    message: 'The server did not send the intermediate certificate(s) needed to check its certificate.',
    hint: 'The server must send its full chain (leaf plus intermediates); ask the administrator to fix the server configuration, or add the intermediate as a trusted CA.',
  },
  'self-signed': {
    message: 'The server presented a self-signed certificate.',
    hint: 'Use a certificate from a trusted authority, or pin this certificate (verification mode "pinned") after confirming its fingerprint with the administrator.',
  },
  'invalid-chain': {
    message: "The server's certificate chain is invalid (bad signature, a non-CA issuer, or a certificate not meant for servers).",
    hint: 'The server’s certificate configuration is broken; ask the administrator to reissue it.',
  },
  'hostname-mismatch': {
    message: "The server's certificate is not valid for this SIP domain.",
    hint: 'Check the SIP domain in the account settings. If your provider is known to present certificates that do not name the SIP domain, use verification mode "chain-only" (weaker).',
  },
  'pin-mismatch': {
    message: "The server's key does not match the pinned key for this account.",
    hint: 'The certificate changed or someone is intercepting the connection. Confirm the new fingerprint with the administrator before updating the pin.',
  },
  revoked: {
    message: "The server's certificate has been revoked by its issuer.",
    hint: 'Do not connect. Ask the administrator to install a new certificate.',
  },
  'revocation-unknown': {
    message: "The server's certificate revocation status could not be confirmed (no valid OCSP response).",
    hint: 'Ask the administrator to enable OCSP stapling, or relax this account’s revocation policy to "soft-fail".',
  },
  'weak-key': {
    message: "The server's certificate uses a key that is too weak (e.g. RSA shorter than 2048 bits).",
    hint: 'Ask the administrator for a certificate with an RSA 2048+ or ECDSA P-256+ key.',
  },
  'weak-signature': {
    message: "The server's certificate is signed with an obsolete algorithm (SHA-1 or MD5).",
    hint: 'Ask the administrator for a certificate signed with SHA-256 or better.',
  },
  'protocol-version': {
    message: 'The server only offers an old TLS version that this account does not allow (TLS 1.0/1.1).',
    hint: 'Ask the administrator to enable TLS 1.2 or 1.3 on the server. Lowering the minimum is unsafe and may be locked by policy.',
  },
  'handshake-failure': {
    message: 'The TLS handshake failed: the server and this phone have no cipher suite in common.',
    hint: 'The server probably offers only CBC or RSA-key-exchange suites; ask for ECDHE with AES-GCM or ChaCha20-Poly1305.',
  },
  'not-tls': {
    message: 'The server did not answer with TLS.',
    hint: 'Check the port: 5061 is usually SIP over TLS, 5060 plain SIP. The server may not have TLS enabled.',
  },
  'client-cert-required': {
    message: 'The server requires a client certificate and none is configured.',
    hint: 'Import the client certificate (PKCS#12 or PEM) your administrator gave you into this account.',
  },
  'client-cert-rejected': {
    message: 'The server rejected this phone’s client certificate.',
    hint: 'The certificate may be expired, revoked or from a CA the server does not trust; ask the administrator for a new one.',
  },
  'client-cert-invalid': {
    message: 'The configured client certificate or key cannot be used.',
    hint: 'Re-import the client certificate; the key must match the certificate.',
  },
  'client-cert-password': {
    message: 'The password for the client certificate file is wrong.',
    hint: 'Enter the PKCS#12 password your administrator gave you.',
  },
  'insecure-not-allowed': {
    message: 'Connecting without certificate verification is not allowed by policy.',
    hint: 'Choose "full", "chain-only" or "pinned" verification for this account.',
  },
  'policy-violation': {
    message: 'The TLS settings of this account are not allowed by policy.',
    hint: 'Use the provisioned TLS minimum version and cipher suites.',
  },
  'connection-refused': {
    message: 'The server refused the connection.',
    hint: 'The server is not listening on this port, or a firewall rejects it. Check the host, port and transport.',
  },
  'connection-reset': {
    message: 'The server closed the connection during setup.',
    hint: 'The server may be overloaded or restricting clients by address; try again later or ask the administrator.',
  },
  'host-unreachable': {
    message: 'The server cannot be reached from this network.',
    hint: 'Check your network connection, VPN and proxy settings.',
  },
  timeout: {
    message: 'The server did not answer in time.',
    hint: 'A firewall may be dropping the traffic silently, or the server is down. Check the host and port.',
  },
  'dns-failure': {
    message: 'The SIP server name could not be resolved.',
    hint: 'Check the SIP domain or outbound proxy spelling, and your DNS/network settings.',
  },
  'no-targets': {
    message: 'DNS returned no usable server for this SIP domain and transport.',
    hint: 'For sips: and transport=tls only TLS servers are used; check the account transport or the domain’s NAPTR/SRV records.',
  },
  'flow-closed': {
    message: 'The connection to the server is closed.',
    hint: 'The phone reconnects automatically; if it keeps failing, see the connection log.',
  },
  aborted: {
    message: 'The connection attempt was cancelled.',
    hint: 'No action needed.',
  },
};

export const TLS_ERROR_CODES: readonly TlsErrorCode[] = Object.keys(TEXT) as TlsErrorCode[];

export function tlsError(code: TlsErrorCode, detail?: Readonly<Record<string, unknown>>): TlsError {
  const t = TEXT[code];
  return detail === undefined ? { code, message: t.message, hint: t.hint } : { code, message: t.message, hint: t.hint, detail };
}

export function isTlsErrorCode(value: string): value is TlsErrorCode {
  return Object.prototype.hasOwnProperty.call(TEXT, value);
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
