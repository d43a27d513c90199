/**
 * The shell put together with fakes for every Electron piece and the phone: the acceptance
 * scenarios of issue 12 end to end inside main (tray, notifications, shortcuts, close to tray).
 */
import { describe, expect, it, vi } from 'vitest';
import { nullLogger } from '../base/logger.js';
import {
  accountView,
  answered,
  buildFakeMenu,
  callView,
  FakeApp,
  FakeGlobalShortcut,
  fakeNativeImage,
  FakeNotifications,
  FakeShellPhone,
  FakeTray,
  FakeWindow,
  registrationView,
  type FakeImage,
  type FakeMenu,
} from '../../test/fakes/fake-shell.js';
import { DesktopShell } from './desktop-shell.js';

function setup(o: { platform?: NodeJS.Platform; noTray?: boolean } = {}) {
  const phone = new FakeShellPhone();
  phone.setAccounts([accountView('work')], [registrationView('work', 'registered')]);
  const app = new FakeApp();
  const notifications = new FakeNotifications();
  const globalShortcut = new FakeGlobalShortcut();
  const win = new FakeWindow();
  app.windows.push(win);
  const trays: FakeTray[] = [];
  const show = vi.fn(() => {
    win.visible = true;
  });
  const loginItem = { setOpenAtLogin: vi.fn(() => Promise.resolve()) };
  const shell = new DesktopShell<FakeImage, FakeMenu>({
    electron: {
      createTray: (image) => {
        if (o.noTray === true) throw new Error('no StatusNotifier host');
        const t = new FakeTray(image);
        trays.push(t);
        return t;
      },
      buildMenu: buildFakeMenu,
      nativeImage: fakeNativeImage,
      notifications,
      globalShortcut,
      app,
    },
    phone,
    window: { show },
    currentWindow: () => win,
    platform: o.platform ?? 'win32',
    appName: 'Secure Softphone',
    logger: nullLogger,
    loginItem,
  });
  shell.attachWindow(win);
  return { phone, app, notifications, globalShortcut, win, tray: trays[0], show, shell, loginItem };
}

describe('DesktopShell (issue 12, acceptance 5)', () => {
  it('close to tray: closing hides; Quit in the tray menu quits for real and releases the global shortcuts', () => {
    const { app, win, tray, phone, globalShortcut, shell } = setup();
    phone.setSettings({ globalShortcuts: true });
    expect(globalShortcut.held.size).toBe(3);
    expect(win.close()).toBe(false);
    expect(win.visible).toBe(false);
    expect(app.quitted).toBe(false);
    tray!.contextMenu.click('Quit');
    expect(app.quit).toHaveBeenCalled();
    expect(win.destroyed).toBe(true);
    expect(app.quitted).toBe(true);
    // main.ts disposes the shell on will-quit.
    shell.dispose();
    expect(globalShortcut.held.size).toBe(0);
    expect(tray!.destroyed).toBe(true);
    expect(phone.listenerCount()).toBe(0);
    expect(app.listenerCount('before-quit')).toBe(0);
  });

  it('an incoming call: notification, tray Answer/Decline, taskbar flash; Answer on the notification answers it and brings the window forward', () => {
    const { phone, notifications, tray, win, show } = setup();
    const first = callView();
    const second = callView();
    phone.setCalls([answered(first), second]);
    expect(notifications.titled('Incoming call')).toHaveLength(1);
    expect(tray!.contextMenu.labels()).toContain('Answer');
    expect(win.flashFrame).toHaveBeenLastCalledWith(true);
    expect(show).not.toHaveBeenCalled();
    notifications.created[0]!.action(0);
    expect(phone.calls.answer).toHaveBeenCalledWith(second.id);
    phone.setCalls([answered(first), answered(second)]);
    expect(notifications.created[0]!.closed).toBe(true);
    expect(win.flashFrame).toHaveBeenLastCalledWith(false);
    expect(show).toHaveBeenCalledTimes(1);
    expect(tray!.contextMenu.labels()).not.toContain('Answer');
  });

  it('a global shortcut answers the ringing call', () => {
    const { phone, globalShortcut } = setup();
    phone.setSettings({ globalShortcuts: true });
    const call = callView();
    phone.setCalls([call]);
    globalShortcut.press('CmdOrCtrl+Alt+A');
    expect(phone.calls.answer).toHaveBeenCalledWith(call.id);
  });

  it('the Call menu runs its commands through the shell', () => {
    const { phone, shell } = setup();
    const call = callView();
    phone.setCalls([call]);
    const items = shell.callMenu().submenu as { id?: string; click?: () => void }[];
    items.find((i) => i.id === 'call-decline')?.click?.();
    expect(phone.calls.decline).toHaveBeenCalledWith(call.id, 'decline');
  });

  it('start at login follows the setting', async () => {
    const { phone, shell, loginItem } = setup();
    phone.setSettings({ startAtLogin: true });
    await shell.loginItem?.settled();
    expect(loginItem.setOpenAtLogin.mock.calls).toEqual([[false], [true]]);
  });

  it('no tray on this desktop: the window closes instead of vanishing', () => {
    const { win, shell } = setup({ platform: 'linux', noTray: true });
    expect(shell.tray).toBeUndefined();
    const other = new FakeWindow();
    shell.attachWindow(other);
    expect(other.close()).toBe(true);
    // The window attached in setup went through attachWindow too.
    expect(win.close()).toBe(true);
  });
});
