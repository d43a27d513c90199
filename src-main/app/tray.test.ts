import { describe, expect, it, vi } from 'vitest';
import { nullLogger } from '../base/logger.js';
import { err } from '../base/result.js';
import { problem } from '../services/problems/problem-catalog.js';
import { accountView, answered, buildFakeMenu, callView, fakeNativeImage, FakeShellPhone, FakeTray, registrationView, type FakeImage, type FakeMenu } from '../../test/fakes/fake-shell.js';
import { RingingCalls } from './ringing-calls.js';
import { trayIconPng } from './tray-icon.js';
import { TrayController } from './tray.js';

function setup(platform: NodeJS.Platform = 'linux'): { phone: FakeShellPhone; tray: FakeTray; controller: TrayController<FakeImage, FakeMenu>; show: ReturnType<typeof vi.fn>; quit: ReturnType<typeof vi.fn>; ringing: RingingCalls } {
  const phone = new FakeShellPhone();
  phone.setAccounts([accountView('work')], [registrationView('work', 'connecting')]);
  const ringing = new RingingCalls(phone.calls);
  let tray: FakeTray | undefined;
  const show = vi.fn();
  const quit = vi.fn();
  const controller = new TrayController<FakeImage, FakeMenu>({
    createTray: (image) => (tray = new FakeTray(image)),
    buildMenu: buildFakeMenu,
    nativeImage: fakeNativeImage,
    phone,
    ringing,
    window: { show },
    quit,
    appName: 'Secure Softphone',
    platform,
    logger: nullLogger,
  });
  if (tray === undefined) throw new Error('no tray created');
  return { phone, tray, controller, show, quit, ringing };
}

const iconOf = (tray: FakeTray): string => tray.image.png(1).toString('base64');
const expected = (registration: 'registered' | 'connecting' | 'failed' | 'none', o: { doNotDisturb?: boolean; missed?: number } = {}): string =>
  trayIconPng({ registration, doNotDisturb: o.doNotDisturb ?? false, missed: o.missed ?? 0 }, 16).toString('base64');

