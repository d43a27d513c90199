/**
 * The certificate report: a plain, serializable description of one TLS connection attempt for
 * the UI's certificate panel, the CLI and the TLS event log. No secrets: subjects, SANs,
 * fingerprints, pins, suite names only (DESIGN.md rule 3).
 *
 * Expiry warnings at 30/14/7 days follow the seed's "Monitor certificate expiration".
 */
import type { ChainVerdict } from './chain-verifier.js';
import type { OcspPolicy, OcspResult } from './ocsp-evaluator.js';
import { daysUntil, type ParsedCertificate, type PublicKeyFacts } from './parsed-certificate.js';
import type { IdentityCheck } from './server-identity.js';
import type { TlsError, TlsErrorCode } from './tls-error.js';
import type { VerificationMode } from './tls-settings.js';

export type CertificateRole = 'leaf' | 'intermediate' | 'root';

export interface CertificateEntry {
  readonly role: CertificateRole;
  readonly subject: string;
  readonly issuer: string;
  readonly sans: { readonly dns: readonly string[]; readonly ip: readonly string[]; readonly uri: readonly string[]; readonly email: readonly string[] };
  readonly serialNumber: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly daysLeft: number;
  readonly fingerprintSha256: string;
  readonly spkiPin: string;
  readonly publicKey: PublicKeyFacts;
  readonly signatureAlgorithm: string;
  readonly isCa: boolean;
  /** This certificate is one of the account's trust anchors. */
  readonly trustAnchor: boolean;
  /** Where the anchor came from, when it is one. */
  readonly anchorSource?: 'system' | 'bundled' | 'custom';
  /** The server sent this certificate (false for an anchor taken from the trust store). */
  readonly presented: boolean;
  /** The certificate itself, PEM (public: what "export the chain" writes). */
  readonly pem: string;
}

/** Remarks on a verdict that passed less than fully, as codes (words in services). */
export type VerdictNote =
  | { readonly code: 'chain-only' }
  | { readonly code: 'name-not-matched'; readonly reference: string }
  | { readonly code: 'pinned' }
  | { readonly code: 'pinned-expired' }
  | { readonly code: 'insecure' };

export type SecurityLevel = 'secure' | 'weaker' | 'insecure' | 'failed';

export interface ExpiryWarning {
  readonly subject: string;
  readonly fingerprintSha256: string;
  readonly daysLeft: number;
  /** The threshold crossed: 30, 14 or 7 days, or 0 when already expired. */
  readonly threshold: 30 | 14 | 7 | 0;
}

export interface CertificateReport {
  readonly version: 1;
  readonly checkedAt: string;
  readonly target: {
    /** The SIP domain the identity is checked against. */
    readonly domain: string;
    readonly address: string;
    readonly port: number;
    /** SNI sent (absent when the domain is an IP literal). */
    readonly sni?: string;
  };
  readonly mode: VerificationMode;
  readonly protocol?: string;
  readonly cipher?: { readonly name: string; readonly standardName?: string; readonly version?: string };
  /** Leaf first, through the anchor when a path was built. */
  readonly chain: readonly CertificateEntry[];
  readonly presentedCount: number;
  readonly identity?: { readonly checked: boolean; readonly reference: string; readonly matched?: string; readonly source?: string; readonly presented: readonly string[] };
  readonly pin?: { readonly expected: readonly string[]; readonly leafSpkiPin: string; readonly leafFingerprint: string; readonly matched: boolean };
  readonly revocation: { readonly policy: OcspPolicy } & OcspResult;
  readonly verdict: {
    readonly ok: boolean;
    readonly level: SecurityLevel;
    readonly error?: { readonly code: TlsErrorCode; readonly detail?: Readonly<Record<string, unknown>> };
    /** Why a passing verdict is weaker (chain-only, pinned, insecure). */
    readonly notes: readonly VerdictNote[];
  };
  readonly expiryWarnings: readonly ExpiryWarning[];
}

