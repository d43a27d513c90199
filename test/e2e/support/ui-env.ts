/**
 * The world the UI end-to-end tests run in (issue 12): a real Kamailio over TLS (and, on demand, a
 * second one presenting an expired certificate, same CA), real baresip phones registered as bob
 * and carol, `softphone web` (the full phone, a child process, `--data` and `--play`), and
 * headless Debian Chromium on its page (the URL with the one-time #token). Everything is owned by
 * the harness scope, which stops it (last started first) after the file's tests.
 *
 * Nothing here locates an element: the tests find everything by role and accessible name.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { generateToneWav, requirePeers, startBaresip, startKamailio, type Baresip, type BaresipAnswerMode, type HarnessScope, type Kamailio } from '../../interop/harness/index.js';
import { chromiumAvailable, launchChromium } from '../browser.js';
import type { RegistrationView } from '../../../src-shared/model/registration.js';
import { connectContractClient, startWebFaceProcess, type ContractClient, type WebFaceProcess } from './web-face-client.js';

export const REPO_ROOT = resolve(import.meta.dirname, '../../..');
export const RENDERER_DIR = join(REPO_ROOT, 'out/renderer');
export const RESULTS_DIR = join(REPO_ROOT, 'test-results');

export interface SipUser {
  readonly user: string;
  readonly password: string;
}

/** Us (the account the wizard creates), the two baresip phones, and the account at the expired server. */
export const ALICE: SipUser = { user: 'alice', password: 'Alice-Ui-Pw-5521' };
export const BOB: SipUser = { user: 'bob', password: 'Bob-Ui-Pw-8830' };
export const CAROL: SipUser = { user: 'carol', password: 'Carol-Ui-Pw-1467' };
export const ERIN: SipUser = { user: 'erin', password: 'Erin-Expired-Pw-3092' };

/**
 * What the UI tests need, checked once per file. Missing peers: requirePeers prints its banner
 * (naming the Debian packages) and, under CI=true, throws. Missing Chromium or renderer build:
 * the same — a loud banner here, a thrown error under CI=true (nothing may skip in CI).
 */
export function uiPrerequisites(): { available: boolean; missing: string[] } {
  const peers = requirePeers(['kamailio', 'baresip', 'openssl', 'sox']);
  const missing = [
    ...peers.missing,
    chromiumAvailable() ? null : 'Debian chromium (/usr/bin/chromium: apt-get install chromium)',
    existsSync(join(RENDERER_DIR, 'index.html')) ? null : 'the built renderer out/renderer (run npm run build)',
  ].filter((m): m is string => m !== null);
  if (missing.length > 0) {
    const msg = `UI end-to-end tests need: ${missing.join('; ')}`;
    if (process.env.CI === 'true') throw new Error(msg);
    console.warn(`\n*** SKIPPING ${msg} ***\n`);
  }
  return { available: missing.length === 0, missing };
}

export interface UiEnvironmentOptions {
  /** Also start a Kamailio presenting an expired certificate (same CA), with ERIN as its user. */
  readonly expiredServer?: boolean;
  /** bob's answer mode (default manual: the test accepts, so "Ringing…" can be seen). */
  readonly bobAnswer?: BaresipAnswerMode;
  /** carol's answer mode (default auto: she is the transfer target). */
  readonly carolAnswer?: BaresipAnswerMode;
  /** Start carol at all (default true). */
  readonly carol?: boolean;
  readonly viewport?: { width: number; height: number };
}

export interface UiEnvironment {
  readonly kam: Kamailio;
  readonly kamExpired: Kamailio | undefined;
  readonly bob: Baresip;
  readonly carol: Baresip | undefined;
  readonly face: WebFaceProcess;
  readonly browser: Browser;
  readonly context: BrowserContext;
  readonly page: Page;
  /** console.error messages and uncaught page errors, in order. */
  readonly pageErrors: string[];
  /**
   * A contract client beside the page (the renderer's own transport), used only to check main's
   * state for preconditions and to clean up between tests — never to drive what a test asserts.
   */
  readonly contract: ContractClient;
  /** `bob@pbx.test` etc., the short address the UI shows for a user on the test domain. */
  short(user: SipUser): string;
}

