import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { UiCommand } from '../../src-shared/model/app-info';

/** The nav items, in order (labels are i18n keys under `common.nav`). */
export const VIEWS = [{ id: 'phone' }, { id: 'history' }, { id: 'accounts' }, { id: 'certificates' }, { id: 'diagnostics' }, { id: 'settings' }] as const;

export type ViewId = (typeof VIEWS)[number]['id'];

export const useNavigationStore = defineStore('navigation', () => {
  const current = ref<ViewId>('phone');
  /** The account wizard over the current view: null (closed), 'new', or the id of an account being edited. */
  const wizard = ref<'new' | { edit: string } | null>(null);
  /** For the certificate panel (issue 13): the account whose certificate to show. */
  const certificateAccount = ref<string | null>(null);
  /**
   * For the SIP log (Diagnostics): which call to show (null: every call). `n` is bumped on each
   * request so the view acts on it also when it is already open, or mounts after it.
   */
  const sipLogRequest = ref<{ callId: string | null; n: number }>({ callId: null, n: 0 });

  /** Bumped to ask the call on screen to open its Transfer dialog (a shortcut, the Call menu). */
  const transferRequest = ref(0);
  const transferHandled = ref(0);

  function go(view: ViewId): void {
    current.value = view;
  }

  /** Opens Transfer for the call on screen (the Phone view acts on the request, also when it mounts after it). */
  function requestTransfer(): void {
    current.value = 'phone';
    transferRequest.value++;
  }

  /** What main asks the window to do that is about views (focus-dialer is the dialer store's). */
  function run(command: Exclude<UiCommand, 'focus-dialer'>): void {
    switch (command) {
      case 'transfer':
        requestTransfer();
        return;
      default:
        wizard.value = null;
        current.value = command.slice('show-'.length) as ViewId;
    }
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

  /** Opens Diagnostics → SIP log, filtered to one call (its SIP Call-ID: CallView.id) or to none. */
  function showSipLog(callId?: string): void {
    sipLogRequest.value = { callId: callId ?? null, n: sipLogRequest.value.n + 1 };
    wizard.value = null;
    current.value = 'diagnostics';
  }

  return { current, wizard, certificateAccount, sipLogRequest, transferRequest, transferHandled, go, requestTransfer, run, openWizard, closeWizard, showCertificate, showSipLog };
});
