/**
 * CertificateReportView: a TLS connection attempt explained for the certificate panel, from the
 * platform's report (platform/tls/certificate-report.ts): the chain with what each certificate is,
 * the negotiated version and cipher, the hostname check (RFC 5922 / RFC 6125) and how it matched,
 * the expiry warnings at 30/14/7 days, and the verdict with its typed error in plain words.
 */
import type { AddressReportView, CertificateReportView, InspectionView } from '../../../../src-shared/model/certificate.js';
import type { RegistrationView } from '../../../../src-shared/model/registration.js';
import type { Problem } from '../../../../src-shared/ipc/errors.js';
import type { CertificateReport, VerdictNote } from '../../../platform/tls/certificate-report.js';
import { problem, publicDetail } from '../../problems/problem-catalog.js';
import { connectionProblem } from '../connection-problem.js';
import type { AddressInspection } from '../../certificates/ports.js';

const MATCH_WORDS: Readonly<Record<string, string>> = {
  'dns-san': 'a DNS name in the certificate',
  'sip-uri-san': 'a SIP URI in the certificate (RFC 5922)',
  'ip-san': 'an IP address in the certificate',
  'common-name': 'the certificate’s common name (no subjectAltName)',
};

export function noteWords(n: VerdictNote): string {
  switch (n.code) {
    case 'chain-only':
      return 'Chain-only verification: the certificate is from a trusted authority, but it is not checked against the SIP domain. Someone holding any trusted certificate could impersonate this server.';
    case 'name-not-matched':
      return `The certificate does not name ${n.reference ?? 'the SIP domain'}.`;
    case 'pinned':
      return 'Pinned verification: trusted because the server key matches the pin, not because of a certificate authority.';
    case 'pinned-expired':
      return 'The pinned certificate has expired; ask the administrator to renew it and confirm the new pin.';
    case 'insecure':
      return 'Insecure: the server certificate is not verified. Anyone on the network path can read and change calls and their encryption keys.';
  }
}

export function expiryWords(subject: string, daysLeft: number, threshold: number): string {
  const cn = /CN=([^,]+)/.exec(subject)?.[1] ?? subject;
  if (threshold === 0) return `The certificate “${cn}” has expired.`;
  return `The certificate “${cn}” expires in ${daysLeft} day${daysLeft === 1 ? '' : 's'}.`;
}

function isWildcard(name: string | undefined): boolean {
  return name !== undefined && name.startsWith('*.');
}

export function reportProblem(r: CertificateReport): Problem | null {
  const e = r.verdict.error;
  return e === undefined ? null : problem(e.code, publicDetail(e.detail));
}

export function toCertificateReportView(r: CertificateReport): CertificateReportView {
  const id = r.identity;
  const how = id?.source === 'dns-san' && isWildcard(id.matched) ? 'wildcard-san' : (id?.source ?? null);
  return {
    checkedAt: r.checkedAt,
    target: { domain: r.target.domain, address: r.target.address, port: r.target.port, sni: r.target.sni ?? null },
    mode: r.mode,
    tlsVersion: r.protocol ?? null,
    cipher: r.cipher === undefined ? null : (r.cipher.standardName ?? r.cipher.name),
    chain: r.chain.map((c) => ({
      role: c.role,
      subject: c.subject,
      issuer: c.issuer,
      sans: { dns: [...c.sans.dns], ip: [...c.sans.ip], uri: [...c.sans.uri], email: [...c.sans.email] },
      serialNumber: c.serialNumber,
      notBefore: c.notBefore,
      notAfter: c.notAfter,
      daysLeft: c.daysLeft,
      publicKey: { type: c.publicKey.type, bits: c.publicKey.bits ?? null, curve: c.publicKey.curve ?? null },
      signatureAlgorithm: c.signatureAlgorithm,
      fingerprintSha256: c.fingerprintSha256,
      spkiPin: c.spkiPin,
      isCa: c.isCa,
      presented: c.presented,
      trustAnchor: c.trustAnchor,
      anchorSource: c.anchorSource ?? null,
    })),
    presentedCount: r.presentedCount,
    identity:
      id === undefined
        ? null
        : {
            required: id.checked,
            reference: id.reference,
            matched: id.matched ?? null,
            how,
            presented: [...id.presented],
            summary:
              id.matched !== undefined
                ? `${id.reference} matched ${id.matched}, ${how === 'wildcard-san' ? 'a wildcard name in the certificate' : (MATCH_WORDS[id.source ?? ''] ?? 'the certificate')}.`
                : `The certificate does not name ${id.reference}${id.presented.length > 0 ? ` (it names ${id.presented.slice(0, 4).join(', ')}${id.presented.length > 4 ? ', …' : ''})` : ''}${id.checked ? '' : '; this mode does not require it'}.`,
          },
    pin: r.pin === undefined ? null : { expected: [...r.pin.expected], leafSpkiPin: r.pin.leafSpkiPin, leafFingerprint: r.pin.leafFingerprint, matched: r.pin.matched },
    revocation: { policy: r.revocation.policy, status: r.revocation.status, detail: r.revocation.detail ?? null },
    verdict: { ok: r.verdict.ok, level: r.verdict.level, problem: reportProblem(r), notes: r.verdict.notes.map(noteWords) },
    expiryWarnings: r.expiryWarnings.map((w) => ({ subject: w.subject, fingerprintSha256: w.fingerprintSha256, daysLeft: w.daysLeft, threshold: w.threshold, message: expiryWords(w.subject, w.daysLeft, w.threshold) })),
  };
}

export function addressReportView(a: AddressInspection): AddressReportView {
  return {
    address: a.address,
    port: a.port,
    ok: a.ok,
    problem: a.error === undefined ? null : connectionProblem(a.error),
    report: a.report === undefined ? null : toCertificateReportView(a.report),
  };
}

export function inspectionView(target: { host: string; port: number; servername: string; mode: InspectionView['mode'] }, addresses: readonly AddressInspection[], failure?: Problem): InspectionView {
  return {
    host: target.host,
    port: target.port,
    servername: target.servername,
    mode: target.mode,
    ok: failure === undefined && addresses.length > 0 && addresses.every((a) => a.ok),
    problem: failure ?? null,
    addresses: addresses.map(addressReportView),
  };
}

/** The soonest expiry warning of a chain (30/14/7 days, 0 once expired), for the account badge. */
export function certificateExpiryOf(r: CertificateReport | undefined): RegistrationView['certificateExpiry'] {
  if (r === undefined || r.expiryWarnings.length === 0) return null;
  const w = [...r.expiryWarnings].sort((a, b) => a.daysLeft - b.daysLeft)[0]!;
  return { subject: w.subject, daysLeft: w.daysLeft, threshold: w.threshold, message: expiryWords(w.subject, w.daysLeft, w.threshold) };
}
