/**
 * Certification path building and validation (RFC 5280 §6, simplified to what TLS servers need):
 * builds a path from the server's leaf through the certificates it presented to one of the
 * configured trust anchors, then checks validity periods, CA constraints, key usage, the server
 * purpose, and key/signature strength.
 *
 * This runs in addition to OpenSSL's own verification against the same anchors (see
 * peer-verifier.ts): both must agree before a connection is trusted. Ours gives the precise
 * typed reason (incomplete chain vs unknown authority, which certificate expired) and the chain
 * shown in the certificate report.
 *
 * Not done here: name constraints and certificate policies (RFC 5280 §4.2.1.10/§6.1.3 (b)-(d)) -
 * OpenSSL enforces name constraints in its pass; revocation is checked via stapled OCSP.
 */
import type { TlsErrorCode } from './tls-error.js';
import { isWeakSignatureAlgorithm, nameKeys, type ParsedCertificate } from './parsed-certificate.js';

export const OID_SERVER_AUTH = '1.3.6.1.5.5.7.3.1';
export const OID_CLIENT_AUTH = '1.3.6.1.5.5.7.3.2';
const OID_ANY_EKU = '2.5.29.37.0';

/** Minimum key sizes accepted anywhere in a chain (NIST SP 800-131A: 112-bit security). */
export const MIN_RSA_BITS = 2048;
export const MIN_EC_BITS = 256;

export interface TrustAnchors {
  readonly certificates: readonly ParsedCertificate[];
  /** Anchors whose subject is `issuerKey` (native name string, see `nameKeys`), for path building. */
  bySubject(issuerKey: string): readonly ParsedCertificate[];
  /** Whether this exact certificate (DER) is an anchor. */
  has(cert: ParsedCertificate): boolean;
}

export function trustAnchors(certs: readonly ParsedCertificate[]): TrustAnchors {
  const map = new Map<string, ParsedCertificate[]>();
  const ders = new Set<string>();
  const unique: ParsedCertificate[] = [];
  for (const c of certs) {
    const key = c.fingerprintSha256;
    if (ders.has(key)) continue;
    ders.add(key);
    unique.push(c);
    const subjectKey = nameKeys(c).subject;
    const list = map.get(subjectKey) ?? [];
    list.push(c);
    map.set(subjectKey, list);
  }
  return {
    certificates: unique,
    bySubject: (s) => map.get(s) ?? [],
    has: (c) => ders.has(c.fingerprintSha256),
  };
}

export type ChainVerdict =
  | { readonly ok: true; readonly path: readonly ParsedCertificate[]; readonly anchor: ParsedCertificate }
  | {
      readonly ok: false;
      readonly code: TlsErrorCode;
      /** The best path found (leaf first), for the report. */
      readonly path: readonly ParsedCertificate[];
      readonly anchor?: ParsedCertificate;
      readonly detail: Readonly<Record<string, unknown>>;
    };

export interface ChainOptions {
  readonly now: number;
  readonly purpose?: 'server' | 'client';
  readonly maxDepth?: number;
}

function issuedBy(child: ParsedCertificate, issuer: ParsedCertificate): boolean {
  if (!nameMatchOnly(child, issuer)) return false;
  try {
    return child.x509.checkIssued(issuer.x509) && child.x509.verify(issuer.x509.publicKey);
  } catch {
    return false;
  }
}

/** Subject = issuer and the signature verifies with its own key (key usage not required). */
function selfSigned(c: ParsedCertificate): boolean {
  if (!c.selfIssued) return false;
  try {
    return c.x509.verify(c.x509.publicKey);
  } catch {
    return false;
  }
}

function nameMatchOnly(child: ParsedCertificate, issuer: ParsedCertificate): boolean {
  return nameKeys(child).issuer === nameKeys(issuer).subject;
}

interface Search {
  best: ParsedCertificate[];
  badSignature: boolean;
}

function build(path: ParsedCertificate[], presented: readonly ParsedCertificate[], anchors: TrustAnchors, maxDepth: number, s: Search): { path: ParsedCertificate[]; anchor: ParsedCertificate } | undefined {
  const current = path[path.length - 1]!;
  if (path.length > s.best.length) s.best = path.slice();
  // The current certificate is itself an anchor (e.g. a pinned-by-CA self-signed server cert).
  if (anchors.has(current)) return { path, anchor: current };
  for (const anchor of anchors.bySubject(nameKeys(current).issuer)) {
    if (issuedBy(current, anchor)) return { path: [...path, anchor], anchor };
    s.badSignature ||= nameMatchOnly(current, anchor);
  }
  if (path.length >= maxDepth) return undefined;
  for (const cand of presented) {
    if (path.some((p) => p.fingerprintSha256 === cand.fingerprintSha256)) continue;
    if (!nameMatchOnly(current, cand)) continue;
    if (!issuedBy(current, cand)) {
      s.badSignature = true;
      continue;
    }
    const found = build([...path, cand], presented, anchors, maxDepth, s);
    if (found !== undefined) return found;
  }
  return undefined;
}

