import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SHORTCUTS } from '../../src-shared/model/shortcuts.js';

const readme = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');

/** `CmdOrCtrl+Shift+A` as the README spells it for Windows/Linux: `Ctrl+Shift+A`. */
const spelled = (accelerator: string): string => accelerator.replace('CmdOrCtrl', 'Ctrl');

describe('the README lists the keyboard shortcuts the app really has', () => {
  it.each(SHORTCUTS)('$label: $accelerator (global: $global)', (s) => {
    const row = readme.split('\n').find((line) => line.startsWith(`| ${s.label} |`));
    expect(row, `no README row for ${s.label}`).toBeDefined();
    const cells = row!.split('|').map((c) => c.trim());
    expect(cells[2]).toContain(spelled(s.accelerator));
    if (s.global === null) expect(cells[3]).toBe('');
    else expect(cells[3]).toContain(spelled(s.global));
  });
});
