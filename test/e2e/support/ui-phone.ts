/**
 * The phone's UI as src-renderer/README.md names it ("Accessible names"): every locator here is a
 * role and an accessible name (getByRole, getByLabel), the way a screen reader finds things —
 * never a CSS class or a test id. Plus small waits with readable failures (playwright-core has no
 * web-first assertions; these poll the same way).
 */
import type { Locator, Page } from 'playwright-core';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A name that starts with `prefix` followed by `label` (a user, `bob`, matches `bob@pbx.test` and `Bob <…>` alike). */
const named = (prefix: string, label: string): RegExp => new RegExp(`^${escape(prefix)}${escape(label)}\\b`, 'i');

export const WIZARD_HEADING = 'Set up your phone account';
export const TEST_STEPS = ['DNS', 'Connect', 'TLS handshake', 'Certificate', 'Register', 'Media'] as const;

// ---- waiting, with messages that say what was expected and what was there ----

function where(l: Locator): string {
  return String(l);
}

/** The page's accessibility tree (main, dialogs, navigation) for a failure message: what was there instead. */
export async function ariaTree(page: Page, max = 4000): Promise<string> {
  const tree = await page
    .locator('body')
    .ariaSnapshot({ timeout: 2000 })
    .catch((e: Error) => `<no snapshot: ${e.message.split('\n')[0]}>`);
  return tree.length > max ? `${tree.slice(0, max)}\n…` : tree;
}

export async function visible(l: Locator, timeoutMs = 10_000): Promise<void> {
  try {
    await l.first().waitFor({ state: 'visible', timeout: timeoutMs });
  } catch (e) {
    throw new Error(`expected ${where(l)} to be visible within ${timeoutMs} ms (README "Accessible names")\n${(e as Error).message.split('\n')[0]}\nthe page had:\n${await ariaTree(l.page())}`, { cause: e });
  }
}

export async function hidden(l: Locator, timeoutMs = 10_000): Promise<void> {
  try {
    await l.first().waitFor({ state: 'hidden', timeout: timeoutMs });
  } catch (e) {
    throw new Error(`expected ${where(l)} to be gone within ${timeoutMs} ms\n${(e as Error).message.split('\n')[0]}`, { cause: e });
  }
}

/** Waits until the element's text (innerText) matches. */
export async function containsText(l: Locator, pattern: string | RegExp, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const remaining = Math.max(50, deadline - Date.now());
    const last = await l
      .first()
      .innerText({ timeout: Math.min(remaining, 1000) })
      .catch((e: Error) => `<${e.message.split('\n')[0]}>`);
    if (typeof pattern === 'string' ? last.includes(pattern) : pattern.test(last)) return last;
    if (Date.now() > deadline) throw new Error(`expected ${where(l)} to show ${String(pattern)} within ${timeoutMs} ms; it showed:\n${last.slice(0, 800)}\nthe page had:\n${await ariaTree(l.page())}`);
    await sleep(100);
  }
}

