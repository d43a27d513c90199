/**
 * Every peer process the harness starts is recorded here, so that none outlives the test run:
 *
 * - in memory: on `exit` of this Node process (and on SIGINT/SIGTERM/SIGHUP) every live peer's
 *   whole process group gets SIGKILL (peers run in their own group: Kamailio forks workers);
 * - on disk (`$TMPDIR/softphone-interop-procs/<owner>-<child>.json`): if this Node process is
 *   SIGKILLed and never sees `exit`, the next harness start in any process finds the record,
 *   sees the owner is gone, and kills the orphaned group - but only if the PID still belongs to the
 *   same process (its start time in /proc matches), so a reused PID is never touched.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Record_ {
  readonly ownerPid: number;
  readonly ownerStart: string | null;
  readonly pid: number;
  readonly start: string | null;
  readonly name: string;
}

const RECORD_DIR = join(tmpdir(), 'softphone-interop-procs');
const live = new Map<number, Record_>();
let hooksInstalled = false;
let reaped = false;

/** Field 22 of /proc/PID/stat: start time in clock ticks since boot (null off Linux or if gone). */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return rest[19] ?? null;
  } catch {
    return null;
  }
}

/** True when a process with this PID exists (and, if given, started at `start`). */
export function isAlive(pid: number, start?: string | null): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // A zombie has exited already: it only waits for its parent to reap it.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return false;
  } catch {
    // no /proc: trust kill(0)
  }
  if (start === undefined || start === null) return true;
  return processStartTime(pid) === start;
}

/** True while any process of the group led by `pgid` is alive. */
export function isGroupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  // kill(0) succeeds for zombies too; look for a live member in /proc where we can.
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (fields[2] === String(pgid) && fields[0] !== 'Z') return true;
      } catch {
        // raced with an exit
      }
    }
    return false;
  } catch {
    return true;
  }
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

function recordPath(r: Pick<Record_, 'ownerPid' | 'pid'>): string {
  return join(RECORD_DIR, `${r.ownerPid}-${r.pid}.json`);
}

/** Kills peers left behind by harness processes that died without cleaning up (see header). */
export function reapOrphans(): string[] {
  const killed: string[] = [];
  let entries: string[];
  try {
    entries = readdirSync(RECORD_DIR);
  } catch {
    return killed;
  }
  for (const entry of entries) {
    const path = join(RECORD_DIR, entry);
    let r: Record_;
    try {
      r = JSON.parse(readFileSync(path, 'utf8')) as Record_;
    } catch {
      rmSync(path, { force: true });
      continue;
    }
    if (r.ownerPid === process.pid || isAlive(r.ownerPid, r.ownerStart)) continue;
    if (isAlive(r.pid, r.start)) {
      killGroup(r.pid, 'SIGKILL');
      killed.push(`${r.name} (pid ${r.pid})`);
    }
    rmSync(path, { force: true });
  }
  if (killed.length > 0) console.warn(`interop harness: killed peers orphaned by a dead test process: ${killed.join(', ')}`);
  return killed;
}

function killAllNow(): void {
  for (const r of live.values()) {
    killGroup(r.pid, 'SIGKILL');
    rmSync(recordPath(r), { force: true });
  }
  live.clear();
}

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', killAllNow);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const handler = (): void => {
      killAllNow();
      process.removeListener(signal, handler);
      // Re-raise so that the default behaviour (or the runner's own handler) still happens.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, handler);
  }
}

/** Records a freshly spawned peer (the leader of its own process group). */
export function registerProcess(pid: number, name: string): void {
  installHooks();
  if (!reaped) {
    reaped = true;
    reapOrphans();
  }
  const r: Record_ = { ownerPid: process.pid, ownerStart: processStartTime(process.pid), pid, start: processStartTime(pid), name };
  live.set(pid, r);
  try {
    mkdirSync(RECORD_DIR, { recursive: true });
    writeFileSync(recordPath(r), JSON.stringify(r));
  } catch {
    // The in-memory registry still covers a normal exit.
  }
}

/** Forgets a peer whose whole process group is gone. */
export function unregisterProcess(pid: number): void {
  const r = live.get(pid);
  live.delete(pid);
  if (r !== undefined) rmSync(recordPath(r), { force: true });
}

/** Names and PIDs of peers this process started that are not stopped yet (for leak checks). */
export function liveProcesses(): { pid: number; name: string }[] {
  return [...live.values()].map((r) => ({ pid: r.pid, name: r.name }));
}

/** SIGKILLs the process group of every live peer right now (last-resort cleanup). */
export function killAllProcesses(): void {
  killAllNow();
}
