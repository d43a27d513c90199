// @vitest-environment jsdom
import { flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import type { TestStepView } from '../../src-shared/model/connection-test';
import type { RegistrationView } from '../../src-shared/model/registration';
import { setApi } from '../bridge';
import { fakeApi } from '../test-support/fake-api';
import { useAccountsStore } from './accounts';
import { isCertificateProblem } from './problem';
import { useRegistrationStore } from './registration';

const reg = (accountId: string, state: RegistrationView['state']): RegistrationView => ({ accountId, state, since: '2026-12-06T10:00:00.000Z', expiresAt: null, expiresSeconds: null, flow: null, failure: null, nextRetryAt: null, progress: null, certificateExpiry: null });
const step = (testId: string, name: TestStepView['step'], status: TestStepView['status'], details: string[] = []): TestStepView => ({ testId, step: name, status, summary: '', durationMs: null, details, problem: null, report: null });

describe('accounts and registration stores', () => {
  let fake: ReturnType<typeof fakeApi>;
  beforeEach(() => {
    setActivePinia(createPinia());
    fake = fakeApi({ 'accounts.list': () => ({ accounts: [], registrations: [reg('old', 'registered')] }) });
    setApi(fake.api);
  });

  it('the registration snapshot is seeded from accounts.list and follows registration.changed; failed wins overall', async () => {
    const accounts = useAccountsStore();
    const registration = useRegistrationStore();
    await accounts.init();
    expect(registration.overall).toBe('registered');
    fake.emit('registration.changed', reg('other', 'connecting'));
    expect(registration.overall).toBe('connecting');
    fake.emit('registration.changed', reg('old', 'failed'));
    expect(registration.overall).toBe('failed');
    expect(registration.of('other')?.state).toBe('connecting');
  });

  it('connection test: steps that arrive before the response naming the test are not lost', async () => {
    fake.handle('accounts.test', () => {
      // Main streams the first step before the request's answer arrives.
      fake.emit('accounts.testStep', step('t1', 'dns', 'passed'));
      return { testId: 't1' };
    });
    const accounts = useAccountsStore();
    await accounts.init();
    const done = accounts.runTest({ config: { uri: 'sip:alice@pbx.example.com' } });
    await flushPromises();
    fake.emit('accounts.testStep', step('t1', 'connect', 'running'));
    fake.emit('accounts.testStep', step('other-test', 'dns', 'failed'));
    expect(accounts.test.steps.map((s) => `${s.step}:${s.status}`)).toEqual(['dns:passed', 'connect:running']);
    fake.emit('accounts.testFinished', { testId: 't1', ok: true, steps: [step('t1', 'dns', 'passed'), step('t1', 'connect', 'passed')] });
    expect((await done)?.ok).toBe(true);
    expect(accounts.test.running).toBe(false);
  });

  it('connection test: steps are kept in the walk’s order (certificate between TLS and register) with their details', async () => {
    fake.handle('accounts.test', () => ({ testId: 't2' }));
    const accounts = useAccountsStore();
    await accounts.init();
    void accounts.runTest({ accountId: 'work' });
    await flushPromises();
    expect(accounts.test.accountId).toBe('work');
    fake.emit('accounts.testStep', step('t2', 'register', 'running'));
    fake.emit('accounts.testStep', step('t2', 'dns', 'passed', ['SRV _sips._tcp.pbx.example.com → pbx.example.com:5061', 'A pbx.example.com → 203.0.113.7']));
    fake.emit('accounts.testStep', step('t2', 'certificate', 'passed'));
    fake.emit('accounts.testStep', step('t2', 'tls', 'passed'));
    expect(accounts.test.steps.map((s) => s.step)).toEqual(['dns', 'tls', 'certificate', 'register']);
    expect(accounts.test.steps[0]!.details).toHaveLength(2);
  });

  it('connection test: "Stop test" before main named the test cancels it once named; a test left before it started is stopped', async () => {
    let answer: (v: { testId: string }) => void = () => undefined;
    fake.handle('accounts.test', () => new Promise<{ testId: string }>((r) => (answer = r)));
    fake.handle('accounts.cancelTest', () => ({ done: true }));
    const accounts = useAccountsStore();
    await accounts.init();
    void accounts.runTest({ accountId: 'work' });
    await flushPromises();
    await accounts.cancelTest();
    expect(fake.calls.some((c) => c.channel === 'accounts.cancelTest')).toBe(false);
    answer({ testId: 't3' });
    await flushPromises();
    expect(fake.calls.find((c) => c.channel === 'accounts.cancelTest')?.payload).toEqual({ testId: 't3' });

    // Closed (reset) before main answered: the test is stopped and nothing comes back to the screen.
    fake.calls.length = 0;
    const left = accounts.runTest({ accountId: 'work' });
    await flushPromises();
    accounts.resetTest();
    answer({ testId: 't4' });
    expect(await left).toBeNull();
    await flushPromises();
    expect(fake.calls.find((c) => c.channel === 'accounts.cancelTest')?.payload).toEqual({ testId: 't4' });
    expect(accounts.test.testId).toBeNull();
  });

  it('a refused add keeps main’s message and fix, and nothing is added', async () => {
    fake.handle('accounts.add', () => {
      throw { code: 'policy-locked', message: 'Your IT department does not allow adding accounts.', hint: 'Ask IT.' };
    });
    const accounts = useAccountsStore();
    await accounts.init();
    expect(await accounts.add({ uri: 'sip:alice@pbx.example.com', password: 'secret' })).toBeNull();
    expect(accounts.problem).toMatchObject({ code: 'policy-locked', hint: 'Ask IT.' });
    expect(accounts.accounts).toEqual([]);
    // The first account becomes the default.
    expect(fake.calls.find((c) => c.channel === 'accounts.add')?.payload).toMatchObject({ makeDefault: true });
  });

  it('certificate failures are told apart (no "save anyway" for them)', () => {
    expect(isCertificateProblem('expired')).toBe(true);
    expect(isCertificateProblem('hostname-mismatch')).toBe(true);
    expect(isCertificateProblem('timeout')).toBe(false);
    expect(isCertificateProblem('auth-failed')).toBe(false);
  });
});
