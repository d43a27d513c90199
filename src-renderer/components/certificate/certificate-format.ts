/**
 * How the certificate panel words a CertificateReportView: plain titles by problem code, the
 * verification line, the facts, each certificate of the chain, the missing-intermediate gap, and
 * the plain-text diagnosis that "Copy diagnosis" puts on the clipboard. Pure: the words come from
 * vue-i18n through `Translate`, dates from `Intl` in the user's locale. Days left are main's
 * (`daysLeft`), never re-derived here.
 */
import type { CertificateEntryView, CertificateReportView } from '../../../src-shared/model/certificate';

/** vue-i18n's `t` as the pure helpers need it (named values, and a count for plural messages). */
export type Translate = (key: string, named?: Record<string, unknown>, plural?: number) => string;

/** The problem codes with a plain title of their own (i18n `certificates.problem.*`); any other is "Connection failed". */
export const TITLED_PROBLEMS: ReadonlySet<string> = new Set([
  'expired',
  'not-yet-valid',
  'unknown-authority',
  'incomplete-chain',
  'self-signed',
  'invalid-chain',
  'hostname-mismatch',
  'pin-mismatch',
  'revoked',
  'revocation-unknown',
  'weak-key',
  'weak-signature',
  'protocol-version',
  'handshake-failure',
  'not-tls',
  'client-cert-required',
  'client-cert-rejected',
  'connection-refused',
  'connection-reset',
  'host-unreachable',
  'timeout',
  'dns-failure',
  'no-targets',
]);

export function problemTitle(t: Translate, code: string): string {
  return t(`certificates.problem.${TITLED_PROBLEMS.has(code) ? code : 'other'}`);
}

/** The verdict heading: "Verified", or the plain title of the failure. */
export function verdictTitle(t: Translate, report: CertificateReportView): string {
  if (report.verdict.ok) return t('certificates.report.verified');
  return problemTitle(t, report.verdict.problem?.code ?? 'other');
}

export type VerificationKind = 'full' | 'chain-only' | 'pinned' | 'failed';

/** How the server was verified: full, chain only (weaker), pinned, or not at all. */
export function verificationKind(report: CertificateReportView): VerificationKind {
  if (!report.verdict.ok || report.mode === 'insecure') return 'failed';
  return report.mode;
}

/** The badge tone of the verification line (never colour alone: the words say it too). */
export function verificationTone(kind: VerificationKind): 'ok' | 'warn' | 'danger' {
  return kind === 'failed' ? 'danger' : kind === 'chain-only' ? 'warn' : 'ok';
}

/** `CN=sip.example.com, O=Example` → `sip.example.com` (the whole subject when it has no CN). */
export function commonName(subject: string): string {
  const cn = /(?:^|[,/]\s*)CN=([^,/]+)/.exec(subject)?.[1]?.trim();
  return cn === undefined || cn === '' ? subject : cn;
}

const CURVES: Readonly<Record<string, string>> = {
  prime256v1: 'P-256',
  'P-256': 'P-256',
  secp256r1: 'P-256',
  secp384r1: 'P-384',
  'P-384': 'P-384',
  secp521r1: 'P-521',
  'P-521': 'P-521',
};

/** "EC P-256", "RSA 2048 bits", "Ed25519". */
export function keyWords(t: Translate, key: CertificateEntryView['publicKey']): string {
  const type = key.type.toLowerCase();
  if (type === 'ec') return t('certificates.chain.keyEc', { curve: key.curve === null ? 'unknown curve' : (CURVES[key.curve] ?? key.curve) });
  if (type === 'ed25519') return 'Ed25519';
  if (type === 'ed448') return 'Ed448';
  if (type === 'rsa' || type === 'rsa-pss') return key.bits === null ? key.type.toUpperCase() : t('certificates.chain.keyRsa', { bits: key.bits });
  return key.bits === null ? key.type.toUpperCase() : t('certificates.chain.keyOther', { type: key.type.toUpperCase(), bits: key.bits });
}

/** Whose CAs a `custom` trust anchor is: the account's (trusted from the panel, its CA files) or the check's own CA files. */
export type CustomCas = 'account' | 'check';

/**
 * "Sent by the server", or "From the trust store (system|bundled|account)". A trust anchor is
 * always the trust store's copy (path building ends there), also when the server sent one too.
 */
export function originWords(t: Translate, c: CertificateEntryView, custom: CustomCas = 'account'): string {
  if (c.presented && !c.trustAnchor) return t('certificates.chain.sent');
  const source = c.anchorSource === null ? null : c.anchorSource === 'custom' && custom === 'check' ? 'customCheck' : c.anchorSource;
  const store = source === null ? t('certificates.chain.store') : t('certificates.chain.storeSource', { source: t(`certificates.chain.source.${source}`) });
  return c.presented ? t('certificates.chain.alsoSent', { origin: store }) : store;
}

