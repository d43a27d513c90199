// @vitest-environment jsdom
import { flushPromises, mount, type DOMWrapper, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BundleResult, SdpExplanation, SipLogPage, SipLogQuery } from '../../src-shared/model/diagnostics';
import { setApi } from '../bridge';
import { logTime } from '../components/diagnostics/diagnostics-format';
import { createSoftphoneI18n } from '../i18n';
import { useAccountsStore } from '../stores/accounts';
import { useNavigationStore } from '../stores/navigation';
import { accountView, sipEntry } from '../test-support/diagnostics';
import { fakeApi } from '../test-support/fake-api';
import DiagnosticsView from './DiagnosticsView.vue';

const INVITE = 'INVITE sips:bob@pbx.example.com SIP/2.0';
const PAGE: SipLogPage = {
  entries: [sipEntry(1), sipEntry(2), sipEntry(3, { callId: 'call-a', method: 'INVITE', firstLine: INVITE, text: `${INVITE}\r\nAuthorization: Digest username="alice", response="••••"\r\n\r\n` })],
  dropped: 0,
  calls: [{ callId: 'call-a', accountId: 'work', firstLine: INVITE, time: '2026-12-06T10:01:00.000Z' }],
};

const ANSWERED: SdpExplanation = {
  status: 'answer',
  statusCode: null,
  answer: 'v=0\r\nm=audio 40000 RTP/SAVP 0\r\na=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:••••\r\n',
  summary: 'We would answer with SRTP AES_CM_128_HMAC_SHA1_80 (tag 2).',
  streams: [
    {
      media: 'audio',
      reason: 'srtp-negotiated',
      why: 'The offer came over TLS and line 2 has a suite we allow.',
      encrypted: true,
      suite: 'AES_CM_128_HMAC_SHA1_80',
      offered: [
        { tag: 1, suite: 'F8_128_HMAC_SHA1_80', verdict: 'not supported', reason: 'This phone does not do F8 mode.', chosen: false },
        { tag: 2, suite: 'AES_CM_128_HMAC_SHA1_80', verdict: 'accepted', reason: 'The first line with a suite we allow.', chosen: true },
      ],
    },
  ],
  warnings: ['The offer has no a=rtcp-mux.'],
  problem: null,
};

const REFUSED: SdpExplanation = {
  status: 'refused',
  statusCode: 488,
  answer: null,
  summary: 'We would refuse the call: SRTP is required and the offer has none.',
  streams: [{ media: 'audio', reason: 'no-acceptable-crypto', why: 'The offer is RTP/AVP without a=crypto, and media encryption is required.', encrypted: false, suite: null, offered: [] }],
  warnings: [],
  problem: null,
};

const BUNDLE: BundleResult = {
  path: '/home/alice/.config/softphone/diagnostics/softphone-diagnostics-20261206-1002.zip',
  bytes: 48_213,
  createdAt: '2026-12-06T10:02:00.000Z',
  files: [
    { name: 'sip-trace.txt', bytes: 40_120 },
    { name: 'versions.json', bytes: 312 },
  ],
};

let pinia: Pinia;
let wrapper: VueWrapper | undefined;
let fake: ReturnType<typeof fakeApi>;

async function mountView(): Promise<VueWrapper> {
  wrapper = mount(DiagnosticsView, { global: { plugins: [pinia, createSoftphoneI18n()] }, attachTo: document.body });
  await flushPromises();
  return wrapper;
}

const byLabel = (w: VueWrapper, label: string) => w.get(`[aria-label="${label}"]`);
/** The element a label names: `<label for>` or a wrapping label. */
function control(w: VueWrapper, text: string): DOMWrapper<HTMLElement> {
  const label = w.findAll('label').find((l) => l.find('span').exists() ? l.find('span').text() === text : l.text() === text);
  if (label === undefined) throw new Error(`no label "${text}"`);
  const id = label.attributes('for');
  return (id !== undefined ? w.get(`[id="${id}"]`) : label.get('input, select, textarea')) as DOMWrapper<HTMLElement>;
}
const tabs = (w: VueWrapper) => w.findAll('[role="tab"]');
const panelNamed = (w: VueWrapper, name: string): DOMWrapper<Element> => {
  const panel = w.findAll('[role="tabpanel"]').find((p) => w.get(`[id="${p.attributes('aria-labelledby')!}"]`).text() === name);
  if (panel === undefined) throw new Error(`no tabpanel "${name}"`);
  return panel;
};

