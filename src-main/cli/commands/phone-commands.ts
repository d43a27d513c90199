/**
 * `softphone register | call | answer`: the headless user agent on the same services as the app.
 * Events go to stdout (JSON lines with --json, readable lines otherwise); logs go to stderr.
 *
 * Exit status: 0 when the job was done (registered; call answered and ended normally; N calls
 * handled), 1 when it failed (registration refused, call not answered, TLS verification failed),
 * 2 for usage errors.
 */
import { resolve } from 'node:path';
import type { CliCommand, CliIo } from '../cli-io.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from '../cli-io.js';
import { loadAccountFile } from '../account-file.js';
import { parseOptions, type OptionSpec } from '../cli-args.js';
import { createHeadlessPhone, type HeadlessPhone } from '../headless-phone.js';
import { CliEventMapper, formatCliEvent, problemEvent, type CliEvent } from '../phone-events.js';
import type { Result } from '../../base/result.js';
import type { Problem } from '../../../src-shared/ipc/errors.js';
import type { PhoneEvent } from '../../services/phone/phone-service.js';

const COMMON = { account: 'string', 'password-env': 'string', json: 'boolean', verbose: 'boolean', log: 'string', duration: 'number', help: 'boolean' } as const satisfies OptionSpec;

export const REGISTER_USAGE = 'register --account FILE [--password-env VAR] [--duration S] [--json] [--verbose] [--log FILE]';
export const CALL_USAGE = 'call --account FILE [--password-env VAR] --to URI [--play WAV] [--record WAV] [--duration S] [--dtmf DIGITS] [--dtmf-mode auto|info] [--hold-after S] [--transfer-to URI] [--timeout S] [--json]';
export const ANSWER_USAGE = 'answer --account FILE [--password-env VAR] [--calls N] [--play WAV] [--record WAV] [--duration S] [--answer-after S] [--json]';

interface Session {
  readonly phone: HeadlessPhone;
  /** Timers and signal handlers to clear when the command ends, so the process can exit at once. */
  readonly cleanups: Set<() => void>;
  readonly emit: (e: CliEvent) => void;
  readonly events: PhoneEvent[];
  waitFor(pred: (e: PhoneEvent) => boolean, ms: number): Promise<PhoneEvent | undefined>;
  sleep(ms: number): Promise<void>;
}

async function openSession(io: CliIo, json: boolean, verbose: boolean, logFile: string | undefined): Promise<Session> {
  const phone = await createHeadlessPhone({ io, logLevel: verbose ? 'debug' : 'warn', ...(logFile === undefined ? {} : { logFile: resolve(io.cwd, logFile) }) });
  const mapper = new CliEventMapper();
  const events: PhoneEvent[] = [];
  const waiters = new Set<{ pred: (e: PhoneEvent) => boolean; done: (e: PhoneEvent | undefined) => void }>();
  const emit = (e: CliEvent): void => {
    io.stdout.write(json ? `${JSON.stringify({ time: new Date().toISOString(), ...e })}\n` : `${formatCliEvent(e)}\n`);
  };
  phone.engine.onEvent((e) => {
    events.push(e);
    for (const out of mapper.map(e)) emit(out);
    for (const w of [...waiters]) {
      if (w.pred(e)) {
        waiters.delete(w);
        w.done(e);
      }
    }
  });
  const cleanups = new Set<() => void>();
  const timer = (fn: () => void, ms: number): (() => void) => {
    const t = setTimeout(() => {
      cleanups.delete(cancel);
      fn();
    }, ms);
    const cancel = (): void => clearTimeout(t);
    cleanups.add(cancel);
    return cancel;
  };
  return {
    phone,
    cleanups,
    emit,
    events,
    waitFor(pred, ms) {
      const seen = events.find(pred);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((done) => {
        const w = { pred, done };
        waiters.add(w);
        const cancel = timer(() => {
          waiters.delete(w);
          done(undefined);
        }, ms);
        const orig = w.done;
        w.done = (e) => {
          cancel();
          orig(e);
        };
      });
    },
    sleep: (ms) => new Promise((r) => timer(r, ms)),
  };
}

function stopSignal(session: Session): Promise<void> {
  return new Promise((resolve) => {
    const off = (): void => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      session.cleanups.delete(off);
    };
    const done = (): void => {
      off();
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
    session.cleanups.add(off);
  });
}

const isRegistered = (e: PhoneEvent): boolean => e.type === 'registration' && e.state.kind === 'registered';
const isFatal = (e: PhoneEvent): boolean =>
  (e.type === 'registration' && e.state.kind === 'failed' && (e.state.retryInMs === null || e.state.code === 'auth-failed' || e.state.code === 'forbidden')) ||
  (e.type === 'connection' && e.state.kind === 'failed' && !e.state.lost);