function keyTooWeak(c: ParsedCertificate): boolean {
  const { type, bits } = c.publicKey;
  if (type === 'rsa' || type === 'rsa-pss') return bits === undefined || bits < MIN_RSA_BITS;
  if (type === 'dsa' || type === 'dh') return true;
  if (type === 'ec') return bits === undefined || bits < MIN_EC_BITS;
  return false;
}

function describe(c: ParsedCertificate): Record<string, unknown> {
  return { subject: c.subject, fingerprintSha256: c.fingerprintSha256 };
}

/** Builds and validates the path for `presented` (leaf first) against `anchors`. */
export function verifyChain(presented: readonly ParsedCertificate[], anchors: TrustAnchors, options: ChainOptions): ChainVerdict {
  const leaf = presented[0];
  if (leaf === undefined) return { ok: false, code: 'invalid-chain', path: [], detail: { reason: 'no certificate presented' } };
  const search: Search = { best: [leaf], badSignature: false };
  const found = build([leaf], presented.slice(1), anchors, options.maxDepth ?? 10, search);

  if (found === undefined) {
    const path = search.best;
    const top = path[path.length - 1]!;
    const topSelfSigned = selfSigned(top);
    let code: TlsErrorCode;
    if (topSelfSigned) code = path.length === 1 ? 'self-signed' : 'unknown-authority';
    else if (search.badSignature) code = 'invalid-chain';
    else if (top === leaf) code = 'incomplete-chain';
    else code = 'unknown-authority';
    return {
      ok: false,
      code,
      path,
      detail: { top: describe(top), missingIssuer: topSelfSigned ? undefined : top.issuer, ...(search.badSignature ? { reason: 'signature does not verify' } : {}) },
    };
  }

  const { path, anchor } = found;
  const now = options.now;
  // Validity periods, including the anchor's (RFC 5280 §6.1.3 (a)(2); OpenSSL checks the root too).
  for (const c of path) {
    if (now < c.notBefore.getTime()) return { ok: false, code: 'not-yet-valid', path, anchor, detail: { ...describe(c), notBefore: c.notBefore.toISOString() } };
    if (now > c.notAfter.getTime()) return { ok: false, code: 'expired', path, anchor, detail: { ...describe(c), notAfter: c.notAfter.toISOString() } };
  }
  // CA constraints on every issuer below the anchor (RFC 5280 §6.1.4 (k),(l),(n)).
  for (let i = 1; i < path.length; i++) {
    const issuer = path[i]!;
    if (issuer === anchor && i === path.length - 1) continue;
    if (!issuer.isCa) return { ok: false, code: 'invalid-chain', path, anchor, detail: { ...describe(issuer), reason: 'issuer is not a CA' } };
    if (issuer.keyUsage !== undefined && !issuer.keyUsage.keyCertSign) {
      return { ok: false, code: 'invalid-chain', path, anchor, detail: { ...describe(issuer), reason: 'issuer key usage lacks keyCertSign' } };
    }
    if (issuer.pathLen !== undefined) {
      const below = path.slice(1, i).filter((c) => !c.selfIssued).length;
      if (below > issuer.pathLen) return { ok: false, code: 'invalid-chain', path, anchor, detail: { ...describe(issuer), reason: 'path length constraint exceeded' } };
    }
  }
  // Purpose of the leaf (RFC 5280 §4.2.1.12).
  const wanted = options.purpose === 'client' ? OID_CLIENT_AUTH : OID_SERVER_AUTH;
  if (path.length > 1 || !anchors.has(leaf)) {
    const eku = leaf.extKeyUsage;
    if (eku !== undefined && !eku.includes(wanted) && !eku.includes(OID_ANY_EKU)) {
      return { ok: false, code: 'invalid-chain', path, anchor, detail: { ...describe(leaf), reason: 'certificate is not for TLS servers', extKeyUsage: eku } };
    }
  }
  for (const c of path) {
    if (keyTooWeak(c)) return { ok: false, code: 'weak-key', path, anchor, detail: { ...describe(c), key: c.publicKey } };
  }
  for (const c of path) {
    if (c === anchor) continue;
    if (isWeakSignatureAlgorithm(c.signatureAlgorithm)) return { ok: false, code: 'weak-signature', path, anchor, detail: { ...describe(c), signatureAlgorithm: c.signatureAlgorithm } };
  }
  return { ok: true, path, anchor };
}

/** Key-strength check on a single certificate (pinned mode still refuses weak keys). */
export function hasWeakKey(c: ParsedCertificate): boolean {
  return keyTooWeak(c);
}