/** Waits until `read()` satisfies `ok`, reporting the last value. */
export async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await read();
      last = v;
      if (ok(v)) return v;
    } catch (e) {
      last = `<${(e as Error).message.split('\n')[0]}>`;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last value: ${JSON.stringify(last)}`);
    await sleep(100);
  }
}

export async function attributeIs(l: Locator, name: string, value: string | null, timeoutMs = 5000): Promise<void> {
  await until(`${where(l)} [${name}] = ${String(value)}`, () => l.first().getAttribute(name, { timeout: 1000 }), (v) => v === value, timeoutMs);
}

/** How many elements match now (no waiting). */
export function countNow(l: Locator): Promise<number> {
  return l.count();
}

/** The accessible description: aria-describedby's text, else aria-description, else title. */
export function accessibleDescription(l: Locator): Promise<string> {
  return l.first().evaluate((el) => {
    const ids = (el.getAttribute('aria-describedby') ?? '').split(/\s+/).filter((x) => x !== '');
    const byIds = ids.map((id) => el.ownerDocument.getElementById(id)?.textContent?.trim() ?? '').join(' ').trim();
    return byIds !== '' ? byIds : (el.getAttribute('aria-description') ?? el.getAttribute('title') ?? '');
  });
}

// ---- the shell ----

export function navButton(page: Page, name: string | RegExp): Locator {
  return page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name, exact: typeof name === 'string' });
}

/** Goes to a view by its navigation button; checks aria-current and the main landmark's heading. */
export async function goTo(page: Page, view: 'Phone' | 'History' | 'Accounts' | 'Certificates' | 'Settings'): Promise<void> {
  const button = navButton(page, view === 'History' ? /^History(, \d+ missed)?$/ : view);
  await button.click();
  await attributeIs(button, 'aria-current', 'page');
  await visible(viewHeading(page, view));
}

/** The heading of the view in the main landmark. */
export function viewHeading(page: Page, name: string): Locator {
  return page.getByRole('main').getByRole('heading', { name, exact: true });
}

// ---- the wizard ----

export interface WizardAccount {
  readonly address: string;
  readonly password: string;
  readonly server: string;
  readonly caFile: string;
}

export function wizardHeading(page: Page): Locator {
  return page.getByRole('heading', { name: WIZARD_HEADING });
}

export function passwordField(page: Page): Locator {
  return page.getByLabel('Password', { exact: true });
}

/** Fills the wizard's basic fields and the Advanced → Extra CA files field (mouse and typing). */
export async function fillWizard(page: Page, a: WizardAccount): Promise<void> {
  await page.getByRole('textbox', { name: 'SIP address' }).fill(a.address);
  await passwordField(page).fill(a.password);
  await page.getByRole('textbox', { name: 'Server or outbound proxy (optional)' }).fill(a.server);
  await page.getByRole('radiogroup', { name: 'Transport' }).getByRole('radio', { name: 'TLS (encrypted)' }).check();
  const advanced = page.getByRole('button', { name: 'Advanced settings' });
  if ((await advanced.getAttribute('aria-expanded')) !== 'true') await advanced.click();
  await attributeIs(advanced, 'aria-expanded', 'true');
  await page.getByRole('textbox', { name: 'Extra CA files' }).fill(a.caFile);
}

export function connectionTest(page: Page): Locator {
  return page.getByRole('list', { name: 'Connection test' });
}

/**
 * Starts recording what the "Connection test" list shows, in the page, on every DOM change: a
 * successful "Test and save" closes the wizard as soon as the last step passed, faster than any
 * polling from outside could be sure to see. The list is found as the tests find everything: an
 * element with the list role (ul, ol or role=list) whose accessible name (aria-label or
 * aria-labelledby) is "Connection test". Returns a function reading every item text seen.
 */
export async function recordConnectionTest(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const w = window as unknown as { __connectionTestSeen?: Set<string>; __connectionTestObserver?: MutationObserver };
    w.__connectionTestObserver?.disconnect();
    const seen = new Set<string>();
    w.__connectionTestSeen = seen;
    const nameOf = (el: Element): string => {
      const ids = (el.getAttribute('aria-labelledby') ?? '').split(/\s+/).filter((x) => x !== '');
      if (ids.length > 0) return ids.map((id) => document.getElementById(id)?.textContent ?? '').join(' ').trim();
      return (el.getAttribute('aria-label') ?? '').trim();
    };
    const scan = (): void => {
      for (const list of document.querySelectorAll('ul, ol, [role="list"]')) {
        if (nameOf(list) !== 'Connection test') continue;
        for (const item of list.querySelectorAll('li, [role="listitem"]')) seen.add((item as HTMLElement).innerText.replace(/\s+/g, ' ').trim());
      }
    };
    const observer = new MutationObserver(scan);
    observer.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    w.__connectionTestObserver = observer;
    scan();
  });
  return () => page.evaluate(() => [...((window as unknown as { __connectionTestSeen?: Set<string> }).__connectionTestSeen ?? [])]);
}

/** The connection test's list item of one step (its text starts with the step's name, after any status icon). */
export function testStep(page: Page, step: (typeof TEST_STEPS)[number]): Locator {
  return connectionTest(page)
    .getByRole('listitem')
    .filter({ hasText: new RegExp(`^[^A-Za-z]*${step}`) }); // text content runs the step into its status ("TLSfailed")
}

// ---- calls ----

export function callPanel(page: Page, label: string): Locator {
  return page.getByRole('region', { name: named('Call with ', label) });
}

export function incomingBanner(page: Page, label: string): Locator {
  return page.getByRole('alertdialog', { name: named('Incoming call from ', label) });
}

/** The button whose accessible name is exactly `name`, inside `scope`. */
export function buttonNamed(scope: Locator | Page, name: string): Locator {
  return scope.getByRole('button', { name, exact: true });
}

/**
 * An item's text naming a party: `bob` as `bob@…` (hasText matches the element's text content, where
 * adjacent elements run together — "Outgoing callbob@pbx.test" — so no word boundary before it).
 */
const partyText = (label: string): RegExp => new RegExp(`${escape(label)}@`, 'i');

export function callsList(page: Page): Locator {
  return page.getByRole('list', { name: 'Calls' });
}

export function callItem(page: Page, label: string): Locator {
  return callsList(page).getByRole('listitem').filter({ hasText: partyText(label) });
}

export function switchTo(page: Page, label: string): Locator {
  return page.getByRole('button', { name: named('Switch to ', label) });
}

export function endCallWith(page: Page, label: string): Locator {
  return page.getByRole('button', { name: named('End call with ', label) });
}

export function historyItem(page: Page, label: string): Locator {
  return page.getByRole('list', { name: 'Calls' }).getByRole('listitem').filter({ hasText: partyText(label) });
}

/** The call panel's button for each action main may allow (README "Call panel"). */
export const ACTION_BUTTONS: Readonly<Record<string, string>> = {
  answer: 'Answer',
  decline: 'Decline',
  hangup: 'Hang up',
  hold: 'Hold',
  resume: 'Resume',
  mute: 'Mute',
  unmute: 'Unmute',
  dtmf: 'Keypad',
  transfer: 'Transfer',
  swap: 'Swap',
};

/**
 * The panel shows a button exactly for each action main allows the call now (DESIGN.md: the
 * renderer never re-derives what main decided). Returns the mismatches, in words.
 */
export async function panelActionMismatches(panel: Locator, actions: readonly string[]): Promise<string[]> {
  const problems: string[] = [];
  for (const [action, name] of Object.entries(ACTION_BUTTONS)) {
    const shown = (await panel.getByRole('button', { name, exact: true }).count()) > 0;
    if (actions.includes(action) && !shown) problems.push(`main allows "${action}" but there is no "${name}" button`);
    if (!actions.includes(action) && shown) problems.push(`main does not allow "${action}" but there is a "${name}" button`);
  }
  return problems;
}

/** A meter's aria-valuenow (dBFS). */
export async function meterValue(l: Locator): Promise<number> {
  const v = await l.first().getAttribute('aria-valuenow', { timeout: 2000 });
  return v === null ? Number.NaN : Number(v);
}