/** "12 days left" / "expired 3 days ago" / "expires today", from main's daysLeft. */
export function daysLeftWords(t: Translate, daysLeft: number): string {
  if (daysLeft < 0) return t('certificates.chain.expiredAgo', { n: -daysLeft }, -daysLeft);
  if (daysLeft === 0) return t('certificates.chain.expiresToday');
  return t('certificates.chain.daysLeft', { n: daysLeft }, daysLeft);
}

/** The short expiry words on a certificate close to (or past) its end: "Expires in 6 days", "Expired 2 days ago". */
export function expiryShort(t: Translate, daysLeft: number): string {
  if (daysLeft < 0) return t('certificates.chain.expiredDays', { n: -daysLeft }, -daysLeft);
  if (daysLeft === 0) return t('certificates.chain.expiresTodayShort');
  return t('certificates.chain.expiresIn', { n: daysLeft }, daysLeft);
}

/** A date in the user's locale ("6 Dec 2026"); the ISO text when unreadable. */
export function formatDate(iso: string, locale?: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(at);
}

/** A date and time in the user's locale, with seconds (TLS events, "checked at"). */
export function formatDateTime(iso: string, locale?: string, now: Date = new Date()): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const sameDay = at.toDateString() === now.toDateString();
  const options: Intl.DateTimeFormatOptions = sameDay ? { timeStyle: 'medium' } : { dateStyle: 'medium', timeStyle: 'medium' };
  return new Intl.DateTimeFormat(locale, options).format(at);
}

/** "Valid from 1 Jan 2026 until 12 Dec 2026 (6 days left)". */
export function validityWords(t: Translate, c: CertificateEntryView, date: (iso: string) => string = (iso) => formatDate(iso)): string {
  return t('certificates.chain.validFrom', { from: date(c.notBefore), until: date(c.notAfter), left: daysLeftWords(t, c.daysLeft) });
}

/** Every name of a certificate (DNS, IP, URI, e-mail SANs), or null when it has none. */
export function sanList(c: CertificateEntryView): string[] {
  return [...c.sans.dns, ...c.sans.ip, ...c.sans.uri, ...c.sans.email];
}

/** "TLSv1.3", "TLS_AES_128_GCM_SHA256", "sip.example.com", "none offered", …: the facts in order. */
export function facts(t: Translate, r: CertificateReportView): { key: string; name: string; value: string; mono?: boolean }[] {
  const none = t('certificates.report.none');
  return [
    { key: 'tlsVersion', name: t('certificates.report.facts.tlsVersion'), value: r.tlsVersion ?? none },
    { key: 'cipher', name: t('certificates.report.facts.cipher'), value: r.cipher ?? none, mono: r.cipher !== null },
    { key: 'sni', name: t('certificates.report.facts.sni'), value: r.target.sni ?? t('certificates.report.noSni') },
    // SIP over TLS offers no ALPN protocol (RFC 5630 defines none): say so rather than leave it out.
    { key: 'alpn', name: t('certificates.report.facts.alpn'), value: t('certificates.report.alpnNone') },
    { key: 'ocsp', name: t('certificates.report.facts.ocsp'), value: ocspWords(t, r) },
    { key: 'nameChecked', name: t('certificates.report.facts.nameChecked'), value: r.identity?.reference ?? t('certificates.report.notChecked') },
    { key: 'matched', name: t('certificates.report.facts.matched'), value: matchWords(t, r) },
    { key: 'mode', name: t('certificates.report.facts.mode'), value: t(`certificates.report.modes.${r.mode}`) },
  ];
}

export function ocspWords(t: Translate, r: CertificateReportView): string {
  const known = ['not-requested', 'absent', 'good', 'revoked', 'unknown', 'invalid', 'stale'].includes(r.revocation.status);
  const status = known ? t(`certificates.report.ocsp.status.${r.revocation.status}`) : r.revocation.status;
  const line = t('certificates.report.ocsp.line', { status, policy: t(`certificates.report.ocsp.policy.${r.revocation.policy}`) });
  return r.revocation.detail === null ? line : `${line} (${r.revocation.detail})`;
}

const HOWS = new Set(['dns-san', 'wildcard-san', 'sip-uri-san', 'uri-san', 'ip-san', 'common-name']);

/** "sip.example.com (DNS SAN)", "*.example.com (wildcard SAN)", or "No match: " + main's summary. */
export function matchWords(t: Translate, r: CertificateReportView): string {
  const id = r.identity;
  if (id === null) return t('certificates.report.notChecked');
  if (id.matched === null) return t('certificates.report.noMatch', { summary: id.summary });
  const how = id.how !== null && HOWS.has(id.how) ? t(`certificates.report.how.${id.how}`) : id.how;
  return how === null ? id.matched : t('certificates.report.matchedHow', { name: id.matched, how });
}

/** Where the chain breaks: the missing intermediate, or an issuer in no trust store. */
export type ChainGap = { kind: 'missing-intermediate' | 'unknown-issuer'; issuer: string; after: number };

/**
 * Whether (and after which certificate) the chain stops short of a trust anchor: main's verdict
 * says incomplete-chain, or the last certificate links to an issuer that is not in the chain.
 * An unknown authority is shown as its own kind of gap (the issuer is known by name, not trusted).
 */
