import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { DialRequest } from '../../src-shared/model/dial-request';
import { useApi } from '../bridge';
import { useNavigationStore } from './navigation';

/** One number the person called or was called by, newest first. */
export interface RecentNumber {
  readonly target: string;
  readonly label: string;
  readonly accountId: string;
}

const RECENT_COUNT = 5;

/**
 * Cleans what was pasted or typed into the dialer: a phone number loses spaces, dashes, dots and
 * brackets (`+49 (30) 123-45` → `+493012345`); an address (`sip:`, `sips:`, `tel:`, `user@host`)
 * only loses surrounding blanks, and a `tel:` number its visual separators (RFC 3966).
 */
export function cleanDialInput(text: string): string {
  const t = text.trim();
  if (/^tel:/i.test(t)) return `tel:${t.slice(4).replace(/[\s\-.()]/g, '')}`;
  if (/^sips?:/i.test(t) || t.includes('@')) return t.replace(/\s+/g, '');
  if (/^[\s\d+\-.()*#/]+$/.test(t)) return t.replace(/[\s\-.()/]/g, '');
  return t;
}

/** What the dialer shows; fed by sip:/tel: links routed through main, and the recent calls. */
export const useDialerStore = defineStore('dialer', () => {
  const target = ref('');
  const lastRequest = ref<DialRequest | null>(null);
  /** The account picked in "Call from" (null: the default account). */
  const accountId = ref<string | null>(null);
  const recent = ref<RecentNumber[]>([]);
  /** Bumped to ask the dialer input to take focus (shortcut, link, menu). */
  const focusRequest = ref(0);
  /** The last request the dialer acted on (the Phone view may mount after the request). */
  const focusHandled = ref(0);

  async function loadRecent(): Promise<void> {
    try {
      const page = await useApi().requests.history.list({ limit: 30 });
      const seen = new Set<string>();
      const out: RecentNumber[] = [];
      for (const e of page.entries) {
        if (seen.has(e.remote.uri)) continue;
        seen.add(e.remote.uri);
        out.push({ target: e.remote.uri, label: e.remote.label, accountId: e.accountId });
        if (out.length === RECENT_COUNT) break;
      }
      recent.value = out;
    } catch {
      // The recent list is a convenience: a failure leaves the old one.
    }
  }

  function init(): void {
    const api = useApi();
    api.events.dialer.dialRequested((req) => {
      lastRequest.value = req;
      target.value = req.target;
      focus();
    });
    api.events.history.changed(() => void loadRecent());
    void loadRecent();
  }

  function press(key: string): void {
    target.value += key;
  }

  function backspace(): void {
    target.value = target.value.slice(0, -1);
  }

  function set(text: string): void {
    target.value = cleanDialInput(text);
  }

  function clear(): void {
    target.value = '';
    lastRequest.value = null;
  }

  /** Brings the dialer forward with the keyboard focus in it (a shortcut, the Call menu, New call). */
  function focus(): void {
    const nav = useNavigationStore();
    nav.closeWizard();
    nav.go('phone');
    focusRequest.value++;
  }

  return { target, lastRequest, accountId, recent, focusRequest, focusHandled, init, press, backspace, set, clear, focus, loadRecent };
});
