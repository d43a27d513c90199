/**
 * Issue 11 acceptance 3: every request schema of the contract rejects bad input with the typed
 * `invalid-payload` error before any handler runs (a case list per domain, plus the generic
 * cases for every channel), and an unknown channel is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contract } from '../../src-shared/ipc/contract.js';
import { listChannels } from '../../src-shared/ipc/define.js';
import { createLogger } from '../base/logger.js';
import type { Phone } from '../services/phone/create-phone.js';
import { createTestPhone } from '../../test/support/test-phone.js';
import { createBindings } from './bindings.js';
import type { Bindings } from './bindings-types.js';
import { IpcDispatcher } from './dispatcher.js';

let phone: Phone;
let dispatcher: IpcDispatcher<typeof contract>;
const called: string[] = [];
const ctx = { carrier: 'websocket', senderId: 'test' } as const;

beforeAll(async () => {
  phone = await createTestPhone();
  const real = createBindings(phone) as unknown as { requests: Record<string, Record<string, (...a: unknown[]) => unknown>>; events: unknown };
  // Every handler records that it ran: a rejected payload must never reach one.
  const requests = Object.fromEntries(
    Object.entries(real.requests).map(([domain, group]) => [
      domain,
      Object.fromEntries(Object.entries(group).map(([name, fn]) => [name, (...a: unknown[]) => (called.push(`${domain}.${name}`), fn(...a))])),
    ]),
  );
  dispatcher = new IpcDispatcher(contract, { requests, events: real.events } as unknown as Bindings<typeof contract>, createLogger({ sinks: [] }));
});
afterAll(() => phone.dispose());

async function expectRejected(channel: string, payload: unknown): Promise<void> {
  const before = called.length;
  const r = await dispatcher.dispatch(channel, payload, ctx);
  expect(r, `${channel} accepted ${JSON.stringify(payload)?.slice(0, 120)}`).toMatchObject({ ok: false, error: { code: 'invalid-payload', message: expect.any(String) } });
  expect(called.length, `${channel} ran its handler for a bad payload`).toBe(before);
}

const long = (n: number): string => 'x'.repeat(n);
const account = { uri: 'sips:alice@pbx.example.com', password: 'pw' };

/** Bad payloads per domain (channel name → payloads that must be refused). */
const CASES: Record<string, Record<string, unknown[]>> = {
  app: { getInfo: [{ verbose: true }], provisioning: [{ reload: true }, null], startupProblems: [{ all: 1 }, 'x'] },
  settings: { get: [{ theme: 'dark' }], update: [{ theme: 'purple' }, { theme: 1 }, { theme: 'dark', unknown: true }] },
  dialer: { openUri: [{}, { uri: 42 }, { uri: long(3000) }] },
  accounts: {
    list: [{ all: true }],
    add: [{}, { config: {} }, { config: { uri: 'http://x' } }, { config: { ...account, transport: 'sctp' } }, { config: { ...account, registerExpires: 5 } }, { config: account, id: 'Bad Id!' }, { config: { ...account, password: long(2000) } }, { config: account, extra: 1 }],
    update: [{ id: 'a' }, { id: 'a', config: { ...account, srtp: 'sometimes' } }, { id: 'a', config: account, clearPassword: 'yes' }],
    remove: [{}, { id: '' }, { id: long(100) }],
    setEnabled: [{ id: 'a' }, { id: 'a', enabled: 'true' }],
    setDefault: [{ id: 3 }],
    retry: [{ id: null }],
    test: [{}, { accountId: 'a', config: account }, { config: { uri: 'nope' } }],
    cancelTest: [{ testId: '' }],
  },
  calls: {
    list: [{ x: 1 }],
    dial: [{}, { target: '' }, { target: '   ' }, { target: long(600) }, { target: '1001', accountId: 7 }],
    answer: [{}, { callId: '' }, { callId: long(100) }],
    decline: [{ callId: 'c1', reason: 'maybe' }],
    hangup: [{ call: 'c1' }],
    hold: [{ callId: 1 }],
    resume: [{}],
    setMuted: [{ callId: 'c1' }, { callId: 'c1', muted: 'yes' }],
    sendDtmf: [{ callId: 'c1', digits: '' }, { callId: 'c1', digits: '12x' }, { callId: 'c1', digits: long(40).replace(/x/g, '1') }],
    transfer: [{ callId: 'c1' }, { callId: 'c1', target: '' }],
    consult: [{ callId: 'c1', target: long(600) }],
    completeTransfer: [{ callId: 'c1' }],
    swap: [{ callId: {} }],
    setDevices: [{ callId: 'c1', captureDeviceId: 5 }, { callId: 'c1', playbackDeviceId: long(300) }],
  },
  history: {
    list: [{ limit: 0 }, { limit: 1000 }, { offset: -1 }, { offset: 1.5 }, { filter: 'weird' }, { search: long(200) }],
    remove: [{ ids: [] }, { ids: 'a' }, { ids: [1] }],
    clear: [{ all: true }],
    markSeen: [{ until: 'now' }, []],
  },
  voicemail: { list: [{ accountId: 'a' }] },
  audio: {
    list: [{ refresh: true }],
    choose: [{ inputGainDb: 40 }, { outputGainDb: -100 }, { captureDeviceId: '' }, { echoCancellation: 'on' }],
    testTone: [{ durationMs: 50 }, { durationMs: 60_000 }, { target: 'headphones' }],
    testMicrophone: [{ durationMs: 1 }],
  },
  certificates: {
    forAccount: [{}, { accountId: '' }],
    checkAccountAddresses: [{ accountId: 1 }],
    inspect: [{}, { host: '' }, { host: 'a b' }, { host: 'pbx.example.com', servername: 'bad name!' }, { host: 'pbx.example.com', caPems: ['not a pem'] }, { host: 'pbx.example.com', mode: 'insecure' }, { host: 'http://pbx' }],
    exportChain: [{}, { accountId: 'a', host: 'b' }],
    tlsEvents: [{}, { accountId: '' }],
    trustCa: [{ accountId: 'a' }, { accountId: 'a', fingerprintSha256: 'short' }, { accountId: 'a', fingerprintSha256: 'A'.repeat(200) }],
    pin: [{ accountId: 'a' }, { accountId: 'a', what: 'spki' }],
    useChainOnly: [{ accountId: 'a' }, { accountId: 'a', acknowledgeWeaker: false }],
  },
  diagnostics: {
    sipLog: [{ limit: 0 }, { limit: 100_000 }, { callId: '' }, { accountId: 'x'.repeat(65) }],
    exportSipLog: [{ limit: -1 }, { extra: true }],
    explainSdp: [{}, { sdp: '' }, { sdp: 'v=0', policy: 'required' }, { sdp: 'v=0', transport: 'wss' }, { sdp: 'x'.repeat(70_000) }, { sdp: 'v=0', suites: ['NULL_CIPHER'] }],
    writeBundle: [{ accountId: '' }, { path: '/etc' }],
  },
};

