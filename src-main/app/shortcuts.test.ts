import { describe, expect, it, vi } from 'vitest';
import { nullLogger } from '../base/logger.js';
import { activeCall, callView, FakeGlobalShortcut, FakeShellPhone } from '../../test/fakes/fake-shell.js';
import { SHORTCUTS } from '../../src-shared/model/shortcuts.js';
import { CallMenuState, callMenuItemId, callMenuTemplate, GlobalShortcuts, runShortcut } from './shortcuts.js';
import type { MenuItemConstructorOptions } from 'electron';

const GLOBALS = SHORTCUTS.filter((s) => s.global !== null).map((s) => s.global);

function runner(phone: FakeShellPhone) {
  const show = vi.fn();
  return { show, run: (c: Parameters<typeof runShortcut>[0]) => runShortcut(c, { phone, window: { show }, logger: nullLogger }) };
}

describe('the Call menu', () => {
  it('lists every shortcut with its key, without registering it (the renderer handles in-window keys)', () => {
    const menu = callMenuTemplate('linux', vi.fn());
    expect(menu.label).toBe('&Call');
    const items = (menu.submenu as MenuItemConstructorOptions[]).filter((i) => i.type !== 'separator');
    expect(items.map((i) => [i.label, i.accelerator])).toEqual(SHORTCUTS.map((s) => [s.label, s.accelerator]));
    for (const i of items) expect(i.registerAccelerator).toBe(false);
    expect(callMenuTemplate('darwin', vi.fn()).label).toBe('Call');
  });

  it('a click runs its command', () => {
    const run = vi.fn();
    const items = callMenuTemplate('win32', run).submenu as MenuItemConstructorOptions[];
    (items.find((i) => i.id === callMenuItemId('hold'))?.click as () => void)();
    expect(run).toHaveBeenCalledWith('hold');
  });

  it('greys out what cannot act now and follows the calls', () => {
    const phone = new FakeShellPhone();
    const items = new Map(SHORTCUTS.map((s) => [callMenuItemId(s.command), { enabled: true }]));
    const state = new CallMenuState({ getMenuItemById: (id) => items.get(id) ?? null }, phone.calls);
    const enabled = (): string[] => [...items].filter(([, i]) => i.enabled).map(([id]) => id);
    expect(enabled()).toEqual(['call-focus-dialer']);
    phone.setCalls([callView()]);
    expect(enabled()).toEqual(['call-answer', 'call-decline', 'call-focus-dialer']);
    phone.setCalls([activeCall()]);
    expect(enabled()).toEqual(['call-hangup', 'call-mute', 'call-hold', 'call-transfer', 'call-focus-dialer']);
    state.dispose();
    expect(phone.listenerCount()).toBe(0);
  });
});

describe('runShortcut: each command on the right call', () => {
  it('answer and decline act on the ringing call, hang up / mute / hold on the active one', () => {
    const phone = new FakeShellPhone();
    const up = activeCall();
    const ringing = callView();
    phone.setCalls([up, ringing]);
    const { run } = runner(phone);
    expect(run('answer')).toBe(true);
    expect(phone.calls.answer).toHaveBeenCalledWith(ringing.id);
    run('decline');
    expect(phone.calls.decline).toHaveBeenCalledWith(ringing.id, 'decline');
    run('hangup');
    expect(phone.calls.hangup).toHaveBeenCalledWith(up.id);
    run('mute');
    expect(phone.calls.setMuted).toHaveBeenCalledWith(up.id, true);
    run('hold');
    expect(phone.calls.hold).toHaveBeenCalledWith(up.id, true);
  });

  it('mute unmutes and hold resumes when that is what main allows', () => {
    const phone = new FakeShellPhone();
    const held = activeCall({ state: 'held', actions: ['hangup', 'resume', 'unmute'] });
    phone.setCalls([held]);
    const { run } = runner(phone);
    run('mute');
    run('hold');
    expect(phone.calls.setMuted).toHaveBeenCalledWith(held.id, false);
    expect(phone.calls.hold).toHaveBeenCalledWith(held.id, false);
  });

  it('nothing to act on: false, and no service call', () => {
    const phone = new FakeShellPhone();
    const { run } = runner(phone);
    expect(run('answer')).toBe(false);
    expect(run('hangup')).toBe(false);
    expect(phone.calls.answer).not.toHaveBeenCalled();
    expect(phone.calls.hangup).not.toHaveBeenCalled();
  });

  it('transfer and focus-dialer show the window and send the command to it', () => {
    const phone = new FakeShellPhone();
    const { run, show } = runner(phone);
    run('transfer');
    run('focus-dialer');
    expect(phone.app.command.mock.calls).toEqual([['transfer'], ['focus-dialer']]);
    expect(show).toHaveBeenCalledTimes(2);
  });
});

