// @vitest-environment jsdom
import { flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { SoftphoneApi } from '../../src-shared/ipc/client';
import { IpcError } from '../../src-shared/ipc/errors';
import type { CallView } from '../../src-shared/model/call';
import type { HistoryChanged, HistoryEntryView, HistoryPage } from '../../src-shared/model/history';
import type { VoicemailView } from '../../src-shared/model/voicemail';
import { setApi } from '../bridge';
import { HISTORY_PAGE_SIZE, useHistoryStore } from './history';
import { useNavigationStore } from './navigation';

type Req = SoftphoneApi['requests'];
type Query = Parameters<Req['history']['list']>[0];

function hub<T>() {
  const listeners = new Set<(payload: T) => void>();
  return {
    on: (l: (payload: T) => void) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    emit: (payload: T) => listeners.forEach((l) => l(payload)),
    get size() {
      return listeners.size;
    },
  };
}

function entry(n: number, over: Partial<HistoryEntryView> = {}): HistoryEntryView {
  return {
    id: `e${n}`,
    accountId: 'work',
    direction: 'incoming',
    remote: { uri: `sips:${1000 + n}@pbx.example.com`, label: `${1000 + n}`, displayName: null },
    startedAt: new Date(Date.UTC(2026, 0, 1, 12, 0, n)).toISOString(),
    durationSeconds: 30,
    answered: true,
    missed: false,
    outcome: 'hangup-remote',
    status: null,
    message: 'The other party hung up.',
    tls: true,
    srtp: true,
    security: { level: 'secure', tlsVersion: 'TLSv1.3', verification: 'full', srtpSuite: 'AES_CM_128_HMAC_SHA1_80', summary: 'TLSv1.3, verified · SRTP AES_CM_128_HMAC_SHA1_80' },
    ...over,
  };
}

/** A history of `count` entries in main, answering pages like HistoryService.list does. */
function fakeApi(count: number) {
  let all = Array.from({ length: count }, (_, i) => entry(i));
  let missedUnseen = 0;
  const changed = hub<HistoryChanged>();
  const voicemailChanged = hub<VoicemailView>();
  const log: string[] = [];
  const requests = {
    history: {
      list: vi.fn<Req['history']['list']>(async (q: Query): Promise<HistoryPage> => {
        log.push('history.list');
        const offset = q.offset ?? 0;
        const limit = q.limit ?? 50;
        const needle = q.search?.toLowerCase() ?? '';
        const matching = all.filter((e) => (q.filter === 'missed' ? e.missed : q.filter === undefined || q.filter === 'all' ? true : e.direction === q.filter) && e.remote.label.includes(needle));
        return { entries: matching.slice(offset, offset + limit), total: matching.length, offset, missedUnseen };
      }),
      remove: vi.fn<Req['history']['remove']>(async ({ ids }) => {
        all = all.filter((e) => !ids.includes(e.id));
        return { done: true as const };
      }),
      clear: vi.fn<Req['history']['clear']>(async () => {
        all = [];
        return { done: true as const };
      }),
      markSeen: vi.fn<Req['history']['markSeen']>(async () => {
        missedUnseen = 0;
        return { total: all.length, missedUnseen };
      }),
    },
    voicemail: {
      list: vi.fn<Req['voicemail']['list']>(async () => ({ mailboxes: [] })),
    },
    calls: {
      dial: vi.fn<Req['calls']['dial']>(async () => ({}) as CallView),
    },
  };
  const events = {
    history: {
      changed: (l: (p: HistoryChanged) => void) => {
        log.push('subscribe history.changed');
        return changed.on(l);
      },
    },
    voicemail: { changed: voicemailChanged.on },
  };
  setApi({ requests, events } as unknown as SoftphoneApi);
  return {
    requests,
    changed,
    voicemailChanged,
    log,
    setMissed: (n: number) => {
      missedUnseen = n;
    },
    add: (e: HistoryEntryView) => {
      all = [e, ...all];
    },
  };
}

describe('history store', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
  });

  it('subscribes to changes before it loads the first page of 50', async () => {
    const api = fakeApi(120);
    const history = useHistoryStore();
    await history.init();
    expect(api.log.slice(0, 2)).toEqual(['subscribe history.changed', 'history.list']);
    expect(api.requests.history.list).toHaveBeenCalledWith({ offset: 0, limit: HISTORY_PAGE_SIZE, filter: 'all' });
    expect(history.entries).toHaveLength(50);
    expect(history.total).toBe(120);
    expect(history.hasMore).toBe(true);
  });

  it('"Show more" loads the next page, and a change reloads everything that was shown', async () => {
    const api = fakeApi(120);
    const history = useHistoryStore();
    await history.init();
    await history.showMore();
    expect(api.requests.history.list).toHaveBeenLastCalledWith({ offset: 50, limit: 50, filter: 'all' });
    expect(history.entries.map((e) => e.id).slice(48, 52)).toEqual(['e48', 'e49', 'e50', 'e51']);
    api.add(entry(500, { missed: true, answered: false }));
    api.setMissed(1);
    api.changed.emit({ total: 121, missedUnseen: 1 });
    await flushPromises();
    expect(api.requests.history.list).toHaveBeenLastCalledWith({ offset: 0, limit: 100, filter: 'all' });
    expect(history.entries[0]!.id).toBe('e500');
    expect(history.entries).toHaveLength(100);
    expect(history.missedUnseen).toBe(1);
    expect(history.allTotal).toBe(121);
  });

  it('searches and filters in main, from the first page', async () => {
    const api = fakeApi(30);
    const history = useHistoryStore();
    await history.init();
    await history.setSearch('  1002 ');
    expect(api.requests.history.list).toHaveBeenLastCalledWith({ offset: 0, limit: 50, filter: 'all', search: '1002' });
    expect(history.entries.map((e) => e.id)).toEqual(['e2']);
    await history.setFilter('outgoing');
    expect(api.requests.history.list).toHaveBeenLastCalledWith({ offset: 0, limit: 50, filter: 'outgoing', search: '1002' });
    expect(history.entries).toEqual([]);
    expect(history.total).toBe(0);
  });

  it('drops the answer to an older search when a newer one was asked', async () => {
    const api = fakeApi(10);
    const history = useHistoryStore();
    await history.init();
    let release: () => void = () => undefined;
    const slow = new Promise<void>((r) => (release = r));
    const real = api.requests.history.list.getMockImplementation()!;
    api.requests.history.list.mockImplementationOnce(async (q) => {
      await slow;
      return real(q);
    });
    const first = history.setSearch('1001');
    const second = history.setSearch('1003');
    await second;
    release();
    await first;
    expect(history.entries.map((e) => e.id)).toEqual(['e3']);
  });

  it('marks missed calls seen when the view opens, and while it stays open', async () => {
    const api = fakeApi(3);
    api.setMissed(2);
    const history = useHistoryStore();
    await history.init();
    expect(history.missedUnseen).toBe(2);
    history.setViewOpen(true);
    await flushPromises();
    expect(api.requests.history.markSeen).toHaveBeenCalledTimes(1);
    expect(history.missedUnseen).toBe(0);

    api.setMissed(1);
    api.changed.emit({ total: 4, missedUnseen: 1 });
    await flushPromises();
    expect(api.requests.history.markSeen).toHaveBeenCalledTimes(2);
    expect(history.missedUnseen).toBe(0);

    history.setViewOpen(false);
    api.setMissed(1);
    api.changed.emit({ total: 5, missedUnseen: 1 });
    await flushPromises();
    expect(api.requests.history.markSeen).toHaveBeenCalledTimes(2);
    expect(history.missedUnseen).toBe(1);
  });

  it('removes entries and clears the history through main', async () => {
    const api = fakeApi(3);
    const history = useHistoryStore();
    await history.init();
    await history.remove(['e1']);
    expect(api.requests.history.remove).toHaveBeenCalledWith({ ids: ['e1'] });
    expect(history.entries.map((e) => e.id)).toEqual(['e0', 'e2']);
    await history.clear();
    expect(api.requests.history.clear).toHaveBeenCalledWith({});
    expect(history.entries).toEqual([]);
    expect(history.total).toBe(0);
  });

  it('calls back from the same account and shows the Phone view', async () => {
    const api = fakeApi(2);
    const history = useHistoryStore();
    const nav = useNavigationStore();
    nav.go('history');
    await history.init();
    await history.callBack(entry(1, { accountId: 'lab' }));
    expect(api.requests.calls.dial).toHaveBeenCalledWith({ target: 'sips:1001@pbx.example.com', accountId: 'lab' });
    expect(nav.current).toBe('phone');
  });

  it('keeps main’s words when a request fails, and stays on the view', async () => {
    const api = fakeApi(2);
    api.requests.calls.dial.mockRejectedValueOnce(new IpcError({ code: 'call-account-not-connected', message: 'The account is not connected.', hint: 'Check it on the Accounts screen.' }));
    const history = useHistoryStore();
    const nav = useNavigationStore();
    nav.go('history');
    await history.init();
    await history.callBack(entry(1));
    expect(history.error).toMatchObject({ message: 'The account is not connected.', hint: 'Check it on the Accounts screen.' });
    expect(nav.current).toBe('history');
    history.dismissError();
    expect(history.error).toBeNull();
  });

  it('shows accounts with new voicemail, from the list and from changes', async () => {
    const api = fakeApi(0);
    const vm = (accountId: string, newMessages: number): VoicemailView => ({ accountId, waiting: newMessages > 0, newMessages, oldMessages: 0, urgentNew: 0, mailbox: null, updatedAt: '2026-01-01T00:00:00.000Z' });
    api.requests.voicemail.list.mockResolvedValueOnce({ mailboxes: [vm('work', 2), vm('lab', 0)] });
    const history = useHistoryStore();
    await history.init();
    expect(history.voicemail.map((m) => [m.accountId, m.newMessages])).toEqual([['work', 2]]);
    api.voicemailChanged.emit(vm('lab', 1));
    api.voicemailChanged.emit(vm('work', 0));
    expect(history.voicemail.map((m) => [m.accountId, m.newMessages])).toEqual([['lab', 1]]);
  });
});
