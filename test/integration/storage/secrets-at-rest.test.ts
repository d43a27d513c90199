/**
 * Issue 14 acceptance 3: after an account with a SIP password and a PKCS#12 password is saved
 * through the phone (createPhone with a fake safeStorage), no file under the store folder holds
 * either password in any encoding. And the SafeStorageSecretStore with a fake safeStorage,
 * including Linux without a keyring (`basic_text`).
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as v from 'valibot';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccountConfigSchema } from '../../../src-shared/model/account.js';
import { createTestPhone } from '../../support/test-phone.js';
import { fakeSafeStorage } from '../../fakes/fake-safe-storage.js';
import { JsonFileStore } from '../../../src-main/platform/storage/json-file-store.js';
import { JsonHistoryStore } from '../../../src-main/platform/storage/json-history-store.js';
import { SafeStorageSecretStore } from '../../../src-main/platform/storage/safe-storage-secret-store.js';

const SIP_PASSWORD = 'Sip-Secret_ü/+= 42!';
const P12_PASSWORD = 'p12:Tresor&"quoted"';

/** Every way a password could sit in a file. */
export function encodings(secret: string): string[] {
  const b = Buffer.from(secret, 'utf8');
  const json = JSON.stringify(secret).slice(1, -1);
  return [
    secret,
    secret.toLowerCase(),
    secret.toUpperCase(),
    b.toString('base64'),
    b.toString('base64').replace(/=+$/, ''),
    b.toString('base64url'),
    b.toString('hex'),
    b.toString('hex').toUpperCase(),
    encodeURIComponent(secret),
    encodeURIComponent(secret).toLowerCase(),
    json,
    JSON.stringify(secret).slice(1, -1).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
    Buffer.from(secret, 'utf16le').toString('latin1'),
  ];
}

async function everyFile(dir: string): Promise<{ name: string; bytes: Buffer }[]> {
  const out: { name: string; bytes: Buffer }[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const p = join(e.parentPath, e.name);
    out.push({ name: p, bytes: await readFile(p) });
  }
  return out;
}

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'softphone-secrets-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('passwords at rest (acceptance 3)', () => {
  it('no file under the store folder holds the SIP or the PKCS#12 password, in any encoding', async () => {
    const secrets = new SafeStorageSecretStore(dir, fakeSafeStorage({ backend: 'gnome_libsecret' }));
    const phone = await createTestPhone({ store: new JsonFileStore(dir), secrets, history: new JsonHistoryStore(dir) });
    const added = await phone.accounts.add({
      config: v.parse(AccountConfigSchema, { uri: 'sips:alice@pbx.example.com', password: SIP_PASSWORD, tls: { clientCert: { pkcs12: '/home/alice/alice.p12', password: P12_PASSWORD } } }),
      enabled: false,
      makeDefault: true,
    });
    expect(added.ok).toBe(true);
    expect(added.ok && added.value.hasPassword).toBe(true);
    expect(added.ok && added.value.clientCertificate?.hasPassword).toBe(true);
    await phone.settings.update({ theme: 'dark' });
    phone.dispose();

    const files = await everyFile(dir);
    expect(files.map((f) => f.name.slice(dir.length + 1)).sort()).toEqual(['accounts.json', 'secrets.json', 'settings.json']);
    for (const f of files) {
      const text = f.bytes.toString('latin1');
      const utf8 = f.bytes.toString('utf8');
      for (const secret of [SIP_PASSWORD, P12_PASSWORD]) for (const form of encodings(secret)) expect(text.includes(form) || utf8.includes(form), `${f.name} holds ${JSON.stringify(form)}`).toBe(false);
    }
    // And they come back: the phone can still register with them.
    const again = await createTestPhone({ store: new JsonFileStore(dir), secrets: new SafeStorageSecretStore(dir, fakeSafeStorage({ backend: 'gnome_libsecret' })), history: new JsonHistoryStore(dir) });
    const config = await again.accounts.config('alice-pbx-example-com');
    expect(config.ok && config.value.password).toBe(SIP_PASSWORD);
    expect(config.ok && config.value.tls.clientCert?.password).toBe(P12_PASSWORD);
    again.dispose();
  });
});

