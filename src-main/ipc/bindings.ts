/**
 * Binds every contract channel to the phone (services/phone/create-phone.ts). The
 * `Bindings<Contract>` type makes a channel without a handler a compile error; ipc/contract.test.ts
 * checks the same at run time. Handlers are thin: the services decide and map; this file only
 * routes and shapes acknowledgements.
 */
import { ok, type Result } from '../base/result.js';
import type { Contract } from '../../src-shared/ipc/contract.js';
import type { Problem } from '../../src-shared/ipc/errors.js';
import type { Phone } from '../services/phone/create-phone.js';
import type { Bindings } from './bindings-types.js';

const DONE = { done: true } as const;

function ack(r: Result<unknown, Problem>): Result<typeof DONE, Problem> {
  return r.ok ? ok(DONE) : r;
}

export function createBindings(phone: Phone): Bindings<Contract> {
  const { accounts, calls, history, audio, certificates } = phone;
  return {
    requests: {
      app: {
        getInfo: () => ok(phone.app.getInfo()),
        provisioning: () =>
          ok(phone.provisioning?.view() ?? { provisioned: false, sources: [], usersMayAddAccounts: true, usersMayEditAccounts: true, reason: null, branding: { productName: null, accentColor: null } }),
        startupProblems: () => ok([...phone.startupProblems]),
      },
      settings: {
        get: () => ok(phone.settings.get()),
        update: (patch) => phone.settings.update(patch),
      },
      dialer: {
        openUri: ({ uri }) => ack(phone.dialer.openUri(uri, 'ui')),
      },
      accounts: {
        list: () => ok(accounts.list()),
        add: (req) => accounts.add(req),
        update: (req) => accounts.update(req),
        remove: async ({ id }) => ack(await accounts.remove(id)),
        setEnabled: ({ id, enabled }) => accounts.setEnabled(id, enabled),
        setDefault: ({ id }) => accounts.setDefault(id),
        retry: ({ id }) => ack(accounts.retry(id)),
        test: async (req) => {
          if ('config' in req) return ok(phone.tests.start(req.config));
          const config = await accounts.config(req.accountId);
          return config.ok ? ok(phone.tests.start(config.value)) : config;
        },
        cancelTest: ({ testId }) => ack(phone.tests.cancel(testId)),
      },
      calls: {
        list: () => ok(calls.list()),
        dial: ({ accountId, target }) => calls.dial(target, accountId),
        answer: ({ callId }) => ack(calls.answer(callId)),
        decline: ({ callId, reason }) => ack(calls.decline(callId, reason)),
        hangup: ({ callId }) => ack(calls.hangup(callId)),
        hold: ({ callId }) => ack(calls.hold(callId, true)),
        resume: ({ callId }) => ack(calls.hold(callId, false)),
        setMuted: ({ callId, muted }) => ack(calls.setMuted(callId, muted)),
        sendDtmf: ({ callId, digits }) => ack(calls.sendDtmf(callId, digits)),
        transfer: ({ callId, target }) => ack(calls.transfer(callId, target)),
        consult: ({ callId, target }) => calls.consult(callId, target),
        completeTransfer: ({ callId, consultCallId }) => ack(calls.completeTransfer(callId, consultCallId)),
        swap: ({ callId }) => ack(calls.swap(callId)),
        setDevices: async ({ callId, ...choice }) => ack(await calls.setDevices(callId, choice)),
      },
      history: {
        list: (q) => ok(history.list(q)),
        remove: async ({ ids }) => ack(await history.remove(ids)),
        clear: async () => ack(await history.clear()),
        markSeen: async () => await history.markSeen(),
      },
      voicemail: {
        list: () => ok(phone.voicemail.list()),
      },
      audio: {
        list: () => audio.view(),
        choose: async ({ pairId, ...change }) => {
          if (pairId !== undefined) {
            const used = await audio.useHeadset(pairId);
            if (!used.ok) return used;
          }
          if (Object.keys(change).length > 0) {
            const chosen = await audio.choose(change);
            if (!chosen.ok) return chosen;
          }
          return audio.view();
        },
        testTone: async ({ target, durationMs }) => ack(await phone.testTone(target, durationMs)),
        testMicrophone: ({ durationMs }) => phone.testMicrophone(durationMs),
      },
      certificates: {
        forAccount: ({ accountId }) => certificates.forAccount(accountId),
        checkAccountAddresses: ({ accountId }) => certificates.checkAccountAddresses(accountId),
        inspect: (req) => certificates.inspect(req),
        exportChain: (req) => certificates.exportChain(req),
        tlsEvents: ({ accountId }) => {
          const view = accounts.view(accountId);
          return view.ok ? ok({ events: phone.tlsEvents.list(accountId) }) : view;
        },
        trustCa: ({ accountId, fingerprintSha256 }) => certificates.trustCa(accountId, fingerprintSha256),
        pin: ({ accountId, what }) => certificates.pin(accountId, what),
        useChainOnly: ({ accountId }) => certificates.useChainOnly(accountId),
      },
      diagnostics: {
        sipLog: (q) => ok(phone.diagnostics.sipLog(q)),
        exportSipLog: (q) => ok(phone.diagnostics.exportSipLog(q)),
        explainSdp: (req) => ok(phone.diagnostics.explainSdp(req)),
        writeBundle: ({ accountId }) => phone.diagnostics.writeBundle(accountId),
      },
    },
    events: {
      app: { command: phone.app.onCommand },
      settings: { changed: phone.settings.onDidChange },
      dialer: { dialRequested: phone.dialer.onDialRequested },
      accounts: { changed: accounts.onAccountsChanged, testStep: phone.tests.onStep, testFinished: phone.tests.onFinished },
      certificates: { tlsEvent: phone.tlsEvents.onEvent },
      diagnostics: { sipMessage: phone.diagnostics.onSipMessage },
      registration: { changed: accounts.onRegistrationChanged },
      calls: { changed: calls.onCallsChanged, quality: calls.onQuality, levels: calls.onLevels, dtmfReceived: calls.onDtmfReceived, problem: calls.onProblem },
      history: { changed: history.onChanged },
      voicemail: { changed: phone.voicemail.onChanged },
      audio: { changed: audio.onViewChanged, micLevel: phone.onMicLevel },
    },
  };
}