export function chainGap(r: CertificateReportView): ChainGap | null {
  const chain = r.chain;
  if (chain.length === 0) return null;
  const code = r.verdict.problem?.code ?? null;
  let after = chain.length - 1;
  for (let i = 0; i < chain.length - 1; i++) {
    if (chain[i]!.issuer !== chain[i + 1]!.subject) {
      after = i;
      break;
    }
  }
  const last = chain[after]!;
  const linkBroken = after < chain.length - 1 || (last.issuer !== last.subject && !last.trustAnchor);
  if (code === 'incomplete-chain') return { kind: 'missing-intermediate', issuer: last.issuer, after };
  if (!linkBroken || r.verdict.ok || chain.some((c) => c.trustAnchor)) return null;
  if (code === 'self-signed') return null;
  return { kind: code === 'unknown-authority' ? 'unknown-issuer' : 'missing-intermediate', issuer: last.issuer, after };
}

/** What "Trust this CA" trusts: the top certificate of the chain that is a CA or self-signed. */
export function trustCandidate(r: CertificateReportView): CertificateEntryView | null {
  for (let i = r.chain.length - 1; i >= 0; i--) {
    const c = r.chain[i]!;
    if (c.isCa || c.subject === c.issuer) return c;
  }
  return null;
}

/**
 * The report as plain text for IT (Copy diagnosis): target, verdict, fix, TLS parameters, mode,
 * the name check, every certificate with fingerprints and validity, the gap, expiry warnings and
 * notes. Dates in ISO form (unambiguous in a ticket).
 */
export function diagnosisText(t: Translate, r: CertificateReportView, custom: CustomCas = 'account'): string {
  const target = `${r.target.address}:${r.target.port}`;
  const none = t('certificates.report.none');
  const lines: string[] = [t('certificates.diagnosis.title', { target }), t('certificates.diagnosis.domain', { domain: r.target.domain }), t('certificates.diagnosis.checkedAt', { when: r.checkedAt }), ''];
  lines.push(t('certificates.diagnosis.verdict', { title: verdictTitle(t, r) }));
  const p = r.verdict.problem;
  if (p !== null) {
    lines.push(p.message);
    if (p.hint !== null && p.hint !== '') lines.push(t('certificates.diagnosis.fix', { hint: p.hint }));
  }
  lines.push(t('certificates.diagnosis.verification', { line: t(`certificates.report.verification.${verificationKind(r)}`) }));
  lines.push(t('certificates.diagnosis.mode', { mode: t(`certificates.report.modes.${r.mode}`) }));
  lines.push(t('certificates.diagnosis.tls', { version: r.tlsVersion ?? none, cipher: r.cipher ?? none }));
  lines.push(t('certificates.diagnosis.sni', { sni: r.target.sni ?? t('certificates.report.noSni') }));
  lines.push(t('certificates.diagnosis.name', { name: r.identity?.reference ?? t('certificates.report.notChecked') }));
  lines.push(t('certificates.diagnosis.matched', { matched: matchWords(t, r) }));
  lines.push(t('certificates.diagnosis.ocsp', { line: ocspWords(t, r) }));
  lines.push('');
  lines.push(t('certificates.diagnosis.chain', { n: r.chain.length, sent: r.presentedCount }));
  const gap = chainGap(r);
  const iso = (s: string): string => s.slice(0, 10);
  r.chain.forEach((c, i) => {
    lines.push(`  ${t('certificates.diagnosis.entry', { i: i + 1, role: t(`certificates.chain.role.${c.role}`), subject: c.subject })}`);
    const more = [
      t('certificates.diagnosis.issuer', { issuer: c.issuer }),
      ...(sanList(c).length > 0 ? [t('certificates.diagnosis.sans', { sans: sanList(c).join(', ') })] : []),
      t('certificates.diagnosis.origin', { origin: originWords(t, c, custom) }),
      t('certificates.diagnosis.validity', { from: iso(c.notBefore), until: iso(c.notAfter), left: daysLeftWords(t, c.daysLeft) }),
      t('certificates.diagnosis.key', { key: keyWords(t, c.publicKey), signature: c.signatureAlgorithm }),
      t('certificates.diagnosis.fingerprint', { value: c.fingerprintSha256 }),
      t('certificates.diagnosis.spki', { value: c.spkiPin }),
    ];
    for (const m of more) lines.push(`     ${m}`);
    if (gap !== null && gap.after === i) lines.push(`  ${gap.kind === 'missing-intermediate' ? t('certificates.diagnosis.gap') : `[${t('certificates.chain.unknownIssuer')}: ${gap.issuer}]`}`);
  });
  if (r.expiryWarnings.length > 0) {
    lines.push('', t('certificates.diagnosis.warnings'));
    for (const w of r.expiryWarnings) lines.push(`  - ${w.message}`);
  }
  if (r.verdict.notes.length > 0) {
    lines.push('', t('certificates.diagnosis.notes'));
    for (const n of r.verdict.notes) lines.push(`  - ${n}`);
  }
  return `${lines.join('\n')}\n`;
}
