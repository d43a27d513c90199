/**
 * Atomic, per-file-serialized writes: the one way the phone replaces a file on disk.
 *
 *   1. write the whole document to a temp file in the same folder (same file system, so the
 *      rename below is atomic), mode 0600;
 *   2. fsync the temp file (its bytes are on disk before its name is);
 *   3. rename it over the target (POSIX rename(2) and Windows MoveFileEx replace atomically);
 *   4. fsync the folder (the rename itself survives a power cut; skipped where the OS cannot
 *      open a folder, i.e. Windows).
 *
 * Writes to one path are queued so they never interleave: the last one queued wins, and a
 * reader sees either the previous document or the new one, never a mixture or a truncated file.
 */
import { mkdir, open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const queues = new Map<string, Promise<void>>();
let counter = 0;

export function writeFileAtomic(path: string, text: string): Promise<void> {
  const previous = queues.get(path) ?? Promise.resolve();
  const run = previous.then(() => replace(path, text));
  const tail = run.catch(() => undefined);
  queues.set(path, tail);
  void tail.then(() => {
    if (queues.get(path) === tail) queues.delete(path);
  });
  return run;
}

const swept = new Set<string>();
const TEMP_NAME = /^\..+\.(\d+)\.\d+\.tmp$/;

/** Whether a process with this id runs now (a temp file of a live writer must stay). */
function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}

/**
 * Removes the temp files a killed writer left in `dir` (step 1 done, step 3 never reached):
 * only those of processes that no longer run. Returns the names removed.
 */
export async function removeStaleTempFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const stale = names.filter((n) => {
    const m = TEMP_NAME.exec(n);
    return m !== null && !alive(Number(m[1]));
  });
  await Promise.all(stale.map((n) => unlink(join(dir, n)).catch(() => undefined)));
  return stale;
}

async function replace(path: string, text: string): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // Once per folder and run: what an earlier, killed run left half-way is swept away first.
  if (!swept.has(dir)) {
    swept.add(dir);
    await removeStaleTempFiles(dir);
  }
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${++counter}.tmp`);
  try {
    const fh = await open(tmp, 'w', 0o600);
    try {
      await fh.writeFile(text, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  await syncFolder(dir);
}

async function syncFolder(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } catch {
    // Some file systems refuse fsync on a folder (EINVAL): the rename is still atomic.
  } finally {
    await fh.close();
  }
}
