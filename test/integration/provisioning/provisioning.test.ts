/**
 * Issue 14 acceptance 1 (main side): provisioning from each source (bundled file, system-wide
 * file, `--provision`, an HTTPS URL served by node:https with the test PKI, refused for a bad
 * certificate and for a bad signature), a bad document refused whole naming the field with the
 * last good one kept, and the policies applied through the IPC dispatcher (main refuses).
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contract } from '../../../src-shared/ipc/contract.js';
import { SystemClock } from '../../../src-main/base/clock.js';
import { createLogger } from '../../../src-main/base/logger.js';
import { createBindings } from '../../../src-main/ipc/bindings.js';
import { IpcDispatcher } from '../../../src-main/ipc/dispatcher.js';
import { MemoryStore } from '../../../src-main/platform/storage/json-file-store.js';
import { fileSource, httpsSource, signatureValid, systemProvisioningPath } from '../../../src-main/platform/provisioning/provisioning-sources.js';
import { createTestPhone } from '../../support/test-phone.js';
import { getTestPki, type ServerCredentials, type TestPki } from '../../fixtures/pki/test-pki.js';
import { ProvisioningService, type ProvisioningSource } from '../../../src-main/services/provisioning/provisioning-service.js';

const clock = new SystemClock({ unrefTimers: true });
const logger = createLogger({ sinks: [] });
let dir = '';
let pki: TestPki;
const keys = generateKeyPairSync('ed25519');
const publicPem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'softphone-prov-'));
  pki = await getTestPki();
});
afterAll(() => rm(dir, { recursive: true, force: true }));

const doc = (extra: Record<string, unknown>): string => JSON.stringify({ version: 1, ...extra });
async function file(name: string, text: string): Promise<string> {
  const p = join(dir, name);
  await writeFile(p, text);
  return p;
}
const service = (files: ProvisioningSource[], more: Partial<ConstructorParameters<typeof ProvisioningService>[0]> = {}, store = new MemoryStore()): ProvisioningService => new ProvisioningService({ files, store, clock, logger, ...more });

describe('provisioning sources', () => {
  it('the system-wide file lives at a per-OS path', () => {
    expect(systemProvisioningPath('win32', { ProgramData: 'C:\\ProgramData' })).toBe(join('C:\\ProgramData', 'SecureSoftphone', 'provisioning.json'));
    expect(systemProvisioningPath('darwin', {})).toBe('/Library/Application Support/SecureSoftphone/provisioning.json');
    expect(systemProvisioningPath('linux', {})).toBe('/etc/secure-softphone/provisioning.json');
  });

  it('bundled, system-wide and --provision files merge in order, later ones overriding', async () => {
    const bundled = await file('bundled.json', doc({ policy: { usersMayAddAccounts: false, reason: 'Bundled policy.' }, branding: { productName: 'Acme Phone' } }));
    const system = await file('system.json', doc({ policy: { reason: 'Set by Acme IT.', lockedSettings: ['transport'] } }));
    const cli = await file('cli.json', doc({ policy: { srtpMandatory: true } }));
    const p = service([fileSource('bundled', bundled), fileSource('system', system), fileSource('system', join(dir, 'absent.json'))], { commandLine: cli, commandLineSource: (arg) => fileSource('command-line', arg) });
    await p.load();
    expect(p.document?.policy).toMatchObject({ usersMayAddAccounts: false, reason: 'Set by Acme IT.', lockedSettings: ['transport'], srtpMandatory: true });
    expect(p.view()).toMatchObject({ provisioned: true, usersMayAddAccounts: false, branding: { productName: 'Acme Phone' } });
    expect(p.view().sources.map((s) => [s.kind, s.state])).toEqual([
      ['bundled', 'applied'],
      ['system', 'applied'],
      ['system', 'absent'],
      ['command-line', 'applied'],
    ]);
    expect(p.locked('any')).toEqual([{ setting: 'transport', reason: 'Set by Acme IT.' }]);
  });

  it('policy.allowLaterSources false: later sources are shown as ignored and change nothing', async () => {
    const system = await file('final.json', doc({ policy: { allowLaterSources: false, pin: false } }));
    const cli = await file('later.json', doc({ policy: { pin: true } }));
    const p = service([fileSource('system', join(dir, 'nothing.json')), fileSource('system', system)], { commandLine: cli, commandLineSource: (arg) => fileSource('command-line', arg) });
    await p.load();
    expect(p.trustPolicy().pin).toBe(false);
    expect(p.view().sources.map((s) => s.state)).toEqual(['absent', 'applied', 'ignored']);
  });

  it('a bad document is refused whole, naming the field; the last good one stays in force', async () => {
    const store = new MemoryStore();
    const path = await file('changing.json', doc({ policy: { usersMayEditAccounts: false } }));
    const first = service([fileSource('system', path)], {}, store);
    await first.load();
    expect(first.document?.policy.usersMayEditAccounts).toBe(false);
    await writeFile(path, doc({ policy: { usersMayEditAccounts: 'no', srtpMandatory: true } }));
    const second = service([fileSource('system', path)], {}, store);
    await second.load();
    expect(second.view().sources[0]).toMatchObject({ state: 'refused', error: expect.stringContaining('policy.usersMayEditAccounts') });
    expect(second.problems[0]).toMatchObject({ code: 'provisioning-refused' });
    expect(second.document?.policy).toEqual({ usersMayEditAccounts: false });
  });
});

describe('provisioning over HTTPS (the SIP TLS machinery)', () => {
  let server: Server;
  let port = 0;
  const body = doc({ policy: { pin: false, reason: 'Pinning is managed centrally.' } });
  let signature = '';
  let creds: ServerCredentials;
  const requests: { url: string; ifNoneMatch: string | undefined }[] = [];

  const start = async (c: ServerCredentials): Promise<void> => {
    creds = c;
    server = createServer({ key: c.keyPem, cert: c.certChainPem }, (req, res) => {
      requests.push({ url: req.url ?? '', ifNoneMatch: req.headers['if-none-match'] });
      if (req.url === '/prov.json.sig') return void res.end(signature);
      if (req.headers['if-none-match'] === '"v1"') return void res.writeHead(304).end();
      res.writeHead(200, { etag: '"v1"', 'content-type': 'application/json' }).end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  };
  const stop = (): Promise<void> => new Promise((r) => server.close(() => r()));
  const trusted = (): Parameters<typeof httpsSource>[2] => JSON.parse(doc({ signingPublicKey: publicPem, urlCaCertificates: [pki.rootPem] })) as never;
  const source = (): ProvisioningSource => httpsSource('url', `https://${pki.domain}:${port}/prov.json`, trusted(), { clock, resolve: () => Promise.resolve('127.0.0.1'), timeoutMs: 5000 });

  it('a signed document over verified TLS is applied, then refreshed with If-None-Match', async () => {
    await start(pki.servers.good);
    try {
      signature = sign(null, Buffer.from(body), keys.privateKey).toString('base64');
      const store = new MemoryStore();
      const bundled = await file('with-url.json', doc({ url: `https://${pki.domain}:${port}/prov.json`, signingPublicKey: publicPem, urlCaCertificates: [pki.rootPem] }));
      const p = service([fileSource('bundled', bundled)], { urlSource: (url, t) => httpsSource('url', url, t, { clock, resolve: () => Promise.resolve('127.0.0.1') }) }, store);
      await p.load();
      expect(p.view().sources.map((s) => [s.kind, s.state, s.error])).toEqual([
        ['bundled', 'applied', null],
        ['url', 'applied', null],
      ]);
      expect(p.trustPolicy()).toMatchObject({ pin: false, reason: 'Pinning is managed centrally.' });
      await p.refresh();
      expect(requests.at(-1)).toEqual({ url: '/prov.json', ifNoneMatch: '"v1"' });
      expect(p.view().sources[1]?.state).toBe('applied');
      expect(p.trustPolicy().pin).toBe(false);
    } finally {
      await stop();
    }
  });

  it('a bad signature is refused', async () => {
    await start(pki.servers.good);
    try {
      signature = sign(null, Buffer.from('something else'), keys.privateKey).toString('base64');
      const r = await source().fetch(undefined);
      expect(r).toMatchObject({ kind: 'failed', error: expect.stringContaining('signature') });
      expect(signatureValid(Buffer.from(body), signature, publicPem)).toBe(false);
    } finally {
      await stop();
    }
  });

  it('a bad certificate is refused (unknown CA, wrong host, expired)', async () => {
    for (const [c, code] of [
      [pki.servers.unknownCa, 'unknown-authority'],
      [pki.servers.wrongHost, 'hostname-mismatch'],
      [pki.servers.expired, 'expired'],
    ] as const) {
      await start(c);
      try {
        signature = sign(null, Buffer.from(body), keys.privateKey).toString('base64');
        const r = await source().fetch(undefined);
        expect(r, code).toMatchObject({ kind: 'failed', error: expect.stringContaining(code) });
      } finally {
        await stop();
      }
    }
    expect(creds).toBeDefined();
  });
});

describe('policies applied: main refuses through IPC', () => {
  it('a locked setting, adding accounts, plain transports and SRTP off are refused with typed errors', async () => {
    const path = await file('policy.json', doc({
      accounts: [{ id: 'work', config: { uri: 'sips:alice@pbx.example.com', transport: 'tls' }, enabled: false, locked: ['tls.verify'] }],
      policy: { usersMayAddAccounts: false, allowPlainTransports: false, srtpMandatory: true, lockedSettings: ['srtp'], reason: 'Acme security policy.' },
    }));
    const provisioning = service([fileSource('system', path)]);
    await provisioning.load();
    const phone = await createTestPhone({ extra: { provisioning } });
    const dispatcher = new IpcDispatcher(contract, createBindings(phone), logger);
    const ctx = { carrier: 'websocket', senderId: 'test' } as const;
    try {
      const list = await dispatcher.dispatch('rpc:accounts.list', {}, ctx);
      expect(list).toMatchObject({ ok: true, value: { accounts: [{ id: 'work', locked: [{ setting: 'srtp', reason: 'Acme security policy.' }, { setting: 'tls.verify', reason: 'Acme security policy.' }] }] } });
      const locked = await dispatcher.dispatch('rpc:accounts.update', { id: 'work', config: { uri: 'sips:alice@pbx.example.com', tls: { verify: 'chain-only' } } }, ctx);
      expect(locked).toMatchObject({ ok: false, error: { code: 'setting-locked', detail: { setting: 'tls.verify', reason: 'Acme security policy.' } } });
      const add = await dispatcher.dispatch('rpc:accounts.add', { config: { uri: 'sips:bob@pbx.example.com' }, enabled: false }, ctx);
      expect(add).toMatchObject({ ok: false, error: { code: 'policy-denied' } });
      const remove = await dispatcher.dispatch('rpc:accounts.remove', { id: 'work' }, ctx);
      expect(remove).toMatchObject({ ok: false, error: { code: 'policy-denied' } });
      const udp = await dispatcher.dispatch('rpc:accounts.update', { id: 'work', config: { uri: 'sips:alice@pbx.example.com', transport: 'udp' } }, ctx);
      expect(udp).toMatchObject({ ok: false, error: { code: 'policy-denied', detail: { setting: 'transport' } } });
      const view = await dispatcher.dispatch('rpc:app.provisioning', {}, ctx);
      expect(view).toMatchObject({ ok: true, value: { provisioned: true, usersMayAddAccounts: false, reason: 'Acme security policy.' } });
      const allowed = await dispatcher.dispatch('rpc:accounts.update', { id: 'work', config: { uri: 'sips:alice@pbx.example.com', displayName: 'Alice at work' } }, ctx);
      expect(allowed).toMatchObject({ ok: true, value: { displayName: 'Alice at work' } });
    } finally {
      phone.dispose();
    }
  });
});

describe('defaults applied where the person has not chosen', () => {
  it('start at login, the sound devices and the codecs of a provisioned account that names none', async () => {
    const path = await file('defaults.json', doc({
      accounts: [
        { id: 'work', config: { uri: 'sips:alice@pbx.example.com' }, enabled: false },
        { id: 'own', config: { uri: 'sips:carol@pbx.example.com', codecs: ['PCMA'] }, enabled: false },
      ],
      defaults: { startAtLogin: true, codecs: ['G722', 'PCMU'], devices: { capture: 'fake:mic', playback: 'fake:spk' } },
    }));
    const provisioning = service([fileSource('system', path)]);
    await provisioning.load();
    const phone = await createTestPhone({ extra: { provisioning } });
    try {
      expect(phone.settings.get().startAtLogin).toBe(true);
      const accounts = phone.accounts.list().accounts;
      expect(accounts.find((a) => a.id === 'work')?.codecs).toEqual(['G722', 'PCMU']);
      expect(accounts.find((a) => a.id === 'own')?.codecs).toEqual(['PCMA']);
      expect(phone.audio.preferences).toMatchObject({ captureDeviceId: 'fake:mic', playbackDeviceId: 'fake:spk' });
      // The person's own choice wins over the default from then on.
      await phone.settings.update({ startAtLogin: false });
      expect(phone.settings.get().startAtLogin).toBe(false);
    } finally {
      phone.dispose();
    }
  });
});

describe('provisioning over mutual TLS (no signature needed)', () => {
  it('a document from a server that verified our client certificate is applied; without the certificate it is refused', async () => {
    const body = doc({ policy: { chainOnly: false, reason: 'Chain-only is not allowed here.' } });
    const server = createServer({ key: pki.servers.good.keyPem, cert: pki.servers.good.certChainPem, requestCert: true, rejectUnauthorized: true, ca: pki.client.caPem }, (req, res) => {
      if (req.url?.endsWith('.sig') === true) return void res.writeHead(404).end();
      res.writeHead(200, { etag: '"m1"', 'content-type': 'application/json' }).end(body);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `https://${pki.domain}:${(server.address() as AddressInfo).port}/prov.json`;
    try {
      const withCert = JSON.parse(doc({ url, urlCaCertificates: [pki.rootPem], urlClientCertificate: { pkcs12: pki.files.clientP12, password: pki.client.password } })) as never;
      const bundledOk = await file('mtls.json', JSON.stringify(withCert));
      const applied = service([fileSource('bundled', bundledOk)], { urlSource: (u, t) => httpsSource('url', u, t, { clock, resolve: () => Promise.resolve('127.0.0.1'), timeoutMs: 5000 }) });
      await applied.load();
      expect(applied.view().sources.map((s) => [s.kind, s.state])).toEqual([
        ['bundled', 'applied'],
        ['url', 'applied'],
      ]);
      expect(applied.trustPolicy()).toMatchObject({ chainOnly: false, reason: 'Chain-only is not allowed here.' });
      const noCert = await file('no-cert.json', doc({ url, urlCaCertificates: [pki.rootPem] }));
      const refused = service([fileSource('bundled', noCert)], { urlSource: (u, t) => httpsSource('url', u, t, { clock, resolve: () => Promise.resolve('127.0.0.1'), timeoutMs: 5000 }) });
      await refused.load();
      expect(refused.view().sources[1]?.state).toBe('refused');
      expect(refused.trustPolicy().chainOnly).toBe(true);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
