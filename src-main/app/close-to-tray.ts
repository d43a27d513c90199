/**
 * Close to tray: while settings.closeToTray is on, closing the window hides it and the phone
 * keeps registering and taking calls; the first time, a notification says where it went. Quitting
 * for real (Quit in the tray or app menu, ⌘Q, the OS logging out) goes through Electron's
 * 'before-quit', which lets every later close through.
 */
import type { BrowserWindow } from 'electron';
import { DisposableStore, toDisposable, type Disposable } from '../base/disposable.js';
import type { Logger } from '../base/logger.js';
import type { NotificationFactory } from './notification-port.js';
import type { ShellSettings } from './shell-phone.js';

/** The app events used here (Electron's `app`). */
export interface QuitEvents {
  on(event: 'before-quit', listener: () => void): unknown;
  removeListener(event: 'before-quit', listener: () => void): unknown;
}

/** The window events used here; 'close' can be prevented, 'session-end' is Windows logging off. */
export type ClosableWindow = Pick<BrowserWindow, 'hide' | 'isDestroyed'> & {
  on(event: 'close', listener: (event: { preventDefault(): void }) => void): unknown;
  on(event: 'session-end', listener: () => void): unknown;
  removeListener(event: 'close', listener: (event: { preventDefault(): void }) => void): unknown;
  removeListener(event: 'session-end', listener: () => void): unknown;
};

export interface CloseToTrayDeps {
  readonly app: QuitEvents;
  readonly settings: ShellSettings;
  readonly notifications: NotificationFactory;
  readonly appName: string;
  readonly platform: NodeJS.Platform;
  readonly logger: Logger;
}

export function closeHintText(appName: string, platform: NodeJS.Platform): { title: string; body: string } {
  const where = platform === 'darwin' ? 'menu bar' : 'tray';
  return {
    title: appName,
    body: `${appName} is still running in the ${where}, so calls still reach you. Choose Quit from the ${where} menu to close it.`,
  };
}

export class CloseToTray implements Disposable {
  private readonly store = new DisposableStore();
  private quitting = false;
  /** The hint, held so it is not collected while on screen; set once per run at most. */
  private hint: { close(): void } | undefined;

  constructor(private readonly deps: CloseToTrayDeps) {
    const onBeforeQuit = (): void => this.allowQuit();
    deps.app.on('before-quit', onBeforeQuit);
    this.store.add(toDisposable(() => deps.app.removeListener('before-quit', onBeforeQuit)));
  }

  /** True once a real quit began: windows close for good. */
  get isQuitting(): boolean {
    return this.quitting;
  }

  /** From now on a close closes (a quit is under way, or the OS is shutting down). */
  allowQuit(): void {
    this.quitting = true;
  }

  /** Hides `win` instead of closing it while the setting is on; disposed with the shell or by the caller. */
  attach(win: ClosableWindow): Disposable {
    const onClose = (event: { preventDefault(): void }): void => {
      if (this.quitting || !this.deps.settings.get().closeToTray) return;
      event.preventDefault();
      win.hide();
      this.hintOnce();
    };
    const onSessionEnd = (): void => this.allowQuit();
    win.on('close', onClose);
    win.on('session-end', onSessionEnd);
    const detach = toDisposable(() => {
      this.store.delete(detach);
      if (win.isDestroyed()) return;
      win.removeListener('close', onClose);
      win.removeListener('session-end', onSessionEnd);
    });
    return this.store.add(detach);
  }

  dispose(): void {
    this.store.dispose();
  }

  private hintOnce(): void {
    const { settings, notifications, logger } = this.deps;
    if (this.hint !== undefined || settings.get().closeHintShown || !notifications.isSupported()) return;
    const { title, body } = closeHintText(this.deps.appName, this.deps.platform);
    const hint = notifications.create({ title, body, silent: true });
    this.hint = hint;
    hint.show();
    void settings.update({ closeHintShown: true }).then((r) => {
      if (!r.ok) logger.warn('close hint mark not saved', { code: r.error.code });
    });
  }
}