describe('DiagnosticsView', () => {
  beforeEach(() => {
    pinia = createPinia();
    setActivePinia(pinia);
    fake = fakeApi({ 'diagnostics.sipLog': () => PAGE });
    setApi(fake.api);
    useAccountsStore().accounts = [accountView('work'), accountView('lab', { isDefault: false })];
  });
  afterEach(() => {
    wrapper?.unmount();
    wrapper = undefined;
  });

  it('tabs: SIP log, SDP check, Bundle with a roving tabindex; arrows, Home and End move and focus', async () => {
    const w = await mountView();
    expect(w.get('h1').text()).toBe('Diagnostics');
    const list = w.get('[role="tablist"]');
    expect(list.attributes('aria-label')).toBe('Diagnostics');
    expect(tabs(w).map((t) => t.text())).toEqual(['SIP log', 'SDP check', 'Bundle']);
    expect(tabs(w).map((t) => [t.attributes('aria-selected'), t.attributes('tabindex')])).toEqual([
      ['true', '0'],
      ['false', '-1'],
      ['false', '-1'],
    ]);
    for (const t of tabs(w)) expect(w.get(`[id="${t.attributes('aria-controls')!}"]`).attributes('role')).toBe('tabpanel');
    expect(panelNamed(w, 'SIP log').isVisible()).toBe(true);

    (tabs(w)[0]!.element as HTMLElement).focus();
    await tabs(w)[0]!.trigger('keydown', { key: 'ArrowRight' });
    await flushPromises();
    expect(tabs(w)[1]!.attributes('aria-selected')).toBe('true');
    expect(tabs(w)[1]!.attributes('tabindex')).toBe('0');
    expect(tabs(w)[0]!.attributes('tabindex')).toBe('-1');
    expect(document.activeElement).toBe(tabs(w)[1]!.element);
    expect(panelNamed(w, 'SDP check').isVisible()).toBe(true);
    expect(panelNamed(w, 'SIP log').isVisible()).toBe(false);

    await tabs(w)[1]!.trigger('keydown', { key: 'End' });
    await flushPromises();
    expect(document.activeElement).toBe(tabs(w)[2]!.element);
    await tabs(w)[2]!.trigger('keydown', { key: 'ArrowRight' }); // wraps
    await flushPromises();
    expect(document.activeElement).toBe(tabs(w)[0]!.element);
    await tabs(w)[0]!.trigger('keydown', { key: 'ArrowLeft' });
    await flushPromises();
    expect(tabs(w)[2]!.attributes('aria-selected')).toBe('true');
    await tabs(w)[2]!.trigger('keydown', { key: 'Home' });
    await flushPromises();
    expect(tabs(w)[0]!.attributes('aria-selected')).toBe('true');
  });

  it('SIP log: every message by time, direction and first line; new ones appended live, each once; one opens whole', async () => {
    const w = await mountView();
    expect(fake.calls.filter((c) => c.channel === 'diagnostics.sipLog').map((c) => c.payload)).toEqual([{ limit: 1000 }]);
    const list = byLabel(w, 'SIP messages');
    expect(list.element.tagName).toBe('UL');
    const names = () => list.findAll('li > button').map((b) => b.attributes('aria-label'));
    expect(names()).toEqual([
      `${logTime(PAGE.entries[0]!.time)} Sent REGISTER sips:pbx.example.com SIP/2.0`,
      `${logTime(PAGE.entries[1]!.time)} Received SIP/2.0 200 OK`,
      `${logTime(PAGE.entries[2]!.time)} Sent ${INVITE}`,
    ]);
    expect(names()[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} Sent /);

    fake.emit('diagnostics.sipMessage', sipEntry(4));
    fake.emit('diagnostics.sipMessage', sipEntry(4));
    fake.emit('diagnostics.sipMessage', sipEntry(2));
    await flushPromises();
    expect(names()).toHaveLength(4);
    expect(names()[3]).toContain('Received SIP/2.0 200 OK');

    const region = () => w.get('[role="region"]');
    expect(w.get(`[id="${region().attributes('aria-labelledby')!}"]`).text()).toBe('SIP message');
    expect(region().find('pre').exists()).toBe(false);
    const invite = list.findAll('li > button')[2]!;
    expect(invite.attributes('aria-controls')).toBe(region().attributes('id'));
    expect(invite.attributes('aria-expanded')).toBe('false');
    await invite.trigger('click');
    expect(invite.attributes('aria-expanded')).toBe('true');
    expect(region().text()).toContain('Sent to 127.0.0.1:5061 over TLS · 403 bytes');
    expect(region().get('pre').text()).toContain('response="••••"');
    expect(w.text()).toContain('Passwords, digest responses and SRTP keys are masked.');

    // The search box filters first lines here, without asking main.
    const search = control(w, 'Filter messages');
    expect(search.attributes('type')).toBe('search');
    await search.setValue('invite');
    expect(names()).toEqual([`${logTime(PAGE.entries[2]!.time)} Sent ${INVITE}`]);
    expect(fake.calls.filter((c) => c.channel === 'diagnostics.sipLog')).toHaveLength(1);
    await search.setValue('nothing like this');
    expect(w.text()).toContain('No message matches “nothing like this”.');
  });

  it('SIP log: the Call filter asks main for that call, and live messages of other calls stay out; Follow live off pauses', async () => {
    fake.handle('diagnostics.sipLog', (q) => ((q as SipLogQuery).callId === 'call-a' ? { ...PAGE, entries: [PAGE.entries[2]!] } : PAGE));
    const w = await mountView();
    const call = control(w, 'Call');
    expect(call.element.tagName).toBe('SELECT');
    expect(call.findAll('option').map((o) => o.text())).toEqual(['All calls', `${logTime(PAGE.calls[0]!.time)} · ${INVITE}`]);
    expect(control(w, 'Account').findAll('option').map((o) => o.text())).toEqual(['All accounts', 'alice@work.example.com', 'alice@lab.example.com']);
    await call.setValue('call-a');
    await flushPromises();
    expect(fake.calls.at(-1)).toEqual({ channel: 'diagnostics.sipLog', payload: { callId: 'call-a', limit: 1000 } });
    const list = byLabel(w, 'SIP messages');
    expect(list.findAll('li')).toHaveLength(1);
    fake.emit('diagnostics.sipMessage', sipEntry(5));
    fake.emit('diagnostics.sipMessage', sipEntry(6, { callId: 'call-a', method: 'INVITE', firstLine: 'SIP/2.0 100 Trying', status: 100 }));
    await flushPromises();
    expect(list.findAll('li').map((li) => li.text())).toEqual([expect.stringContaining(INVITE), expect.stringContaining('SIP/2.0 100 Trying')]);

    const follow = control(w, 'Follow live');
    expect(follow.attributes('role')).toBe('switch');
    expect((follow.element as HTMLInputElement).checked).toBe(true);
    await follow.setValue(false);
    fake.emit('diagnostics.sipMessage', sipEntry(8, { callId: 'call-a' }));
    await flushPromises();
    expect(list.findAll('li')).toHaveLength(2);
  });

  it('"Show SIP messages" of a call opens the SIP log filtered to it', async () => {
    fake.handle('diagnostics.sipLog', (q) => ((q as SipLogQuery).callId === 'call-a' ? { ...PAGE, entries: [PAGE.entries[2]!] } : PAGE));
    const nav = useNavigationStore();
    nav.showSipLog('call-a');
    expect(nav.current).toBe('diagnostics');
    const w = await mountView();
    expect(fake.calls.filter((c) => c.channel === 'diagnostics.sipLog').map((c) => c.payload)).toEqual([{ callId: 'call-a', limit: 1000 }]);
    expect(tabs(w)[0]!.attributes('aria-selected')).toBe('true');
    expect((control(w, 'Call').element as HTMLSelectElement).value).toBe('call-a');
    expect(byLabel(w, 'SIP messages').findAll('li')).toHaveLength(1);
  });

  it('"Export log" downloads main’s text under main’s file name', async () => {
    fake.handle('diagnostics.exportSipLog', () => ({ text: 'REGISTER …', count: 3, fileName: 'sip-log-20261206-1002.txt' }));
    const created: Blob[] = [];
    URL.createObjectURL = vi.fn((b: Blob) => (created.push(b), 'blob:sip-log'));
    URL.revokeObjectURL = vi.fn();
    const clicked: string[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this.download);
    });
    const w = await mountView();
    await w.findAll('button').find((b) => b.text() === 'Export log')!.trigger('click');
    await flushPromises();
    expect(fake.calls.at(-1)).toEqual({ channel: 'diagnostics.exportSipLog', payload: { limit: 5000 } });
    expect(clicked).toEqual(['sip-log-20261206-1002.txt']);
    expect(await created[0]!.text()).toBe('REGISTER …');
    click.mockRestore();
  });

  it('SDP check: main’s verdict per crypto line in a table, the chosen one marked, and our answer', async () => {
    fake.handle('diagnostics.explainSdp', () => ANSWERED);
    const w = await mountView();
    await tabs(w)[1]!.trigger('click');
    const offer = control(w, 'SDP offer');
    expect(offer.element.tagName).toBe('TEXTAREA');
    expect(offer.attributes('placeholder')).toContain('a=crypto:1 AES_CM_128_HMAC_SHA1_80');
    expect(control(w, 'Media encryption').findAll('option').map((o) => o.text())).toEqual(['Required', 'If the other side supports it', 'Off']);
    expect(control(w, 'Arrived over').findAll('option').map((o) => o.text())).toEqual(['TLS', 'TCP', 'UDP']);
    await offer.setValue('v=0\nm=audio 49170 RTP/SAVP 0\na=crypto:1 F8_128_HMAC_SHA1_80 inline:x\n');
    await control(w, 'Media encryption').setValue('optional');
    await control(w, 'Arrived over').setValue('udp');
    await control(w, 'Allow SRTP keys over an unencrypted hop').setValue(true);
    await w.findAll('button').find((b) => b.text() === 'Explain')!.trigger('submit');
    await flushPromises();
    expect(fake.calls.at(-1)).toEqual({
      channel: 'diagnostics.explainSdp',
      payload: { sdp: 'v=0\r\nm=audio 49170 RTP/SAVP 0\r\na=crypto:1 F8_128_HMAC_SHA1_80 inline:x\r\n', policy: 'optional', transport: 'udp', allowInsecure: true },
    });

    const region = byLabel(w, 'SDP explanation');
    expect(region.attributes('role')).toBe('region');
    expect(region.get('h3').text()).toBe(ANSWERED.summary);
    expect(region.text()).toContain('The offer came over TLS and line 2 has a suite we allow.');
    const table = byLabel(w, 'Offered crypto lines');
    expect(table.findAll('th').map((h) => h.text())).toEqual(['Tag', 'Suite', 'Verdict', 'Why']);
    const rows = table.findAll('tbody tr');
    expect(rows.map((r) => r.findAll('td').map((d) => d.text().replace(/\s+/g, ' ')))).toEqual([
      ['1', 'F8_128_HMAC_SHA1_80', 'not supported', 'This phone does not do F8 mode.'],
      ['2', 'AES_CM_128_HMAC_SHA1_80', 'Chosen accepted', 'The first line with a suite we allow.'],
    ]);
    expect(region.text()).toContain('The offer has no a=rtcp-mux.');
    const answer = region.findAll('h4').find((h) => h.text() === 'Our answer');
    expect(answer).toBeDefined();
    expect(region.get('pre').text()).toContain('a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:••••');
  });

  it('SDP check: a refused offer says "Refused with 488" and shows no answer; an error request shows main’s words', async () => {
    fake.handle('diagnostics.explainSdp', () => REFUSED);
    const w = await mountView();
    await tabs(w)[1]!.trigger('click');
    await control(w, 'SDP offer').setValue('v=0\nm=audio 49170 RTP/AVP 0\n');
    await w.get('form').trigger('submit');
    await flushPromises();
    const region = byLabel(w, 'SDP explanation');
    expect(region.get('h3').text()).toBe(REFUSED.summary);
    expect(region.text()).toContain('Refused with 488');
    expect(region.find('pre').exists()).toBe(false);
    expect(region.text()).toContain('The offer has no a=crypto lines.');

    fake.handle('diagnostics.explainSdp', () => {
      throw { code: 'invalid-argument', message: 'The offer is too long.', hint: 'Paste one SDP body.' };
    });
    await w.get('form').trigger('submit');
    await flushPromises();
    expect(w.get('[role="alert"]').text()).toContain('The offer is too long.');
    expect(w.find('[aria-label="SDP explanation"]').exists()).toBe(false);
  });

  it('Bundle: "Creating…" while main writes it, then where it was saved and what is in it', async () => {
    let done: (b: BundleResult) => void = () => undefined;
    fake.handle('diagnostics.writeBundle', () => new Promise<BundleResult>((r) => (done = r)));
    const w = await mountView();
    await tabs(w)[2]!.trigger('click');
    const panel = panelNamed(w, 'Bundle');
    expect(panel.text()).toContain('Passwords, digest responses and SRTP keys are removed.');
    const create = panel.findAll('button').find((b) => b.text() === 'Create diagnostics bundle')!;
    await create.trigger('click');
    await flushPromises();
    expect(fake.calls.at(-1)).toEqual({ channel: 'diagnostics.writeBundle', payload: {} });
    const status = panel.get('[role="status"]');
    expect(status.text()).toBe('Creating…');
    expect(create.attributes('disabled')).toBeDefined();
    done(BUNDLE);
    await flushPromises();
    expect(status.text()).toBe(`Saved to ${BUNDLE.path}`);
    const files = byLabel(w, 'Bundle contents');
    expect(files.findAll('li').map((li) => li.text().replace(/\s+/g, ' '))).toEqual(['sip-trace.txt 40 kB', 'versions.json 312 B']);
  });
});
