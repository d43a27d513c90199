import { describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { nullLogger } from '../../base/logger.js';
import { AccountConfigSchema } from '../../../src-shared/model/account.js';
import { MemoryStore } from '../../platform/storage/json-file-store.js';
import { MemorySecretStore } from '../../platform/storage/secret-store.js';
import { AccountStore } from './account-store.js';

const config = (over: Record<string, unknown> = {}) => v.parse(AccountConfigSchema, { uri: 'sips:alice@pbx.example.com', password: 'Sip-Pw-123', tls: { clientCert: { pkcs12: '/c/alice.p12', password: 'P12-Pw-456' } }, ...over });

function setup() {
  const files = new MemoryStore();
  const secrets = new MemorySecretStore();
  return { files, secrets, store: new AccountStore(files, secrets, nullLogger) };
}

describe('AccountStore: settings on disk, secrets apart', () => {
  it('keeps passwords out of the settings document and gives them back only with the full config', async () => {
    const { files, secrets, store } = setup();
    const added = await store.add(store.newId('sips:alice@pbx.example.com'), config(), { enabled: true, makeDefault: false });
    expect(added).toMatchObject({ ok: true, value: { id: 'alice-pbx-example-com', hasPassword: true, hasClientCertPassword: true } });
    const onDisk = JSON.stringify(await files.read('accounts'));
    expect(onDisk).toContain('alice@pbx.example.com');
    expect(onDisk).not.toMatch(/Sip-Pw-123|P12-Pw-456/);
    expect(await secrets.get('account:alice-pbx-example-com:password')).toBe('Sip-Pw-123');
    expect(JSON.stringify(store.list())).not.toMatch(/Sip-Pw-123|P12-Pw-456/);
    const full = await store.config('alice-pbx-example-com');
    expect(full.ok && full.value.password).toBe('Sip-Pw-123');
    expect(full.ok && full.value.tls.clientCert?.password).toBe('P12-Pw-456');
    expect(store.defaultAccountId).toBe('alice-pbx-example-com');
  });

  it('an edit without a password keeps it; clearPassword removes it; removing the account removes its secrets', async () => {
    const { secrets, store } = setup();
    await store.add('a', config(), { enabled: true, makeDefault: true });
    const { password: _pw, ...withoutPassword } = config({ displayName: 'Alice' });
    const edited = await store.update('a', v.parse(AccountConfigSchema, withoutPassword), false);
    expect(edited.ok && edited.value.hasPassword).toBe(true);
    expect((await store.config('a')).ok && (await store.config('a'))).toMatchObject({ value: { password: 'Sip-Pw-123', displayName: 'Alice' } });
    const cleared = await store.update('a', v.parse(AccountConfigSchema, withoutPassword), true);
    expect(cleared.ok && cleared.value.hasPassword).toBe(false);
    expect(await secrets.get('account:a:password')).toBeUndefined();
    await store.remove('a');
    expect(await secrets.get('account:a:client-cert-password')).toBeUndefined();
    expect(store.list()).toEqual([]);
    expect(store.defaultAccountId).toBeNull();
  });

  it('loads what it wrote; a damaged file is refused with a typed problem and left untouched', async () => {
    const { files, secrets, store } = setup();
    await store.add('a', config(), { enabled: false, makeDefault: true });
    await store.add('b', config({ uri: 'sip:bob@pbx.example.com' }), { enabled: true, makeDefault: false });
    await store.add('tmp', config({ uri: 'sip:tmp@pbx.example.com' }), { enabled: true, makeDefault: false, ephemeral: true });
    const again = new AccountStore(files, secrets, nullLogger);
    expect(await again.load()).toEqual({ ok: true, value: undefined });
    expect(again.list().map((a) => [a.id, a.enabled, a.hasPassword])).toEqual([
      ['a', false, true],
      ['b', true, true],
    ]); // the ephemeral account was never written
    await files.write('accounts', { version: 7, junk: true });
    const broken = new AccountStore(files, secrets, nullLogger);
    expect(await broken.load()).toMatchObject({ ok: false, error: { code: 'storage-corrupt' } });
    expect(await files.read('accounts')).toEqual({ version: 7, junk: true });
    expect(await store.add('a', config(), { enabled: true, makeDefault: false })).toMatchObject({ ok: false, error: { code: 'account-exists' } });
  });
});