describe('TrayController: the tray follows registration, Do not disturb, missed calls and ringing calls', () => {
  it('icon, tooltip and menu follow the registration state: connecting → registered → failed → no account', () => {
    const { phone, tray } = setup();
    expect(iconOf(tray)).toBe(expected('connecting'));
    expect(tray.toolTip).toBe('Secure Softphone\nConnecting…');
    expect(tray.contextMenu.labels()[0]).toBe('Connecting…');

    phone.setRegistration(registrationView('work', 'registered'));
    expect(iconOf(tray)).toBe(expected('registered'));
    expect(tray.toolTip).toBe('Secure Softphone\nRegistered');
    expect(tray.contextMenu.labels()[0]).toBe('Registered');

    phone.setRegistration(registrationView('work', 'failed'));
    expect(iconOf(tray)).toBe(expected('failed'));
    expect(tray.contextMenu.labels()[0]).toBe('Registration failed');

    phone.setAccounts([], []);
    expect(iconOf(tray)).toBe(expected('none'));
    expect(tray.toolTip).toBe('Secure Softphone\nNo account');
    expect(tray.contextMenu.labels()).toEqual(['No account', 'Show', 'Do not disturb', 'Quit']);
  });

  it('does not touch the tray when nothing it shows changed', () => {
    const { phone, tray } = setup();
    phone.setRegistration(registrationView('work', 'registered'));
    const menu = tray.menu;
    const images = tray.setImage.mock.calls.length;
    phone.setRegistration(registrationView('work', 'registered'));
    expect(tray.setImage.mock.calls.length).toBe(images);
    expect(tray.menu).toBe(menu);
  });

  it('the Do not disturb checkbox turns the setting on and off; the icon and tooltip show it', async () => {
    const { phone, tray } = setup();
    tray.contextMenu.click('Do not disturb');
    expect(phone.settings.update).toHaveBeenCalledWith({ doNotDisturb: true });
    await Promise.resolve();
    expect(tray.contextMenu.item('Do not disturb')?.checked).toBe(true);
    expect(iconOf(tray)).toBe(expected('connecting', { doNotDisturb: true }));
    expect(tray.toolTip).toContain('Do not disturb');
    tray.contextMenu.click('Do not disturb');
    expect(phone.settings.update).toHaveBeenLastCalledWith({ doNotDisturb: false });
    expect(tray.contextMenu.item('Do not disturb')?.checked).toBe(false);
  });

  it('a Do not disturb change that could not be saved sets the menu again as it is', async () => {
    const { phone, tray } = setup();
    phone.settings.update.mockResolvedValueOnce(err(problem('storage-write-failed', { what: 'The settings' })));
    const before = tray.menu;
    tray.contextMenu.click('Do not disturb');
    await Promise.resolve();
    await Promise.resolve();
    expect(tray.menu).not.toBe(before);
    expect(tray.contextMenu.item('Do not disturb')?.checked).toBe(false);
  });

  it('shows the missed-call badge, a menu entry to the history, and the dock/launcher count', () => {
    const phone = new FakeShellPhone();
    let tray: FakeTray | undefined;
    const setBadgeCount = vi.fn();
    const show = vi.fn();
    new TrayController<FakeImage, FakeMenu>({
      createTray: (image) => (tray = new FakeTray(image)),
      buildMenu: buildFakeMenu,
      nativeImage: fakeNativeImage,
      phone,
      ringing: new RingingCalls(phone.calls),
      window: { show },
      quit: vi.fn(),
      appName: 'Secure Softphone',
      platform: 'darwin',
      setBadgeCount,
      logger: nullLogger,
    });
    phone.setMissed(2);
    expect(iconOf(tray!)).toBe(expected('none', { missed: 2 }));
    expect(tray!.title).toBe('2');
    expect(setBadgeCount).toHaveBeenLastCalledWith(2);
    tray!.contextMenu.click('2 missed calls');
    expect(show).toHaveBeenCalled();
    expect(phone.app.command).toHaveBeenCalledWith('show-history');
    phone.setMissed(0);
    expect(iconOf(tray!)).toBe(expected('none'));
    expect(tray!.title).toBe('');
    expect(tray!.contextMenu.item('2 missed calls')).toBeUndefined();
  });

  it('while a call rings, the menu answers and declines that call (the Linux fallback for notification buttons)', () => {
    const { phone, tray } = setup();
    const first = callView();
    const second = callView({ remote: { uri: 'sips:bob@x', label: 'Bob', displayName: 'Bob' } });
    phone.setCalls([answered(first), second]);
    expect(tray.contextMenu.labels().slice(0, 3)).toEqual(['Incoming call from Bob', 'Answer', 'Decline']);
    tray.contextMenu.click('Answer');
    expect(phone.calls.answer).toHaveBeenCalledWith(second.id);
    tray.contextMenu.click('Decline');
    expect(phone.calls.decline).toHaveBeenCalledWith(second.id, 'decline');
    phone.setCalls([answered(first), answered(second)]);
    expect(tray.contextMenu.item('Answer')).toBeUndefined();
  });

  it('Show shows the window, Quit quits; a click on the icon shows the window (Windows, Linux)', () => {
    const { tray, show, quit } = setup('win32');
    tray.contextMenu.click('Show');
    expect(show).toHaveBeenCalledTimes(1);
    tray.events.emit('click');
    expect(show).toHaveBeenCalledTimes(2);
    tray.contextMenu.click('Quit');
    expect(quit).toHaveBeenCalled();
  });

  it('dispose removes the icon and every listener', () => {
    const { phone, tray, controller, ringing } = setup();
    controller.dispose();
    ringing.dispose();
    expect(tray.destroyed).toBe(true);
    expect(phone.listenerCount()).toBe(0);
  });
});
