import { describe, expect, it, vi } from 'vitest';
import { buildMenuTemplate } from './menu.js';
import { callMenuTemplate } from './shortcuts.js';

describe('application menu', () => {
  it('puts the Call menu between View and Window', () => {
    const labels = buildMenuTemplate('linux', 'Secure Softphone', callMenuTemplate('linux', vi.fn())).map((m) => m.label ?? m.role);
    expect(labels).toEqual(['&File', '&Edit', '&View', '&Call', '&Window', 'help']);
  });

  it('macOS keeps the app menu first', () => {
    const labels = buildMenuTemplate('darwin', 'Secure Softphone', callMenuTemplate('darwin', vi.fn())).map((m) => m.label ?? m.role);
    expect(labels).toEqual(['Secure Softphone', 'Edit', 'View', 'Call', 'Window', 'help']);
  });

  it('without a Call menu, none', () => {
    expect(buildMenuTemplate('win32', 'Secure Softphone').some((m) => m.label === '&Call')).toBe(false);
  });
});
