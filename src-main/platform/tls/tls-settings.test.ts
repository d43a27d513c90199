import { describe, expect, it } from 'vitest';
import { DEFAULT_CIPHERS, nonCompliantCiphers, resolveTlsSettings } from './tls-settings.js';

describe('TLS settings and policy', () => {
  it('defaults to full verification, TLS 1.2 minimum, soft-fail OCSP and AEAD+FS suites only', () => {
    const r = resolveTlsSettings({});
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({ verification: 'full', minVersion: 'TLSv1.2', ocsp: 'soft-fail', ciphers: DEFAULT_CIPHERS });
    expect(nonCompliantCiphers(DEFAULT_CIPHERS)).toEqual([]);
    expect(DEFAULT_CIPHERS.split(':')).toEqual(
      expect.arrayContaining(['TLS_AES_256_GCM_SHA384', 'TLS_CHACHA20_POLY1305_SHA256', 'TLS_AES_128_GCM_SHA256', 'ECDHE-RSA-AES256-GCM-SHA384', 'ECDHE-RSA-AES128-GCM-SHA256']),
    );
  });

  it('flags CBC and RSA-key-exchange suites and refuses them unless policy allows legacy ciphers', () => {
    expect(nonCompliantCiphers('ECDHE-RSA-AES128-SHA:AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256')).toEqual(['ECDHE-RSA-AES128-SHA', 'AES128-GCM-SHA256']);
    const r = resolveTlsSettings({ ciphers: 'AES128-SHA' });
    expect(r.ok ? 'ok' : r.error.code).toBe('policy-violation');
    expect(resolveTlsSettings({ ciphers: 'AES128-SHA' }, { allowInsecure: false, allowLegacyCiphers: true }).ok).toBe(true);
  });

  it('refuses insecure mode unless the policy allows it', () => {
    const r = resolveTlsSettings({ verification: 'insecure' });
    expect(r.ok ? 'ok' : r.error.code).toBe('insecure-not-allowed');
    expect(resolveTlsSettings({ verification: 'insecure' }, { allowInsecure: true }).ok).toBe(true);
  });

  it('raises the minimum to the locked provisioning floor', () => {
    const r = resolveTlsSettings({ minVersion: 'TLSv1.2' }, { allowInsecure: false, lockedMinVersion: 'TLSv1.3' });
    expect(r.ok && r.value.minVersion).toBe('TLSv1.3');
    const bad = resolveTlsSettings({ minVersion: 'TLSv1' as never });
    expect(bad.ok ? 'ok' : bad.error.code).toBe('policy-violation');
  });

  it('requires well-formed pins in pinned mode', () => {
    expect(resolveTlsSettings({ verification: 'pinned' }).ok).toBe(false);
    expect(resolveTlsSettings({ verification: 'pinned', pins: ['sha256/nope'] }).ok).toBe(false);
    expect(resolveTlsSettings({ verification: 'pinned', pins: [`sha256/${'A'.repeat(43)}=`] }).ok).toBe(true);
    expect(resolveTlsSettings({ verification: 'pinned', pins: ['AB:'.repeat(31) + 'AB'] }).ok).toBe(true);
  });
});
