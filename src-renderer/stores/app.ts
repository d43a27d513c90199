import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Problem } from '../../src-shared/ipc/errors';
import type { AppInfo } from '../../src-shared/model/app-info';
import type { ProvisioningView } from '../../src-shared/model/provisioning';
import { useApi } from '../bridge';

/** Facts about the running app (About box, diagnostics), provisioning's branding, and what went wrong at start. */
export const useAppStore = defineStore('app', () => {
  const info = ref<AppInfo | null>(null);
  const error = ref<string | null>(null);
  const provisioning = ref<ProvisioningView | null>(null);
  /** Found while starting (a damaged file set aside, a password not kept, provisioning refused); shown once. */
  const startupProblems = ref<Problem[]>([]);
  async function load(): Promise<void> {
    const api = useApi().requests.app;
    // Each on its own: one that fails (an older main, a test's partial API) leaves the others.
    const attempt = <T>(f: () => Promise<T>): Promise<T> => Promise.resolve().then(f);
    const [got, prov, problems] = await Promise.allSettled([attempt(() => api.getInfo({})), attempt(() => api.provisioning({})), attempt(() => api.startupProblems({}))]);
    if (got.status === 'fulfilled') info.value = got.value;
    else error.value = got.reason instanceof Error ? got.reason.message : String(got.reason);
    if (prov.status === 'fulfilled') provisioning.value = prov.value;
    if (problems.status === 'fulfilled') startupProblems.value = problems.value;
  }
  function dismissStartupProblems(): void {
    startupProblems.value = [];
  }
  return { info, error, provisioning, startupProblems, load, dismissStartupProblems };
});
