import type { AppInfo } from '../../../src-shared/model/app-info.js';

/** Facts about the running app, handed in by the composition root (Electron app or Node CLI/bridge). */
export type AppIdentity = AppInfo;

/** Answers "what is running" for the About box, diagnostics and bug reports. */
export class AppService {
  constructor(private readonly identity: AppIdentity) {}

  getInfo(): AppInfo {
    return this.identity;
  }
}

/** The OS as the About box names it, from Node's `process.platform`. */
export function platformOf(nodePlatform: string): AppInfo['platform'] {
  return nodePlatform === 'linux' || nodePlatform === 'darwin' || nodePlatform === 'win32' ? nodePlatform : 'other';
}
