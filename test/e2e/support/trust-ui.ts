/**
 * The trust and diagnostics screens (issue 13) as src-renderer/README.md names them — the
 * Certificates view's "Check a server" form and its report cards, the address table, the
 * connection-test dialog, and the Diagnostics view's SIP log. Every locator is a role and an
 * accessible name; nothing here knows a CSS class or a test id.
 *
 * The verdict words are main's: the plain titles are the renderer's table (issue 13's names), the
 * message and the fix come from src-main/services/problems/problem-catalog.ts, read here so the
 * tests check exactly what main sends.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { problem } from '../../../src-main/services/problems/problem-catalog.js';
import type { ErrorCode } from '../../../src-shared/ipc/errors.js';
import { chromiumAvailable, launchChromium } from '../browser.js';
import type { HarnessScope } from '../../interop/harness/harness-scope.js';
import { requirePeers, type PeerName } from '../../interop/harness/index.js';
import { RENDERER_DIR, RESULTS_DIR } from './ui-env.js';
import { ariaTree, attributeIs, navButton, until, viewHeading, visible } from './ui-phone.js';

// ---- the world ----

/**
 * What these files need (the peers, Chromium, the built renderer). Missing: a loud banner and a
 * skip; under CI=true a thrown error (nothing may skip in CI) — as uiPrerequisites does.
 */
export function trustPrerequisites(peers: readonly PeerName[]): { available: boolean; missing: string[] } {
  const p = peers.length === 0 ? { missing: [] as string[] } : requirePeers([...peers]);
  const missing = [
    ...p.missing,
    chromiumAvailable() ? null : 'Debian chromium (/usr/bin/chromium: apt-get install chromium)',
    existsSync(join(RENDERER_DIR, 'index.html')) ? null : 'the built renderer out/renderer (run npm run build)',
  ].filter((m): m is string => m !== null);
  if (missing.length > 0) {
    const msg = `trust/diagnostics end-to-end tests need: ${missing.join('; ')}`;
    if (process.env.CI === 'true') throw new Error(msg);
    console.warn(`\n*** SKIPPING ${msg} ***\n`);
  }
  return { available: missing.length === 0, missing };
}

export interface OpenedPage {
  readonly page: Page;
  /** console.error messages and uncaught page errors, in order. */
  readonly pageErrors: string[];
}

/** Headless Chromium on the web face's URL (owned by `scope`), light scheme, reduced motion. */
export async function openPhonePage(scope: HarnessScope, url: string, viewport: { width: number; height: number }): Promise<OpenedPage> {
  const launched = await launchChromium();
  scope.own({ stop: launched.close });
  const context = await launched.browser.newContext({ viewport, colorScheme: 'light', reducedMotion: 'reduce' });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(`console.error: ${m.text().split('\n').slice(0, 3).join(' | ')}`);
  });
  page.on('pageerror', (e) => pageErrors.push(`page error: ${e.message}`));
  await mkdir(RESULTS_DIR, { recursive: true });
  await page.goto(url);
  return { page, pageErrors };
}

// ---- navigation ----

export type ViewName = 'Phone' | 'History' | 'Accounts' | 'Certificates' | 'Diagnostics' | 'Settings';

/** Goes to a view by its rail button; checks aria-current and the view's h1. */
export async function openView(page: Page, view: ViewName): Promise<void> {
  const button = navButton(page, view === 'History' ? /^History(, \d+ missed)?$/ : view);
  await button.click();
  await attributeIs(button, 'aria-current', 'page');
  await visible(viewHeading(page, view));
}

// ---- verdicts ----

/** The plain title of each problem code (issue 13's table), "Verified" for a good report. */
export const PLAIN_TITLES: Readonly<Partial<Record<ErrorCode, string>>> = {
  expired: 'Certificate has expired',
  'not-yet-valid': 'Certificate not valid yet',
  'unknown-authority': 'Signed by unknown authority',
  'incomplete-chain': 'Missing intermediate certificate',
  'self-signed': 'Self-signed certificate',
  'invalid-chain': 'Invalid certificate chain',
  'hostname-mismatch': 'Hostname mismatch',
  'pin-mismatch': 'Pinned key does not match',
  revoked: 'Certificate revoked',
  'revocation-unknown': 'Revocation status unknown',
  'weak-key': 'Weak key',
  'weak-signature': 'Weak signature algorithm',
  'protocol-version': 'Old TLS version only',
  'handshake-failure': 'Handshake failure',
  'not-tls': 'Not a TLS server',
  'client-cert-required': 'Client certificate required',
  'client-cert-rejected': 'Client certificate rejected',
  'connection-refused': 'Connection refused',
  'connection-reset': 'Connection reset',
  'host-unreachable': 'Host unreachable',
  timeout: 'No answer (timeout)',
  'dns-failure': 'Name not found',
  'no-targets': 'No usable server',
};

/** Main's words for a code: the sentence and the fix (problem-catalog.ts). */
export function mainWords(code: ErrorCode): { message: string; hint: string } {
  const p = problem(code);
  if (p.hint === null) throw new Error(`main has no fix for ${code}`);
  return { message: p.message, hint: p.hint };
}