describe('SafeStorageSecretStore', () => {
  it('stores base64 of the ciphertext and reads it back', async () => {
    const safe = fakeSafeStorage();
    const s = new SafeStorageSecretStore(dir, safe);
    expect(s.status).toBe('encrypted');
    await s.set('k', 'hunter2');
    const doc = JSON.parse(await readFile(join(dir, 'secrets.json'), 'utf8')) as { schema: number; data: { protection: string; values: Record<string, string> } };
    expect(doc.schema).toBe(1);
    expect(doc.data.protection).toBe('safe-storage');
    expect(safe.decryptString(Buffer.from(doc.data.values.k!, 'base64'))).toBe('hunter2');
    expect(await new SafeStorageSecretStore(dir, safe).get('k')).toBe('hunter2');
    await s.delete('k');
    expect(await new SafeStorageSecretStore(dir, safe).get('k')).toBeUndefined();
  });

  it('basic_text (Linux without a keyring): says so and keeps passwords for this run only, unless policy allows', async () => {
    const s = new SafeStorageSecretStore(dir, fakeSafeStorage({ backend: 'basic_text' }));
    expect(s.status).toBe('session-only');
    expect(s.storesAtRest).toBe(false);
    await s.set('k', 'hunter2');
    expect(await s.get('k')).toBe('hunter2');
    expect(await readdir(dir)).toEqual([]);
    expect(await new SafeStorageSecretStore(dir, fakeSafeStorage({ backend: 'basic_text' })).get('k')).toBeUndefined();

    const allowed = new SafeStorageSecretStore(dir, fakeSafeStorage({ backend: 'basic_text' }), { allowBasicText: true });
    expect(allowed.status).toBe('basic-text');
    await allowed.set('k', 'hunter2');
    expect(await new SafeStorageSecretStore(dir, fakeSafeStorage({ backend: 'basic_text' }), { allowBasicText: true }).get('k')).toBe('hunter2');
    expect(new SafeStorageSecretStore(dir, fakeSafeStorage({ available: false })).status).toBe('session-only');
  });

  it('an account whose password cannot be kept asks for it at the next start, and accounts.update supplies it', async () => {
    const safe = (): SafeStorageSecretStore => new SafeStorageSecretStore(dir, fakeSafeStorage({ backend: 'basic_text' }));
    const first = await createTestPhone({ store: new JsonFileStore(dir), secrets: safe() });
    const config = v.parse(AccountConfigSchema, { uri: 'sips:bob@pbx.example.com', password: 'bobs-password' });
    expect((await first.accounts.add({ id: 'bob', config, enabled: false, makeDefault: true })).ok).toBe(true);
    expect(await first.accounts.setEnabled('bob', false)).toMatchObject({ ok: true });
    first.dispose();
    const accountsFile = await readFile(join(dir, 'accounts.json'), 'utf8');
    expect(accountsFile).toContain('"askPassword": true');
    expect(accountsFile).not.toContain('bobs-password');

    const second = await createTestPhone({ store: new JsonFileStore(dir), secrets: safe() });
    const view = second.accounts.view('bob');
    expect(view.ok && view.value.hasPassword).toBe(false);
    expect(view.ok && view.value.passwordNeeded).toBe(true);
    const enable = await second.accounts.setEnabled('bob', true);
    expect(!enable.ok && enable.error.code).toBe('password-not-stored');
    expect(!enable.ok && enable.error.message).toMatch(/Enter your password/);
    const supplied = await second.accounts.update({ id: 'bob', config, clearPassword: false });
    expect(supplied.ok && supplied.value.hasPassword).toBe(true);
    expect(supplied.ok && supplied.value.passwordNeeded).toBe(false);
    const c = await second.accounts.config('bob');
    expect(c.ok && c.value.password).toBe('bobs-password');
    second.dispose();
  });
});
