// @vitest-environment jsdom
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createI18n } from 'vue-i18n';
import type { SoftphoneApi } from '../../src-shared/ipc/client';
import type { CallView } from '../../src-shared/model/call';
import type { HistoryChanged, HistoryEntryView, HistoryPage } from '../../src-shared/model/history';
import type { VoicemailView } from '../../src-shared/model/voicemail';
import { setApi } from '../bridge';
import { history as historyMessages } from '../i18n/en/history';
import { useHistoryStore } from '../stores/history';
import { useNavigationStore } from '../stores/navigation';
import HistoryView from './HistoryView.vue';

type Req = SoftphoneApi['requests'];

function entry(n: number, over: Partial<HistoryEntryView> = {}): HistoryEntryView {
  return {
    id: `e${n}`,
    accountId: 'work',
    direction: 'outgoing',
    remote: { uri: `sips:${1000 + n}@pbx.example.com`, label: `${1000 + n}`, displayName: null },
    startedAt: new Date().toISOString(),
    durationSeconds: 75,
    answered: true,
    missed: false,
    outcome: 'hangup-local',
    status: null,
    message: 'You hung up.',
    tls: true,
    srtp: true,
    security: { level: 'secure', tlsVersion: 'TLSv1.3', verification: 'full', srtpSuite: 'AES_CM_128_HMAC_SHA1_80', summary: 'TLSv1.3, verified · SRTP AES_CM_128_HMAC_SHA1_80' },
    ...over,
  };
}

const ENTRIES = [
  entry(1, { remote: { uri: 'sips:alice@pbx.example.com', label: 'Alice Martin', displayName: 'Alice Martin' }, direction: 'incoming', answered: false, missed: true, durationSeconds: 0, outcome: 'missed', message: 'The caller hung up before you answered.' }),
  entry(2, { accountId: 'lab', security: { level: 'insecure', tlsVersion: null, verification: null, srtpSuite: null, summary: 'Signalling not encrypted · audio not encrypted' } }),
];

function fakeApi(entries: HistoryEntryView[] = ENTRIES) {
  let all = [...entries];
  const changed: ((c: HistoryChanged) => void)[] = [];
  const requests = {
    history: {
      list: vi.fn<Req['history']['list']>(async (q): Promise<HistoryPage> => {
        const s = q.search ?? '';
        const matching = all.filter((e) => e.remote.label.includes(s) && (q.filter !== 'missed' || e.missed));
        return { entries: matching.slice(q.offset ?? 0, (q.offset ?? 0) + (q.limit ?? 50)), total: matching.length, offset: q.offset ?? 0, missedUnseen: 1 };
      }),
      remove: vi.fn<Req['history']['remove']>(async ({ ids }) => {
        all = all.filter((e) => !ids.includes(e.id));
        return { done: true as const };
      }),
      clear: vi.fn<Req['history']['clear']>(async () => {
        all = [];
        return { done: true as const };
      }),
      markSeen: vi.fn<Req['history']['markSeen']>(async () => ({ total: all.length, missedUnseen: 0 })),
    },
    voicemail: { list: vi.fn<Req['voicemail']['list']>(async () => ({ mailboxes: [] as VoicemailView[] })) },
    calls: { dial: vi.fn<Req['calls']['dial']>(async () => ({}) as CallView) },
  };
  const events = {
    history: {
      changed: (l: (c: HistoryChanged) => void) => {
        changed.push(l);
        return () => undefined;
      },
    },
    voicemail: { changed: () => () => undefined },
  };
  setApi({ requests, events } as unknown as SoftphoneApi);
  return { requests };
}

let pinia: Pinia;
let wrapper: VueWrapper | undefined;

async function mountView(): Promise<VueWrapper> {
  const i18n = createI18n({ legacy: false, locale: 'en', messages: { en: { history: historyMessages } } });
  wrapper = mount(HistoryView, { global: { plugins: [pinia, i18n] }, attachTo: document.body });
  await flushPromises();
  return wrapper;
}

function byLabel(w: VueWrapper, label: string) {
  return w.get(`[aria-label="${label}"]`);
}