/** Connects and registers (when the account registers); undefined on success, else the exit code. */
async function start(session: Session, accountFile: string | undefined, io: CliIo, timeoutMs: number, passwordEnv?: string): Promise<{ ok: true; register: boolean } | { ok: false; code: number }> {
  if (accountFile === undefined) {
    io.stderr.write('softphone: --account FILE is required\n');
    return { ok: false, code: EXIT_USAGE };
  }
  const account = await loadAccountFile(accountFile, io.cwd, { env: io.env, warn: (m) => io.stderr.write(`softphone: ${m}\n`), ...(passwordEnv === undefined ? {} : { passwordEnv }) });
  if (!account.ok) {
    session.emit({ event: 'error', code: 'account-file', message: account.error });
    return { ok: false, code: EXIT_USAGE };
  }
  const added = await session.phone.phone.accounts.add({ id: 'default', config: account.value, enabled: true, makeDefault: true }, { ephemeral: true });
  if (!added.ok) {
    session.emit(problemEvent(added.error));
    return { ok: false, code: EXIT_FAILURE };
  }
  const wanted = account.value.register ? isRegistered : (e: PhoneEvent) => e.type === 'connection' && e.state.kind === 'connected';
  const first = await session.waitFor((e) => wanted(e) || isFatal(e), timeoutMs);
  if (first === undefined || !wanted(first)) {
    if (first === undefined) session.emit({ event: 'error', code: 'timeout', message: `not ${account.value.register ? 'registered' : 'connected'} within ${timeoutMs / 1000} s` });
    return { ok: false, code: EXIT_FAILURE };
  }
  return { ok: true, register: account.value.register };
}

async function finish(session: Session, code: number): Promise<number> {
  await session.phone.close();
  for (const cleanup of [...session.cleanups]) cleanup();
  session.cleanups.clear();
  return code;
}

export const registerCommand: CliCommand = async (args, io) => {
  const parsed = parseOptions(args, COMMON);
  if (!parsed.ok) return usage(io, parsed.error, REGISTER_USAGE);
  const o = parsed.options;
  if (o.help === true) return help(io, REGISTER_USAGE, 'Registers the account and stays registered (refreshing, re-registering after network changes) for --duration seconds or until Ctrl+C, then unregisters.');
  const session = await openSession(io, o.json === true, o.verbose === true, o.log);
  const started = await start(session, o.account, io, 30_000, o['password-env']);
  if (!started.ok) return finish(session, started.code);
  if (o.duration !== undefined) await Promise.race([session.sleep(o.duration * 1000), stopSignal(session)]);
  else await stopSignal(session);
  return finish(session, EXIT_OK);
};

export const callCommand: CliCommand = async (args, io) => {
  const parsed = parseOptions(args, {
    ...COMMON,
    to: 'string',
    play: 'string',
    record: 'string',
    dtmf: 'string',
    'dtmf-mode': 'string',
    'hold-after': 'number',
    'transfer-to': 'string',
    timeout: 'number',
  });
  if (!parsed.ok) return usage(io, parsed.error, CALL_USAGE);
  const o = parsed.options;
  if (o.help === true) return help(io, CALL_USAGE, 'Calls URI; hangs up --duration seconds after the answer. --play loops a WAV as the microphone, --record writes what the far end sends.');
  if (o.to === undefined) return usage(io, '--to URI is required', CALL_USAGE);
  const dtmfMode = o['dtmf-mode'] ?? 'auto';
  if (dtmfMode !== 'auto' && dtmfMode !== 'info') return usage(io, '--dtmf-mode must be auto or info', CALL_USAGE);
  const session = await openSession(io, o.json === true, o.verbose === true, o.log);
  const started = await start(session, o.account, io, 30_000, o['password-env']);
  if (!started.ok) return finish(session, started.code);
  const phone = session.phone.engine;
  const placed = await phone.call('default', o.to, {
    ...(o.play === undefined ? {} : { playFile: resolve(io.cwd, o.play) }),
    ...(o.record === undefined ? {} : { recordFile: resolve(io.cwd, o.record) }),
  });
  if (!placed.ok) {
    session.emit(problemEvent(placed.error));
    return finish(session, EXIT_FAILURE);
  }
  const callId = placed.value.callId;
  const ended = (e: PhoneEvent): boolean => e.type === 'call' && e.call.callId === callId && e.state.kind === 'ended';
  const answered = await session.waitFor((e) => (e.type === 'call' && e.call.callId === callId && e.state.kind === 'active') || ended(e), (o.timeout ?? 60) * 1000);
  if (answered === undefined || ended(answered)) {
    if (answered === undefined) phone.hangup(callId);
    await session.waitFor(ended, 5000);
    return finish(session, EXIT_FAILURE);
  }
  const duration = (o.duration ?? 10) * 1000;
  const endedEarly = session.waitFor(ended, duration + 1000);
  const actions = (async () => {
    if (o.dtmf !== undefined) {
      await session.sleep(1000);
      for (const d of o.dtmf) {
        tryAction(session, () => phone.sendDtmf(callId, d, dtmfMode));
        await session.sleep(300);
      }
    }
    if (o['hold-after'] !== undefined) {
      await session.sleep(o['hold-after'] * 1000);
      tryAction(session, () => phone.hold(callId, true));
      await session.waitFor((e) => e.type === 'call' && e.call.callId === callId && e.state.kind === 'active' && e.state.localHold, 5000);
      await session.sleep(1000);
      tryAction(session, () => phone.hold(callId, false));
    }
    if (o['transfer-to'] !== undefined) tryAction(session, () => phone.transfer(callId, o['transfer-to']!));
  })();
  const first = await Promise.race([session.sleep(duration).then(() => 'timer' as const), endedEarly.then(() => 'ended' as const), stopSignal(session).then(() => 'signal' as const)]);
  await actions.catch(() => undefined);
  if (first !== 'ended') {
    tryAction(session, () => phone.hangup(callId));
    await session.waitFor(ended, 5000);
  }
  const end = session.events.find(ended);
  const reason = end?.type === 'call' && end.state.kind === 'ended' ? end.state.reason.code : 'failed';
  const okReasons = ['hangup-local', 'hangup-remote', 'transferred'];
  return finish(session, okReasons.includes(reason) ? EXIT_OK : EXIT_FAILURE);
};

