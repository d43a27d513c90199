import { defineStore } from 'pinia';
import { ref, watchEffect } from 'vue';
import { DEFAULT_SETTINGS, type AppSettings, type AppSettingsPatch, type ThemePreference } from '../../src-shared/model/settings';
import { useApi } from '../bridge';
import { toShownProblem, type ShownProblem } from './problem';

/** What the window shows before main's snapshot arrives: main's own defaults, defined once in src-shared. */
export { DEFAULT_SETTINGS };

/** Application settings, a projection of main's SettingsService (DESIGN.md rule 13). */
export const useSettingsStore = defineStore('settings', () => {
  const settings = ref<AppSettings>({ ...DEFAULT_SETTINGS });
  const error = ref<ShownProblem | null>(null);

  async function init(): Promise<void> {
    const api = useApi();
    api.events.settings.changed((next) => {
      settings.value = next;
    });
    settings.value = await api.requests.settings.get({});
  }

  /**
   * Changes some settings. The switch moves at once; main's answer (all settings) replaces it, and
   * a refusal puts the old values back and keeps main's words to show.
   */
  async function update(patch: AppSettingsPatch): Promise<void> {
    const before = settings.value;
    settings.value = { ...before, ...patch };
    try {
      error.value = null;
      settings.value = await useApi().requests.settings.update(patch);
    } catch (e) {
      settings.value = before;
      error.value = toShownProblem(e);
    }
  }

  function setTheme(theme: ThemePreference): Promise<void> {
    return update({ theme });
  }

  function dismissError(): void {
    error.value = null;
  }

  watchEffect(() => {
    const theme = settings.value.theme;
    if (theme === 'system') delete document.documentElement.dataset.theme;
    else document.documentElement.dataset.theme = theme;
  });

  return { settings, error, init, update, setTheme, dismissError };
});
