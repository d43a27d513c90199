/**
 * The verdict on a server after the handshake and before any SIP byte is written (issue 4):
 * combines OpenSSL's chain verification against the account's anchors, our own path validation
 * (chain-verifier.ts), the RFC 5922 identity check, pins, key strength and stapled OCSP, per
 * verification mode:
 *
 *  - `full`:       chain (both verifiers agree) + identity + revocation policy.
 *  - `chain-only`: chain + revocation policy; identity is reported but not required (weaker).
 *  - `pinned`:     the leaf's SPKI SHA-256 or certificate SHA-256 equals a pin; chain not needed
 *                  (self-signed allowed); weak keys and a revoked status still fail.
 *  - `insecure`:   nothing checked (only when policy allows; shown as insecure).
 *
 * Fail closed: when OpenSSL and our validator disagree, the connection is refused.
 */
import { verifyChain, hasWeakKey, type ChainVerdict } from './chain-verifier.js';
import {
  errorSummary,
  expiryWarnings,
  identitySummary,
  reportChain,
  type CertificateReport,
  type VerdictNote,
  type SecurityLevel,
} from './certificate-report.js';
import { evaluateStapledOcsp, ocspPolicyError, type OcspResult } from './ocsp-evaluator.js';
import { normalisePin, type ParsedCertificate } from './parsed-certificate.js';
import { checkServerIdentity } from './server-identity.js';
import { fromVerifyCode, tlsError, type TlsError } from './tls-error.js';
import type { EffectiveTlsSettings } from './tls-settings.js';
import type { AnchorSet } from './trust-store.js';

export interface PeerEvidence {
  /** Certificates the server sent, leaf first. */
  readonly presented: readonly ParsedCertificate[];
  /** OpenSSL's verification result against the same anchors (`authorizationError` code), or null. */
  readonly opensslVerifyCode: string | null;
  readonly ocspResponse?: Uint8Array;
  readonly protocol?: string;
  readonly cipher?: { readonly name: string; readonly standardName?: string; readonly version?: string };
}

export interface PeerTarget {
  readonly domain: string;
  readonly address: string;
  readonly port: number;
  readonly sni?: string;
}

export interface PeerVerdict {
  readonly ok: boolean;
  readonly error?: TlsError;
  readonly report: CertificateReport;
}

export interface PeerVerifyContext {
  readonly settings: EffectiveTlsSettings;
  readonly anchors: AnchorSet;
  /** Wall-clock ms. */
  readonly now: number;
}

export function pinMatches(pins: readonly string[], leaf: ParsedCertificate): boolean {
  return pins.some((p) => {
    const n = normalisePin(p);
    if (n === undefined) return false;
    return n.kind === 'spki' ? n.value === leaf.spkiPin : n.value === leaf.fingerprintSha256;
  });
}

export async function verifyPeer(evidence: PeerEvidence, target: PeerTarget, ctx: PeerVerifyContext): Promise<PeerVerdict> {
  const { settings, anchors, now } = ctx;
  const mode = settings.verification;
  const leaf = evidence.presented[0];
  const notes: VerdictNote[] = [];
  const base = {
    version: 1 as const,
    checkedAt: new Date(now).toISOString(),
    target: { domain: target.domain, address: target.address, port: target.port, ...(target.sni === undefined ? {} : { sni: target.sni }) },
    mode,
    ...(evidence.protocol === undefined ? {} : { protocol: evidence.protocol }),
    ...(evidence.cipher === undefined ? {} : { cipher: evidence.cipher }),
    presentedCount: evidence.presented.length,
  };

  if (leaf === undefined) {
    const error = tlsError('invalid-chain', { reason: 'the server sent no certificate' });
    return {
      ok: false,
      error,
      report: {
        ...base,
        chain: [],
        revocation: { policy: settings.ocsp, status: 'not-requested' },
        verdict: { ok: false, level: 'failed', error: errorSummary(error), notes },
        expiryWarnings: [],
      },
    };
  }

  const chain: ChainVerdict = verifyChain(evidence.presented, anchors.anchors, { now, purpose: 'server' });
  const identity = checkServerIdentity(leaf, target.domain, { allowWildcards: settings.allowWildcards });
  const issuer = chain.path.length > 1 ? chain.path[1] : undefined;
  const ocsp: OcspResult =
    settings.ocsp === 'off' || mode === 'insecure'
      ? { status: 'not-requested' }
      : await evaluateStapledOcsp(evidence.ocspResponse, leaf, issuer, { now });
  const pinned = mode === 'pinned' ? pinMatches(settings.pins, leaf) : undefined;

  let error: TlsError | undefined;
  let level: SecurityLevel = 'secure';
  const chainError = (): TlsError | undefined => {
    if (!chain.ok) return tlsError(chain.code, chain.detail);
    if (evidence.opensslVerifyCode !== null) {
      // Our validator accepted what OpenSSL refused: trust neither.
      return tlsError(fromVerifyCode(evidence.opensslVerifyCode, evidence.presented.length), { source: 'openssl', verifyCode: evidence.opensslVerifyCode });
    }
    return undefined;
  };
  const ocspError = (): TlsError | undefined => {
    const code = ocspPolicyError(ocsp, settings.ocsp);
    return code === undefined ? undefined : tlsError(code, { ocsp: ocsp.status, ...(ocsp.detail === undefined ? {} : { reason: ocsp.detail }) });
  };

  switch (mode) {
    case 'full':
      error = chainError() ?? (identity.ok ? undefined : tlsError('hostname-mismatch', { domain: identity.reference, presented: identity.presented })) ?? ocspError();
      break;
    case 'chain-only':
      error = chainError() ?? ocspError();
      level = 'weaker';
      notes.push({ code: 'chain-only' });
      if (!identity.ok) notes.push({ code: 'name-not-matched', reference: identity.reference });
      break;
    case 'pinned':
      if (pinned !== true) error = tlsError('pin-mismatch', { leafSpkiPin: leaf.spkiPin, leafFingerprint: leaf.fingerprintSha256 });
      else if (hasWeakKey(leaf)) error = tlsError('weak-key', { key: leaf.publicKey });
      else if (ocsp.status === 'revoked' && settings.ocsp !== 'off') error = tlsError('revoked');
      notes.push({ code: 'pinned' });
      if (now > leaf.notAfter.getTime()) notes.push({ code: 'pinned-expired' });
      break;
    case 'insecure':
      level = 'insecure';
      notes.push({ code: 'insecure' });
      break;
  }
  if (error !== undefined) level = 'failed';

  const chainEntries = reportChain(evidence.presented, chain, now, (c) => anchors.anchors.has(c), (c) => anchors.sourceOf(c));
  const report: CertificateReport = {
    ...base,
    chain: chainEntries,
    identity: identitySummary(identity, mode === 'full'),
    ...(mode === 'pinned'
      ? { pin: { expected: settings.pins, leafSpkiPin: leaf.spkiPin, leafFingerprint: leaf.fingerprintSha256, matched: pinned === true } }
      : {}),
    revocation: { policy: settings.ocsp, ...ocsp },
    verdict: { ok: error === undefined, level, ...(error === undefined ? {} : { error: errorSummary(error) }), notes },
    expiryWarnings: expiryWarnings(chainEntries),
  };
  return error === undefined ? { ok: true, report } : { ok: false, error, report };
}
