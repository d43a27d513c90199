import { Emitter, type Event } from '../../base/event.js';
import type { AppInfo, UiCommand } from '../../../src-shared/model/app-info.js';


/** Facts about the running app, handed in by the composition root (Electron app or Node CLI/bridge). */
export type AppIdentity = AppInfo;

/** Answers "what is running" for the About box, diagnostics and bug reports. */
export class AppService {
  private readonly commands = new Emitter<{ command: UiCommand }>();
  /** Commands for the window from outside it (the Call menu, the tray, a global shortcut). */
  readonly onCommand: Event<{ command: UiCommand }> = this.commands.event;

  constructor(private readonly identity: AppIdentity) {}

  getInfo(): AppInfo {
    return this.identity;
  }

  /** Asks the window to do something only it can (focus the dialer, open the transfer box, show a view). */
  command(command: UiCommand): void {
    this.commands.fire({ command });
  }

  dispose(): void {
    this.commands.dispose();
  }
}

/** The OS as the About box names it, from Node's `process.platform`. */
export function platformOf(nodePlatform: string): AppInfo['platform'] {
  return nodePlatform === 'linux' || nodePlatform === 'darwin' || nodePlatform === 'win32' ? nodePlatform : 'other';
}
