/**
 * Start at login, following settings.startAtLogin: Electron's login item on macOS and Windows
 * (app.setLoginItemSettings), an XDG autostart entry on Linux (Electron has no login item there;
 * freedesktop.org Desktop Application Autostart Specification, `$XDG_CONFIG_HOME/autostart/`).
 * Whether the window shows at that start is settings.startMinimized, read at every start.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { App } from 'electron';
import { DisposableStore, type Disposable } from '../base/disposable.js';
import type { Logger } from '../base/logger.js';
import type { ShellSettings } from './shell-phone.js';

export interface LoginItemPort {
  setOpenAtLogin(open: boolean): Promise<void>;
}

/** macOS and Windows: the OS login item for this executable. */
export function electronLoginItem(app: Pick<App, 'setLoginItemSettings'>): LoginItemPort {
  return {
    setOpenAtLogin: (open) => {
      app.setLoginItemSettings({ openAtLogin: open });
      return Promise.resolve();
    },
  };
}

/** One argument of a desktop entry's Exec key: quoted, with the reserved characters escaped, then escaped again as a string value. */
export function desktopExecArg(arg: string): string {
  const quoted = `"${arg.replace(/["`$\\]/g, (c) => `\\${c}`)}"`;
  return quoted.replace(/\\/g, '\\\\').replace(/%/g, '%%');
}

export function autostartEntry(name: string, exec: readonly string[]): string {
  return ['[Desktop Entry]', 'Type=Application', 'Version=1.0', `Name=${name}`, `Exec=${exec.map(desktopExecArg).join(' ')}`, 'Terminal=false', 'X-GNOME-Autostart-enabled=true', ''].join('\n');
}

export interface XdgAutostartOptions {
  /** `$XDG_CONFIG_HOME/autostart` (default `~/.config/autostart`). */
  readonly dir: string;
  /** The entry's file name without `.desktop` (the app id). */
  readonly id: string;
  readonly name: string;
  /** The command that starts the app (the AppImage when run from one, else the executable). */
  readonly exec: readonly string[];
}

/** Linux: writes or removes `<dir>/<id>.desktop`. */
export function xdgAutostart(o: XdgAutostartOptions): LoginItemPort {
  const file = join(o.dir, `${o.id}.desktop`);
  return {
    setOpenAtLogin: async (open) => {
      if (!open) return rm(file, { force: true });
      await mkdir(o.dir, { recursive: true });
      await writeFile(file, autostartEntry(o.name, o.exec), { mode: 0o644 });
    },
  };
}

/** Keeps the login item in step with settings.startAtLogin (now, and at every change). */
export class LoginItemSync implements Disposable {
  private readonly store = new DisposableStore();
  private applied: boolean | undefined;
  private pending: Promise<void> = Promise.resolve();

  constructor(
    settings: ShellSettings,
    private readonly port: LoginItemPort,
    private readonly logger: Logger,
  ) {
    this.apply(settings.get().startAtLogin);
    this.store.add(settings.onDidChange((s) => this.apply(s.startAtLogin)));
  }

  /** Resolves when every change so far reached the OS (tests). */
  settled(): Promise<void> {
    return this.pending;
  }

  dispose(): void {
    this.store.dispose();
  }

  private apply(open: boolean): void {
    if (open === this.applied) return;
    this.applied = open;
    this.pending = this.pending.then(() =>
      this.port.setOpenAtLogin(open).catch((e: unknown) => {
        this.logger.warn('start at login not changed', { cause: String(e) });
      }),
    );
  }
}
