import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { HistoryChanged, HistoryEntryView, HistoryPage } from '../../src-shared/model/history';
import type { VoicemailView } from '../../src-shared/model/voicemail';
import { useApi } from '../bridge';
import { useNavigationStore } from './navigation';
import { toShownProblem, type ShownProblem } from './problem';

export type HistoryFilter = 'all' | 'missed' | 'incoming' | 'outgoing';
export const HISTORY_FILTERS: readonly HistoryFilter[] = ['all', 'missed', 'incoming', 'outgoing'];

/** How many entries one page brings ("Show more" asks for the next one). */
export const HISTORY_PAGE_SIZE = 50;
/** The most main gives in one request (HistoryQuerySchema). */
const MAX_LIMIT = 200;

/**
 * The call history and the voicemail indicators (the same screen), a projection of main's
 * HistoryService: pages of entries searched and filtered in main, reloaded whenever main says the
 * history changed. The missed-call count comes from main; the view marks it seen while it is open.
 */
export const useHistoryStore = defineStore('history', () => {
  const entries = ref<HistoryEntryView[]>([]);
  /** How many entries match the search and filter in all. */
  const total = ref(0);
  const missedUnseen = ref(0);
  /** Entries in the whole history, whatever the search (from main's change summaries). */
  const allTotal = ref(0);
  const search = ref('');
  const filter = ref<HistoryFilter>('all');
  const loading = ref(false);
  const loaded = ref(false);
  const error = ref<ShownProblem | null>(null);
  const mailboxes = ref<VoicemailView[]>([]);
  /** The History view is on screen: new missed calls are seen as they arrive. */
  const viewOpen = ref(false);

  const hasMore = computed(() => entries.value.length < total.value);
  const voicemail = computed(() => mailboxes.value.filter((m) => m.newMessages > 0));

  /** Answers to older requests are dropped: a search typed meanwhile wins. */
  let generation = 0;
  /** Counts markSeen answers: a page asked for before one carries an older missed count. */
  let seenAnswers = 0;

  async function init(): Promise<void> {
    const api = useApi();
    api.events.history.changed((summary) => {
      onChanged(summary);
    });
    api.events.voicemail.changed((mailbox) => {
      const rest = mailboxes.value.filter((m) => m.accountId !== mailbox.accountId);
      mailboxes.value = [...rest, mailbox].sort((a, b) => a.accountId.localeCompare(b.accountId));
    });
    await Promise.all([reload(), loadVoicemail()]);
  }

  function onChanged(summary: HistoryChanged): void {
    missedUnseen.value = summary.missedUnseen;
    allTotal.value = summary.total;
    void reload().then(() => {
      if (viewOpen.value && missedUnseen.value > 0) void markSeen();
    });
  }

  async function loadVoicemail(): Promise<void> {
    try {
      const list = await useApi().requests.voicemail.list({});
      mailboxes.value = [...list.mailboxes].sort((a, b) => a.accountId.localeCompare(b.accountId));
    } catch (e) {
      error.value = toShownProblem(e);
    }
  }

  function query(offset: number, limit: number) {
    const s = search.value.trim();
    return { offset, limit, filter: filter.value, ...(s === '' ? {} : { search: s.slice(0, 128) }) };
  }

  /** Fetches `count` entries from `offset`, in as many requests as main's page limit needs. */
  async function fetchRange(offset: number, count: number): Promise<HistoryPage> {
    const api = useApi();
    let page = await api.requests.history.list(query(offset, Math.min(count, MAX_LIMIT)));
    const got = [...page.entries];
    while (got.length < count && offset + got.length < page.total && page.entries.length > 0) {
      page = await api.requests.history.list(query(offset + got.length, Math.min(count - got.length, MAX_LIMIT)));
      got.push(...page.entries);
    }
    return { ...page, entries: got, offset };
  }

  async function run(offset: number, count: number, apply: (page: HistoryPage) => void): Promise<void> {
    const mine = ++generation;
    const seenBefore = seenAnswers;
    loading.value = true;
    try {
      const page = await fetchRange(offset, count);
      if (mine !== generation) return;
      apply(page);
      total.value = page.total;
      if (seenBefore === seenAnswers) missedUnseen.value = page.missedUnseen;
      if (filter.value === 'all' && search.value.trim() === '') allTotal.value = page.total;
      loaded.value = true;
      error.value = null;
    } catch (e) {
      if (mine === generation) error.value = toShownProblem(e);
    } finally {
      if (mine === generation) loading.value = false;
    }
  }

  /** Reloads what is shown (at least one page, as many as "Show more" had loaded). */
  function reload(): Promise<void> {
    const count = Math.max(HISTORY_PAGE_SIZE, Math.ceil(entries.value.length / HISTORY_PAGE_SIZE) * HISTORY_PAGE_SIZE);
    return run(0, count, (page) => {
      entries.value = page.entries;
    });
  }

  /** The next page, after what is shown. */
  function showMore(): Promise<void> {
    const offset = entries.value.length;
    return run(offset, HISTORY_PAGE_SIZE, (page) => {
      const known = new Set(entries.value.map((e) => e.id));
      entries.value = [...entries.value, ...page.entries.filter((e) => !known.has(e.id))];
    });
  }

  /** A new search or filter starts again from the first page (what is shown stays until it arrives). */
  function firstPage(): Promise<void> {
    return run(0, HISTORY_PAGE_SIZE, (page) => {
      entries.value = page.entries;
    });
  }

  function setSearch(text: string): Promise<void> {
    search.value = text;
    return firstPage();
  }

  function setFilter(next: HistoryFilter): Promise<void> {
    filter.value = next;
    return firstPage();
  }

  async function markSeen(): Promise<void> {
    try {
      const summary = await useApi().requests.history.markSeen({});
      seenAnswers++;
      missedUnseen.value = summary.missedUnseen;
      allTotal.value = summary.total;
    } catch (e) {
      error.value = toShownProblem(e);
    }
  }

  /** The History view opened (marks missed calls seen) or closed. */
  function setViewOpen(open: boolean): void {
    viewOpen.value = open;
    if (open) void markSeen();
  }

  async function remove(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    try {
      error.value = null;
      await useApi().requests.history.remove({ ids: [...ids] });
      const gone = new Set(ids);
      entries.value = entries.value.filter((e) => !gone.has(e.id));
    } catch (e) {
      error.value = toShownProblem(e);
    }
    await reload();
  }

  async function clear(): Promise<void> {
    try {
      error.value = null;
      await useApi().requests.history.clear({});
      entries.value = [];
    } catch (e) {
      error.value = toShownProblem(e);
    }
    await reload();
  }

  /** Calls the other party again from the same account, and shows the call on the Phone view. */
  async function callBack(entry: HistoryEntryView): Promise<void> {
    await dial(entry.remote.uri, entry.accountId);
  }

  /** Calls an account's mailbox. */
  async function callVoicemail(mailbox: VoicemailView): Promise<void> {
    if (mailbox.mailbox !== null) await dial(mailbox.mailbox, mailbox.accountId);
  }

  async function dial(target: string, accountId: string): Promise<void> {
    try {
      error.value = null;
      await useApi().requests.calls.dial({ target, accountId });
      useNavigationStore().go('phone');
    } catch (e) {
      error.value = toShownProblem(e);
    }
  }

  function dismissError(): void {
    error.value = null;
  }

  return {
    entries,
    total,
    missedUnseen,
    allTotal,
    search,
    filter,
    loading,
    loaded,
    error,
    mailboxes,
    voicemail,
    viewOpen,
    hasMore,
    init,
    reload,
    showMore,
    setSearch,
    setFilter,
    markSeen,
    setViewOpen,
    remove,
    clear,
    callBack,
    callVoicemail,
    dismissError,
  };
});
