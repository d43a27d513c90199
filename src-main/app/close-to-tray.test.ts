import { describe, expect, it } from 'vitest';
import { nullLogger } from '../base/logger.js';
import { FakeApp, FakeNotifications, FakeShellPhone, FakeWindow } from '../../test/fakes/fake-shell.js';
import { CloseToTray, closeHintText } from './close-to-tray.js';

function setup(platform: NodeJS.Platform = 'win32') {
  const phone = new FakeShellPhone();
  const app = new FakeApp();
  const notifications = new FakeNotifications();
  const closeToTray = new CloseToTray({ app, settings: phone.settings, notifications, appName: 'Secure Softphone', platform, logger: nullLogger });
  const win = new FakeWindow();
  app.windows.push(win);
  closeToTray.attach(win);
  return { phone, app, notifications, closeToTray, win };
}

describe('CloseToTray: closing the window hides it; Quit quits', () => {
  it('closing the window hides it instead of quitting', () => {
    const { win } = setup();
    expect(win.close()).toBe(false);
    expect(win.hide).toHaveBeenCalledTimes(1);
    expect(win.destroyed).toBe(false);
    expect(win.visible).toBe(false);
  });

  it('quits for real after Quit: the window closes during the quit', () => {
    const { app, win, closeToTray } = setup();
    win.close();
    app.quit();
    expect(closeToTray.isQuitting).toBe(true);
    expect(win.destroyed).toBe(true);
    expect(app.quitted).toBe(true);
  });

  it('the first time, a one-time hint says it still runs in the tray, and closeHintShown is saved', async () => {
    const { phone, notifications, win } = setup();
    win.close();
    await Promise.resolve();
    expect(notifications.created).toHaveLength(1);
    expect(notifications.created[0]!.options.body).toMatch(/^Secure Softphone is still running in the tray/);
    expect(notifications.created[0]!.shown).toBe(true);
    expect(phone.settings.update).toHaveBeenCalledWith({ closeHintShown: true });
    win.close();
    expect(notifications.created).toHaveLength(1);
  });

  it('no hint once it was shown in an earlier run', () => {
    const { phone, notifications, win } = setup();
    phone.setSettings({ closeHintShown: true });
    win.close();
    expect(win.hide).toHaveBeenCalled();
    expect(notifications.created).toHaveLength(0);
  });

  it('with closeToTray off, closing closes', () => {
    const { phone, win } = setup('linux');
    phone.setSettings({ closeToTray: false });
    expect(win.close()).toBe(true);
    expect(win.hide).not.toHaveBeenCalled();
  });

  it('Windows logging off (session-end) lets the window close', () => {
    const { win } = setup();
    win.emit('session-end');
    expect(win.close()).toBe(true);
  });

  it('macOS says menu bar', () => {
    expect(closeHintText('Secure Softphone', 'darwin').body).toMatch(/menu bar/);
  });

  it('dispose removes its listeners from the app and the window', () => {
    const { app, win, closeToTray } = setup();
    closeToTray.dispose();
    expect(app.listenerCount('before-quit')).toBe(0);
    expect(win.listenerCount('close')).toBe(0);
    expect(win.listenerCount('session-end')).toBe(0);
    expect(win.close()).toBe(true);
  });

  it('a detached window is left alone', () => {
    const { phone, app, notifications } = setup();
    const closeToTray = new CloseToTray({ app, settings: phone.settings, notifications, appName: 'x', platform: 'linux', logger: nullLogger });
    const other = new FakeWindow();
    closeToTray.attach(other).dispose();
    expect(other.close()).toBe(true);
  });
});
