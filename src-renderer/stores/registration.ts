import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { RegistrationView } from '../../src-shared/model/registration';
import { useApi } from '../bridge';

/** Every account's live registration, fed by `registration.changed` (seeded by accounts.list). */
export const useRegistrationStore = defineStore('registration', () => {
  const byAccount = ref<Record<string, RegistrationView>>({});

  function init(): void {
    useApi().events.registration.changed((r) => {
      byAccount.value = { ...byAccount.value, [r.accountId]: r };
    });
  }

  /** The snapshot from accounts.list (events that arrived first win: they are newer). */
  function seed(list: readonly RegistrationView[]): void {
    const next: Record<string, RegistrationView> = {};
    for (const r of list) next[r.accountId] = r;
    byAccount.value = { ...next, ...byAccount.value };
  }

  function forget(accountId: string): void {
    const { [accountId]: _gone, ...rest } = byAccount.value;
    byAccount.value = rest;
  }

  function of(accountId: string): RegistrationView | null {
    return byAccount.value[accountId] ?? null;
  }

  /** One word for the whole phone (the tray and the header): failed beats connecting beats registered. */
  const overall = computed<'none' | 'registered' | 'connecting' | 'failed' | 'unregistered'>(() => {
    const all = Object.values(byAccount.value);
    if (all.length === 0) return 'none';
    if (all.some((r) => r.state === 'failed')) return 'failed';
    if (all.some((r) => r.state === 'connecting')) return 'connecting';
    if (all.some((r) => r.state === 'registered')) return 'registered';
    return 'unregistered';
  });

  return { byAccount, overall, init, seed, forget, of };
});
