/** AccountView: an account's settings as the accounts list and the edit form show them, no secret. */
import { SrtpSuiteNameSchema, type AccountView, type LockedSetting } from '../../../../src-shared/model/account.js';
import type * as v from 'valibot';
import { X509Certificate } from 'node:crypto';
import { DEFAULT_SDES_SUITES } from '../../../protocol/sdes/sdes-config.js';
import type { StoredAccount } from '../account-store.js';
import { shortAddress } from './party-view.js';

export function toAccountView(a: StoredAccount, isDefault: boolean, locked: readonly LockedSetting[] = []): AccountView {
  const c = a.config;
  const cert = c.tls.clientCert;
  const sips = /^sips:/i.test(c.uri);
  return {
    id: a.id,
    displayName: c.displayName ?? null,
    address: c.uri,
    shortAddress: shortAddress(c.uri),
    authUser: c.authUser ?? null,
    registrar: c.registrar ?? null,
    outboundProxy: c.outboundProxy ?? null,
    transport: c.transport,
    tlsScope: c.transport !== 'tls' ? 'none' : sips ? 'every-hop' : 'first-hop',
    verification: c.tls.verify,
    pin: c.tls.pin ?? null,
    minTlsVersion: c.tls.minVersion,
    caFiles: [...c.tls.caFiles],
    trustedCas: c.tls.trustedCas.map(caSummary),
    caOnly: c.tls.caOnly,
    revocation: c.tls.revocation,
    clientCertificate: cert === undefined ? null : 'pkcs12' in cert ? { kind: 'pkcs12', file: cert.pkcs12, hasPassword: a.hasClientCertPassword } : { kind: 'pem', file: cert.cert, hasPassword: a.hasClientCertPassword },
    srtp: c.srtp,
    srtpSuites: c.srtpSuites !== undefined ? [...c.srtpSuites] : DEFAULT_SDES_SUITES.filter(isAccountSuite),
    codecs: [...c.codecs],
    register: c.register,
    registerExpires: c.registerExpires,
    sessionExpires: c.sessionExpires,
    voicemail: c.mwi,
    allowInsecureSdes: c.allowInsecureSdes,
    hasPassword: a.hasPassword,
    passwordNeeded: a.passwordNeeded,
    enabled: a.enabled,
    isDefault,
    locked: [...locked],
  };
}

/** Subject and SHA-256 fingerprint of a trusted CA (PEM), as the account form lists it. */
export function caSummary(pem: string): { subject: string; fingerprintSha256: string } {
  try {
    const cert = new X509Certificate(pem);
    return { subject: cert.subject.replace(/\n/g, ', '), fingerprintSha256: cert.fingerprint256 };
  } catch {
    return { subject: '(unreadable certificate)', fingerprintSha256: '' };
  }
}

/** The suites an account may name (AES-192 is implemented but not offered by default or configurable). */
function isAccountSuite(s: string): s is v.InferOutput<typeof SrtpSuiteNameSchema> {
  return (SrtpSuiteNameSchema.options as readonly string[]).includes(s);
}
