import type { Contract } from '../../src-shared/ipc/contract.js';
import type { AppService } from '../services/app/app-service.js';
import type { DialerService } from '../services/dialer/dialer-service.js';
import type { SettingsService } from '../services/settings/settings-service.js';
import type { Bindings } from './bindings-types.js';

/** The services one face of the app talks to. Built by app/ or cli/ and handed in. */
export interface Services {
  readonly app: AppService;
  readonly settings: SettingsService;
  readonly dialer: DialerService;
}

/**
 * Binds every contract channel to a service. The `Bindings<Contract>` type makes a channel
 * without a handler a compile error; ipc.contract.test.ts checks the same at run time.
 */
export function createBindings(services: Services): Bindings<Contract> {
  return {
    requests: {
      app: {
        getInfo: () => services.app.getInfo(),
      },
      settings: {
        get: () => services.settings.get(),
        update: (patch) => services.settings.update(patch),
      },
      dialer: {
        openUri: ({ uri }) => {
          services.dialer.openUri(uri, 'ui');
          return { done: true };
        },
      },
    },
    events: {
      settings: {
        changed: services.settings.onDidChange,
      },
      dialer: {
        dialRequested: services.dialer.onDialRequested,
      },
    },
  };
}
