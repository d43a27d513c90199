import { beforeAll, describe, expect, it } from 'vitest';
import { getTestPki, type ServerCredentials, type TestPki } from '../../../test/fixtures/pki/test-pki.js';
import { trustAnchors, verifyChain, type TrustAnchors } from './chain-verifier.js';
import { parseCertificatesPem, type ParsedCertificate } from './parsed-certificate.js';

let pki: TestPki;
let anchors: TrustAnchors;
const now = Date.now();
const DAY = 86_400_000;

const chainOf = (c: ServerCredentials): ParsedCertificate[] => parseCertificatesPem(c.certChainPem);

beforeAll(async () => {
  pki = await getTestPki();
  anchors = trustAnchors(parseCertificatesPem(pki.rootPem));
});

describe('certification path validation (RFC 5280 §6)', () => {
  it('builds leaf → intermediate → root for the good chain', () => {
    const v = verifyChain(chainOf(pki.servers.good), anchors, { now });
    expect(v.ok).toBe(true);
    expect(v.path.map((c) => c.subjectCommonNames[0])).toEqual(['sip.example.test', 'Softphone Test Intermediate CA', 'Softphone Test Root CA']);
  });

  it('builds the path whatever order the server sends its certificates in, ignoring strays', () => {
    const [leaf, inter] = chainOf(pki.servers.good);
    const stray = parseCertificatesPem(pki.unknownRootPem)[0]!;
    const v = verifyChain([leaf!, stray, inter!], anchors, { now });
    expect(v.ok).toBe(true);
  });

  it('uses the validation time it is given: the good chain is `expired` a year and a day later', () => {
    const v = verifyChain(chainOf(pki.servers.good), anchors, { now: now + 367 * DAY });
    expect(v.ok ? 'ok' : v.code).toBe('expired');
    expect(v.ok ? 'ok' : v.code).not.toBe('ok');
  });

  it('says which certificate is expired', () => {
    const v = verifyChain(chainOf(pki.servers.expired), anchors, { now });
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.detail).toMatchObject({ subject: 'CN=sip.example.test, O=Example PBX' });
  });

  it('classifies a leaf without its intermediate as `incomplete-chain`', () => {
    const v = verifyChain(chainOf(pki.servers.leafWithoutIntermediate), anchors, { now });
    expect(v.ok ? 'ok' : v.code).toBe('incomplete-chain');
  });

  it('classifies a chain ending at an untrusted root as `unknown-authority`, a lone self-signed leaf as `self-signed`', () => {
    expect(verifyChain(chainOf(pki.servers.unknownCa), anchors, { now })).toMatchObject({ ok: false, code: 'unknown-authority' });
    expect(verifyChain(chainOf(pki.servers.selfSigned), anchors, { now })).toMatchObject({ ok: false, code: 'self-signed' });
  });

  it('accepts a self-signed server certificate the account added as a trust anchor', () => {
    const own = trustAnchors(parseCertificatesPem(pki.servers.selfSigned.leaf.pem));
    expect(verifyChain(chainOf(pki.servers.selfSigned), own, { now }).ok).toBe(true);
  });

  it('refuses an RSA-1024 key anywhere in the chain as `weak-key`', () => {
    expect(verifyChain(chainOf(pki.servers.rsa1024), anchors, { now })).toMatchObject({ ok: false, code: 'weak-key' });
  });

  it('refuses a client-auth-only certificate presented as a server (`invalid-chain`, EKU)', () => {
    // The client certificate chains to the client CA; trust that CA and present it as a server.
    const clientAnchors = trustAnchors(parseCertificatesPem(pki.client.caPem));
    const v = verifyChain(parseCertificatesPem(pki.client.certPem), clientAnchors, { now, purpose: 'server' });
    expect(v).toMatchObject({ ok: false, code: 'invalid-chain' });
    expect(verifyChain(parseCertificatesPem(pki.client.certPem), clientAnchors, { now, purpose: 'client' }).ok).toBe(true);
  });

  it('refuses a chain whose "issuer" is a leaf (not a CA)', () => {
    // Present the wrong-host leaf as if it had issued something: use a leaf as an anchor and
    // a certificate whose issuer name matches nothing - path building must not accept it.
    const leafAnchor = trustAnchors(chainOf(pki.servers.wrongHost).slice(0, 1));
    expect(verifyChain(chainOf(pki.servers.good), leafAnchor, { now }).ok).toBe(false);
  });

  it('refuses an empty presentation', () => {
    expect(verifyChain([], anchors, { now })).toMatchObject({ ok: false, code: 'invalid-chain' });
  });
});
