// @vitest-environment jsdom
import { flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { SipLogPage, SipLogQuery } from '../../src-shared/model/diagnostics';
import { setApi } from '../bridge';
import { sipEntry } from '../test-support/diagnostics';
import { fakeApi } from '../test-support/fake-api';
import { SIP_LOG_CAP, useDiagnosticsStore } from './diagnostics';

describe('diagnostics store: the SIP log', () => {
  let fake: ReturnType<typeof fakeApi>;
  let page: SipLogPage;
  beforeEach(() => {
    setActivePinia(createPinia());
    page = { entries: [sipEntry(1), sipEntry(2)], dropped: 0, calls: [{ callId: 'call-a', accountId: 'work', firstLine: 'INVITE sips:bob@pbx.example.com SIP/2.0', time: '2026-12-06T10:01:00.000Z' }] };
    fake = fakeApi({ 'diagnostics.sipLog': () => page });
    setApi(fake.api);
  });

  it('subscribes before it loads: a message that arrives while the page is on its way is kept, once', async () => {
    let answer: (p: SipLogPage) => void = () => undefined;
    fake.handle('diagnostics.sipLog', () => new Promise<SipLogPage>((r) => (answer = r)));
    const store = useDiagnosticsStore();
    const opened = store.open();
    await flushPromises();
    // Seq 2 is also in the page; seq 3 is only live.
    fake.emit('diagnostics.sipMessage', sipEntry(2));
    fake.emit('diagnostics.sipMessage', sipEntry(3));
    answer(page);
    await opened;
    expect(store.entries.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(fake.calls.find((c) => c.channel === 'diagnostics.sipLog')?.payload).toEqual({ limit: 1000 });
  });

  it('follows live: new messages are appended in seq order, a repeated seq is dropped', async () => {
    const store = useDiagnosticsStore();
    await store.open();
    fake.emit('diagnostics.sipMessage', sipEntry(3));
    fake.emit('diagnostics.sipMessage', sipEntry(3));
    fake.emit('diagnostics.sipMessage', sipEntry(2));
    expect(store.entries.map((e) => e.seq)).toEqual([1, 2, 3]);
    // Paused: nothing is added; following again reloads what went by.
    await store.setFollow(false);
    fake.emit('diagnostics.sipMessage', sipEntry(4));
    expect(store.entries.map((e) => e.seq)).toEqual([1, 2, 3]);
    page = { ...page, entries: [sipEntry(1), sipEntry(2), sipEntry(3), sipEntry(4)] };
    await store.setFollow(true);
    expect(store.entries.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
  });

  it('keeps at most 2000 messages, the newest', async () => {
    page = { ...page, entries: Array.from({ length: 1000 }, (_, i) => sipEntry(i + 1)) };
    const store = useDiagnosticsStore();
    await store.open();
    for (let seq = 1001; seq <= 2500; seq++) fake.emit('diagnostics.sipMessage', sipEntry(seq));
    expect(store.entries).toHaveLength(SIP_LOG_CAP);
    expect(store.entries[0]!.seq).toBe(501);
    expect(store.entries.at(-1)!.seq).toBe(2500);
  });

  it('filters by call in main (callId) and live; the search filters first lines here', async () => {
    const calls: SipLogQuery[] = [];
    fake.handle('diagnostics.sipLog', (q) => {
      calls.push(q as SipLogQuery);
      return (q as SipLogQuery).callId === 'call-a' ? { ...page, entries: [sipEntry(10, { callId: 'call-a', method: 'INVITE', firstLine: 'INVITE sips:bob@pbx.example.com SIP/2.0' })] } : page;
    });
    const store = useDiagnosticsStore();
    await store.open();
    await store.setFilter({ callId: 'call-a' });
    expect(calls.at(-1)).toEqual({ callId: 'call-a', limit: 1000 });
    expect(store.entries.map((e) => e.seq)).toEqual([10]);
    fake.emit('diagnostics.sipMessage', sipEntry(11, { callId: 'reg-1' }));
    fake.emit('diagnostics.sipMessage', sipEntry(12, { callId: 'call-a', firstLine: 'SIP/2.0 180 Ringing', status: 180, method: 'INVITE', direction: 'received' }));
    expect(store.entries.map((e) => e.seq)).toEqual([10, 12]);
    store.search = 'ringing';
    expect(store.shown.map((e) => e.seq)).toEqual([12]);
    // Another account's messages are left out live too.
    await store.setFilter({ callId: null, accountId: 'lab' });
    expect(calls.at(-1)).toEqual({ accountId: 'lab', limit: 1000 });
    fake.emit('diagnostics.sipMessage', sipEntry(13));
    expect(store.entries.some((e) => e.seq === 13)).toBe(false);
  });

  it('a call asked for by its CallView id follows main’s SIP Call-ID for it (loaded and live)', async () => {
    fake.handle('diagnostics.sipLog', (q) => ((q as SipLogQuery).callId === 'c1' ? { ...page, entries: [sipEntry(30, { callId: 'a84b4c76e66710@pc33', method: 'INVITE' })] } : page));
    const store = useDiagnosticsStore();
    await store.showCall('c1');
    await store.open();
    expect(fake.calls.at(-1)?.payload).toEqual({ callId: 'c1', limit: 1000 });
    expect(store.entries.map((e) => e.seq)).toEqual([30]);
    expect(store.filter.callId).toBe('a84b4c76e66710@pc33');
    fake.emit('diagnostics.sipMessage', sipEntry(31, { callId: 'a84b4c76e66710@pc33', method: 'INVITE' }));
    fake.emit('diagnostics.sipMessage', sipEntry(33));
    expect(store.entries.map((e) => e.seq)).toEqual([30, 31]);
  });

  it('a call first seen live joins the Call filter; closing stops listening', async () => {
    const store = useDiagnosticsStore();
    await store.open();
    fake.emit('diagnostics.sipMessage', sipEntry(21, { callId: 'call-b', method: 'INVITE', firstLine: 'INVITE sips:carol@pbx.example.com SIP/2.0' }));
    expect(store.calls.map((c) => c.callId)).toEqual(['call-b', 'call-a']);
    store.close();
    fake.emit('diagnostics.sipMessage', sipEntry(23));
    expect(store.entries.some((e) => e.seq === 23)).toBe(false);
  });

  it('a refused load keeps main’s words', async () => {
    fake.handle('diagnostics.sipLog', () => {
      throw { code: 'unavailable', message: 'The SIP log is not available.', hint: 'Restart the phone.' };
    });
    const store = useDiagnosticsStore();
    await store.open();
    expect(store.problem).toMatchObject({ message: 'The SIP log is not available.', hint: 'Restart the phone.' });
  });
});
