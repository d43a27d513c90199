// @vitest-environment jsdom
import { flushPromises } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RegistrationView } from '../../src-shared/model/registration';
import { setApi } from '../bridge';
import { ALL_ACTIONS, CA_FP, accountView, expiredReport, geoInspection, goodReport, tlsEvent } from '../components/certificate/report-fixtures';
import { fakeApi } from '../test-support/fake-api';
import { TLS_EVENTS_KEPT, copyText, useCertificatesStore } from './certificates';
import { useRegistrationStore } from './registration';

function registration(state: RegistrationView['state'], since: string): RegistrationView {
  return { accountId: 'work', state, since, expiresAt: null, expiresSeconds: null, flow: null, failure: null, nextRetryAt: null, progress: null, certificateExpiry: null };
}

function setup() {
  let report = expiredReport();
  const fake = fakeApi({
    'certificates.forAccount': () => ({ accountId: 'work', report, actions: ALL_ACTIONS }),
    'certificates.tlsEvents': () => ({ events: [tlsEvent(1), tlsEvent(2)] }),
    'certificates.trustCa': () => accountView('work'),
    'certificates.inspect': () => geoInspection(),
    'certificates.exportChain': () => ({ pem: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', count: 1, fileName: 'sip.example.com-chain.pem' }),
  });
  setApi(fake.api);
  return { ...fake, setReport: (r: typeof report) => (report = r) };
}

describe('certificates store', () => {
  beforeEach(() => setActivePinia(createPinia()));
  afterEach(() => vi.restoreAllMocks());

  it('opens an account: its report, the actions policy allows, and its TLS events newest first', async () => {
    const { calls } = setup();
    const store = useCertificatesStore();
    await store.open('work');
    const p = store.panel('work');
    expect(p.report?.verdict.problem?.code).toBe('expired');
    expect(p.actions).toEqual(ALL_ACTIONS);
    expect(p.events.map((e) => e.seq)).toEqual([2, 1]);
    expect(calls.map((c) => c.channel).sort()).toEqual(['certificates.forAccount', 'certificates.tlsEvents']);
    expect(calls[0]!.payload).toEqual({ accountId: 'work' });
  });

  it('follows TLS events live (subscribed before the snapshot), merged by seq, newest 200 kept, and refreshes the report', async () => {
    const { emit, calls } = setup();
    const store = useCertificatesStore();
    const opening = store.open('work');
    // An event between the subscription and the snapshot's answer is kept, once.
    emit('certificates.tlsEvent', tlsEvent(2));
    emit('certificates.tlsEvent', tlsEvent(3, { kind: 'reconnected' }));
    await opening;
    await flushPromises();
    expect(store.panel('work').events.map((e) => e.seq)).toEqual([3, 2, 1]);
    const before = calls.filter((c) => c.channel === 'certificates.forAccount').length;
    for (let i = 4; i < 4 + TLS_EVENTS_KEPT; i++) emit('certificates.tlsEvent', tlsEvent(i));
    await flushPromises();
    const events = store.panel('work').events;
    expect(events).toHaveLength(TLS_EVENTS_KEPT);
    expect(events[0]!.seq).toBe(3 + TLS_EVENTS_KEPT);
    expect(calls.filter((c) => c.channel === 'certificates.forAccount').length).toBeGreaterThan(before);
  });

  it('a failed report request keeps main’s words and fix', async () => {
    const { handle } = setup();
    handle('certificates.forAccount', () => {
      throw { code: 'not-found', message: 'No such account.', hint: 'Choose another account.' };
    });
    const store = useCertificatesStore();
    await store.forAccount('work');
    expect(store.panel('work').problem).toEqual({ code: 'not-found', message: 'No such account.', hint: 'Choose another account.' });
  });

  it('trusts a CA by fingerprint and asks for the report again once the account has reconnected', async () => {
    const { calls, emit, setReport } = setup();
    useRegistrationStore().init();
    const store = useCertificatesStore();
    await store.open('work');
    const result = await store.trustCa('work', CA_FP);
    expect(result.ok).toBe(true);
    expect(calls.find((c) => c.channel === 'certificates.trustCa')?.payload).toEqual({ accountId: 'work', fingerprintSha256: CA_FP });
    const asked = () => calls.filter((c) => c.channel === 'certificates.forAccount').length;
    const before = asked();
    setReport(goodReport());
    emit('registration.changed', registration('connecting', '2026-12-06T10:00:01.000Z'));
    await flushPromises();
    expect(asked()).toBe(before);
    emit('registration.changed', registration('registered', '2026-12-06T10:00:02.000Z'));
    await flushPromises();
    expect(asked()).toBe(before + 1);
    expect(store.panel('work').report?.verdict.ok).toBe(true);
    // Only once: later registration refreshes are not reconnections after the action.
    emit('registration.changed', registration('registered', '2026-12-06T10:05:00.000Z'));
    await flushPromises();
    expect(asked()).toBe(before + 1);
  });

  it('a refused action comes back with main’s message and fix', async () => {
    const { handle } = setup();
    handle('certificates.pin', () => {
      throw { code: 'policy-denied', message: 'Your administrator does not allow pinning.', hint: 'Ask IT.' };
    });
    const result = await useCertificatesStore().pin('work', 'key');
    expect(result).toEqual({ ok: false, problem: { code: 'policy-denied', message: 'Your administrator does not allow pinning.', hint: 'Ask IT.' } });
  });

  it('chain-only is asked for with the acknowledgement', async () => {
    const { handle, calls } = setup();
    handle('certificates.useChainOnly', () => accountView('work', { verification: 'chain-only' }));
    const result = await useCertificatesStore().useChainOnly('work');
    expect(result.ok && result.value.verification).toBe('chain-only');
    expect(calls.at(-1)).toEqual({ channel: 'certificates.useChainOnly', payload: { accountId: 'work', acknowledgeWeaker: true } });
  });

  it('inspects a server; a refused request keeps main’s words', async () => {
    const { handle } = setup();
    const store = useCertificatesStore();
    const result = await store.inspect({ host: 'sip.example.com', allAddresses: true });
    expect(result?.addresses).toHaveLength(2);
    expect(store.inspection?.host).toBe('sip.example.com');
    expect(store.inspecting).toBe(false);
    handle('certificates.inspect', () => {
      throw { code: 'invalid-payload', message: 'host: must be host or host:port', hint: null };
    });
    await store.inspect({ host: 'bad host' });
    expect(store.inspectProblem?.message).toBe('host: must be host or host:port');
    expect(store.inspection).toBeNull();
  });

  it('exports the chain as a download named by main', async () => {
    const { calls } = setup();
    const created: Blob[] = [];
    URL.createObjectURL = vi.fn((b: Blob) => {
      created.push(b);
      return 'blob:x';
    });
    URL.revokeObjectURL = vi.fn();
    const clicks: HTMLAnchorElement[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicks.push(this);
    });
    const result = await useCertificatesStore().exportChain({ accountId: 'work' });
    expect(result).toEqual({ ok: true, value: { fileName: 'sip.example.com-chain.pem', count: 1 } });
    expect(calls.at(-1)?.payload).toEqual({ accountId: 'work' });
    expect(clicks).toHaveLength(1);
    expect(clicks[0]!.download).toBe('sip.example.com-chain.pem');
    expect(await created[0]!.text()).toContain('BEGIN CERTIFICATE');
  });

  it('copies with the async clipboard, and without it through a textarea', async () => {
    const writeText = vi.fn(async () => undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    expect(await copyText('hello')).toBe(true);
    expect(writeText).toHaveBeenCalledWith('hello');

    Object.defineProperty(navigator, 'clipboard', { value: undefined, configurable: true });
    let copied = '';
    document.execCommand = vi.fn(() => {
      copied = (document.activeElement as HTMLTextAreaElement | null)?.value ?? '';
      return true;
    });
    expect(await copyText('fallback text')).toBe(true);
    expect(copied).toBe('fallback text');
    expect(document.querySelector('textarea')).toBeNull();
  });
});
