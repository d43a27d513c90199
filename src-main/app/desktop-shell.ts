/**
 * The desktop shell around the phone, put together once: the ringing-call tracker, the tray,
 * the call notifications, taskbar/dock attention, close to tray, the Call menu and the global
 * shortcuts, and start at login. Electron's pieces come in through `ShellElectron` (main.ts hands
 * the real ones, tests fakes); disposing the shell removes every listener, the tray icon, open
 * notifications and the global shortcuts.
 */
import type { BrowserWindow, Dock, GlobalShortcut, Menu, MenuItem, MenuItemConstructorOptions, NativeImage } from 'electron';
import { DisposableStore, type Disposable } from '../base/disposable.js';
import type { Logger } from '../base/logger.js';
import type { ShortcutCommand } from '../../src-shared/model/shortcuts.js';
import { CallNotifications } from './call-notifications.js';
import { CloseToTray, type ClosableWindow, type QuitEvents } from './close-to-tray.js';
import { LoginItemSync, type LoginItemPort } from './login-item.js';
import type { NotificationFactory } from './notification-port.js';
import { RingAttention } from './ring-attention.js';
import { RingingCalls } from './ringing-calls.js';
import type { ShellPhone, WindowControl } from './shell-phone.js';
import { CallMenuState, callMenuTemplate, GlobalShortcuts, runShortcut } from './shortcuts.js';
import type { NativeImageFactory } from './tray-icon.js';
import { TrayController, type TrayPort } from './tray.js';
import { CertificateExpiryNotifier } from './certificate-expiry-notifier.js';
import type { Clock } from '../base/clock.js';
import type { KeyValueStore } from '../services/settings/settings-service.js';

export interface ShellElectron<Image = NativeImage, M = Menu> {
  readonly createTray: (image: Image) => TrayPort<Image, M>;
  readonly buildMenu: (template: MenuItemConstructorOptions[]) => M;
  readonly nativeImage: NativeImageFactory<Image>;
  readonly notifications: NotificationFactory;
  readonly globalShortcut: Pick<GlobalShortcut, 'register' | 'unregister'>;
  readonly app: QuitEvents & { quit(): void; setBadgeCount?(count: number): unknown };
  /** macOS only. */
  readonly dock?: Pick<Dock, 'bounce' | 'cancelBounce'>;
}

export interface DesktopShellOptions<Image = NativeImage, M = Menu> {
  readonly electron: ShellElectron<Image, M>;
  readonly phone: ShellPhone;
  /** Shows (creating if needed) and brings forward the window. */
  readonly window: WindowControl;
  readonly currentWindow: () => Pick<BrowserWindow, 'flashFrame' | 'isDestroyed'> | null;
  readonly platform: NodeJS.Platform;
  readonly appName: string;
  readonly logger: Logger;
  /** The OS login item; none in development (a dev build must not register itself). */
  readonly loginItem?: LoginItemPort;
  /** Certificate expiry notifications (once a day per account): the clock and where the days notified are kept. */
  readonly expiry?: { readonly clock: Clock; readonly store: KeyValueStore };
}

export class DesktopShell<Image = NativeImage, M = Menu> implements Disposable {
  private readonly store = new DisposableStore();
  readonly ringing: RingingCalls;
  /** Undefined when the desktop has no tray (then closing the window closes it). */
  readonly tray: TrayController<Image, M> | undefined;
  readonly notifications: CallNotifications;
  readonly attention: RingAttention;
  readonly closeToTray: CloseToTray;
  readonly globalShortcuts: GlobalShortcuts;
  readonly loginItem: LoginItemSync | undefined;
  readonly expiry: CertificateExpiryNotifier | undefined;

  constructor(private readonly o: DesktopShellOptions<Image, M>) {
    const { electron, phone, window, platform, appName, logger } = o;
    this.ringing = this.store.add(new RingingCalls(phone.calls));
    this.tray = this.createTray();
    this.notifications = this.store.add(new CallNotifications({ notifications: electron.notifications, platform, phone, ringing: this.ringing, window, logger: logger.child('notifications') }));
    this.attention = this.store.add(new RingAttention({ ringing: this.ringing, currentWindow: o.currentWindow, dock: electron.dock, window }));
    this.closeToTray = this.store.add(new CloseToTray({ app: electron.app, settings: phone.settings, notifications: electron.notifications, appName, platform, logger }));
    this.globalShortcuts = this.store.add(new GlobalShortcuts(electron.globalShortcut, phone.settings, (c) => this.run(c), logger.child('shortcuts')));
    this.loginItem = o.loginItem === undefined ? undefined : this.store.add(new LoginItemSync(phone.settings, o.loginItem, logger));
    this.expiry =
      o.expiry === undefined ? undefined : this.store.add(new CertificateExpiryNotifier({ notifications: electron.notifications, phone, window, clock: o.expiry.clock, store: o.expiry.store, logger: logger.child('expiry') }));
  }

  /** Carries out a shortcut command (Call menu, global shortcut). */
  run(command: ShortcutCommand): boolean {
    return runShortcut(command, { phone: this.o.phone, window: this.o.window, logger: this.o.logger.child('shortcuts') });
  }

  /** The Call menu for the application menu (menu.ts). */
  callMenu(): MenuItemConstructorOptions {
    return callMenuTemplate(this.o.platform, (c) => void this.run(c));
  }

  /** Keeps the built application menu's Call items enabled only when they can act. */
  trackMenu(menu: { getMenuItemById(id: string): Pick<MenuItem, 'enabled'> | null }): void {
    this.store.add(new CallMenuState(menu, this.o.phone.calls));
  }

  /** Closing `win` hides it to the tray (while the setting is on and there is a tray). */
  attachWindow(win: ClosableWindow): Disposable {
    return this.tray === undefined ? { dispose: () => undefined } : this.closeToTray.attach(win);
  }

  dispose(): void {
    this.store.dispose();
  }

  private createTray(): TrayController<Image, M> | undefined {
    const { electron, phone, window, platform, appName, logger } = this.o;
    try {
      return this.store.add(
        new TrayController<Image, M>({
          createTray: electron.createTray,
          buildMenu: electron.buildMenu,
          nativeImage: electron.nativeImage,
          phone,
          ringing: this.ringing,
          window,
          quit: () => electron.app.quit(),
          appName,
          platform,
          ...(electron.app.setBadgeCount === undefined ? {} : { setBadgeCount: (n: number) => void electron.app.setBadgeCount?.(n) }),
          logger: logger.child('tray'),
        }),
      );
    } catch (e) {
      logger.warn('no tray icon on this desktop; closing the window will quit', { cause: String(e) });
      return undefined;
    }
  }
}
