import { beforeAll, describe, expect, it } from 'vitest';
import { getTestPki, type ServerCredentials, type TestPki } from '../../../test/fixtures/pki/test-pki.js';
import { parseCertificatesPem } from './parsed-certificate.js';
import { verifyPeer, type PeerEvidence } from './peer-verifier.js';
import { resolveTlsSettings, type TlsAccountSettings } from './tls-settings.js';
import { TrustStore } from './trust-store.js';

let pki: TestPki;
let store: TrustStore;
const target = { domain: 'sip.example.test', address: '192.0.2.1', port: 5061, sni: 'sip.example.test' };

beforeAll(async () => {
  pki = await getTestPki();
  store = new TrustStore({ rootCertificates: [], env: {}, platform: 'linux', readFile: () => undefined, listDir: () => [] });
});

function evidence(c: ServerCredentials, opensslVerifyCode: string | null = null): PeerEvidence {
  return { presented: parseCertificatesPem(c.certChainPem), opensslVerifyCode, protocol: 'TLSv1.3', cipher: { name: 'TLS_AES_128_GCM_SHA256' } };
}

async function verdict(ev: PeerEvidence, account: TlsAccountSettings, domain = target.domain) {
  const s = resolveTlsSettings({ trust: { system: false, bundled: false, customCaPems: [pki.rootPem] }, ...account }, { allowInsecure: true });
  if (!s.ok) throw new Error(s.error.code);
  return verifyPeer(ev, { ...target, domain }, { settings: s.value, anchors: store.anchorsFor(s.value.trust), now: Date.now() });
}

describe('peer verdict per verification mode', () => {
  it('full: a good chain for the domain is secure; the report is complete and serializable', async () => {
    const v = await verdict(evidence(pki.servers.good), {});
    expect(v.ok).toBe(true);
    expect(v.report.verdict.level).toBe('secure');
    expect(v.report.identity).toMatchObject({ checked: true, matched: 'sip.example.test', source: 'dns-san' });
    expect(v.report.chain.map((c) => c.role)).toEqual(['leaf', 'intermediate', 'root']);
    expect(v.report.chain[2]).toMatchObject({ trustAnchor: true, anchorSource: 'custom' });
    expect(JSON.parse(JSON.stringify(v.report))).toEqual(v.report);
  });

  it('fails closed when OpenSSL refused what our validator accepted', async () => {
    const v = await verdict(evidence(pki.servers.good, 'CERT_REVOKED'), {});
    expect(v.ok).toBe(false);
    expect(v.error).toMatchObject({ code: 'revoked', detail: { source: 'openssl' } });
    expect(v.report.verdict.level).toBe('failed');
  });

  it('full: a wildcard SAN covers one label (RFC 6125 §6.4.3)', async () => {
    expect((await verdict(evidence(pki.servers.good), {}, 'pbx.wild.example.test')).ok).toBe(true);
    expect((await verdict(evidence(pki.servers.good), {}, 'a.pbx.wild.example.test')).error?.code).toBe('hostname-mismatch');
    expect((await verdict(evidence(pki.servers.good), { allowWildcards: false }, 'pbx.wild.example.test')).error?.code).toBe('hostname-mismatch');
  });

  it('chain-only: ignores the identity but says so; still needs the chain', async () => {
    const v = await verdict(evidence(pki.servers.wrongHost), { verification: 'chain-only' });
    expect(v.ok).toBe(true);
    expect(v.report.verdict.level).toBe('weaker');
    expect(v.report.identity?.checked).toBe(false);
    expect(v.report.verdict.notes).toContainEqual({ code: 'name-not-matched', reference: 'sip.example.test' });
    expect((await verdict(evidence(pki.servers.selfSigned), { verification: 'chain-only' })).error?.code).toBe('self-signed');
  });

  it('pinned: the key decides; a weak pinned key still fails', async () => {
    const [leaf] = parseCertificatesPem(pki.servers.rsa1024.certChainPem);
    const v = await verdict(evidence(pki.servers.rsa1024), { verification: 'pinned', pins: [leaf!.spkiPin] });
    expect(v.error?.code).toBe('weak-key');
    const [self] = parseCertificatesPem(pki.servers.selfSigned.certChainPem);
    const ok = await verdict(evidence(pki.servers.selfSigned, 'DEPTH_ZERO_SELF_SIGNED_CERT'), { verification: 'pinned', pins: [self!.spkiPin] });
    expect(ok.ok).toBe(true);
    expect(ok.report.pin).toMatchObject({ matched: true, leafSpkiPin: self!.spkiPin });
  });

  it('insecure: accepts anything and is labelled insecure', async () => {
    const v = await verdict(evidence(pki.servers.unknownCa, 'SELF_SIGNED_CERT_IN_CHAIN'), { verification: 'insecure' });
    expect(v.ok).toBe(true);
    expect(v.report.verdict.level).toBe('insecure');
    expect(v.report.verdict.notes[0]).toEqual({ code: 'insecure' });
  });

  it('warns about a certificate expiring within 14 days', async () => {
    const v = await verdict(evidence(pki.servers.expiringSoon), {});
    expect(v.ok).toBe(true);
    expect(v.report.expiryWarnings).toEqual([expect.objectContaining({ subject: 'CN=sip.example.test, O=Example PBX', threshold: 14 })]);
  });

  it('refuses an empty peer chain', async () => {
    const v = await verdict({ presented: [], opensslVerifyCode: null }, {});
    expect(v.error?.code).toBe('invalid-chain');
  });
});
