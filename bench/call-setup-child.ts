/**
 * Child process of `npm run bench -- call-setup`: one freshly started headless phone (the same
 * composition as the CLI and the app, createHeadlessPhone → createPhone), registered through the
 * benchmark's Kamailio, answering every incoming call the way the call screen does: on
 * `calls.changed` showing a call whose actions include `answer`, `calls.answer(id)` (the
 * contract's `calls.answer`; only the click is missing). A fresh process per run, so its first
 * call is a cold one.
 *
 * argv[2]: JSON `{account, home, prewarm}`. IPC to the parent: `{type:'ready', prewarm}` once
 * registered and settled, `{type:'answered', n}` per call; the parent sends `{type:'stop'}`.
 */
import { performance } from 'node:perf_hooks';
import * as v from 'valibot';
import { createHeadlessPhone } from '../src-main/cli/headless-phone.js';
import { AccountConfigSchema, type AccountConfigInput } from '../src-shared/model/account.js';

interface ChildArgs {
  readonly account: AccountConfigInput;
  readonly home: string;
  readonly prewarm: boolean;
}

const args = JSON.parse(process.argv[2] ?? '{}') as ChildArgs;
const send = (m: object): void => {
  if (process.env.BENCH_CHILD_TRACE !== undefined) process.stderr.write(`TRACE ${JSON.stringify(m)}\n`);
  void process.send?.(m);
};
const quiet = { write: (): void => undefined };
const startedAt = performance.now();

const headless = await createHeadlessPhone({
  io: { stdout: quiet, stderr: quiet, env: { SOFTPHONE_HOME: args.home }, cwd: process.cwd() },
  logLevel: 'error',
  prewarm: args.prewarm,
});
const { phone } = headless;
let answered = 0;
const answering = new Set<string>();
phone.calls.onCallsChanged(({ calls }) => {
  for (const c of calls) {
    if (c.direction !== 'incoming' || !c.actions.includes('answer') || answering.has(c.id)) continue;
    answering.add(c.id);
    const r = phone.calls.answer(c.id);
    if (!r.ok) send({ type: 'error', message: `answer failed: ${r.error.code}` });
    else send({ type: 'answered', n: ++answered, hrtimeUs: Number(process.hrtime.bigint() / 1000n) });
  }
});

const registered = new Promise<void>((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error('not registered within 15 s')), 15_000);
  phone.engine.onEvent((e) => {
    if (e.type === 'registration' && e.state.kind === 'registered') {
      clearTimeout(timer);
      resolve();
    }
  });
});
const added = await phone.accounts.add({ id: 'bench', config: v.parse(AccountConfigSchema, args.account), enabled: true, makeDefault: true }, { ephemeral: true });
if (!added.ok) {
  send({ type: 'error', message: `${added.error.code}: ${added.error.message}` });
  process.exit(1);
}
await registered;
const registeredMs = performance.now() - startedAt;
// The pre-warm runs after registration, off the critical path; a person's first call comes later.
const prewarm = (await phone.prewarm.settled()) ?? null;
send({ type: 'ready', hrtimeUs: Number(process.hrtime.bigint() / 1000n), registeredMs: +registeredMs.toFixed(1), prewarm });

process.on('message', (m: { type: string }) => {
  if (m.type !== 'stop') return;
  void headless.close().then(() => {
    send({ type: 'stopped' });
    process.disconnect?.();
  });
});
