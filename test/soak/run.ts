/**
 * `npm run soak` (issue 15): the long runs, not part of `npm test` (test/soak/soak.test.ts runs
 * short versions in CI).
 *
 *   npm run soak                                 30 simulated days of registration, then 10,000 calls
 *   npm run soak -- --days 3 --calls 500         shorter
 *   npm run soak -- --only registration|calls    one of them
 *   npm run soak -- --concurrency 4 --callees 8 --seed 7 --deadline-min 60
 *
 * Prints JSON lines (progress lines carry `"progress":true`; the last line of each soak is its
 * result). Bounded: a global deadline (default 75 min) stops a run by itself, which then counts as
 * a violation. Exit code 1 when any bound was violated, 2 on a usage error or missing peers.
 *
 * Node needs --expose-gc for the heap figures (heap after a forced GC): the script re-runs itself
 * with it when it is missing.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { runCallSoak } from './call-soak.js';
import { runRegistrationSoak } from './registration-soak.js';

interface Args {
  days: number;
  calls: number;
  only: 'registration' | 'calls' | undefined;
  concurrency: number;
  callees: number;
  seed: number;
  deadlineMin: number;
}

const USAGE = 'usage: npm run soak -- [--days N] [--calls N] [--only registration|calls] [--concurrency N] [--callees N] [--seed N] [--deadline-min N]';

function parseArgs(argv: readonly string[]): Args | string {
  const a: Args = { days: 30, calls: 10_000, only: undefined, concurrency: 4, callees: 8, seed: 15, deadlineMin: 75 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = argv[i + 1];
    const num = (): number | string => {
      const n = Number(value);
      i++;
      return Number.isFinite(n) && n > 0 ? n : `${flag} needs a positive number`;
    };
    let r: number | string | undefined;
    switch (flag) {
      case '--days':
        r = num();
        if (typeof r === 'number') a.days = r;
        break;
      case '--calls':
        r = num();
        if (typeof r === 'number') a.calls = Math.floor(r);
        break;
      case '--concurrency':
        r = num();
        if (typeof r === 'number') a.concurrency = Math.floor(r);
        break;
      case '--callees':
        r = num();
        if (typeof r === 'number') a.callees = Math.floor(r);
        break;
      case '--seed':
        r = num();
        if (typeof r === 'number') a.seed = Math.floor(r);
        break;
      case '--deadline-min':
        r = num();
        if (typeof r === 'number') a.deadlineMin = r;
        break;
      case '--only':
        i++;
        if (value !== 'registration' && value !== 'calls') return '--only takes registration or calls';
        a.only = value;
        break;
      case '--help':
      case '-h':
        return USAGE;
      default:
        return `unknown option ${flag}\n${USAGE}`;
    }
    if (typeof r === 'string') return r;
  }
  return a;
}

const emit = (line: Record<string, unknown>): void => void process.stdout.write(`${JSON.stringify(line)}\n`);

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (typeof args === 'string') {
    process.stderr.write(`${args}\n`);
    return 2;
  }
  const deadline = Date.now() + args.deadlineMin * 60_000;
  // Stops by itself: past the deadline (plus the time to shut down), whatever is still running.
  const hardStop = setTimeout(() => {
    emit({ soak: 'all', error: `hard deadline of ${args.deadlineMin} min passed; stopping` });
    process.exit(1);
  }, args.deadlineMin * 60_000 + 120_000);
  hardStop.unref();
  let failed = false;
  if (args.only !== 'calls') {
    const r = await runRegistrationSoak({ days: args.days, seed: args.seed, wallBudgetMs: Math.max(60_000, (deadline - Date.now()) * (args.only === undefined ? 0.25 : 1)), progress: emit });
    emit({ ...r });
    failed ||= !r.ok;
  }
  if (args.only !== 'registration') {
    try {
      const r = await runCallSoak({ calls: args.calls, concurrency: args.concurrency, callees: args.callees, wallBudgetMs: Math.max(60_000, deadline - Date.now()), progress: emit });
      emit({ ...r });
      failed ||= !r.ok;
    } catch (e) {
      emit({ soak: 'calls', error: (e as Error).message });
      return /needs:/.test((e as Error).message) ? 2 : 1;
    }
  }
  return failed ? 1 : 0;
}

const FINAL_GRACE_MS = 5000;
const hasGc = typeof (globalThis as { gc?: unknown }).gc === 'function';
if (!hasGc && process.env.SOFTPHONE_SOAK_CHILD !== '1') {
  // Re-run under --expose-gc so that heap figures are taken after a full collection.
  const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, SOFTPHONE_SOAK_CHILD: '1' },
  });
  process.exitCode = r.status ?? 1;
} else {
  main().then(
    (code) => {
      process.exitCode = code;
      // Anything a run left behind must not keep the process up (the figures are out already).
      setTimeout(() => process.exit(code), FINAL_GRACE_MS).unref();
    },
    (e: unknown) => {
      emit({ soak: 'all', error: String((e as Error).stack ?? e) });
      process.exitCode = 1;
    },
  );
}