export async function startUiEnvironment(scope: HarnessScope, options: UiEnvironmentOptions = {}): Promise<UiEnvironment> {
  const kam = await startKamailio({ scope, users: [ALICE, BOB, CAROL] });
  const wantCarol = options.carol ?? true;
  const [kamExpired, bob, carol] = await Promise.all([
    options.expiredServer === true ? startKamailio({ scope, users: [ERIN], certificate: 'expired', pki: kam.pki }) : Promise.resolve(undefined),
    startBaresip({ scope, kamailio: kam, user: BOB.user, password: BOB.password, answerMode: options.bobAnswer ?? 'manual', codecs: ['PCMU'] }),
    wantCarol ? startBaresip({ scope, kamailio: kam, user: CAROL.user, password: CAROL.password, answerMode: options.carolAnswer ?? 'auto', codecs: ['PCMU'], audioSource: { kind: 'sine', frequency: 660 } }) : Promise.resolve(undefined),
  ]);
  await Promise.all([bob.waitForRegistration(), carol?.waitForRegistration()]);
  const tone = await generateToneWav(join(scope.dir, 'tone.wav'), { frequency: 1000, seconds: 120 });
  const face = await startWebFaceProcess(scope, ['--data', join(scope.dir, 'web-data'), '--play', tone]);

  const launched = await launchChromium();
  scope.own({ stop: launched.close });
  const context = await launched.browser.newContext({ viewport: options.viewport ?? { width: 480, height: 820 }, colorScheme: 'light', reducedMotion: 'reduce' });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(`console.error: ${m.text().split('\n').slice(0, 3).join(' | ')}`);
  });
  page.on('pageerror', (e) => pageErrors.push(`page error: ${e.message}`));
  await mkdir(RESULTS_DIR, { recursive: true });
  await page.goto(face.url);
  const contract = await connectContractClient(face);
  scope.own({ stop: async () => contract.close() });
  return { kam, kamExpired, bob, carol, face, browser: launched.browser, context, page, pageErrors, contract, short: (u) => `${u.user}@${kam.domain}` };
}

/** Alice's account as the tests configure it (the wizard's fields, or the contract for the fallback). */
export function aliceAccount(env: Pick<UiEnvironment, 'kam'>): { address: string; password: string; server: string; caFile: string } {
  return { address: `sip:${ALICE.user}@${env.kam.domain}`, password: ALICE.password, server: env.kam.proxyUri('tls'), caFile: env.kam.caCertPath };
}

/**
 * Precondition of the call tests: alice registered. When the wizard test already made her account
 * (the normal case) this only checks main says so; when the wizard is broken, the account is added
 * over the contract and the page reloaded, so that the call tests still test the call screens —
 * the wizard's own test fails by itself. Returns whether the fallback was needed.
 */
export async function ensureAliceRegistered(env: UiEnvironment): Promise<boolean> {
  const api = env.contract.api.requests;
  const address = `sip:${ALICE.user}@${env.kam.domain}`;
  const list = await api.accounts.list({});
  let account = list.accounts.find((a) => a.address === address);
  let added = false;
  if (account === undefined) {
    const a = aliceAccount(env);
    account = await api.accounts.add({ config: { uri: a.address, password: a.password, outboundProxy: a.server, tls: { caFiles: [a.caFile] }, mwi: false }, makeDefault: true });
    added = true;
  }
  const id = account.id;
  const registered = (await api.accounts.list({})).registrations.find((r) => r.accountId === id)?.state === 'registered';
  if (!registered) await env.contract.waitForEvent<RegistrationView>('registration.changed', (r) => r.accountId === id && r.state === 'registered', 20_000);
  if (added) await env.page.reload();
  return added;
}

/** After each test: no call left in main, none in the baresip phones, no dialog left open. */
export async function cleanUpCalls(env: UiEnvironment): Promise<void> {
  const api = env.contract.api.requests;
  for (const c of (await api.calls.list({})).calls) {
    if (c.state === 'ended') continue;
    await (c.actions.includes('decline') ? api.calls.decline({ callId: c.id }) : api.calls.hangup({ callId: c.id })).catch(() => undefined);
  }
  for (const peer of [env.bob, env.carol]) {
    if (peer === undefined) continue;
    for (let i = 0; i < 3; i++) if (!(await peer.command('hangup').then((r) => r.ok, () => false))) break;
  }
  const deadline = Date.now() + 10_000;
  while ((await api.calls.list({})).calls.some((c) => c.state !== 'ended') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  await env.page.keyboard.press('Escape').catch(() => undefined);
}

/** Waits until `check` holds (polled every 50 ms), or fails naming `what`. */
export async function waitUntil(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The digits baresip received as RFC 4733 events since `fromIndex` (CALL_DTMF_START carries the digit). */
export function dtmfReceivedBy(peer: Baresip, fromIndex: number): string {
  return peer.events
    .slice(fromIndex)
    .filter((e) => e.type === 'CALL_DTMF_START')
    .map((e) => String(e.param ?? ''))
    .join('');
}
