/**
 * The interop tests run our headless CLI as users do: `node out/cli/softphone.js`. This builds
 * the bundle once when it is missing or older than any source it is made from (src-main,
 * src-shared, package.json, vite.cli.config.ts). Test files run in parallel workers, so the build
 * is serialized by a lock directory in $TMPDIR (removed afterwards; a lock older than two minutes
 * is taken to be left by a killed run).
 */
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const REPO_ROOT = resolve(import.meta.dirname, '../../../..');
export const CLI_PATH = join(REPO_ROOT, 'out/cli/softphone.js');
const LOCK_DIR = join(tmpdir(), 'softphone-interop-cli-build.lock');
const STALE_LOCK_MS = 120_000;

function newestSourceMtime(): number {
  let newest = 0;
  const visit = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) visit(path);
      else if (/\.(ts|json|vue)$/.test(entry.name) && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
    }
  };
  visit(join(REPO_ROOT, 'src-main'));
  visit(join(REPO_ROOT, 'src-shared'));
  for (const f of ['package.json', 'vite.cli.config.ts']) newest = Math.max(newest, statSync(join(REPO_ROOT, f)).mtimeMs);
  return newest;
}

function cliIsFresh(): boolean {
  const built = statSync(CLI_PATH, { throwIfNoEntry: false });
  return built !== undefined && built.mtimeMs >= newestSourceMtime();
}

function tryLock(): boolean {
  try {
    mkdirSync(LOCK_DIR);
    return true;
  } catch {
    const st = statSync(LOCK_DIR, { throwIfNoEntry: false });
    if (st !== undefined && Date.now() - st.mtimeMs > STALE_LOCK_MS) rmSync(LOCK_DIR, { recursive: true, force: true });
    return false;
  }
}

/** Returns the path of the built CLI, (re)building it first when it is stale. */
export async function ensureCliBuilt(): Promise<string> {
  if (cliIsFresh()) return CLI_PATH;
  const deadline = Date.now() + 90_000;
  while (!tryLock()) {
    if (Date.now() > deadline) throw new Error(`could not take the CLI build lock ${LOCK_DIR}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  try {
    if (cliIsFresh()) return CLI_PATH;
    try {
      await run(join(REPO_ROOT, 'node_modules/.bin/vite'), ['build', '-c', 'vite.cli.config.ts', '--logLevel', 'error'], { cwd: REPO_ROOT, timeout: 120_000 });
    } catch (e) {
      const x = e as { stdout?: string; stderr?: string; message: string };
      throw new Error(`building the CLI (vite build -c vite.cli.config.ts) failed: ${x.message}\n${x.stdout ?? ''}\n${x.stderr ?? ''}`, { cause: e });
    }
    return CLI_PATH;
  } finally {
    rmSync(LOCK_DIR, { recursive: true, force: true });
  }
}
