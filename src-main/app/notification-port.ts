/**
 * The part of Electron's Notification the shell uses, so that the incoming-call, missed-call and
 * close-to-tray notifications can be tested with fakes. `new Notification(options)` fits it.
 */
import type { NotificationConstructorOptions } from 'electron';

export interface NotificationPort {
  show(): void;
  close(): void;
  /** Electron ≥ 32 passes `{ actionIndex }` first; older releases passed the index second. */
  on(event: 'action', listener: (details: { readonly actionIndex?: number } | undefined, actionIndex?: number) => void): unknown;
  on(event: 'click' | 'close', listener: () => void): unknown;
}

export interface NotificationFactory {
  /** Whether the desktop shows notifications at all (Electron's Notification.isSupported()). */
  isSupported(): boolean;
  create(options: NotificationConstructorOptions): NotificationPort;
}

/** Notification buttons exist on macOS and Windows; Linux notification servers get none (the tray menu has them). */
export function notificationButtonsSupported(platform: NodeJS.Platform): boolean {
  return platform === 'darwin' || platform === 'win32';
}
