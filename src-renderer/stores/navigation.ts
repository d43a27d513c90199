import { defineStore } from 'pinia';
import { ref } from 'vue';

/** The nav items, in order (labels are i18n keys under `common.nav`). */
export const VIEWS = [{ id: 'phone' }, { id: 'history' }, { id: 'accounts' }, { id: 'certificates' }, { id: 'settings' }] as const;

export type ViewId = (typeof VIEWS)[number]['id'];

export const useNavigationStore = defineStore('navigation', () => {
  const current = ref<ViewId>('phone');
  /** The account wizard over the current view: null (closed), 'new', or the id of an account being edited. */
  const wizard = ref<'new' | { edit: string } | null>(null);
  /** For the certificate panel (issue 13): the account whose certificate to show. */
  const certificateAccount = ref<string | null>(null);

  function go(view: ViewId): void {
    current.value = view;
  }

  function openWizard(edit?: string): void {
    wizard.value = edit === undefined ? 'new' : { edit };
  }

  function closeWizard(): void {
    wizard.value = null;
  }

  function showCertificate(accountId: string | null): void {
    certificateAccount.value = accountId;
    wizard.value = null;
    current.value = 'certificates';
  }

  return { current, wizard, certificateAccount, go, openWizard, closeWizard, showCertificate };
});