export function certificateEntry(
  c: ParsedCertificate,
  role: CertificateRole,
  now: number,
  opts: { trustAnchor: boolean; presented: boolean; anchorSource?: 'system' | 'bundled' | 'custom' },
): CertificateEntry {
  return {
    role,
    subject: c.subject,
    issuer: c.issuer,
    sans: c.sans,
    serialNumber: c.serialNumber,
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    daysLeft: daysUntil(c.notAfter, now),
    fingerprintSha256: c.fingerprintSha256,
    spkiPin: c.spkiPin,
    publicKey: c.publicKey,
    signatureAlgorithm: c.signatureAlgorithm,
    isCa: c.isCa,
    trustAnchor: opts.trustAnchor,
    ...(opts.anchorSource === undefined ? {} : { anchorSource: opts.anchorSource }),
    presented: opts.presented,
    pem: `-----BEGIN CERTIFICATE-----\n${(c.der.toString('base64').match(/.{1,64}/g) ?? []).join('\n')}\n-----END CERTIFICATE-----\n`,
  };
}

/** The chain to show: the validated path when one was built, else what the server presented. */
export function reportChain(
  presented: readonly ParsedCertificate[],
  chain: ChainVerdict | undefined,
  now: number,
  isAnchor: (c: ParsedCertificate) => boolean,
  anchorSource: (c: ParsedCertificate) => 'system' | 'bundled' | 'custom' | undefined,
): CertificateEntry[] {
  const path = chain !== undefined && chain.path.length > 0 ? [...chain.path] : [...presented];
  // Certificates the server sent that are not on the path still belong in the report.
  for (const p of presented) if (!path.some((c) => c.fingerprintSha256 === p.fingerprintSha256)) path.push(p);
  const presentedSet = new Set(presented.map((c) => c.fingerprintSha256));
  return path.map((c, i) => {
    const anchor = isAnchor(c);
    const role: CertificateRole = i === 0 ? 'leaf' : c.selfIssued ? 'root' : 'intermediate';
    const source = anchor ? anchorSource(c) : undefined;
    return certificateEntry(c, role, now, { trustAnchor: anchor, presented: presentedSet.has(c.fingerprintSha256), ...(source === undefined ? {} : { anchorSource: source }) });
  });
}

/** Expiry warnings for every certificate in the chain at 30/14/7 days (0 = expired). */
export function expiryWarnings(chain: readonly CertificateEntry[]): ExpiryWarning[] {
  const out: ExpiryWarning[] = [];
  for (const c of chain) {
    const d = c.daysLeft;
    const threshold = d < 0 ? 0 : d <= 7 ? 7 : d <= 14 ? 14 : d <= 30 ? 30 : undefined;
    if (threshold !== undefined) out.push({ subject: c.subject, fingerprintSha256: c.fingerprintSha256, daysLeft: d, threshold });
  }
  return out;
}

export function identitySummary(check: IdentityCheck, checked: boolean): NonNullable<CertificateReport['identity']> {
  return {
    checked,
    reference: check.reference,
    ...(check.matched === undefined ? {} : { matched: check.matched }),
    ...(check.source === undefined ? {} : { source: check.source }),
    presented: check.presented,
  };
}

export function errorSummary(e: TlsError): NonNullable<CertificateReport['verdict']['error']> {
  return e.detail === undefined ? { code: e.code } : { code: e.code, detail: e.detail };
}

/** A report for a failure before any certificate was seen (refused, timeout, handshake). */
export function failureReport(
  base: Pick<CertificateReport, 'checkedAt' | 'target' | 'mode'> & { protocol?: string },
  error: TlsError,
  ocspPolicy: OcspPolicy,
): CertificateReport {
  return {
    version: 1,
    ...base,
    chain: [],
    presentedCount: 0,
    revocation: { policy: ocspPolicy, status: 'not-requested' },
    verdict: { ok: false, level: 'failed', error: errorSummary(error), notes: [] },
    expiryWarnings: [],
  };
}
