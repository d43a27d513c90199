import { describe, expect, it } from 'vitest';
import { fromSocketError, fromVerifyCode, isHostSpecific, TLS_ERROR_CODES, tlsError } from './tls-error.js';

const before = { serverCertificateSeen: false, clientCertificateConfigured: false };
const afterWithCert = { serverCertificateSeen: true, clientCertificateConfigured: true };
const afterNoCert = { serverCertificateSeen: true, clientCertificateConfigured: false };

describe('typed TLS errors', () => {
  it('errors are codes with context only (the words are made in services/problems)', () => {
    for (const code of TLS_ERROR_CODES) expect(tlsError(code, { host: 'h' })).toEqual({ code, detail: { host: 'h' } });
    expect(TLS_ERROR_CODES).toEqual(
      expect.arrayContaining(['expired', 'not-yet-valid', 'unknown-authority', 'incomplete-chain', 'self-signed', 'hostname-mismatch', 'pin-mismatch', 'revoked', 'weak-key', 'protocol-version', 'handshake-failure', 'connection-refused', 'timeout', 'dns-failure']),
    );
  });

  it('maps OpenSSL verify results (X509_V_ERR_* names as Node reports them)', () => {
    expect(fromVerifyCode('CERT_HAS_EXPIRED', 2)).toBe('expired');
    expect(fromVerifyCode('CERT_NOT_YET_VALID', 2)).toBe('not-yet-valid');
    expect(fromVerifyCode('DEPTH_ZERO_SELF_SIGNED_CERT', 1)).toBe('self-signed');
    expect(fromVerifyCode('SELF_SIGNED_CERT_IN_CHAIN', 2)).toBe('unknown-authority');
    expect(fromVerifyCode('UNABLE_TO_VERIFY_LEAF_SIGNATURE', 1)).toBe('incomplete-chain');
    expect(fromVerifyCode('UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 1)).toBe('incomplete-chain');
    expect(fromVerifyCode('UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 2)).toBe('unknown-authority');
    expect(fromVerifyCode('CERT_REVOKED', 2)).toBe('revoked');
    expect(fromVerifyCode('EE_KEY_TOO_SMALL', 2)).toBe('weak-key');
    expect(fromVerifyCode('ERR_TLS_CERT_ALTNAME_INVALID', 2)).toBe('hostname-mismatch');
    expect(fromVerifyCode('CERT_SIGNATURE_FAILURE', 2)).toBe('invalid-chain');
  });

  it('maps connect errors (errno)', () => {
    expect(fromSocketError({ code: 'ECONNREFUSED' }, before).code).toBe('connection-refused');
    expect(fromSocketError({ code: 'ETIMEDOUT' }, before).code).toBe('timeout');
    expect(fromSocketError({ code: 'EHOSTUNREACH' }, before).code).toBe('host-unreachable');
    expect(fromSocketError({ code: 'ENOTFOUND' }, before).code).toBe('dns-failure');
    expect(fromSocketError({ code: 'ECONNRESET' }, before).code).toBe('connection-reset');
  });

  it('maps handshake alerts, telling cipher failures from client-certificate rejections by phase', () => {
    expect(fromSocketError({ code: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION' }, before).code).toBe('protocol-version');
    expect(fromSocketError({ code: 'ERR_SSL_WRONG_VERSION_NUMBER' }, before).code).toBe('not-tls');
    expect(fromSocketError({ code: 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE' }, before).code).toBe('handshake-failure');
    expect(fromSocketError({ code: 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE' }, afterWithCert).code).toBe('client-cert-rejected');
    expect(fromSocketError({ code: 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE' }, afterNoCert).code).toBe('client-cert-required');
    expect(fromSocketError({ code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' }, afterNoCert).code).toBe('client-cert-required');
    expect(fromSocketError({ code: 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA' }, afterWithCert).code).toBe('client-cert-rejected');
    expect(fromSocketError({ code: 'ECONNRESET' }, afterWithCert).code).toBe('client-cert-rejected');
    expect(fromSocketError({ code: 'ERR_SSL_SOMETHING_NEW' }, before).code).toBe('handshake-failure');
  });

  it('treats local configuration problems as not host-specific (failover stops)', () => {
    expect(isHostSpecific('expired')).toBe(true);
    expect(isHostSpecific('connection-refused')).toBe(true);
    expect(isHostSpecific('client-cert-password')).toBe(false);
    expect(isHostSpecific('insecure-not-allowed')).toBe(false);
  });
});
