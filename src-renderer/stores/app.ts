import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AppInfo } from '../../src-shared/model/app-info';
import { useApi } from '../bridge';

/** Facts about the running app (About box, diagnostics). */
export const useAppStore = defineStore('app', () => {
  const info = ref<AppInfo | null>(null);
  const error = ref<string | null>(null);
  async function load(): Promise<void> {
    try {
      info.value = await useApi().requests.app.getInfo({});
    } catch (e) {
      error.value = e instanceof Error ? e.message : String(e);
    }
  }
  return { info, error, load };
});