describe('every request schema refuses bad input before any handler runs', () => {
  it('the cases below cover every domain and channel of the contract', () => {
    const requests = listChannels(contract).filter((c) => c.kind === 'request');
    for (const r of requests) expect(CASES[r.domain]?.[r.name], `no bad-input cases for ${r.channel}`).toBeDefined();
  });

  it('generic garbage on every request channel: not an object, extra keys', async () => {
    for (const r of listChannels(contract).filter((c) => c.kind === 'request')) {
      for (const bad of [undefined, null, 'text', 42, [], { __proto__x: 1, unexpectedKey: true }]) await expectRejected(r.channel, bad);
    }
  });

  for (const [domain, channels] of Object.entries(CASES)) {
    it(`${domain}: wrong types, missing or oversized fields, values out of range`, async () => {
      for (const [name, payloads] of Object.entries(channels)) for (const p of payloads) await expectRejected(`rpc:${domain}.${name}`, p);
    });
  }

  it('an unknown channel, or an event channel used as a request, is refused', async () => {
    for (const ch of ['rpc:calls.explode', 'evt:calls.changed', 'rpc:', '', 'rpc:accounts.list.extra']) {
      expect(await dispatcher.dispatch(ch, {}, ctx)).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
    }
  });

  it('valid payloads do reach the handlers (the cases above are not refused for another reason)', async () => {
    expect(await dispatcher.dispatch('rpc:accounts.list', {}, ctx)).toMatchObject({ ok: true });
    expect(await dispatcher.dispatch('rpc:history.list', { limit: 10, filter: 'missed' }, ctx)).toMatchObject({ ok: true, value: { entries: [], total: 0 } });
    expect(await dispatcher.dispatch('rpc:calls.answer', { callId: 'c1' }, ctx)).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });
});
