/** Certificate reports as main sends them, for the panel's tests (and the throwaway screenshot scripts). */
import type { AccountView } from '../../../src-shared/model/account';
import type { CertificateEntryView, CertificateReportView, InspectionView } from '../../../src-shared/model/certificate';
import type { TlsEventView, TrustActionsView } from '../../../src-shared/model/diagnostics';

export const LEAF_FP = 'AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89';
export const CA_FP = '11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00';
export const ROOT_FP = 'FE:DC:BA:98:76:54:32:10:FE:DC:BA:98:76:54:32:10:FE:DC:BA:98:76:54:32:10:FE:DC:BA:98:76:54:32:10';

export function entry(over: Partial<CertificateEntryView> = {}): CertificateEntryView {
  return {
    role: 'leaf',
    subject: 'CN=sip.example.com, O=Example Telecom',
    issuer: 'CN=Example Issuing CA, O=Example Telecom',
    sans: { dns: ['sip.example.com', '*.sip.example.com'], ip: [], uri: [], email: [] },
    serialNumber: '0A:1B:2C',
    notBefore: '2026-06-01T00:00:00.000Z',
    notAfter: '2027-06-01T00:00:00.000Z',
    daysLeft: 177,
    publicKey: { type: 'ec', bits: 256, curve: 'prime256v1' },
    signatureAlgorithm: 'ecdsa-with-SHA256',
    fingerprintSha256: LEAF_FP,
    spkiPin: 'sha256/q2FrZXN0aGlzaXNhdGVzdHBpbm9mdGhla2V5MTIzNDU2Nzg=',
    isCa: false,
    presented: true,
    trustAnchor: false,
    anchorSource: null,
    ...over,
  };
}

export const INTERMEDIATE = entry({
  role: 'intermediate',
  subject: 'CN=Example Issuing CA, O=Example Telecom',
  issuer: 'CN=Example Root CA, O=Example Telecom',
  sans: { dns: [], ip: [], uri: [], email: [] },
  notAfter: '2031-01-01T00:00:00.000Z',
  daysLeft: 1487,
  publicKey: { type: 'rsa', bits: 2048, curve: null },
  signatureAlgorithm: 'sha256WithRSAEncryption',
  fingerprintSha256: CA_FP,
  spkiPin: 'sha256/aW50ZXJtZWRpYXRlcGlu',
  isCa: true,
});

export const ROOT = entry({
  role: 'root',
  subject: 'CN=Example Root CA, O=Example Telecom',
  issuer: 'CN=Example Root CA, O=Example Telecom',
  sans: { dns: [], ip: [], uri: [], email: [] },
  notAfter: '2036-01-01T00:00:00.000Z',
  daysLeft: 3313,
  publicKey: { type: 'rsa', bits: 4096, curve: null },
  signatureAlgorithm: 'sha256WithRSAEncryption',
  fingerprintSha256: ROOT_FP,
  spkiPin: 'sha256/cm9vdHBpbg==',
  isCa: true,
  presented: false,
  trustAnchor: true,
  anchorSource: 'system',
});

/** A good, fully verified connection (leaf + intermediate sent, root from the system store). */
export function goodReport(over: Partial<CertificateReportView> = {}): CertificateReportView {
  return {
    checkedAt: '2026-12-06T10:00:00.000Z',
    target: { domain: 'sip.example.com', address: '127.0.0.1', port: 5061, sni: 'sip.example.com' },
    mode: 'full',
    tlsVersion: 'TLSv1.3',
    cipher: 'TLS_AES_256_GCM_SHA384',
    chain: [entry(), INTERMEDIATE, ROOT],
    presentedCount: 2,
    identity: { required: true, reference: 'sip.example.com', matched: 'sip.example.com', how: 'dns-san', presented: ['sip.example.com', '*.sip.example.com'], summary: 'sip.example.com matched sip.example.com, a DNS name in the certificate.' },
    pin: null,
    revocation: { policy: 'soft-fail', status: 'absent', detail: null },
    verdict: { ok: true, level: 'secure', problem: null, notes: [] },
    expiryWarnings: [],
    ...over,
  };
}

export function expiredReport(): CertificateReportView {
  const leaf = entry({ notBefore: '2025-01-01T00:00:00.000Z', notAfter: '2026-12-01T00:00:00.000Z', daysLeft: -5 });
  return goodReport({
    target: { domain: 'sip.example.com', address: '::1', port: 5061, sni: 'sip.example.com' },
    chain: [leaf, INTERMEDIATE, ROOT],
    verdict: {
      ok: false,
      level: 'failed',
      problem: { code: 'expired', message: "The server's certificate has expired.", hint: 'Ask the administrator of the phone system to renew the certificate; check that this computer’s clock is right.', detail: {} },
      notes: [],
    },
    expiryWarnings: [{ subject: leaf.subject, fingerprintSha256: leaf.fingerprintSha256, daysLeft: -5, threshold: 0, message: 'The certificate “sip.example.com” has expired.' }],
  });
}

