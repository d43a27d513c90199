import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { AccountConfigInput, AccountView } from '../../src-shared/model/account';
import { TEST_STEPS, type TestResultView, type TestStepView } from '../../src-shared/model/connection-test';
import { useApi } from '../bridge';
import { toShownProblem, type ShownProblem } from './problem';
import { useRegistrationStore } from './registration';

/**
 * A connection test as the wizard and the per-account dialog show it: its steps live (in the
 * order of TEST_STEPS: dns, connect, tls, certificate, register, media), then the result.
 */
export interface ConnectionTestRun {
  readonly testId: string | null;
  /** The stored account tested, or null for a draft (the wizard before saving). */
  readonly accountId: string | null;
  readonly steps: readonly TestStepView[];
  readonly result: TestResultView | null;
  readonly running: boolean;
}

const IDLE: ConnectionTestRun = { testId: null, accountId: null, steps: [], result: null, running: false };

/**
 * The accounts: a projection of main's AccountsService. A password goes inward once (add, update,
 * test) and is never kept here: the wizard clears its field after sending.
 */
export const useAccountsStore = defineStore('accounts', () => {
  const accounts = ref<AccountView[]>([]);
  const loaded = ref(false);
  const problem = ref<ShownProblem | null>(null);
  const test = ref<ConnectionTestRun>(IDLE);
  /** Steps can arrive before the response naming the test: kept per test id. */
  const stepsByTest = new Map<string, TestStepView[]>();
  const resultsByTest = new Map<string, TestResultView>();
  const waiters = new Map<string, (r: TestResultView) => void>();
  /** "Stop test" pressed before main named the test: cancelled as soon as it does. */
  let cancelWanted = false;
  /** Bumped by every runTest and resetTest: a test whose start answers after it was left is stopped. */
  let runSerial = 0;

  const defaultAccount = computed<AccountView | null>(() => accounts.value.find((a) => a.isDefault) ?? accounts.value.find((a) => a.enabled) ?? accounts.value[0] ?? null);
  const hasAccounts = computed(() => accounts.value.length > 0);

  async function init(): Promise<void> {
    const api = useApi();
    const registration = useRegistrationStore();
    registration.init();
    api.events.accounts.changed(({ accounts: list }) => {
      accounts.value = list;
      for (const id of Object.keys(registration.byAccount)) if (!list.some((a) => a.id === id)) registration.forget(id);
    });
    api.events.accounts.testStep((step) => {
      const steps = upsert(stepsByTest.get(step.testId) ?? [], step);
      stepsByTest.set(step.testId, steps);
      if (test.value.testId === step.testId) test.value = { ...test.value, steps };
    });
    api.events.accounts.testFinished((result) => {
      resultsByTest.set(result.testId, result);
      if (test.value.testId === result.testId) test.value = { ...test.value, steps: inOrder(result.steps), result, running: false };
      waiters.get(result.testId)?.(result);
      waiters.delete(result.testId);
    });
    const list = await api.requests.accounts.list({});
    accounts.value = list.accounts;
    registration.seed(list.registrations);
    loaded.value = true;
  }

  async function run<T>(action: () => Promise<T>): Promise<T | null> {
    problem.value = null;
    try {
      return await action();
    } catch (e) {
      problem.value = toShownProblem(e);
      return null;
    }
  }

  /** Adds an account; resolves to it, or null with `problem` set (the form keeps its values). */
  function add(config: AccountConfigInput, makeDefault = false): Promise<AccountView | null> {
    return run(() => useApi().requests.accounts.add({ config, makeDefault: makeDefault || accounts.value.length === 0 }));
  }

  function update(id: string, config: AccountConfigInput, clearPassword = false): Promise<AccountView | null> {
    return run(() => useApi().requests.accounts.update({ id, config, clearPassword }));
  }

  async function remove(id: string): Promise<boolean> {
    return (await run(() => useApi().requests.accounts.remove({ id }))) !== null;
  }

  function setEnabled(id: string, enabled: boolean): Promise<AccountView | null> {
    return run(() => useApi().requests.accounts.setEnabled({ id, enabled }));
  }

  function setDefault(id: string): Promise<AccountView | null> {
    return run(() => useApi().requests.accounts.setDefault({ id }));
  }

  async function retry(id: string): Promise<void> {
    await run(() => useApi().requests.accounts.retry({ id }));
  }

  /**
   * Runs the connection test of a draft (the wizard) or a stored account; resolves when it
   * finished (steps stream into `test` meanwhile), or null when it could not start.
   */
  async function runTest(subject: { config: AccountConfigInput } | { accountId: string }): Promise<TestResultView | null> {
    const accountId = 'accountId' in subject ? subject.accountId : null;
    test.value = { ...IDLE, accountId, running: true };
    cancelWanted = false;
    const serial = ++runSerial;
    const started = await run(() => useApi().requests.accounts.test(subject));
    if (serial !== runSerial) {
      // Closed (or restarted) before main named the test: nobody shows it any more.
      if (started !== null) useApi().requests.accounts.cancelTest({ testId: started.testId }).catch(() => undefined);
      return null;
    }
    if (started === null) {
      test.value = IDLE;
      return null;
    }
    const { testId } = started;
    const done = resultsByTest.get(testId);
    if (done !== undefined) {
      test.value = { testId, accountId, steps: inOrder(done.steps), result: done, running: false };
      return done;
    }
    test.value = { testId, accountId, steps: stepsByTest.get(testId) ?? [], result: null, running: true };
    if (cancelWanted) void cancelTest();
    return new Promise((resolve) => waiters.set(testId, resolve));
  }

  async function cancelTest(): Promise<void> {
    const id = test.value.testId;
    if (!test.value.running) return;
    if (id === null) cancelWanted = true;
    else await run(() => useApi().requests.accounts.cancelTest({ testId: id }));
  }

  function resetTest(): void {
    runSerial++;
    test.value = IDLE;
  }

  function byId(id: string): AccountView | null {
    return accounts.value.find((a) => a.id === id) ?? null;
  }

  return { accounts, loaded, problem, test, defaultAccount, hasAccounts, init, add, update, remove, setEnabled, setDefault, retry, runTest, cancelTest, resetTest, byId };
});

/** The step replaced (running → passed) or added, the list kept in the walk's order. */
function upsert(steps: readonly TestStepView[], step: TestStepView): TestStepView[] {
  const i = steps.findIndex((s) => s.step === step.step);
  return inOrder(i < 0 ? [...steps, step] : steps.map((s, j) => (j === i ? step : s)));
}

function inOrder(steps: readonly TestStepView[]): TestStepView[] {
  return [...steps].sort((a, b) => TEST_STEPS.indexOf(a.step) - TEST_STEPS.indexOf(b.step));
}