/** innerText with runs of white space made one space (the report's paragraphs, wrapped or not). */
export async function flatText(l: Locator, timeoutMs = 2000): Promise<string> {
  return (await l.first().innerText({ timeout: timeoutMs })).replace(/\s+/g, ' ').trim();
}

/** Waits until the flattened text of `l` contains every one of `parts`; returns that text. */
export async function showsAll(l: Locator, parts: readonly string[], timeoutMs = 10_000): Promise<string> {
  try {
    return await until(`${String(l)} to show ${JSON.stringify(parts)}`, () => flatText(l, 1000), (t) => parts.every((p) => t.includes(p)), timeoutMs);
  } catch (e) {
    const last = await flatText(l, 1000).catch((x: Error) => `<${x.message.split('\n')[0]}>`);
    const absent = parts.filter((p) => !last.includes(p));
    throw new Error(`${String(l)} does not show ${JSON.stringify(absent)}; it shows:\n${last.slice(0, 1500)}\nthe page had:\n${await ariaTree(l.page())}`, { cause: e });
  }
}

// ---- the Certificates view: "Check a server" ----

export type VerificationOption = 'Full' | 'Chain only (weaker)' | 'Pinned';

export interface ServerCheck {
  /** "Server (host or host:port)". */
  readonly host: string;
  /** "Server name (SNI)". */
  readonly sni?: string;
  readonly verification?: VerificationOption;
  /** A PEM file to attach as "Trusted CA certificate (PEM)" (once: kept while its "Remove …" button shows). */
  readonly caFile?: string;
  /** The form's "Check every address" checkbox. */
  readonly everyAddress?: boolean;
}

/** Chooses an option of a combobox by its label (a native select, or a listbox popup). */
export async function chooseOption(page: Page, combobox: Locator, label: string): Promise<void> {
  const tag = await combobox.first().evaluate((el) => el.tagName);
  if (tag === 'SELECT') {
    await combobox.first().selectOption({ label });
    return;
  }
  await combobox.first().click();
  await page.getByRole('option', { name: label, exact: true }).click();
}

/** "Check server" in the Certificates view (which must be open), waiting until the check ran. */
export async function checkServer(page: Page, c: ServerCheck): Promise<void> {
  await page.getByRole('textbox', { name: 'Server (host or host:port)' }).fill(c.host);
  await page.getByRole('textbox', { name: 'Server name (SNI)' }).fill(c.sni ?? '');
  await chooseOption(page, page.getByRole('combobox', { name: 'Verification' }), c.verification ?? 'Full');
  if (c.caFile !== undefined) {
    const name = c.caFile.split('/').at(-1)!;
    const remove = page.getByRole('button', { name: `Remove ${name}`, exact: true });
    if ((await remove.count()) === 0) {
      await page.getByLabel('Trusted CA certificate (PEM)', { exact: true }).setInputFiles(c.caFile);
      await visible(remove, 5000);
    }
  }
  await page.getByRole('checkbox', { name: 'Check every address' }).setChecked(c.everyAddress ?? false);
  const button = page.getByRole('button', { name: 'Check server', exact: true });
  await button.click();
  // Done: the button is enabled again and no "Checking…" status is left.
  await until(
    'the check to finish ("Check server" enabled again, no "Checking…")',
    async () => (await button.isEnabled()) && (await page.getByRole('status').filter({ hasText: 'Checking…' }).count()) === 0,
    (done) => done,
    20_000,
  );
}

/** The report card of one address, as main gives it (`127.0.0.1:5061`, `::1:5061`). */
export function reportCard(page: Page, address: string, port: number): Locator {
  return page.getByRole('region', { name: `Certificate report for ${address}:${port}`, exact: true });
}

/** The verdict heading (h3) of a report card. */
export function verdictHeading(card: Locator, title: string): Locator {
  return card.getByRole('heading', { level: 3, name: title, exact: true });
}

/**
 * A report card shows the verdict of `code` (or "Verified" when null): its plain title as the h3,
 * main's sentence, "How to fix: " + main's fix, and the verification line.
 */
export async function expectVerdict(card: Locator, code: ErrorCode | null, verificationLine?: string): Promise<string> {
  await visible(card, 15_000);
  if (code === null) {
    await visible(verdictHeading(card, 'Verified'));
    return showsAll(card, [verificationLine ?? 'Verified: full']);
  }
  const title = PLAIN_TITLES[code];
  if (title === undefined) throw new Error(`no plain title for ${code}`);
  await visible(verdictHeading(card, title));
  const words = mainWords(code);
  return showsAll(card, [words.message, `How to fix: ${words.hint}`, verificationLine ?? 'Not verified']);
}

/** The "Every address" table's data row naming `address` (the header row names none). */
export function addressRow(page: Page, address: string): Locator {
  return page
    .getByRole('table', { name: 'Every address' })
    .getByRole('row')
    .filter({ hasText: address });
}

