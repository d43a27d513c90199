/**
 * The tray (notification-area) icon: its image and tooltip follow the registration state of the
 * enabled accounts, Do not disturb and the missed-call count; its menu offers the ringing call's
 * Answer and Decline (the fallback where notifications have no buttons, as on Linux), Show, the
 * missed calls, a Do not disturb checkbox and Quit. Electron's Tray, Menu and nativeImage come in
 * through `TrayDeps`, so tests drive it with fakes.
 */
import type { Menu, MenuItemConstructorOptions, NativeImage } from 'electron';
import { DisposableStore, type Disposable } from '../base/disposable.js';
import type { Logger } from '../base/logger.js';
import type { Result } from '../base/result.js';
import type { Problem } from '../../src-shared/ipc/errors.js';
import type { RingingCalls } from './ringing-calls.js';
import type { ShellPhone, WindowControl } from './shell-phone.js';
import { TrayIconCache, type NativeImageFactory } from './tray-icon.js';
import { summarizeRegistration, trayLook, trayMenuTemplate, trayTooltip, type TrayState } from './tray-look.js';

/** The part of Electron's Tray used here. */
export interface TrayPort<Image, M> {
  setImage(image: Image): void;
  setToolTip(toolTip: string): void;
  setContextMenu(menu: M | null): void;
  /** macOS: text beside the icon (the missed-call count). */
  setTitle(title: string): void;
  on(event: 'click', listener: () => void): unknown;
  destroy(): void;
}

export interface TrayDeps<Image = NativeImage, M = Menu> {
  readonly createTray: (image: Image) => TrayPort<Image, M>;
  readonly buildMenu: (template: MenuItemConstructorOptions[]) => M;
  readonly nativeImage: NativeImageFactory<Image>;
  readonly phone: Pick<ShellPhone, 'settings' | 'accounts' | 'history' | 'calls' | 'app'>;
  readonly ringing: Pick<RingingCalls, 'list' | 'onChanged'>;
  readonly window: WindowControl;
  readonly quit: () => void;
  readonly appName: string;
  readonly platform: NodeJS.Platform;
  /** The dock / launcher badge (Electron's app.setBadgeCount), where there is one. */
  readonly setBadgeCount?: (count: number) => void;
  readonly logger: Logger;
}

export class TrayController<Image = NativeImage, M = Menu> implements Disposable {
  private readonly store = new DisposableStore();
  private readonly icons: TrayIconCache<Image>;
  private readonly tray: TrayPort<Image, M>;
  /** What the tray shows now, so that only what changed is handed to Electron again. */
  private shown: { image: Image | undefined; tooltip: string; menu: string; missed: number } = { image: undefined, tooltip: '', menu: '', missed: -1 };

  constructor(private readonly deps: TrayDeps<Image, M>) {
    this.icons = new TrayIconCache(deps.nativeImage);
    const state = this.state();
    const image = this.icons.get(trayLook(state));
    this.tray = deps.createTray(image);
    this.shown.image = image;
    // Windows (and some Linux desktops) send a click on the icon itself: show the window. macOS opens the menu.
    if (deps.platform !== 'darwin') this.tray.on('click', () => deps.window.show());
    const { phone } = deps;
    const refresh = (): void => this.refresh();
    this.store.add(phone.accounts.onRegistrationChanged(refresh));
    this.store.add(phone.accounts.onAccountsChanged(refresh));
    this.store.add(phone.history.onChanged(refresh));
    this.store.add(phone.settings.onDidChange(refresh));
    this.store.add(deps.ringing.onChanged(refresh));
    this.refresh(state);
  }

  /** What the tray shows now (for tests and diagnostics). */
  state(): TrayState {
    const { phone } = this.deps;
    const { accounts, registrations } = phone.accounts.list();
    return {
      appName: this.deps.appName,
      registration: summarizeRegistration(accounts, registrations),
      doNotDisturb: phone.settings.get().doNotDisturb,
      missed: phone.history.summary().missedUnseen,
      ringing: this.deps.ringing.list(),
    };
  }

  dispose(): void {
    this.store.dispose();
    this.tray.destroy();
  }

  private refresh(state = this.state()): void {
    if (this.store.isDisposed) return;
    const image = this.icons.get(trayLook(state));
    if (image !== this.shown.image) this.tray.setImage(image);
    const tooltip = trayTooltip(state);
    if (tooltip !== this.shown.tooltip) this.tray.setToolTip(tooltip);
    const template = trayMenuTemplate(state, this.actions);
    const menuKey = JSON.stringify(template);
    // Linux (AppIndicator) only picks up a changed menu when it is set again.
    if (menuKey !== this.shown.menu) this.tray.setContextMenu(this.deps.buildMenu(template));
    if (state.missed !== this.shown.missed) {
      if (this.deps.platform === 'darwin') this.tray.setTitle(state.missed > 0 ? String(state.missed) : '');
      this.deps.setBadgeCount?.(state.missed);
    }
    this.shown = { image, tooltip, menu: menuKey, missed: state.missed };
  }

  private readonly actions = {
    show: (): void => this.deps.window.show(),
    showHistory: (): void => {
      this.deps.window.show();
      this.deps.phone.app.command('show-history');
    },
    answer: (callId: string): void => this.report('answer', this.deps.phone.calls.answer(callId)),
    decline: (callId: string): void => this.report('decline', this.deps.phone.calls.decline(callId, 'decline')),
    setDoNotDisturb: (on: boolean): void =>
      void this.deps.phone.settings.update({ doNotDisturb: on }).then((r) => {
        if (r.ok) return;
        this.deps.logger.warn('Do not disturb not saved', { code: r.error.code });
        // Electron already ticked the checkbox: set the menu again as it really is.
        this.shown.menu = '';
        this.refresh();
      }),
    quit: (): void => this.deps.quit(),
  };

  private report(what: string, r: Result<void, Problem>): void {
    if (!r.ok) this.deps.logger.warn(`tray ${what} refused`, { code: r.error.code });
  }
}