export function chainOnlyReport(): CertificateReportView {
  return goodReport({
    mode: 'chain-only',
    identity: { required: false, reference: 'pbx.example.org', matched: null, how: null, presented: ['sip.example.com'], summary: 'The certificate does not name pbx.example.org (it names sip.example.com); this mode does not require it.' },
    verdict: {
      ok: true,
      level: 'weaker',
      problem: null,
      notes: ['Chain-only verification: the certificate is from a trusted authority, but it is not checked against the SIP domain.', 'The certificate does not name pbx.example.org.'],
    },
  });
}

export function missingIntermediateReport(): CertificateReportView {
  return goodReport({
    chain: [entry()],
    presentedCount: 1,
    verdict: {
      ok: false,
      level: 'failed',
      problem: { code: 'incomplete-chain', message: 'The server did not send the intermediate certificate(s) needed to check its certificate.', hint: 'The server must send its full chain (leaf plus intermediates).', detail: {} },
      notes: [],
    },
  });
}

/** A self-signed server certificate (unknown to every trust store). */
export function selfSignedReport(): CertificateReportView {
  const leaf = entry({ issuer: 'CN=sip.example.com, O=Example Telecom', isCa: false });
  return goodReport({
    chain: [leaf],
    presentedCount: 1,
    verdict: {
      ok: false,
      level: 'failed',
      problem: { code: 'self-signed', message: 'The server uses a self-signed certificate.', hint: 'Trust this certificate for the account only if the administrator confirms its fingerprint.', detail: {} },
      notes: [],
    },
  });
}

export const ALL_ACTIONS: TrustActionsView = { trustCa: true, pin: true, chainOnly: true, exportPem: true, reason: null };
export const NO_ACTIONS: TrustActionsView = { trustCa: false, pin: false, chainOnly: false, exportPem: false, reason: 'Certificate trust is managed by IT.' };

/** Two addresses behind one name, the second with an expired certificate (the GeoDNS case). */
export function geoInspection(): InspectionView {
  const bad = expiredReport();
  return {
    host: 'sip.example.com',
    port: 5061,
    servername: 'sip.example.com',
    mode: 'full',
    ok: false,
    problem: null,
    addresses: [
      { address: '127.0.0.1', port: 5061, ok: true, problem: null, report: goodReport() },
      { address: '::1', port: 5061, ok: false, problem: bad.verdict.problem, report: bad },
    ],
  };
}

export function tlsEvent(seq: number, over: Partial<TlsEventView> = {}): TlsEventView {
  return {
    seq,
    time: new Date(Date.UTC(2026, 11, 6, 10, 0, seq)).toISOString(),
    accountId: 'work',
    kind: 'connected',
    domain: 'sip.example.com',
    address: '127.0.0.1',
    port: 5061,
    sni: 'sip.example.com',
    mode: 'full',
    tlsVersion: 'TLSv1.3',
    cipher: 'TLS_AES_256_GCM_SHA384',
    level: 'secure',
    revocation: 'absent',
    durationMs: 12,
    chain: [{ subject: 'CN=sip.example.com', fingerprintSha256: LEAF_FP, notAfter: '2027-06-01T00:00:00.000Z' }],
    summary: 'TLSv1.3 TLS_AES_256_GCM_SHA384, verified (full) · 2 certificates',
    problem: null,
    ...over,
  };
}

export function accountView(id: string, over: Partial<AccountView> = {}): AccountView {
  return {
    id,
    displayName: null,
    address: `sips:${id}@sip.example.com`,
    shortAddress: `${id}@sip.example.com`,
    authUser: null,
    registrar: null,
    outboundProxy: null,
    transport: 'tls',
    tlsScope: 'every-hop',
    verification: 'full',
    pin: null,
    minTlsVersion: 'TLSv1.2',
    caFiles: [],
    trustedCas: [],
    caOnly: false,
    revocation: 'soft-fail',
    clientCertificate: null,
    srtp: 'mandatory',
    srtpSuites: ['AES_CM_128_HMAC_SHA1_80'],
    codecs: ['opus', 'PCMU'],
    register: true,
    registerExpires: 600,
    sessionExpires: 1800,
    voicemail: true,
    allowInsecureSdes: false,
    hasPassword: true,
    enabled: true,
    isDefault: false,
    locked: [],
    ...over,
  };
}