// ---- the connection test ----

export const STEP_LABELS = ['DNS', 'Connect', 'TLS handshake', 'Certificate', 'Register', 'Media'] as const;
export type StepLabel = (typeof STEP_LABELS)[number];
export const FINAL_STATUSES = ['Passed', 'Failed', 'Skipped'] as const;

export function connectionTestDialog(page: Page, short: string): Locator {
  return page.getByRole('dialog', { name: `Connection test for ${short}`, exact: true });
}

/**
 * The top-level items of the "Connection test" list inside `scope` (its steps, in order), as flat
 * text — not the nested lists of each step's details. Found like a screen reader finds them: the
 * element with the list role named "Connection test", and its own list items.
 */
export function stepTexts(scope: Locator): Promise<string[]> {
  return scope.first().evaluate((root) => {
    const nameOf = (el: Element): string => {
      const ids = (el.getAttribute('aria-labelledby') ?? '').split(/\s+/).filter((x) => x !== '');
      if (ids.length > 0) return ids.map((id) => el.ownerDocument.getElementById(id)?.textContent ?? '').join(' ').trim();
      return (el.getAttribute('aria-label') ?? '').trim();
    };
    const isList = (el: Element): boolean => el.tagName === 'UL' || el.tagName === 'OL' || el.getAttribute('role') === 'list';
    const isItem = (el: Element): boolean => el.tagName === 'LI' || el.getAttribute('role') === 'listitem';
    const list = [...root.querySelectorAll('ul, ol, [role="list"]')].find((l) => isList(l) && nameOf(l) === 'Connection test');
    if (list === undefined) return [];
    // Own items: list items whose nearest list ancestor is this list.
    const items = [...list.querySelectorAll('li, [role="listitem"]')].filter((li) => {
      let p = li.parentElement;
      while (p !== null && p !== list && !isList(p)) p = p.parentElement;
      return p === list && isItem(li);
    });
    return items.map((li) => (li as HTMLElement).innerText.replace(/\s+/g, ' ').trim());
  });
}

export interface StepShown {
  readonly label: StepLabel;
  readonly text: string;
  readonly status: (typeof FINAL_STATUSES)[number] | 'Running…' | 'pending';
}

/** Waits until every step shows a final status (Passed / Failed / Skipped); returns them by label. */
export async function waitForTestFinished(scope: Locator, timeoutMs = 30_000): Promise<Record<StepLabel, StepShown>> {
  const read = async (): Promise<StepShown[]> =>
    (await stepTexts(scope)).map((text, i) => {
      const label = STEP_LABELS[i] ?? (`#${i}` as StepLabel);
      // The step's status word is the first one in its text (a summary or detail line may use such words later).
      const words = [...FINAL_STATUSES, 'Running…'] as const;
      const at = words.map((w) => ({ w, i: text.search(new RegExp(`(^|[^A-Za-z])${w}`)) })).filter((x) => x.i >= 0);
      const status = at.length === 0 ? 'pending' : at.reduce((a, b) => (b.i < a.i ? b : a)).w;
      return { label, text, status };
    });
  const steps = await until('the connection test to finish (six steps, each Passed, Failed or Skipped)', read, (s) => s.length === STEP_LABELS.length && s.every((x) => x.status !== 'Running…' && x.status !== 'pending'), timeoutMs);
  for (const s of steps) if (!s.text.includes(s.label)) throw new Error(`the connection test's steps are not in the order ${STEP_LABELS.join(', ')}: ${JSON.stringify(steps.map((x) => x.text))}`);
  return Object.fromEntries(steps.map((s) => [s.label, s])) as Record<StepLabel, StepShown>;
}

/** Opens the account's connection test from its card in Accounts; returns the dialog. */
export async function openConnectionTest(page: Page, short: string): Promise<Locator> {
  await openView(page, 'Accounts');
  const card = page.getByRole('article', { name: short, exact: true });
  await visible(card);
  await card.getByRole('button', { name: 'Test connection', exact: true }).click();
  const dialog = connectionTestDialog(page, short);
  await visible(dialog);
  return dialog;
}

/** Closes a dialog by its "Close" button and waits until it is gone. */
export async function closeDialog(dialog: Locator): Promise<void> {
  await dialog.getByRole('button', { name: 'Close', exact: true }).click();
  await dialog.first().waitFor({ state: 'hidden', timeout: 5000 });
}

// ---- the Diagnostics view's SIP log ----

export function sipMessages(page: Page): Locator {
  return page.getByRole('list', { name: 'SIP messages', exact: true });
}

/** Opens Diagnostics → "SIP log". */
export async function openSipLog(page: Page): Promise<void> {
  await openView(page, 'Diagnostics');
  const tab = page.getByRole('tablist', { name: 'Diagnostics' }).getByRole('tab', { name: 'SIP log', exact: true });
  await tab.click();
  await attributeIs(tab, 'aria-selected', 'true');
  await visible(page.getByRole('tabpanel', { name: 'SIP log' }));
}
