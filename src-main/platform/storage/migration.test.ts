/** Issue 14 acceptance 5: the documents written before schema versions (test/fixtures/storage/v0) load with today's code. */
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { nullLogger } from '../../base/logger.js';
import { AccountStore } from '../../services/phone/account-store.js';
import { CallHistory } from '../../services/phone/call-history.js';
import { HistoryService } from '../../services/phone/history-service.js';
import { SettingsService } from '../../services/settings/settings-service.js';
import { loadInstanceId } from './instance-id.js';
import { JsonFileStore } from './json-file-store.js';
import { JsonHistoryStore } from './json-history-store.js';
import { SafeStorageSecretStore } from './safe-storage-secret-store.js';
import { PlaintextFileSecretStore } from './secret-store.js';
import { fakeSafeStorage } from '../../../test/fakes/fake-safe-storage.js';
import { decodeDocument, setAside } from './versioned-document.js';

const FIXTURES = join(import.meta.dirname, '../../../test/fixtures/storage/v0');
let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'softphone-migrate-'));
  await cp(FIXTURES, dir, { recursive: true });
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const json = async (name: string): Promise<unknown> => JSON.parse(await readFile(join(dir, name), 'utf8')) as unknown;

describe('schema-0 documents (test/fixtures/storage/v0) load after the schema version bump', () => {
  it('settings, audio devices, the seen mark and the instance id', async () => {
    const store = new JsonFileStore(dir);
    const settings = new SettingsService(store, nullLogger);
    await settings.load();
    expect(settings.get()).toMatchObject({ theme: 'dark', doNotDisturb: true });
    expect(await store.read('audio-devices')).toEqual({ captureDeviceId: 'mic-1', playbackDeviceId: 'spk-1', echoCancellation: true });
    const history = new HistoryService(new CallHistory(new JsonHistoryStore(dir), nullLogger), store);
    await history.load();
    expect(await loadInstanceId(dir)).toBe('urn:uuid:3f2b8c1e-5d4a-4b6e-9c7f-1a2b3c4d5e6f');
    await settings.update({ theme: 'light' });
    expect(await json('settings.json')).toMatchObject({ schema: 1, data: { theme: 'light', doNotDisturb: true } });
    expect(store.takeProblems()).toEqual([]);
  });

  it('accounts with their passwords through the CLI fallback, and the history', async () => {
    const store = new JsonFileStore(dir);
    const accounts = new AccountStore(store, new PlaintextFileSecretStore(dir), nullLogger);
    expect((await accounts.load()).ok).toBe(true);
    expect(accounts.list().map((a) => [a.id, a.enabled, a.hasPassword, a.hasClientCertPassword])).toEqual([
      ['alice-pbx-example-com', true, true, true],
      ['bob', false, false, false],
    ]);
    expect(accounts.defaultAccountId).toBe('alice-pbx-example-com');
    const alice = await accounts.config('alice-pbx-example-com');
    expect(alice.ok && alice.value.password).toBe('fixture-sip-password');
    expect(alice.ok && alice.value.tls.clientCert?.password).toBe('fixture-p12-password');
    await accounts.setEnabled('bob', true);
    expect(await json('accounts.json')).toMatchObject({ schema: 1, data: { version: 1, accounts: [{ id: 'alice-pbx-example-com' }, { id: 'bob', enabled: true }] } });

    const history = new CallHistory(new JsonHistoryStore(dir), nullLogger);
    await history.load();
    expect(history.list().map((r) => r.id)).toEqual(['h1', 'h2']);
    expect(history.list()[0]?.security?.srtpSuite).toBe('AEAD_AES_256_GCM');
  });

  it('the desktop app encrypts a schema-0 plain secrets file at once (no plain password stays on disk)', async () => {
    const safe = fakeSafeStorage();
    const accounts = new AccountStore(new JsonFileStore(dir), new SafeStorageSecretStore(dir, safe), nullLogger);
    await accounts.load();
    const alice = await accounts.config('alice-pbx-example-com');
    expect(alice.ok && alice.value.password).toBe('fixture-sip-password');
    const text = await readFile(join(dir, 'secrets.json'), 'utf8');
    expect(text).not.toContain('fixture-sip-password');
    expect(text).not.toContain('fixture-p12-password');
    expect(JSON.parse(text)).toMatchObject({ schema: 1, data: { protection: 'safe-storage' } });
  });
});

describe('versioned documents', () => {
  it('migrates step by step and refuses what it cannot read', () => {
    const spec = { version: 3, migrate: (from: number, d: unknown) => ({ ...(d as object), [`v${from + 1}`]: true }) };
    expect(decodeDocument('{"a":1}', spec)).toEqual({ ok: true, data: { a: 1, v1: true, v2: true, v3: true }, migratedFrom: 0 });
    expect(decodeDocument('{"schema":2,"data":{"a":1}}', spec)).toEqual({ ok: true, data: { a: 1, v3: true }, migratedFrom: 2 });
    expect(decodeDocument('{"schema":3,"data":[1]}', spec)).toEqual({ ok: true, data: [1] });
    expect(decodeDocument('{"schema":4,"data":{}}', spec)).toMatchObject({ ok: false, reason: expect.stringContaining('newer') });
    expect(decodeDocument('{"a":', spec)).toMatchObject({ ok: false, reason: expect.stringContaining('not JSON') });
  });

  it('a damaged file is kept as NAME.corrupt-<time>, never overwriting an earlier one', async () => {
    const at = new Date('2026-12-07T01:02:03.456Z');
    await writeFile(join(dir, 'x.json'), 'one');
    expect(await setAside(join(dir, 'x.json'), at)).toBe(join(dir, 'x.json.corrupt-2026-12-07T01-02-03.456Z'));
    await writeFile(join(dir, 'x.json'), 'two');
    expect(await setAside(join(dir, 'x.json'), at)).toBe(join(dir, 'x.json.corrupt-2026-12-07T01-02-03.456Z-2'));
    const kept = (await readdir(dir)).filter((f) => f.startsWith('x.json.corrupt-')).sort();
    expect(await Promise.all(kept.map((f) => readFile(join(dir, f), 'utf8')))).toEqual(['one', 'two']);
  });

  it('an accounts file that no longer validates is set aside and reported, not overwritten by the next save', async () => {
    await writeFile(join(dir, 'accounts.json'), '{"schema":1,"data":{"version":7}}');
    const accounts = new AccountStore(new JsonFileStore(dir), new PlaintextFileSecretStore(dir), nullLogger);
    const r = await accounts.load();
    expect(!r.ok && r.error.code).toBe('storage-corrupt');
    const aside = (await readdir(dir)).filter((f) => f.startsWith('accounts.json.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(await readFile(join(dir, aside[0]!), 'utf8')).toBe('{"schema":1,"data":{"version":7}}');
  });
});
