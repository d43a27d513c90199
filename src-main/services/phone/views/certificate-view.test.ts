import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { CertificateReportViewSchema } from '../../../../src-shared/model/certificate.js';
import type { CertificateEntry, CertificateReport } from '../../../platform/tls/certificate-report.js';
import { inspectionView, toCertificateReportView } from './certificate-view.js';

const entry = (over: Partial<CertificateEntry>): CertificateEntry => ({
  role: 'leaf',
  subject: 'CN=sip.example.com',
  issuer: 'CN=Example CA',
  sans: { dns: ['*.example.com'], ip: [], uri: [], email: [] },
  serialNumber: '01',
  notBefore: '2026-01-01T00:00:00.000Z',
  notAfter: '2026-12-12T00:00:00.000Z',
  daysLeft: 6,
  fingerprintSha256: 'AA:BB',
  spkiPin: 'sha256/abc=',
  publicKey: { type: 'ec', bits: 256, curve: 'prime256v1' },
  signatureAlgorithm: 'ecdsa-with-SHA256',
  isCa: false,
  trustAnchor: false,
  presented: true,
  pem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
  ...over,
});

const report: CertificateReport = {
  version: 1,
  checkedAt: '2026-12-06T12:00:00.000Z',
  target: { domain: 'sip.example.com', address: '203.0.113.7', port: 5061, sni: 'sip.example.com' },
  mode: 'full',
  protocol: 'TLSv1.3',
  cipher: { name: 'TLS_AES_128_GCM_SHA256', standardName: 'TLS_AES_128_GCM_SHA256' },
  chain: [entry({}), entry({ role: 'root', subject: 'CN=Example CA', isCa: true, trustAnchor: true, anchorSource: 'custom', presented: false, daysLeft: 3000 })],
  presentedCount: 1,
  identity: { checked: true, reference: 'sip.example.com', matched: '*.example.com', source: 'dns-san', presented: ['*.example.com'] },
  revocation: { policy: 'soft-fail', status: 'absent' },
  verdict: { ok: true, level: 'secure', notes: [] },
  expiryWarnings: [{ subject: 'CN=sip.example.com', fingerprintSha256: 'AA:BB', daysLeft: 6, threshold: 7 }],
};

describe('CertificateReportView (RFC 5922 / RFC 6125, expiry at 30/14/7 days)', () => {
  it('explains the chain, the negotiated TLS and how the name matched (a wildcard here), without PEM or keys', () => {
    const view = toCertificateReportView(report);
    expect(v.safeParse(CertificateReportViewSchema, view).success).toBe(true);
    expect(view).toMatchObject({ tlsVersion: 'TLSv1.3', cipher: 'TLS_AES_128_GCM_SHA256', presentedCount: 1, verdict: { ok: true, level: 'secure', problem: null } });
    expect(view.chain[1]).toMatchObject({ role: 'root', presented: false, trustAnchor: true, anchorSource: 'custom' });
    expect(view.identity).toMatchObject({ required: true, matched: '*.example.com', how: 'wildcard-san', summary: 'sip.example.com matched *.example.com, a wildcard name in the certificate.' });
    expect(view.expiryWarnings[0]).toMatchObject({ threshold: 7, message: 'The certificate “sip.example.com” expires in 6 days.' });
    expect(JSON.stringify(view)).not.toContain('BEGIN CERTIFICATE');
  });

  it('a failed verdict carries the closed code with its words and fix; weaker modes say why', () => {
    const failed = toCertificateReportView({
      ...report,
      identity: { checked: true, reference: 'pbx.example.org', presented: ['sip.example.com', 'www.example.com'] },
      verdict: { ok: false, level: 'failed', error: { code: 'hostname-mismatch', detail: { domain: 'pbx.example.org' } }, notes: [] },
    });
    expect(failed.verdict.problem).toMatchObject({ code: 'hostname-mismatch', message: "The server's certificate is not valid for this SIP domain.", hint: expect.stringMatching(/chain-only/) });
    expect(failed.identity?.summary).toBe('The certificate does not name pbx.example.org (it names sip.example.com, www.example.com).');
    const chainOnly = toCertificateReportView({ ...report, mode: 'chain-only', verdict: { ok: true, level: 'weaker', notes: [{ code: 'chain-only' }, { code: 'name-not-matched', reference: 'pbx.example.org' }] } });
    expect(chainOnly.verdict.notes[0]).toMatch(/not checked against the SIP domain/);
    expect(chainOnly.verdict.notes[1]).toBe('The certificate does not name pbx.example.org.');
  });

  it('an inspection is ok only when every address passed (the GeoDNS case shows the odd one out)', () => {
    const target = { host: 'sip.example.com', port: 5061, servername: 'sip.example.com', mode: 'full' as const };
    const mixed = inspectionView(target, [
      { address: '203.0.113.7', port: 5061, ok: true, report },
      { address: '203.0.113.8', port: 5061, ok: false, error: { code: 'expired' }, report: { ...report, verdict: { ok: false, level: 'failed', error: { code: 'expired' }, notes: [] } } },
    ]);
    expect(mixed.ok).toBe(false);
    expect(mixed.addresses.map((a) => [a.address, a.ok, a.problem?.code ?? null])).toEqual([
      ['203.0.113.7', true, null],
      ['203.0.113.8', false, 'expired'],
    ]);
    expect(inspectionView(target, []).ok).toBe(false);
  });
});
