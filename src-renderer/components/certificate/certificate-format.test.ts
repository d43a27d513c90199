import { describe, expect, it } from 'vitest';
import { createI18n } from 'vue-i18n';
import { en } from '../../i18n/en';
import { chainGap, commonName, diagnosisText, expiryShort, facts, keyWords, matchWords, originWords, problemTitle, trustCandidate, verdictTitle, verificationKind, type Translate } from './certificate-format';
import { chainNodes } from './chain-nodes';
import { CA_FP, LEAF_FP, ROOT, chainOnlyReport, entry, expiredReport, goodReport, missingIntermediateReport, selfSignedReport } from './report-fixtures';

const i18n = createI18n({ legacy: false, locale: 'en', messages: { en } });
const t: Translate = (key, named, plural) => (plural === undefined ? i18n.global.t(key, named ?? {}) : i18n.global.t(key, named ?? {}, plural));

describe('certificate-format', () => {
  it('gives each problem code its plain title, and "Connection failed" for any other', () => {
    expect(problemTitle(t, 'expired')).toBe('Certificate has expired');
    expect(problemTitle(t, 'unknown-authority')).toBe('Signed by unknown authority');
    expect(problemTitle(t, 'hostname-mismatch')).toBe('Hostname mismatch');
    expect(problemTitle(t, 'protocol-version')).toBe('Old TLS version only');
    expect(problemTitle(t, 'timeout')).toBe('No answer (timeout)');
    expect(problemTitle(t, 'flow-closed')).toBe('Connection failed');
    expect(verdictTitle(t, goodReport())).toBe('Verified');
    expect(verdictTitle(t, expiredReport())).toBe('Certificate has expired');
  });

  it('words the verification by mode, only when the verdict passed', () => {
    expect(verificationKind(goodReport())).toBe('full');
    expect(verificationKind(chainOnlyReport())).toBe('chain-only');
    expect(verificationKind(goodReport({ mode: 'pinned' }))).toBe('pinned');
    expect(verificationKind(expiredReport())).toBe('failed');
    expect(t(`certificates.report.verification.${verificationKind(chainOnlyReport())}`)).toBe('Verified: chain only (weaker)');
  });

  it('names certificates, keys and origins the way people read them', () => {
    expect(commonName('CN=sip.example.com, O=Example')).toBe('sip.example.com');
    expect(commonName('O=Example, CN=Issuing CA')).toBe('Issuing CA');
    expect(commonName('O=No Common Name')).toBe('O=No Common Name');
    expect(keyWords(t, { type: 'ec', bits: 256, curve: 'prime256v1' })).toBe('EC P-256');
    expect(keyWords(t, { type: 'rsa', bits: 2048, curve: null })).toBe('RSA 2048 bits');
    expect(keyWords(t, { type: 'ed25519', bits: 256, curve: null })).toBe('Ed25519');
    expect(originWords(t, entry())).toBe('Sent by the server');
    expect(originWords(t, ROOT)).toBe('From the trust store (system)');
    expect(originWords(t, { ...ROOT, anchorSource: 'custom' })).toBe('From the trust store (account)');
    expect(originWords(t, { ...ROOT, anchorSource: 'custom' }, 'check')).toBe('From the trust store (CA file of this check)');
    // A root the server sent as well: the anchor is still the trust store's copy.
    expect(originWords(t, { ...ROOT, presented: true })).toBe('From the trust store (system); the server sent it too');
    expect(expiryShort(t, 6)).toBe('Expires in 6 days');
    expect(expiryShort(t, 1)).toBe('Expires in 1 day');
    expect(expiryShort(t, -3)).toBe('Expired 3 days ago');
  });

  it('lists the facts in order, ALPN always "none offered"', () => {
    const f = facts(t, goodReport());
    expect(f.map((x) => x.name)).toEqual(['TLS version', 'Cipher', 'SNI sent', 'ALPN', 'OCSP stapling', 'Name checked', 'Matched', 'Mode']);
    expect(Object.fromEntries(f.map((x) => [x.name, x.value]))).toMatchObject({
      'TLS version': 'TLSv1.3',
      Cipher: 'TLS_AES_256_GCM_SHA384',
      'SNI sent': 'sip.example.com',
      ALPN: 'none offered',
      'OCSP stapling': 'Not stapled · policy: soft-fail',
      'Name checked': 'sip.example.com',
      Matched: 'sip.example.com (DNS SAN)',
      Mode: 'Full',
    });
    expect(matchWords(t, goodReport({ identity: { ...goodReport().identity!, matched: '*.example.com', how: 'wildcard-san' } }))).toBe('*.example.com (wildcard SAN)');
    expect(matchWords(t, chainOnlyReport())).toBe('No match: The certificate does not name pbx.example.org (it names sip.example.com); this mode does not require it.');
  });

  it('finds the gap where the chain stops short of a trust anchor', () => {
    expect(chainGap(goodReport())).toBeNull();
    expect(chainGap(expiredReport())).toBeNull();
    expect(chainGap(selfSignedReport())).toBeNull();
    expect(chainGap(missingIntermediateReport())).toEqual({ kind: 'missing-intermediate', issuer: 'CN=Example Issuing CA, O=Example Telecom', after: 0 });
    expect(chainNodes(missingIntermediateReport()).map((n) => n.kind)).toEqual(['certificate', 'gap']);
    const unknown = goodReport({ chain: [entry(), { ...ROOT, role: 'intermediate', subject: 'CN=Example Issuing CA, O=Example Telecom', presented: true, trustAnchor: false, anchorSource: null }], verdict: { ok: false, level: 'failed', problem: { code: 'unknown-authority', message: 'm', hint: null, detail: {} }, notes: [] } });
    expect(chainGap(unknown)?.kind).toBe('unknown-issuer');
  });

  it('trusts the top certificate that is a CA or self-signed', () => {
    expect(trustCandidate(goodReport())?.fingerprintSha256).toBe(ROOT.fingerprintSha256);
    expect(trustCandidate(goodReport({ chain: [entry(), goodReport().chain[1]!] }))?.fingerprintSha256).toBe(CA_FP);
    expect(trustCandidate(selfSignedReport())?.fingerprintSha256).toBe(LEAF_FP);
    expect(trustCandidate(missingIntermediateReport())).toBeNull();
  });

  it('writes the diagnosis as plain text for IT', () => {
    const text = diagnosisText(t, expiredReport());
    const lines = text.split('\n');
    expect(lines[0]).toBe('Certificate diagnosis for ::1:5061');
    expect(text).toContain('Verdict: Certificate has expired\n');
    expect(text).toContain("The server's certificate has expired.\n");
    expect(text).toContain('How to fix: Ask the administrator of the phone system to renew the certificate');
    expect(text).toContain('Verification: Not verified\n');
    expect(text).toContain('Mode: Full\n');
    expect(text).toContain('TLS: TLSv1.3, TLS_AES_256_GCM_SHA384\n');
    expect(text).toContain('Name checked: sip.example.com\n');
    expect(text).toContain('Matched: sip.example.com (DNS SAN)\n');
    expect(text).toContain('Chain (3 certificates, 2 sent by the server):\n');
    expect(text).toContain('  1. Server certificate: CN=sip.example.com, O=Example Telecom\n');
    expect(text).toContain(`     SHA-256: ${LEAF_FP}\n`);
    expect(text).toContain('     Valid: 2025-01-01 to 2026-12-01 (expired 5 days ago)\n');
    expect(text).toContain('  3. Root CA: CN=Example Root CA, O=Example Telecom\n');
    expect(text).toContain('     Origin: From the trust store (system)\n');
    expect(text).toContain('Expiry warnings:\n  - The certificate “sip.example.com” has expired.\n');
    expect(text.endsWith('\n')).toBe(true);

    const gap = diagnosisText(t, missingIntermediateReport());
    expect(gap).toContain('[Missing intermediate certificate]');
    const weak = diagnosisText(t, chainOnlyReport());
    expect(weak).toContain('Verification: Verified: chain only (weaker)');
    expect(weak).toContain('Notes:\n  - Chain-only verification');
  });
});
