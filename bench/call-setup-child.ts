/**
 * Child process of `npm run bench -- call-setup`: one freshly started headless phone (the same
 * composition as the CLI and the app, createHeadlessPhone → createPhone), registered through the
 * benchmark's Kamailio, answering every incoming call the way the call screen does: on
 * `calls.changed` showing a call whose actions include `answer`, `calls.answer(id)` (the
 * contract's `calls.answer`; only the click is missing). A fresh process per run, so its first
 * call is a cold one.
 *
 * argv[2]: JSON `{account, home, prewarm}`. IPC to the parent: `{type:'ready', prewarm}` once
 * registered and the pre-warm is done (its report), `{type:'answered', n, hrtimeUs}` per call (the
 * moment `calls.answer` returned, on this process's monotonic clock: compare with a
 * `--cpu-prof` profile's timestamps); the parent sends `{type:'stop'}`.
 */
import { performance } from 'node:perf_hooks';
import { createHeadlessPhone } from '../src-main/cli/headless-phone.js';
import type { AccountConfigInput } from '../src-shared/model/account.js';
import { registerBenchAccount } from './bench-phone.js';

interface ChildArgs {
  readonly account: AccountConfigInput;
  readonly home: string;
  readonly prewarm: boolean;
}

const args = JSON.parse(process.argv[2] ?? '{}') as ChildArgs;
const send = (m: object): void => void process.send?.(m);
const quiet = { write: (): void => undefined };
const startedAt = performance.now();

/**
 * Inside this process, from the wire log records (written synchronously as the INVITE is handed
 * to the transaction layer and as the 200 OK is handed to the flow): wall and CPU milliseconds
 * from INVITE in to 200 OK out. The CPU figure does not depend on how busy the machine is.
 * BENCH_CHILD_TIMELINE=1 also prints every log record with this process's clock to stderr.
 */
let inviteAt: { wall: number; cpu: NodeJS.CpuUsage } | undefined;
let timed = 0;
function watchWire(scope: string, message: string, fields: Readonly<Record<string, unknown>> | undefined): void {
  const text = typeof fields?.message === 'string' ? fields.message : '';
  if (process.env.BENCH_CHILD_TIMELINE !== undefined) process.stderr.write(`T ${(performance.now() - startedAt).toFixed(2)} ${scope} ${message} ${text.split('\r\n')[0] ?? ''}\n`);
  if (!scope.endsWith('.wire')) return;
  if (message.startsWith('received') && text.startsWith('INVITE ')) inviteAt = { wall: performance.now(), cpu: process.cpuUsage() };
  else if (inviteAt !== undefined && message.startsWith('sent') && text.startsWith('SIP/2.0 200 ') && /\r\nCSeq:\s*\d+\s+INVITE\r\n/i.test(text)) {
    const cpu = process.cpuUsage(inviteAt.cpu);
    send({ type: 'timing', n: ++timed, wallMs: +(performance.now() - inviteAt.wall).toFixed(2), cpuMs: +((cpu.user + cpu.system) / 1000).toFixed(2) });
    inviteAt = undefined;
  }
}

const headless = await createHeadlessPhone({
  io: { stdout: quiet, stderr: quiet, env: { SOFTPHONE_HOME: args.home }, cwd: process.cwd() },
  logLevel: 'error',
  prewarm: args.prewarm,
  extraSinks: [{ write: (r) => watchWire(r.scope, r.message, r.fields) }],
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

await registerBenchAccount(phone, args.account, send);
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