export const answerCommand: CliCommand = async (args, io) => {
  const parsed = parseOptions(args, { ...COMMON, calls: 'number', play: 'string', record: 'string', 'answer-after': 'number' });
  if (!parsed.ok) return usage(io, parsed.error, ANSWER_USAGE);
  const o = parsed.options;
  if (o.help === true) return help(io, ANSWER_USAGE, 'Registers and answers incoming calls automatically; exits after --calls N calls have ended, or after --duration seconds in all.');
  const session = await openSession(io, o.json === true, o.verbose === true, o.log);
  const phone = session.phone.engine;
  let recordIndex = 0;
  const recordFor = (): string | undefined => {
    if (o.record === undefined) return undefined;
    const path = resolve(io.cwd, o.record);
    const n = recordIndex++;
    return n === 0 ? path : path.replace(/(\.wav)?$/i, `-${n + 1}$1`);
  };
  phone.incomingAudio = () => {
    const record = recordFor();
    return { ...(o.play === undefined ? {} : { playFile: resolve(io.cwd, o.play) }), ...(record === undefined ? {} : { recordFile: record }) };
  };
  const started = await start(session, o.account, io, 30_000, o['password-env']);
  if (!started.ok) return finish(session, started.code);
  let endedCalls = 0;
  let failed = false;
  const wantCalls = o.calls;
  let allDone: () => void = () => undefined;
  const done = new Promise<void>((r) => (allDone = r));
  phone.onEvent((e) => {
    if (e.type !== 'call') return;
    if (e.state.kind === 'incoming' && e.call.direction === 'incoming') {
      // Ringing is announced once media is ready; answer then (after --answer-after seconds).
      return;
    }
    if (e.state.kind === 'ended') {
      endedCalls++;
      if (e.state.reason.code === 'media-refused' || e.state.reason.code === 'failed') failed = true;
      if (wantCalls !== undefined && endedCalls >= wantCalls) allDone();
    }
  });
  const answered = new Set<string>();
  phone.onEvent((e) => {
    // `incoming` is emitted twice: when the INVITE arrives and again after 180 with media ready.
    if (e.type !== 'call' || e.state.kind !== 'incoming' || answered.has(e.call.callId)) return;
    const live = phone.activeCalls.find((c) => c.callId === e.call.callId);
    if (live === undefined) return;
    void session.sleep((o['answer-after'] ?? 0) * 1000).then(() => {
      // Media not ready yet: the second `incoming` (after ringing) answers.
      if (phone.answer(e.call.callId).ok) answered.add(e.call.callId);
    });
  });
  const deadline = o.duration === undefined ? new Promise<void>(() => undefined) : session.sleep(o.duration * 1000);
  await Promise.race([done, deadline, stopSignal(session)]);
  for (const c of phone.activeCalls) tryAction(session, () => phone.hangup(c.callId));
  await session.sleep(300);
  return finish(session, failed ? EXIT_FAILURE : wantCalls !== undefined && endedCalls < wantCalls ? EXIT_FAILURE : EXIT_OK);
};

function tryAction(session: Session, fn: () => Result<void, Problem>): void {
  const r = fn();
  if (!r.ok) session.emit(problemEvent(r.error));
}

function usage(io: CliIo, error: string, line: string): number {
  io.stderr.write(`softphone: ${error}\nusage: softphone ${line}\n`);
  return EXIT_USAGE;
}

function help(io: CliIo, line: string, text: string): number {
  io.stdout.write(`softphone ${line}\n  ${text}\n`);
  return EXIT_OK;
}
