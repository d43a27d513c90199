// @vitest-environment jsdom
import { flushPromises, mount, type DOMWrapper, type VueWrapper } from '@vue/test-utils';
import { createPinia, setActivePinia, type Pinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TestStepView } from '../../../src-shared/model/connection-test';
import { setApi } from '../../bridge';
import { createSoftphoneI18n } from '../../i18n';
import { useAccountsStore, type ConnectionTestRun } from '../../stores/accounts';
import { useNavigationStore } from '../../stores/navigation';
import { accountView } from '../../test-support/diagnostics';
import { fakeApi } from '../../test-support/fake-api';
import ConnectionTestDialog from './ConnectionTestDialog.vue';
import ConnectionTestReport from './ConnectionTestReport.vue';

const step = (name: TestStepView['step'], status: TestStepView['status'], over: Partial<TestStepView> = {}): TestStepView => ({
  testId: 't1',
  step: name,
  status,
  summary: '',
  durationMs: status === 'running' || status === 'skipped' ? null : 12,
  details: [],
  problem: null,
  report: null,
  ...over,
});

const REFUSED = { code: 'connection-refused' as const, message: 'The server refused the connection.', hint: 'Check the server address and port, and that the phone system is running.' };
const FAILED_RUN: ConnectionTestRun = {
  testId: 't1',
  accountId: 'work',
  running: false,
  steps: [
    step('dns', 'passed', { summary: '127.0.0.1:5061 via SRV', details: ['NAPTR pbx.example.com: none', 'SRV _sips._tcp.pbx.example.com → pbx.example.com:5061', 'A pbx.example.com → 127.0.0.1'] }),
    step('connect', 'failed', { summary: 'Connection refused by 127.0.0.1:5061', durationMs: 3.4, details: ['127.0.0.1:5061 refused'], problem: REFUSED }),
    step('tls', 'skipped', { summary: 'Not tried: no connection.' }),
    step('certificate', 'skipped'),
    step('register', 'skipped'),
    step('media', 'skipped'),
  ],
  result: null,
};

let pinia: Pinia;
let wrapper: VueWrapper | undefined;

const items = (w: VueWrapper): DOMWrapper<Element>[] => w.get('[aria-label="Connection test"]').findAll(':scope > li');

describe('ConnectionTestReport', () => {
  beforeEach(() => {
    pinia = createPinia();
    setActivePinia(pinia);
  });
  afterEach(() => {
    wrapper?.unmount();
    wrapper = undefined;
  });

  const mountReport = (run: ConnectionTestRun): VueWrapper => (wrapper = mount(ConnectionTestReport, { props: { run }, global: { plugins: [pinia, createSoftphoneI18n()] }, attachTo: document.body }));

  it('one item per step in the walk’s order: label, status word, time, summary, details; a failed step says main’s words and the fix', () => {
    const w = mountReport({ ...FAILED_RUN, result: { testId: 't1', ok: false, steps: [...FAILED_RUN.steps] } });
    const list = w.get('[aria-label="Connection test"]');
    expect(['UL', 'OL']).toContain(list.element.tagName);
    const steps = items(w);
    expect(steps.map((li) => li.get('.name').text())).toEqual(['DNS', 'Connect', 'TLS handshake', 'Certificate', 'Register', 'Media']);
    expect(steps.map((li) => li.get('.word').text())).toEqual(['Passed', 'Failed', 'Skipped', 'Skipped', 'Skipped', 'Skipped']);
    const [dns, connect, tls] = steps;
    expect(dns!.get('.head').text().replace(/\s+/g, ' ')).toBe('DNS Passed 12 ms');
    expect(dns!.text()).toContain('127.0.0.1:5061 via SRV');
    const details = dns!.get('ul');
    expect(details.attributes('aria-label')).toBe('What the DNS step found');
    expect(details.findAll('li').map((li) => li.text())).toEqual(['NAPTR pbx.example.com: none', 'SRV _sips._tcp.pbx.example.com → pbx.example.com:5061', 'A pbx.example.com → 127.0.0.1']);
    expect(connect!.text()).toContain('3 ms');
    const alert = connect!.get('[role="alert"]');
    expect(alert.text()).toContain('The server refused the connection.');
    expect(alert.text()).toContain(`How to fix: ${REFUSED.hint}`);
    expect(tls!.text()).toContain('Not tried: no connection.');
    expect(tls!.text()).not.toContain('ms');
    expect(tls!.find('[role="alert"]').exists()).toBe(false);
    // Status also by icon: each kind draws its own shape.
    expect(new Set(steps.slice(0, 3).map((li) => li.get('svg path').attributes('d'))).size).toBe(3);
    expect(w.get('[role="status"]').text()).toBe('The connection test failed.');
  });

  it('while running: the running step says "Running…", the ones not reported yet wait in their place', () => {
    const w = mountReport({ testId: 't1', accountId: null, running: true, result: null, steps: [step('dns', 'passed'), step('connect', 'running')] });
    expect(items(w).map((li) => li.get('.word').text())).toEqual(['Passed', 'Running…', 'Waiting', 'Waiting', 'Waiting', 'Waiting']);
    expect(w.get('[role="status"]').text()).toBe('Testing the connection…');
  });

  it('all passed: every step "Passed"; the certificate step offers "Show certificate", which opens the Certificates view for a stored account', async () => {
    const report = { checkedAt: '2026-12-06T10:00:00.000Z' } as unknown as NonNullable<TestStepView['report']>;
    const steps = (['dns', 'connect', 'tls', 'certificate', 'register', 'media'] as const).map((s) => step(s, 'passed', s === 'certificate' ? { report, summary: 'Verified (full)' } : {}));
    const w = mountReport({ testId: 't1', accountId: 'work', running: false, steps, result: { testId: 't1', ok: true, steps } });
    expect(items(w).every((li) => li.get('.word').text() === 'Passed')).toBe(true);
    expect(w.get('[role="status"]').text()).toBe('Every step passed.');
    const show = items(w)[3]!.get('button');
    expect(show.text()).toBe('Show certificate');
    await show.trigger('click');
    const nav = useNavigationStore();
    expect(nav.current).toBe('certificates');
    expect(nav.certificateAccount).toBe('work');
    expect(w.emitted('navigated')).toHaveLength(1);
  });
});

