/**
 * Per-account TLS settings and the provisioning policy that bounds them.
 *
 * Defaults follow the seed ("Cipher Suite Incompatibility", "Best Practices"): TLS 1.2 minimum,
 * TLS 1.3 preferred (OpenSSL negotiates the highest common version), and only AEAD suites with
 * forward secrecy (ECDHE/DHE with AES-GCM or ChaCha20-Poly1305; TLS 1.3 suites are all AEAD+FS).
 * No CBC, no RSA key exchange. ALPN is never offered (SIP has no ALPN id; RFC 7301 not used).
 */
import { err, ok, type Result } from '../../base/result.js';
import type { ClientCredentials } from './client-certificate.js';
import type { OcspPolicy } from './ocsp-evaluator.js';
import { normalisePin } from './parsed-certificate.js';
import { tlsError, type TlsError } from './tls-error.js';
import { DEFAULT_TRUST_CHOICE, type TrustChoice } from './trust-store.js';

export type VerificationMode = 'full' | 'chain-only' | 'pinned' | 'insecure';
export const VERIFICATION_MODES: readonly VerificationMode[] = ['full', 'chain-only', 'pinned', 'insecure'];

export type TlsMinVersion = 'TLSv1.2' | 'TLSv1.3';

/** TLS 1.3 suites (RFC 8446 §B.4), strongest first as in the seed. */
export const TLS13_SUITES = ['TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_128_GCM_SHA256'] as const;

/** TLS 1.2 suites: ECDHE + AEAD only (the seed's two RSA suites plus their ECDSA and ChaCha20 siblings). */
export const TLS12_SUITES = [
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
] as const;

export const DEFAULT_CIPHERS = [...TLS13_SUITES, ...TLS12_SUITES].join(':');

/** What an account stores about TLS (the UI edits this; provisioning may preset it). */
export interface TlsAccountSettings {
  readonly verification?: VerificationMode;
  /** For `pinned`: `sha256/BASE64` SPKI pins or SHA-256 certificate fingerprints (hex). */
  readonly pins?: readonly string[];
  readonly minVersion?: TlsMinVersion;
  /** OpenSSL cipher list (TLS 1.3 names included); must stay AEAD + forward secrecy unless policy allows. */
  readonly ciphers?: string;
  readonly trust?: TrustChoice;
  readonly ocsp?: OcspPolicy;
  readonly clientCredentials?: ClientCredentials;
  /** Accept `*.domain` dNSName wildcards (default true; see server-identity.ts). */
  readonly allowWildcards?: boolean;
}

/** Organisation policy (provisioning). */
export interface TlsPolicy {
  readonly allowInsecure: boolean;
  /** A floor the account cannot go below; when set, the account's own minimum is ignored if lower. */
  readonly lockedMinVersion?: TlsMinVersion;
  /** Allow cipher strings outside AEAD+FS (only for legacy PBXs; off by default). */
  readonly allowLegacyCiphers?: boolean;
}

export const DEFAULT_TLS_POLICY: TlsPolicy = { allowInsecure: false };

export interface EffectiveTlsSettings {
  readonly verification: VerificationMode;
  readonly pins: readonly string[];
  readonly minVersion: TlsMinVersion;
  readonly ciphers: string;
  readonly trust: TrustChoice;
  readonly ocsp: OcspPolicy;
  readonly clientCredentials?: ClientCredentials;
  readonly allowWildcards: boolean;
  /** Wait after a TLS 1.3 handshake for a rejection of our client certificate (see tls-connector.ts). */
  readonly postHandshakeGraceMs: number;
}

const AEAD_FS_TLS12 = /^(ECDHE|DHE)-(RSA|ECDSA)-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305|AES(128|256)-CCM)$/;
const TLS13_NAME = /^TLS_(AES_(128|256)_GCM_SHA(256|384)|CHACHA20_POLY1305_SHA256|AES_128_CCM_SHA256)$/;

/** The suites in `ciphers` that are not AEAD with forward secrecy. */
export function nonCompliantCiphers(ciphers: string): string[] {
  return ciphers
    .split(':')
    .map((c) => c.trim())
    .filter((c) => c !== '' && !AEAD_FS_TLS12.test(c) && !TLS13_NAME.test(c));
}

const VERSION_RANK: Readonly<Record<TlsMinVersion, number>> = { 'TLSv1.2': 2, 'TLSv1.3': 3 };

/** Applies defaults and the policy. Refuses settings the policy does not allow. */
export function resolveTlsSettings(account: TlsAccountSettings, policy: TlsPolicy = DEFAULT_TLS_POLICY): Result<EffectiveTlsSettings, TlsError> {
  const verification = account.verification ?? 'full';
  if (!['full', 'chain-only', 'pinned', 'insecure'].includes(verification)) return err(tlsError('policy-violation', { reason: `unknown verification mode ${String(verification)}` }));
  if (verification === 'insecure' && !policy.allowInsecure) return err(tlsError('insecure-not-allowed'));

  const pins = account.pins ?? [];
  if (verification === 'pinned') {
    if (pins.length === 0) return err(tlsError('policy-violation', { reason: 'pinned mode needs at least one pin' }));
    const bad = pins.filter((p) => normalisePin(p) === undefined);
    if (bad.length > 0) return err(tlsError('policy-violation', { reason: 'pins must be sha256/BASE64 (SPKI) or a SHA-256 fingerprint', bad }));
  }

  const requested = account.minVersion ?? 'TLSv1.2';
  if (!(requested in VERSION_RANK)) return err(tlsError('policy-violation', { reason: `minimum TLS version ${String(requested)} is not allowed` }));
  const floor = policy.lockedMinVersion;
  const minVersion = floor !== undefined && VERSION_RANK[floor] > VERSION_RANK[requested] ? floor : requested;

  const ciphers = account.ciphers ?? DEFAULT_CIPHERS;
  const bad = nonCompliantCiphers(ciphers);
  if (bad.length > 0 && policy.allowLegacyCiphers !== true) {
    return err(tlsError('policy-violation', { reason: 'only AEAD cipher suites with forward secrecy are allowed', ciphers: bad }));
  }

  return ok({
    verification,
    pins: [...pins],
    minVersion,
    ciphers,
    trust: account.trust ?? DEFAULT_TRUST_CHOICE,
    ocsp: account.ocsp ?? 'soft-fail',
    ...(account.clientCredentials === undefined ? {} : { clientCredentials: account.clientCredentials }),
    allowWildcards: account.allowWildcards ?? true,
    postHandshakeGraceMs: 250,
  });
}
