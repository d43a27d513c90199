/**
 * Child process of `npm run bench -- media` for the in-phone figure: a headless phone (the same
 * composition as the CLI and the app, createHeadlessPhone → createPhone) registered through the
 * benchmark's Kamailio, pre-warmed and idle, then answering one call the way the call screen does
 * (`calls.answer` on `calls.changed`), with file audio. It measures its own CPU (process.cpuUsage,
 * every thread) while registered and idle, then over the call from the answer: the difference is
 * what one call adds to a process that runs the phone anyway (the Electron main process).
 *
 * argv[2]: JSON `{account, home, playFile, recordFile}`. IPC: → `{type:'ready'}` once registered
 * and pre-warmed; ← `{type:'idle', ms}` → `{type:'idle', cpuPct}`; → `{type:'answered'}`;
 * ← `{type:'stop'}` → `{type:'result', cpuPct, idleCpuPct, ...}`.
 */
import { CpuMeter, cpuPctSince } from './cpu-meter.js';
import { performance } from 'node:perf_hooks';
import { createHeadlessPhone } from '../src-main/cli/headless-phone.js';
import type { CallCodecName } from '../src-main/media/call-media.js';
import type { AccountConfigInput } from '../src-shared/model/account.js';
import { warmUp } from './media-leg.js';
import { registerBenchAccount } from './bench-phone.js';

interface ChildArgs {
  readonly account: AccountConfigInput;
  readonly home: string;
  readonly playFile: string;
  readonly recordFile: string;
  /** Warm the media hot path after the phone's own pre-warm (what call-prewarm would add). */
  readonly warmUpCodec?: CallCodecName;
  /** Calls on the native media path (SOFTPHONE_MEDIA_PATH=native), else on the TypeScript engine. */
  readonly native?: boolean;
}

const args = JSON.parse(process.argv[2] ?? '{}') as ChildArgs;
const send = (m: object): void => void process.send?.(m);
const quiet = { write: (): void => undefined };
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(() => r(), ms));
const SETTLE_MS = 10_000;

const headless = await createHeadlessPhone({
  io: { stdout: quiet, stderr: quiet, env: { SOFTPHONE_HOME: args.home }, cwd: process.cwd() },
  logLevel: 'error',
  callAudio: () => ({ playFile: args.playFile, recordFile: args.recordFile }),
  mediaPath: args.native === true ? 'native' : 'typescript',
});
const { phone } = headless;
let call: CpuMeter | undefined;
let idleCpuPct = Number.NaN;
const answering = new Set<string>();
phone.calls.onCallsChanged(({ calls }) => {
  for (const c of calls) {
    if (c.direction !== 'incoming' || !c.actions.includes('answer') || answering.has(c.id)) continue;
    answering.add(c.id);
    call = new CpuMeter();
    const r = phone.calls.answer(c.id);
    if (!r.ok) send({ type: 'error', message: `answer failed: ${r.error.code}` });
    else send({ type: 'answered' });
  }
});

await registerBenchAccount(phone, args.account, send);
await phone.prewarm.settled();
const warmed = args.warmUpCodec === undefined ? undefined : await warmUp(args.warmUpCodec);
// The phone has run a while before a call comes: V8's compiler threads and the GC finish what the
// pre-warm left them (seconds of background CPU) before the idle figure starts.
await sleep(SETTLE_MS);
send({ type: 'ready', warmUp: warmed });

process.on('message', (m: { type: string; ms?: number }) => {
  void (async () => {
    if (m.type === 'idle') {
      // Registered, pre-warmed, no call: what the phone's process costs anyway.
      const from = process.cpuUsage();
      const wall = performance.now();
      await sleep(m.ms ?? 20_000);
      idleCpuPct = cpuPctSince(from, wall);
      send({ type: 'idle', cpuPct: idleCpuPct });
    } else if (m.type === 'stop') {
      const c = call;
      if (c === undefined) {
        send({ type: 'error', message: 'no call was answered' });
        return;
      }
      const { cpuPct, cpuPctBy10s, seconds } = c.stop();
      const rssMB = process.memoryUsage.rss() / 2 ** 20;
      await headless.close();
      send({ type: 'result', cpuPct, idleCpuPct, seconds, rssMB, cpuPctBy10s });
      process.disconnect?.();
    }
  })();
});
