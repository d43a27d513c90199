import { DisposableStore, type Disposable } from '../base/disposable.js';
import type { Logger } from '../base/logger.js';
import { AppService, type AppIdentity } from './app/app-service.js';
import { DialerService } from './dialer/dialer-service.js';
import { SettingsService, type KeyValueStore } from './settings/settings-service.js';

/** Everything the services need from the outside; the composition roots (app/, cli/) build these. */
export interface ServiceDeps {
  readonly identity: AppIdentity;
  readonly store: KeyValueStore;
  readonly logger: Logger;
}

export interface CoreServices extends Disposable {
  readonly app: AppService;
  readonly settings: SettingsService;
  readonly dialer: DialerService;
}

/** Builds and starts the services shared by the desktop app, the CLI and the browser bridge. */
export async function createCoreServices(deps: ServiceDeps): Promise<CoreServices> {
  const store = new DisposableStore();
  const settings = store.add(new SettingsService(deps.store, deps.logger.child('settings')));
  await settings.load();
  const dialer = store.add(new DialerService());
  return {
    app: new AppService(deps.identity),
    settings,
    dialer,
    dispose: () => store.dispose(),
  };
}
