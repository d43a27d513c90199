/**
 * Keyboard-only driving for the UI tests: Tab/Shift+Tab until an element (found by role and
 * accessible name) has the focus, and the check that the focused element shows a focus ring.
 * Only page.keyboard is used to act; the page is read (which element is focused, its computed
 * outline) but never clicked.
 */
import type { Locator, Page } from 'playwright-core';

export interface FocusInfo {
  readonly tag: string;
  readonly role: string | null;
  readonly name: string;
  readonly outlineStyle: string;
  readonly outlineWidth: string;
  readonly boxShadow: string;
}

/** What has the focus now, for messages (tag, role attribute, a name-ish text) and its outline. */
export function focusInfo(page: Page): Promise<FocusInfo | null> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (el === null || el === document.body) return null;
    const style = getComputedStyle(el);
    const labelled = (el.getAttribute('aria-labelledby') ?? '')
      .split(/\s+/)
      .filter((x) => x !== '')
      .map((id) => document.getElementById(id)?.textContent ?? '')
      .join(' ');
    const label = el.id === '' ? '' : (document.querySelector(`label[for="${CSS.escape(el.id)}"]`)?.textContent ?? '');
    const name = (el.getAttribute('aria-label') ?? (labelled || label || (el as HTMLElement).innerText || '')).replace(/\s+/g, ' ').trim().slice(0, 60);
    return { tag: el.tagName.toLowerCase(), role: el.getAttribute('role'), name, outlineStyle: style.outlineStyle, outlineWidth: style.outlineWidth, boxShadow: style.boxShadow };
  });
}

const show = (f: FocusInfo | null): string => (f === null ? '(body)' : `${f.tag}${f.role === null ? '' : `[role=${f.role}]`} "${f.name}"`);

export async function isFocused(l: Locator): Promise<boolean> {
  return l
    .first()
    .evaluate((el) => el === document.activeElement, undefined, { timeout: 1000 })
    .catch(() => false);
}

/**
 * Presses Tab (or Shift+Tab) until `target` has the focus; fails after `max` presses listing
 * where the focus went — which is also how a broken tab order shows up.
 */
export async function tabTo(page: Page, target: Locator, options: { max?: number; backwards?: boolean } = {}): Promise<void> {
  const max = options.max ?? 60;
  const visited: string[] = [];
  for (let i = 0; i <= max; i++) {
    if (await isFocused(target)) return;
    if (i === max) break;
    await page.keyboard.press(options.backwards === true ? 'Shift+Tab' : 'Tab');
    visited.push(show(await focusInfo(page)));
  }
  throw new Error(`${options.backwards === true ? 'Shift+Tab' : 'Tab'} never reached ${String(target)} in ${max} presses; the focus went: ${visited.join(' → ')}`);
}

/**
 * Whether the focused element shows a focus ring: a computed outline that is not `none` and not
 * zero wide (what :focus-visible rules normally set).
 */
export async function focusRing(page: Page): Promise<{ visible: boolean; detail: string }> {
  const f = await focusInfo(page);
  if (f === null) return { visible: false, detail: 'nothing is focused' };
  const width = Number.parseFloat(f.outlineWidth);
  return { visible: f.outlineStyle !== 'none' && width > 0, detail: `${show(f)}: outline ${f.outlineStyle} ${f.outlineWidth} (box-shadow ${f.boxShadow})` };
}
