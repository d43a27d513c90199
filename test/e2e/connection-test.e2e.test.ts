/**
 * Issue 13 acceptance 2 and 5 (the connection test and the SIP log viewer): the real UI in
 * headless Chromium on the `softphone web` page against real Kamailio 5.6 over TLS, by role and
 * accessible name only. Accounts are added over the contract (the wizard has its own tests);
 * each is tested from its card in Accounts ("Test connection" → the "Connection test for …"
 * dialog, its six steps DNS, Connect, TLS handshake, Certificate, Register, Media):
 *  - against a running Kamailio: every step "Passed";
 *  - against a Kamailio that was started and stopped: "Connect" "Failed" with main's "The server
 *    refused the connection." and its fix, the steps after it "Skipped";
 *  - against a Kamailio presenting an expired certificate (same CA): "Certificate" "Failed" with
 *    main's "The server's certificate has expired." and its fix, "Register" "Skipped";
 *  - Diagnostics → "SIP log": the registration's messages, one opened in full;
 *  - screenshots (test-results/ui-connection-test-<state>-…, ui-diagnostics-sip-log-…), light and
 *    dark, each checked by axe (serious/critical fail).
 */
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RegistrationView } from '../../src-shared/model/registration.js';
import { startKamailio, type Kamailio } from '../interop/harness/index.js';
import { useHarnessScope } from '../interop/harness/vitest-scope.js';
import { ALICE, ERIN, type SipUser } from './support/ui-env.js';
import { captureState, screenshotsTaken } from './support/ui-screens.js';
import { containsText, visible } from './support/ui-phone.js';
import { connectContractClient, startWebFaceProcess, type ContractClient } from './support/web-face-client.js';
import { closeDialog, mainWords, openConnectionTest, openPhonePage, openSipLog, sipMessages, STEP_LABELS, trustPrerequisites, waitForTestFinished, type StepLabel, type StepShown } from './support/trust-ui.js';

const prerequisites = trustPrerequisites(['kamailio', 'openssl']);

/** The account at the Kamailio that is stopped before the test. */
const FRANK: SipUser = { user: 'frank', password: 'Frank-Stopped-Pw-7714' };

