/**
 * The process side of the harness with plain `sh`: log capture, readiness, stop escalation,
 * whole-group kill (no grandchild survives), and the reaping of peers whose test process died.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HarnessScope } from './harness-scope.js';
import { ManagedProcess } from './managed-process.js';
import { isAlive, isGroupAlive, liveProcesses, processStartTime, reapOrphans } from './process-registry.js';

const dir = mkdtempSync(join(tmpdir(), 'softphone-harness-proc-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const log = (): string => join(dir, `p${++n}.log`);

describe('ManagedProcess', () => {
  it('captures stdout and stderr into the log and waits for a line', async () => {
    const p = ManagedProcess.spawn({ name: 'echo', command: 'sh', args: ['-c', 'echo out; echo err >&2; echo ready; sleep 30'], logPath: log() });
    await p.waitForOutput('ready', { timeoutMs: 5000 });
    expect(p.output()).toMatch(/out\n[\s\S]*err\n/);
    expect(liveProcesses().map((x) => x.pid)).toContain(p.pid);
    const exit = await p.stop();
    expect(exit.signal).toBe('SIGTERM');
    expect(liveProcesses().map((x) => x.pid)).not.toContain(p.pid);
  });

  it('fails a wait fast, with the log tail, when the process exits first', async () => {
    const p = ManagedProcess.spawn({ name: 'dies', command: 'sh', args: ['-c', 'echo bad config; exit 3'], logPath: log() });
    await expect(p.waitForOutput('never printed', { timeoutMs: 5000 })).rejects.toThrow(/exited \(exit code 3\)[\s\S]*bad config/);
    await p.stop();
  });

  it('sends SIGKILL after the grace period to a process that ignores SIGTERM', async () => {
    const p = ManagedProcess.spawn({ name: 'stubborn', command: 'sh', args: ['-c', "trap '' TERM; echo armed; while :; do sleep 0.05; done"], logPath: log(), graceMs: 300 });
    await p.waitForOutput('armed');
    const started = Date.now();
    const exit = await p.stop();
    expect(exit.signal).toBe('SIGKILL');
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(p.output()).toMatch(/did not stop within 300 ms of SIGTERM: SIGKILL/);
  });

  it('takes the whole process group down: no grandchild survives the stop', async () => {
    const pidFile = join(dir, 'grandchild.pid');
    const p = ManagedProcess.spawn({ name: 'forker', command: 'sh', args: ['-c', `sleep 60 & echo $! > ${pidFile}; echo forked; wait`], logPath: log() });
    await p.waitForOutput('forked');
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    expect(isAlive(grandchild)).toBe(true);
    await p.stop();
    expect(isAlive(grandchild)).toBe(false);
    expect(isGroupAlive(p.pid)).toBe(false);
  });

  it('reaps a peer whose owning test process died without cleaning up, but never a reused PID', async () => {
    // An "orphan": a detached sleep recorded as owned by a PID that no longer exists.
    const orphan = spawn('sleep', ['60'], { detached: true, stdio: 'ignore' });
    orphan.unref();
    const pid = orphan.pid!;
    const records = join(tmpdir(), 'softphone-interop-procs');
    mkdirSync(records, { recursive: true });
    const deadOwner = 2 ** 22 + 12_345; // above pid_max defaults: never alive
    writeFileSync(join(records, `${deadOwner}-${pid}.json`), JSON.stringify({ ownerPid: deadOwner, ownerStart: null, pid, start: processStartTime(pid), name: 'orphan' }));
    // A record for the same dead owner whose PID now belongs to another process (wrong start time).
    const innocent = spawn('sleep', ['60'], { detached: true, stdio: 'ignore' });
    const ipid = innocent.pid!;
    writeFileSync(join(records, `${deadOwner}-${ipid}.json`), JSON.stringify({ ownerPid: deadOwner, ownerStart: null, pid: ipid, start: '1', name: 'reused' }));
    try {
      const reaped = reapOrphans();
      expect(reaped).toContain(`orphan (pid ${pid})`);
      expect(reaped.join()).not.toContain(String(ipid));
      await new Promise((r) => setTimeout(r, 100));
      expect(isAlive(pid)).toBe(false);
      expect(isAlive(ipid)).toBe(true);
    } finally {
      innocent.kill('SIGKILL');
      orphan.kill('SIGKILL');
    }
  });
});

describe('HarnessScope', () => {
  it('stops what it owns in reverse order and removes its directory when nothing failed', async () => {
    const scope = HarnessScope.create('unit');
    const order: string[] = [];
    scope.own({ stop: async () => void order.push('first') });
    scope.own({ stop: async () => void order.push('second') });
    const sub = scope.subdir('peer');
    expect(scope.subdir('peer')).toBe(`${sub}-2`);
    await scope.dispose();
    expect(order).toEqual(['second', 'first']);
    expect(existsSync(scope.dir)).toBe(false);
  });

  it('keeps its directory (and says where) when a test failed', async () => {
    const scope = HarnessScope.create('unit-failed');
    const warn = console.warn;
    const printed: string[] = [];
    console.warn = (m: string) => void printed.push(m);
    try {
      await scope.dispose({ failed: true });
    } finally {
      console.warn = warn;
    }
    expect(existsSync(scope.dir)).toBe(true);
    expect(printed.join('\n')).toContain(scope.dir);
    rmSync(scope.dir, { recursive: true, force: true });
  });
});
