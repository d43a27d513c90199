/**
 * axe-core in the renderer's page. The renderer's CSP forbids inline and foreign scripts, so the
 * axe source is evaluated through the DevTools protocol (page.evaluate of the source text), which
 * CSP does not govern, instead of a <script> tag. Rules: WCAG 2 A and AA plus axe's best
 * practices; a violation of impact "serious" or "critical" fails.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeNode {
  readonly target: string[];
  readonly html: string;
  readonly failureSummary?: string;
}

export interface AxeViolation {
  readonly id: string;
  readonly impact: 'minor' | 'moderate' | 'serious' | 'critical' | null;
  readonly help: string;
  readonly helpUrl: string;
  readonly nodes: AxeNode[];
}

const FAILING = new Set(['serious', 'critical']);

/** Runs axe on the whole document; returns every violation (any impact). */
export async function runAxe(page: Page): Promise<AxeViolation[]> {
  const present = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe === 'object');
  if (!present) await page.evaluate(AXE_SOURCE);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: object): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'best-practice'] }, resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target.map(String), html: n.html.slice(0, 200), ...(n.failureSummary === undefined ? {} : { failureSummary: n.failureSummary }) })),
    }));
  });
}

/** The violations that fail a test: impact serious or critical. */
export function failingViolations(all: readonly AxeViolation[]): AxeViolation[] {
  return all.filter((v) => v.impact !== null && FAILING.has(v.impact));
}

/** One readable block per violation: rule, impact, help, and where (selector and markup). */
export function formatViolations(label: string, violations: readonly AxeViolation[]): string {
  if (violations.length === 0) return `${label}: no serious or critical axe violations`;
  const lines = [`${label}: ${violations.length} serious/critical axe violation(s)`];
  for (const v of violations) {
    lines.push(`  [${v.impact}] ${v.id}: ${v.help} (${v.helpUrl})`);
    for (const n of v.nodes.slice(0, 6)) {
      lines.push(`      at ${n.target.join(' ')}  ${n.html.replace(/\s+/g, ' ')}`);
      if (n.failureSummary !== undefined) lines.push(`         ${n.failureSummary.replace(/\s*\n\s*/g, ' / ')}`);
    }
    if (v.nodes.length > 6) lines.push(`      … and ${v.nodes.length - 6} more`);
  }
  return lines.join('\n');
}

/** Runs axe and returns the failing violations with their readable report (empty report: none). */
export async function axeCheck(page: Page, label: string): Promise<{ violations: AxeViolation[]; report: string }> {
  const violations = failingViolations(await runAxe(page));
  return { violations, report: formatViolations(label, violations) };
}