describe('HistoryView', () => {
  beforeEach(async () => {
    pinia = createPinia();
    setActivePinia(pinia);
  });
  afterEach(() => {
    wrapper?.unmount();
    wrapper = undefined;
    vi.useRealTimers();
  });

  it('lists every call with who, when, how it ended and how it was protected', async () => {
    const api = fakeApi();
    await useHistoryStore().init();
    const w = await mountView();
    expect(w.get('h1').text()).toBe('History');
    const list = byLabel(w, 'Calls');
    expect(list.element.tagName).toBe('UL');
    const items = list.findAll('li');
    expect(items).toHaveLength(2);
    expect(items[0]!.text()).toContain('Alice Martin');
    expect(items[0]!.text()).toContain('The caller hung up before you answered.');
    expect(items[0]!.classes()).toContain('missed');
    expect(items[0]!.find('time').exists()).toBe(true);
    expect(items[1]!.text()).toContain('1:15');
    expect(items[1]!.text()).toContain('lab');
    expect(items[1]!.get('.sec').classes()).toContain('insecure');
    expect(items[1]!.text()).toContain('Not secure:');
    expect(items[1]!.text()).toContain('Signalling not encrypted · audio not encrypted');
    // Opening the view marks the missed call seen.
    expect(api.requests.history.markSeen).toHaveBeenCalledTimes(1);
  });

  it('calls back from the entry’s account and goes to the Phone view', async () => {
    const api = fakeApi();
    await useHistoryStore().init();
    const nav = useNavigationStore();
    nav.go('history');
    const w = await mountView();
    await byLabel(w, 'Call back Alice Martin').trigger('click');
    await flushPromises();
    expect(api.requests.calls.dial).toHaveBeenCalledWith({ target: 'sips:alice@pbx.example.com', accountId: 'work' });
    expect(nav.current).toBe('phone');
  });

  it('removes one entry, and focus stays in the list', async () => {
    const api = fakeApi();
    await useHistoryStore().init();
    const w = await mountView();
    await byLabel(w, 'Remove Alice Martin from history').trigger('click');
    await flushPromises();
    expect(api.requests.history.remove).toHaveBeenCalledWith({ ids: ['e1'] });
    expect(w.findAll('li')).toHaveLength(1);
    expect(document.activeElement?.getAttribute('aria-label')).toBe('Remove 1002 from history');
  });

  it('searches once typing pauses for 150 ms', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const api = fakeApi();
    await useHistoryStore().init();
    const w = await mountView();
    const box = byLabel(w, 'Search history');
    expect(box.attributes('type')).toBe('search');
    api.requests.history.list.mockClear();
    for (const text of ['A', 'Al', 'Ali']) {
      await box.setValue(text);
      vi.advanceTimersByTime(100);
    }
    expect(api.requests.history.list).not.toHaveBeenCalled();
    vi.advanceTimersByTime(60);
    await flushPromises();
    expect(api.requests.history.list).toHaveBeenCalledTimes(1);
    expect(api.requests.history.list).toHaveBeenCalledWith({ offset: 0, limit: 50, filter: 'all', search: 'Ali' });
    expect(w.findAll('li')).toHaveLength(1);
  });

  it('filters with the "Show" radios', async () => {
    const api = fakeApi();
    await useHistoryStore().init();
    const w = await mountView();
    const group = w.get('[role="radiogroup"]');
    expect(group.attributes('aria-label')).toBe('Show');
    expect(group.findAll('label').map((l) => l.text())).toEqual(['All', 'Missed', 'Incoming', 'Outgoing']);
    await group.get('input[value="missed"]').setValue(true);
    await flushPromises();
    expect(api.requests.history.list).toHaveBeenLastCalledWith({ offset: 0, limit: 50, filter: 'missed' });
    expect(w.findAll('li')).toHaveLength(1);
  });

  it('asks before clearing: Escape cancels and focus returns, Clear clears', async () => {
    const api = fakeApi();
    await useHistoryStore().init();
    const w = await mountView();
    const clear = w.get('button.clear');
    expect(clear.text()).toBe('Clear history');
    await clear.trigger('click');
    const dialog = w.get('[role="alertdialog"]');
    expect(w.get(`#${dialog.attributes('aria-labelledby')!}`).text()).toBe('Clear the whole history?');
    expect(document.activeElement?.textContent?.trim()).toBe('Cancel');
    await dialog.trigger('keydown', { key: 'Escape' });
    await flushPromises();
    expect(w.find('[role="alertdialog"]').exists()).toBe(false);
    expect(document.activeElement).toBe(clear.element);
    expect(api.requests.history.clear).not.toHaveBeenCalled();

    await clear.trigger('click');
    const confirm = w.findAll('[role="alertdialog"] button').find((b) => b.text() === 'Clear')!;
    await confirm.trigger('click');
    await flushPromises();
    expect(api.requests.history.clear).toHaveBeenCalledTimes(1);
    expect(w.find('[role="alertdialog"]').exists()).toBe(false);
    expect(w.find('li').exists()).toBe(false);
    expect(w.text()).toContain('No calls yet.');
  });

  it('shows new voicemail per account', async () => {
    const api = fakeApi([]);
    api.requests.voicemail.list.mockResolvedValue({
      mailboxes: [{ accountId: 'work', waiting: true, newMessages: 3, oldMessages: 0, urgentNew: 0, mailbox: 'sip:*97@pbx.example.com', updatedAt: '2026-01-01T00:00:00.000Z' }],
    });
    await useHistoryStore().init();
    const w = await mountView();
    expect(w.text()).toContain('3 new voicemail messages');
    // With no account known by name, the banner says whose mailbox it is.
    const call = byLabel(w, 'Call voicemail of work');
    expect(call.text()).toBe('Call');
    await call.trigger('click');
    await flushPromises();
    expect(api.requests.calls.dial).toHaveBeenCalledWith({ target: 'sip:*97@pbx.example.com', accountId: 'work' });
  });
});
