// @vitest-environment jsdom
import { flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { SoftphoneApi } from '../../src-shared/ipc/client';
import { IpcError } from '../../src-shared/ipc/errors';
import type { AppSettings } from '../../src-shared/model/settings';
import { setApi } from '../bridge';
import { DEFAULT_SETTINGS, useSettingsStore } from './settings';

type Req = SoftphoneApi['requests'];

/** main's SettingsService, in memory: applies patches and announces every change. */
function fakeApi(initial: Partial<AppSettings> = {}) {
  let current: AppSettings = { ...DEFAULT_SETTINGS, ...initial };
  const listeners: ((s: AppSettings) => void)[] = [];
  const log: string[] = [];
  const requests = {
    settings: {
      get: vi.fn<Req['settings']['get']>(async () => {
        log.push('settings.get');
        return current;
      }),
      update: vi.fn<Req['settings']['update']>(async (patch) => {
        current = { ...current, ...patch } as AppSettings;
        return current;
      }),
    },
  };
  const events = {
    settings: {
      changed: (l: (s: AppSettings) => void) => {
        log.push('subscribe settings.changed');
        listeners.push(l);
        return () => undefined;
      },
    },
  };
  setApi({ requests, events } as unknown as SoftphoneApi);
  return { requests, log, emit: (s: AppSettings) => listeners.forEach((l) => l(s)) };
}

describe('settings store', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    delete document.documentElement.dataset.theme;
  });

  it('subscribes to changes, then loads every setting from main', async () => {
    const api = fakeApi({ doNotDisturb: true, dndResponse: 'decline' });
    const store = useSettingsStore();
    await store.init();
    expect(api.log).toEqual(['subscribe settings.changed', 'settings.get']);
    expect(store.settings.doNotDisturb).toBe(true);
    expect(store.settings.dndResponse).toBe('decline');
    api.emit({ ...DEFAULT_SETTINGS, startAtLogin: true });
    expect(store.settings.startAtLogin).toBe(true);
    expect(store.settings.doNotDisturb).toBe(false);
  });

  it('sends a patch and shows what main answered', async () => {
    const api = fakeApi();
    const store = useSettingsStore();
    await store.init();
    const pending = store.update({ globalShortcuts: true, notifications: false });
    expect(store.settings.globalShortcuts).toBe(true);
    await pending;
    expect(api.requests.settings.update).toHaveBeenCalledWith({ globalShortcuts: true, notifications: false });
    expect(store.settings).toEqual({ ...DEFAULT_SETTINGS, globalShortcuts: true, notifications: false });
    expect(store.error).toBeNull();
  });

  it('puts the old value back and keeps main’s words when main refuses', async () => {
    const api = fakeApi();
    api.requests.settings.update.mockRejectedValueOnce(new IpcError({ code: 'setting-locked', message: 'Your administrator has locked this setting.', hint: 'Ask IT to change it.' }));
    const store = useSettingsStore();
    await store.init();
    await store.update({ startAtLogin: true });
    expect(store.settings.startAtLogin).toBe(false);
    expect(store.error).toMatchObject({ message: 'Your administrator has locked this setting.', hint: 'Ask IT to change it.' });
    await store.update({ startAtLogin: true });
    expect(store.error).toBeNull();
    expect(store.settings.startAtLogin).toBe(true);
  });

  it('applies the theme to the document', async () => {
    fakeApi();
    const store = useSettingsStore();
    await store.init();
    await store.setTheme('dark');
    await flushPromises();
    expect(document.documentElement.dataset.theme).toBe('dark');
    await store.setTheme('system');
    await flushPromises();
    expect(document.documentElement.dataset.theme).toBeUndefined();
  });
});
