/**
 * The phone's shortcuts in main (src-shared/model/shortcuts.ts is the one table): the "Call"
 * application menu lists them with their keys but does not register them (the renderer handles
 * its in-window keys, so a key press never acts twice); a menu click, a global shortcut or the
 * tray runs the command here, on the call pickCall chooses. The optional global shortcuts (answer,
 * hang up, mute) are registered with the OS only while settings.globalShortcuts is on, and
 * released when it goes off and when the app quits.
 */
import type { GlobalShortcut, MenuItem, MenuItemConstructorOptions } from 'electron';
import { DisposableStore, type Disposable } from '../base/disposable.js';
import type { Logger } from '../base/logger.js';
import type { CallView } from '../../src-shared/model/call.js';
import { SHORTCUTS, type ShortcutCommand } from '../../src-shared/model/shortcuts.js';
import { callStep, isCallCommand, pickCall } from '../../src-shared/model/call-commands.js';
import type { ShellPhone, WindowControl } from './shell-phone.js';

export interface ShortcutRunnerDeps {
  readonly phone: Pick<ShellPhone, 'calls' | 'app'>;
  readonly window: WindowControl;
  readonly logger: Logger;
}

/** Carries out a shortcut command; false when there was nothing to act on (or main refused). */
export function runShortcut(command: ShortcutCommand, deps: ShortcutRunnerDeps): boolean {
  const { phone, window, logger } = deps;
  if (!isCallCommand(command)) {
    // The window's own commands: it must be visible to take them.
    window.show();
    phone.app.command(command);
    return true;
  }
  const call = pickCall(phone.calls.list().calls, command);
  if (call === undefined) return false;
  const step = callStep(call, command);
  const r =
    step.kind === 'answer'
      ? phone.calls.answer(step.callId)
      : step.kind === 'decline'
        ? phone.calls.decline(step.callId, 'decline')
        : step.kind === 'hangup'
          ? phone.calls.hangup(step.callId)
          : step.kind === 'mute'
            ? phone.calls.setMuted(step.callId, step.muted)
            : phone.calls.hold(step.callId, step.hold);
  if (!r.ok) logger.warn(`shortcut ${command} refused`, { code: r.error.code });
  return r.ok;
}

export const callMenuItemId = (command: ShortcutCommand): string => `call-${command}`;

/** Items grouped: the ringing call, the current call, the window. */
const GROUPS: readonly (readonly ShortcutCommand[])[] = [['answer', 'decline'], ['hangup', 'mute', 'hold', 'transfer'], ['focus-dialer']];

/** The "Call" menu: every shortcut with its key (shown, not registered) and the action on click. */
export function callMenuTemplate(platform: NodeJS.Platform, run: (command: ShortcutCommand) => void): MenuItemConstructorOptions {
  const submenu: MenuItemConstructorOptions[] = [];
  for (const group of GROUPS) {
    if (submenu.length > 0) submenu.push({ type: 'separator' });
    for (const command of group) {
      const spec = SHORTCUTS.find((s) => s.command === command);
      if (spec === undefined) continue;
      submenu.push({ id: callMenuItemId(command), label: spec.label, accelerator: spec.accelerator, registerAccelerator: false, click: () => run(command) });
    }
  }
  return { id: 'call', label: platform === 'darwin' ? 'Call' : '&Call', submenu };
}

/** Whether a command can do anything with these calls now (the Call menu greys out the rest). */
export function commandAvailable(command: ShortcutCommand, calls: readonly CallView[]): boolean {
  if (isCallCommand(command)) return pickCall(calls, command) !== undefined;
  if (command === 'transfer') return calls.some((c) => c.actions.includes('transfer'));
  return true;
}

/** Keeps the Call menu's items enabled exactly when they can act (the menu is built once). */
export class CallMenuState implements Disposable {
  private readonly store = new DisposableStore();

  constructor(
    private readonly menu: { getMenuItemById(id: string): Pick<MenuItem, 'enabled'> | null },
    calls: Pick<ShellPhone['calls'], 'list' | 'onCallsChanged'>,
  ) {
    this.update(calls.list().calls);
    this.store.add(calls.onCallsChanged(({ calls: list }) => this.update(list)));
  }

  dispose(): void {
    this.store.dispose();
  }

  private update(calls: readonly CallView[]): void {
    for (const s of SHORTCUTS) {
      const item = this.menu.getMenuItemById(callMenuItemId(s.command));
      if (item !== null) item.enabled = commandAvailable(s.command, calls);
    }
  }
}

/**
 * The system-wide shortcuts of the table, registered while settings.globalShortcuts is on. A key
 * another application holds is skipped (and logged); only what was registered is released.
 */
export class GlobalShortcuts implements Disposable {
  private readonly store = new DisposableStore();
  private readonly registered: string[] = [];
  private active = false;

  constructor(
    private readonly globalShortcut: Pick<GlobalShortcut, 'register' | 'unregister'>,
    settings: Pick<ShellPhone['settings'], 'get' | 'onDidChange'>,
    private readonly run: (command: ShortcutCommand) => void,
    private readonly logger: Logger,
  ) {
    this.apply(settings.get().globalShortcuts);
    this.store.add(settings.onDidChange((s) => this.apply(s.globalShortcuts)));
  }

  /** The accelerators registered with the OS now. */
  get accelerators(): readonly string[] {
    return this.registered;
  }

  /** Releases every global shortcut (call on 'will-quit'). */
  dispose(): void {
    this.store.dispose();
    this.apply(false);
  }

  private apply(on: boolean): void {
    if (on === this.active) return;
    this.active = on;
    if (on) {
      for (const s of SHORTCUTS) {
        if (s.global === null) continue;
        const accelerator = s.global;
        const ok = this.globalShortcut.register(accelerator, () => this.run(s.command));
        if (ok) this.registered.push(accelerator);
        else this.logger.warn('a global shortcut is taken by another application', { accelerator, command: s.command });
      }
    } else {
      for (const accelerator of this.registered.splice(0)) this.globalShortcut.unregister(accelerator);
    }
  }
}