describe('GlobalShortcuts: registered only while the setting is on', () => {
  it('registers the global keys when turned on, releases them when turned off', () => {
    const phone = new FakeShellPhone();
    const gs = new FakeGlobalShortcut();
    const shortcuts = new GlobalShortcuts(gs, phone.settings, vi.fn(), nullLogger);
    expect(gs.register).not.toHaveBeenCalled();
    phone.setSettings({ globalShortcuts: true });
    expect(gs.register.mock.calls.map((c) => c[0])).toEqual(GLOBALS);
    expect(shortcuts.accelerators).toEqual(GLOBALS);
    phone.setSettings({ theme: 'dark' });
    expect(gs.register).toHaveBeenCalledTimes(GLOBALS.length);
    phone.setSettings({ globalShortcuts: false });
    expect(gs.unregister.mock.calls.map((c) => c[0])).toEqual(GLOBALS);
    expect(gs.held.size).toBe(0);
  });

  it('a global key runs its command', () => {
    const phone = new FakeShellPhone();
    phone.setSettings({ globalShortcuts: true });
    const gs = new FakeGlobalShortcut();
    const run = vi.fn();
    new GlobalShortcuts(gs, phone.settings, run, nullLogger);
    gs.press('CmdOrCtrl+Alt+A');
    gs.press('CmdOrCtrl+Alt+E');
    gs.press('CmdOrCtrl+Alt+M');
    expect(run.mock.calls).toEqual([['answer'], ['hangup'], ['mute']]);
  });

  it('releases everything on quit (dispose, called on will-quit) and stops following the setting', () => {
    const phone = new FakeShellPhone();
    phone.setSettings({ globalShortcuts: true });
    const gs = new FakeGlobalShortcut();
    const shortcuts = new GlobalShortcuts(gs, phone.settings, vi.fn(), nullLogger);
    shortcuts.dispose();
    expect(gs.held.size).toBe(0);
    expect(gs.unregister).toHaveBeenCalledTimes(GLOBALS.length);
    phone.setSettings({ globalShortcuts: false });
    phone.setSettings({ globalShortcuts: true });
    expect(gs.register).toHaveBeenCalledTimes(GLOBALS.length);
    expect(phone.listenerCount()).toBe(0);
  });

  it('a key another application holds is skipped and logged; only what was registered is released', () => {
    const phone = new FakeShellPhone();
    const gs = new FakeGlobalShortcut();
    gs.taken.add('CmdOrCtrl+Alt+M');
    const warn = vi.fn();
    const shortcuts = new GlobalShortcuts(gs, phone.settings, vi.fn(), { ...nullLogger, warn });
    phone.setSettings({ globalShortcuts: true });
    expect(shortcuts.accelerators).toEqual(['CmdOrCtrl+Alt+A', 'CmdOrCtrl+Alt+E']);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/taken/), expect.objectContaining({ accelerator: 'CmdOrCtrl+Alt+M' }));
    shortcuts.dispose();
    expect(gs.unregister.mock.calls.map((c) => c[0])).toEqual(['CmdOrCtrl+Alt+A', 'CmdOrCtrl+Alt+E']);
  });
});
