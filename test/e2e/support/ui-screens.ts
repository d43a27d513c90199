/**
 * Screenshots and accessibility checks of one view in one state, in the light and the dark
 * colour scheme (the app follows the OS theme: page.emulateMedia({colorScheme})):
 * `test-results/ui-<view>-<state>-<light|dark>.png`, and axe (WCAG 2 A/AA + best practices) in
 * each scheme, since contrast differs between them. A serious or critical violation fails the
 * test softly (expect.soft): the flow goes on, so one report shows every state's problems.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { axeCheck } from './ui-axe.js';
import { RESULTS_DIR } from './ui-env.js';

export const SCHEMES = ['light', 'dark'] as const;
export type Scheme = (typeof SCHEMES)[number];

/** Every screenshot written by this process, for the test's summary. */
export const screenshotsTaken: string[] = [];

/** Two animation frames: whatever changed has been laid out and painted. */
export async function settle(page: Page): Promise<void> {
  await page.evaluate(() => new Promise<void>((done) => requestAnimationFrame(() => requestAnimationFrame(() => done()))));
}

/**
 * Screenshot + axe of the page as it is now, in both schemes; the page is left in the light
 * scheme. `view` and `state` name the file (lower-case words joined by '-').
 */
export async function captureState(page: Page, view: string, state: string): Promise<void> {
  for (const scheme of SCHEMES) {
    await page.emulateMedia({ colorScheme: scheme });
    await settle(page);
    const path = join(RESULTS_DIR, `ui-${view}-${state}-${scheme}.png`);
    await page.screenshot({ path, animations: 'disabled', caret: 'hide' });
    screenshotsTaken.push(path);
    const { violations, report } = await axeCheck(page, `${view} / ${state} / ${scheme}`);
    expect.soft(violations.length, report).toBe(0);
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await settle(page);
}
