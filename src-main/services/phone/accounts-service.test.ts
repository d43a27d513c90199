import { afterEach, describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { AccountAddSchema } from '../../../src-shared/model/account.js';
import { createTestPhone } from '../../../test/support/test-phone.js';
import type { Phone } from './create-phone.js';

let phone: Phone | undefined;
afterEach(async () => {
  await phone?.shutdown();
  phone?.dispose();
  phone = undefined;
});

const add = (config: Record<string, unknown>, enabled = true) => v.parse(AccountAddSchema, { config: { password: 'pw', ...config }, enabled });

describe('AccountsService', () => {
  it('refuses settings that cannot connect, with the typed problem, and keeps nothing', async () => {
    phone = await createTestPhone();
    const badCa = await phone.accounts.add(add({ uri: 'sip:alice@pbx.invalid', tls: { caFiles: ['/nonexistent/ca.pem'] } }));
    expect(badCa).toMatchObject({ ok: false, error: { code: 'ca-file-unreadable', message: 'The CA file /nonexistent/ca.pem cannot be read.', hint: expect.any(String) } });
    const sipsOverTcp = await phone.accounts.add(add({ uri: 'sips:alice@pbx.invalid', transport: 'tcp' }));
    expect(sipsOverTcp).toMatchObject({ ok: false, error: { code: 'invalid-account', detail: { reason: expect.stringMatching(/sips: address must use TLS/) } } });
    expect(phone.accounts.list().accounts).toEqual([]);
  });

  it('a disabled account is stored but does not connect; enabling it starts it; the first account is the default', async () => {
    phone = await createTestPhone();
    const a = await phone.accounts.add(add({ uri: 'sip:alice@pbx.invalid' }, false));
    expect(a).toMatchObject({ ok: true, value: { id: 'alice-pbx-invalid', enabled: false, isDefault: true } });
    expect(phone.engine.account('alice-pbx-invalid')).toBeUndefined();
    expect(phone.accounts.registration('alice-pbx-invalid')).toMatchObject({ state: 'unregistered', progress: 'Disabled' });
    expect(phone.accounts.defaultAccountId()).toBeUndefined(); // a disabled account places no calls
    expect(await phone.accounts.setEnabled('alice-pbx-invalid', true)).toMatchObject({ ok: true, value: { enabled: true } });
    expect(phone.engine.account('alice-pbx-invalid')).toBeDefined();
    expect(phone.accounts.defaultAccountId()).toBe('alice-pbx-invalid');
    expect(phone.accounts.retry('nope')).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('main refuses a change to a locked setting (the renderer’s view is never trusted)', async () => {
    phone = await createTestPhone({ locked: () => [{ setting: 'tls.verify', reason: 'company policy' }] });
    const a = await phone.accounts.add(add({ uri: 'sip:alice@pbx.invalid' }, false));
    expect(a.ok && a.value.locked).toEqual([{ setting: 'tls.verify', reason: 'company policy' }]);
    const weaker = await phone.accounts.update({ id: 'alice-pbx-invalid', config: v.parse(AccountAddSchema, { config: { uri: 'sip:alice@pbx.invalid', tls: { verify: 'chain-only' } } }).config, clearPassword: false });
    expect(weaker).toMatchObject({ ok: false, error: { code: 'setting-locked', message: expect.stringContaining('tls.verify') } });
    const renamed = await phone.accounts.update({ id: 'alice-pbx-invalid', config: v.parse(AccountAddSchema, { config: { uri: 'sip:alice@pbx.invalid', displayName: 'Alice' } }).config, clearPassword: false });
    expect(renamed).toMatchObject({ ok: true, value: { displayName: 'Alice', verification: 'full', hasPassword: true } });
  });
});
