import { AckSchema, AppInfoSchema, AppSettingsPatchSchema, AppSettingsSchema, DialRequestSchema, EmptySchema, OpenUriSchema } from './schemas.js';
import { event, request } from './define.js';

/**
 * The one door between processes (DESIGN.md rule 2). Every channel is named here once:
 * requests (renderer → main, answered) and events (main → renderer). The preload API, the
 * WebSocket carrier and main's dispatcher are all generated from this object; a channel added
 * here without a main-side handler fails to compile (ipc/handlers.ts) and fails a test.
 */
export const contract = {
  requests: {
    app: {
      getInfo: request(EmptySchema, AppInfoSchema, 'Name, version, platform and carrier of the running app.'),
    },
    settings: {
      get: request(EmptySchema, AppSettingsSchema, 'The current application settings.'),
      update: request(AppSettingsPatchSchema, AppSettingsSchema, 'Changes some settings and returns all of them.'),
    },
    dialer: {
      openUri: request(OpenUriSchema, AckSchema, 'Routes a sip:, sips: or tel: URI to the dialer (as the OS does for links).'),
    },
  },
  events: {
    settings: {
      changed: event(AppSettingsSchema, 'Settings changed (from this window, another one, or provisioning).'),
    },
    dialer: {
      dialRequested: event(DialRequestSchema, 'Put this target into the dialer and bring the Phone view forward.'),
    },
  },
} as const;

export type Contract = typeof contract;
