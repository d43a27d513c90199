import { defineStore } from 'pinia';
import { ref, watchEffect } from 'vue';
import type { AppSettings, ThemePreference } from '../../src-shared/model/settings';
import { useApi } from '../bridge';

/** Application settings, a projection of main's SettingsService (DESIGN.md rule 13). */
export const useSettingsStore = defineStore('settings', () => {
  const settings = ref<AppSettings>({ theme: 'system' });
  const error = ref<string | null>(null);

  async function init(): Promise<void> {
    const api = useApi();
    api.events.settings.changed((next) => {
      settings.value = next;
    });
    settings.value = await api.requests.settings.get({});
  }

  async function setTheme(theme: ThemePreference): Promise<void> {
    try {
      error.value = null;
      settings.value = await useApi().requests.settings.update({ theme });
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e);
    }
  }

  watchEffect(() => {
    const theme = settings.value.theme;
    if (theme === 'system') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = theme;
  });

  return { settings, error, init, setTheme };
});