describe('ConnectionTestDialog', () => {
  beforeEach(() => {
    pinia = createPinia();
    setActivePinia(pinia);
  });
  afterEach(() => {
    wrapper?.unmount();
    wrapper = undefined;
  });

  it('"Connection test for ADDRESS": runs the test when opened, "Stop test" while running, "Run again" after; closing resets', async () => {
    let n = 0;
    const fake = fakeApi({ 'accounts.test': () => ({ testId: `t${++n}` }), 'accounts.cancelTest': () => ({ done: true }) });
    setApi(fake.api);
    const accounts = useAccountsStore();
    fake.handle('accounts.list', () => ({ accounts: [accountView('work')], registrations: [] }));
    await accounts.init();
    wrapper = mount(ConnectionTestDialog, { props: { accountId: 'work' }, global: { plugins: [pinia, createSoftphoneI18n()] }, attachTo: document.body });
    await flushPromises();
    const w = wrapper;
    const dialog = w.get('[role="dialog"]');
    expect(w.get(`[id="${dialog.attributes('aria-labelledby')!}"]`).text()).toBe('Connection test for alice@work.example.com');
    expect(fake.calls.filter((c) => c.channel === 'accounts.test').map((c) => c.payload)).toEqual([{ accountId: 'work' }]);

    fake.emit('accounts.testStep', { ...step('dns', 'passed'), testId: 't1' });
    fake.emit('accounts.testStep', { ...step('connect', 'running'), testId: 't1' });
    await flushPromises();
    expect(items(w).map((li) => li.get('.word').text()).slice(0, 3)).toEqual(['Passed', 'Running…', 'Waiting']);
    const buttons = () => dialog.findAll('.actions button').map((b) => b.text());
    expect(buttons()).toEqual(['Stop test', 'Close']);
    await dialog.findAll('.actions button')[0]!.trigger('click');
    await flushPromises();
    expect(fake.calls.at(-1)).toEqual({ channel: 'accounts.cancelTest', payload: { testId: 't1' } });

    const steps = [step('dns', 'passed'), step('connect', 'failed', { problem: REFUSED })].map((s) => ({ ...s, testId: 't1' }));
    fake.emit('accounts.testFinished', { testId: 't1', ok: false, steps });
    await flushPromises();
    expect(buttons()).toEqual(['Run again', 'Close']);
    expect(items(w)[1]!.get('[role="alert"]').text()).toContain('The server refused the connection.');
    await dialog.findAll('.actions button')[0]!.trigger('click');
    await flushPromises();
    expect(fake.calls.filter((c) => c.channel === 'accounts.test')).toHaveLength(2);
    expect(items(w).map((li) => li.get('.word').text())).toEqual(Array(6).fill('Waiting'));

    await dialog.findAll('.actions button')[1]!.trigger('click');
    expect(w.emitted('close')).toHaveLength(1);
    w.unmount();
    wrapper = undefined;
    await flushPromises();
    // Closed while the second run was going: it is stopped, and nothing of it stays for the wizard.
    expect(fake.calls.at(-1)).toEqual({ channel: 'accounts.cancelTest', payload: { testId: 't2' } });
    expect(accounts.test.testId).toBeNull();
  });
});