// Skips only where Chromium, the built renderer or a Debian peer is missing (a loud banner names it); under CI=true the prerequisite check throws instead, so nothing skips in CI.
describe.skipIf(!prerequisites.available)('the connection test and the SIP log in Chromium, by role and name, against real Kamailio', () => {
  const scope = useHarnessScope('connection-test-e2e');
  let kam: Kamailio;
  let kamExpired: Kamailio;
  let kamStopped: Kamailio;
  let contract: ContractClient;
  let page: Page;
  let pageErrors: string[];
  const short = (u: SipUser): string => `${u.user}@${kam.domain}`;

  beforeAll(async () => {
    kam = await startKamailio({ scope: scope(), users: [ALICE] });
    [kamExpired, kamStopped] = await Promise.all([
      startKamailio({ scope: scope(), users: [ERIN], certificate: 'expired', pki: kam.pki }),
      startKamailio({ scope: scope(), users: [FRANK], pki: kam.pki }),
    ]);
    await kamStopped.stop();
    const face = await startWebFaceProcess(scope(), ['--data', join(scope().dir, 'web-data')]);
    contract = await connectContractClient(face);
    scope().own({ stop: async () => contract.close() });
    const api = contract.api.requests;
    const add = (u: SipUser, k: Kamailio, makeDefault: boolean): ReturnType<typeof api.accounts.add> =>
      api.accounts.add({ config: { uri: `sip:${u.user}@${k.domain}`, password: u.password, outboundProxy: k.proxyUri('tls'), tls: { caFiles: [k.caCertPath] }, mwi: false }, makeDefault });
    const alice = await add(ALICE, kam, true);
    await add(ERIN, kamExpired, false);
    await add(FRANK, kamStopped, false);
    const registered = (await api.accounts.list({})).registrations.find((r) => r.accountId === alice.id)?.state === 'registered';
    if (!registered) await contract.waitForEvent<RegistrationView>('registration.changed', (r) => r.accountId === alice.id && r.state === 'registered', 20_000);
    ({ page, pageErrors } = await openPhonePage(scope(), face.url, { width: 480, height: 820 }));
    page.setDefaultTimeout(10_000);
  }, 120_000);

  afterEach(async () => {
    // No dialog left open for the next test.
    if (page !== undefined) await page.keyboard.press('Escape').catch(() => undefined);
  });

  afterAll(() => {
    if (screenshotsTaken.length > 0) console.log(`connection-test e2e: ${screenshotsTaken.length} screenshots in test-results/`);
  });

  const describeSteps = (steps: Record<StepLabel, StepShown>): string => STEP_LABELS.map((l) => `  ${l}: ${steps[l].text}`).join('\n');

  /** Runs the account's test from its card and waits for all six steps; returns the dialog and the steps. */
  const runTest = async (u: SipUser): Promise<{ dialog: Locator; steps: Record<StepLabel, StepShown> }> => {
    const dialog = await openConnectionTest(page, short(u));
    const list = dialog.getByRole('list', { name: 'Connection test', exact: true });
    await visible(list);
    const steps = await waitForTestFinished(dialog, 30_000);
    await visible(dialog.getByRole('button', { name: 'Run again', exact: true }));
    return { dialog, steps };
  };

  it('against the running Kamailio: all six steps "Passed"', async () => {
    const { dialog, steps } = await runTest(ALICE);
    for (const label of STEP_LABELS) expect(steps[label].status, `${label} passed; the test showed:\n${describeSteps(steps)}`).toBe('Passed');
    expect(steps.Connect.text, 'the Connect step names the address it reached').toContain('127.0.0.1');
    expect(steps['TLS handshake'].text, 'the TLS step names the version').toMatch(/TLSv1\.[23]/);
    await captureState(page, 'connection-test', 'passed');
    await closeDialog(dialog);
  }, 60_000);

  it('against the stopped Kamailio: "Connect" "Failed" with "The server refused the connection." and its fix; the later steps "Skipped"', async () => {
    const { dialog, steps } = await runTest(FRANK);
    const words = mainWords('connection-refused');
    expect(steps.Connect.status, describeSteps(steps)).toBe('Failed');
    expect(steps.Connect.text).toContain(words.message);
    expect(steps.Connect.text).toContain(`How to fix: ${words.hint}`);
    for (const label of ['TLS handshake', 'Certificate', 'Register', 'Media'] as const) expect(steps[label].status, `${label} skipped after the refused connection:\n${describeSteps(steps)}`).toBe('Skipped');
    await captureState(page, 'connection-test', 'failed-refused');
    await closeDialog(dialog);
  }, 60_000);

  it('against the expired-certificate Kamailio: "Certificate" "Failed" with main\'s words and fix, "Register" "Skipped"', async () => {
    const { dialog, steps } = await runTest(ERIN);
    const words = mainWords('expired');
    expect(words.message).toBe("The server's certificate has expired.");
    expect(steps.Certificate.status, describeSteps(steps)).toBe('Failed');
    expect(steps.Certificate.text).toContain(words.message);
    expect(steps.Certificate.text).toContain(`How to fix: ${words.hint}`);
    expect(steps.Register.status, describeSteps(steps)).toBe('Skipped');
    expect(steps.Media.status, describeSteps(steps)).toBe('Skipped');
    expect(steps.Connect.status, 'the TCP connection itself worked').toBe('Passed');
    await visible(dialog.getByRole('button', { name: 'Show certificate', exact: true }));
    await captureState(page, 'connection-test', 'failed-expired');
    await closeDialog(dialog);
  }, 60_000);

  it('Diagnostics → "SIP log": the registration\'s messages by time, direction and first line; one opens in full, masked', async () => {
    await openSipLog(page);
    const list = sipMessages(page);
    await visible(list, 10_000);
    // The last REGISTER sent carries the digest Authorization (the first one is challenged with 401).
    const register = list.getByRole('button', { name: /\bSent REGISTER sips?:/ }).last();
    await visible(register, 10_000);
    const ok = list.getByRole('button', { name: /\bReceived SIP\/2\.0 200\b/ }).first();
    await visible(ok);
    await register.click();
    const message = page.getByRole('region', { name: 'SIP message', exact: true });
    await visible(message);
    await containsText(message, /REGISTER sips?:\S+ SIP\/2\.0/);
    const shown = await containsText(message, new RegExp(`Sent to 127\\.0\\.0\\.1:${kam.ports.tls} over TLS`));
    expect.soft(shown, 'the REGISTER shown carries an Authorization header').toMatch(/^Authorization:/im);
    expect(shown, 'the digest response is masked').not.toMatch(/response="?[0-9a-f]{32}/i);
    await containsText(page.getByRole('main'), 'Passwords, digest responses and SRTP keys are masked.');
    expect(await page.getByRole('main').innerText(), 'no password on the screen').not.toContain(ALICE.password);
    await captureState(page, 'diagnostics', 'sip-log');
  }, 60_000);

  it('the page logged no errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
