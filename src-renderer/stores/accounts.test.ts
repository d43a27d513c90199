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

const reg = (accountId: string, state: RegistrationView['state']): RegistrationView => ({ accountId, state, since: '2026-12-06T10:00:00.000Z', expiresAt: null, expiresSeconds: null, flow: null, failure: null, nextRetryAt: null, progress: null });
const step = (testId: string, name: TestStepView['step'], status: TestStepView['status']): TestStepView => ({ testId, step: name, status, summary: '', durationMs: null, problem: null, report: null });

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
