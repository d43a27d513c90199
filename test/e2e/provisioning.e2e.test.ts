/**
 * Issue 14 acceptance 1 (the browser): `softphone web --provision FILE` with a provisioned
 * account whose certificate verification and SRTP are locked. In Chromium, by role and name, the
 * account form shows both locked (disabled) with the administrator's reason as their description,
 * and main refuses a change anyway (the renderer's view is never trusted).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useHarnessScope } from '../interop/harness/vitest-scope.js';
import { openPhonePage, openView, trustPrerequisites } from './support/trust-ui.js';
import { accessibleDescription, buttonNamed, visible } from './support/ui-phone.js';
import { connectContractClient, startWebFaceProcess, type ContractClient } from './support/web-face-client.js';

const prerequisites = trustPrerequisites([]);
const REASON = 'Acme security policy (IT-1234).';

// Skips only where Chromium, the built renderer or a Debian peer is missing (a loud banner names it); under CI=true the prerequisite check throws instead, so nothing skips in CI.
describe.skipIf(!prerequisites.available)('provisioning in Chromium: a locked setting shows as locked with its reason', () => {
  const scope = useHarnessScope('provisioning-e2e');
  let page: Page;
  let contract: ContractClient;

  beforeAll(async () => {
    const file = join(scope().dir, 'provisioning.json');
    await writeFile(
      file,
      JSON.stringify({
        version: 1,
        accounts: [{ id: 'work', config: { uri: 'sips:alice@pbx.example.test', displayName: 'Alice at work' }, enabled: false, locked: ['tls.verify'] }],
        policy: { lockedSettings: ['srtp'], usersMayAddAccounts: false, reason: REASON },
      }),
    );
    const face = await startWebFaceProcess(scope(), ['--data', join(scope().dir, 'web-data'), '--provision', file]);
    contract = await connectContractClient(face);
    scope().own({ stop: async () => contract.close() });
    ({ page } = await openPhonePage(scope(), face.url, { width: 900, height: 1000 }));
    page.setDefaultTimeout(10_000);
  }, 90_000);

  it('the account form shows certificate verification and SRTP locked, each described by the reason', async () => {
    await openView(page, 'Accounts');
    const card = page.getByRole('article', { name: /alice@pbx\.example\.test/ });
    await visible(card);
    await buttonNamed(card, 'Edit').click();
    await page.getByRole('button', { name: 'Advanced settings' }).click();
    const verification = page.getByRole('combobox', { name: 'Certificate verification' });
    const srtp = page.getByRole('combobox', { name: 'Media encryption (SRTP)' });
    for (const field of [verification, srtp]) {
      await visible(field);
      expect(await field.isDisabled()).toBe(true);
      expect(await accessibleDescription(field)).toBe(`Set by your IT department: ${REASON}`);
    }
    // Not locked: still editable.
    expect(await page.getByRole('combobox', { name: 'Minimum TLS version' }).isDisabled()).toBe(false);
  }, 60_000);

  it('main refuses the change through the contract whatever the page sends', async () => {
    const r = await contract.api.requests.accounts.update({ id: 'work', config: { uri: 'sips:alice@pbx.example.test', displayName: 'Alice at work', tls: { verify: 'chain-only' } } }).catch((e: unknown) => e);
    expect(r).toMatchObject({ code: 'setting-locked', detail: { setting: 'tls.verify', reason: REASON } });
    const add = await contract.api.requests.accounts.add({ config: { uri: 'sips:bob@pbx.example.test' }, enabled: false }).catch((e: unknown) => e);
    expect(add).toMatchObject({ code: 'policy-denied' });
    const view = await contract.api.requests.app.provisioning({});
    expect(view).toMatchObject({ provisioned: true, usersMayAddAccounts: false, reason: REASON, sources: [{ kind: 'command-line', state: 'applied' }] });
  }, 30_000);
});
