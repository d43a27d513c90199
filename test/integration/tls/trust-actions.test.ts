/**
 * Issue 13 acceptance 3: the certificate panel's trust actions change the account so that the
 * next connection succeeds — over a real TLS handshake on loopback with the test PKI, through
 * the whole phone (createPhone, the real platform adapters) — and are refused with the typed
 * policy error when policy forbids them (or the setting is locked), leaving the account as it was.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { AccountAddSchema } from '../../../src-shared/model/account.js';
import type { Phone } from '../../../src-main/services/phone/create-phone.js';
import type { Problem } from '../../../src-shared/ipc/errors.js';
import { getTestPki, type ServerCredentials, type TestPki } from '../../fixtures/pki/test-pki.js';
import { createTestPhone } from '../../support/test-phone.js';
import { startTlsServer, type RecordingServer } from './support/recording-server.js';

const open: { phone?: Phone; server?: RecordingServer }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.phone?.shutdown();
    o.phone?.dispose();
    await o.server?.close();
  }
});

async function world(credentials: (pki: TestPki) => ServerCredentials, options: Parameters<typeof createTestPhone>[0] = {}): Promise<{ phone: Phone; server: RecordingServer; pki: TestPki; id: string }> {
  const pki = await getTestPki();
  const server = await startTlsServer({ credentials: credentials(pki), behaviour: 'pong' });
  const phone = await createTestPhone(options);
  open.push({ phone, server });
  // No system or bundled roots: only what the account trusts (caOnly), so the test PKI is unknown until trusted.
  // Through the contract's schema, as a request would arrive (defaults filled in).
  const added = await phone.accounts.add(
    v.parse(AccountAddSchema, { id: 'alice', config: { uri: `sips:alice@${pki.domain}`, password: 'Trust-Pw-1', outboundProxy: `127.0.0.1:${server.port}`, mwi: false, tls: { caOnly: true } }, makeDefault: true }),
  );
  if (!added.ok) throw new Error(`account not added: ${added.error.message}`);
  return { phone, server, pki, id: added.value.id };
}

/** Waits for the account's flow to be connected (TLS verified) or to fail with a code. */
async function connection(phone: Phone, id: string, want: 'connected' | string, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = phone.engine.account(id)?.connection.state;
    if (s?.kind === 'connected' && want === 'connected') return;
    if (s?.kind === 'failed' && s.code === want) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${want}; state ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function expectProblem(r: { ok: boolean; error?: Problem }, code: string): void {
  expect(r.ok).toBe(false);
  expect(r.error?.code).toBe(code);
}

describe('trust actions of the certificate panel (real TLS on loopback)', () => {
  it('"Trust this CA" on a self-signed server adds it to the account; the next connection is verified in full', async () => {
    const { phone, id } = await world((pki) => pki.servers.selfSigned);
    await connection(phone, id, 'self-signed');
    const panel = phone.certificates.forAccount(id);
    expect(panel.ok && panel.value.actions).toEqual({ trustCa: true, pin: true, chainOnly: true, exportPem: true, reason: null });
    const leaf = panel.ok ? panel.value.report?.chain[0] : undefined;
    expect(leaf?.presented).toBe(true);
    const r = await phone.certificates.trustCa(id, leaf!.fingerprintSha256);
    expect(r.ok && r.value.trustedCas.map((c) => c.fingerprintSha256)).toEqual([leaf!.fingerprintSha256]);
    await connection(phone, id, 'connected');
    const after = phone.certificates.forAccount(id);
    expect(after.ok && after.value.report?.verdict).toMatchObject({ ok: true, level: 'secure' });
    expect(after.ok && after.value.report?.mode).toBe('full');
  });

  it('"Trust this CA" on an unknown authority trusts the root the server chains to (sent by the server); a server certificate is not a CA', async () => {
    const { phone, id, pki } = await world((p) => ({ ...p.servers.good, certChainPem: p.servers.good.certChainPem + p.rootPem }));
    await connection(phone, id, 'unknown-authority');
    const report = phone.certificates.forAccount(id);
    const chain = report.ok ? (report.value.report?.chain ?? []) : [];
    const root = chain.find((c) => c.isCa && c.subject === c.issuer);
    expect(root, `no root in ${JSON.stringify(chain.map((c) => c.subject))}`).toBeDefined();
    expectProblem(await phone.certificates.trustCa(id, chain[0]!.fingerprintSha256), 'invalid-value');
    expectProblem(await phone.certificates.trustCa(id, 'AB:CD:'.repeat(10)), 'not-found');
    const r = await phone.certificates.trustCa(id, root!.fingerprintSha256);
    expect(r.ok).toBe(true);
    await connection(phone, id, 'connected');
    expect(pki.domain).toBe('sip.example.test');
  });

  it('"Pin this key" on an unknown authority: pinned verification, and the next connection succeeds', async () => {
    const { phone, id } = await world((pki) => pki.servers.unknownCa);
    await connection(phone, id, 'unknown-authority');
    const before = phone.certificates.forAccount(id);
    const spki = before.ok ? before.value.report?.chain[0]?.spkiPin : undefined;
    const r = await phone.certificates.pin(id, 'key');
    expect(r.ok && { verification: r.value.verification, pin: r.value.pin }).toEqual({ verification: 'pinned', pin: spki });
    await connection(phone, id, 'connected');
    const after = phone.certificates.forAccount(id);
    expect(after.ok && after.value.report?.pin?.matched).toBe(true);
  });

  it('"Pin this certificate" pins the exact certificate (its SHA-256 fingerprint)', async () => {
    const { phone, id } = await world((pki) => pki.servers.selfSigned);
    await connection(phone, id, 'self-signed');
    const r = await phone.certificates.pin(id, 'certificate');
    expect(r.ok && r.value.pin).toMatch(/^[0-9a-f]{64}$/);
    await connection(phone, id, 'connected');
  });

  it('"Use chain-only verification" on the wrong-host server: connected, and the verdict says weaker', async () => {
    const { phone, id, pki } = await world((p) => p.servers.wrongHost);
    // Trusted CA, wrong name: trust the test root first (as IT would have bundled it).
    const config = await phone.accounts.config(id);
    if (!config.ok) throw new Error('no config');
    const { password: _pw, ...rest } = config.value;
    void _pw;
    expect((await phone.accounts.update({ id, config: { ...rest, tls: { ...rest.tls, trustedCas: [pki.rootPem] } }, clearPassword: false })).ok).toBe(true);
    await connection(phone, id, 'hostname-mismatch');
    const r = await phone.certificates.useChainOnly(id);
    expect(r.ok && r.value.verification).toBe('chain-only');
    await connection(phone, id, 'connected');
    const after = phone.certificates.forAccount(id);
    expect(after.ok && after.value.report?.verdict.level).toBe('weaker');
  });

  it('policy forbids them: each is refused with policy-denied, the panel offers none, and the account is unchanged', async () => {
    const { phone, id } = await world((pki) => pki.servers.selfSigned, { trustPolicy: { trustCa: false, pin: false, chainOnly: false, exportPem: false, reason: 'Company policy: certificates are managed by IT.' } });
    await connection(phone, id, 'self-signed');
    const panel = phone.certificates.forAccount(id);
    expect(panel.ok && panel.value.actions).toEqual({ trustCa: false, pin: false, chainOnly: false, exportPem: false, reason: 'Company policy: certificates are managed by IT.' });
    const fp = panel.ok ? panel.value.report!.chain[0]!.fingerprintSha256 : '';
    const refusals = [await phone.certificates.trustCa(id, fp), await phone.certificates.pin(id, 'key'), await phone.certificates.useChainOnly(id), await phone.certificates.exportChain({ accountId: id })];
    for (const r of refusals) {
      expectProblem(r, 'policy-denied');
      expect(r.ok ? '' : r.error.message).toContain('Company policy: certificates are managed by IT.');
    }
    const view = phone.accounts.view(id);
    expect(view.ok && { verification: view.value.verification, pin: view.value.pin, trustedCas: view.value.trustedCas }).toEqual({ verification: 'full', pin: null, trustedCas: [] });
  });

  it('a locked verification mode: pin and chain-only are refused with setting-locked, and not offered', async () => {
    const { phone, id } = await world((pki) => pki.servers.selfSigned, { locked: () => [{ setting: 'tls.verify', reason: 'Full verification is required.' }] });
    await connection(phone, id, 'self-signed');
    const panel = phone.certificates.forAccount(id);
    expect(panel.ok && panel.value.actions).toMatchObject({ trustCa: true, pin: false, chainOnly: false, reason: 'Full verification is required.' });
    expectProblem(await phone.certificates.pin(id, 'key'), 'setting-locked');
    expectProblem(await phone.certificates.useChainOnly(id), 'setting-locked');
  });
});
