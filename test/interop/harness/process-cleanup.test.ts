/**
 * No peer outlives its test process: a Node process that exits without stopping its peers takes
 * them (and their children) down at `exit`; one that is SIGKILLed leaves a record that the next
 * harness start uses to reap them.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAlive, reapOrphans } from './process-registry.js';

const dir = mkdtempSync(join(tmpdir(), 'softphone-harness-cleanup-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const tsx = createRequire(import.meta.url).resolve('tsx');
const fixture = join(import.meta.dirname, 'fixtures', 'leaky-owner.ts');

/** Starts the fixture; resolves with the owner process and its peer's PID and grandchild's PID. */
function startOwner(mode: 'exit' | 'hang'): Promise<{ owner: ReturnType<typeof spawn>; peer: number; grandchild: number }> {
  const logPath = join(dir, `${mode}.log`);
  const owner = spawn(process.execPath, ['--import', tsx, fixture, mode, logPath], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    owner.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /PEER (\d+)/.exec(out);
      if (m !== null) {
        const g = /grandchild (\d+)/.exec(readFileSync(logPath, 'utf8'));
        resolve({ owner, peer: Number(m[1]), grandchild: Number(g?.[1]) });
      }
    });
    owner.once('exit', (code) => {
      if (!/PEER/.test(out)) reject(new Error(`fixture exited (${String(code)}) before starting its peer`));
    });
  });
}

const waitGone = async (pid: number): Promise<boolean> => {
  for (let i = 0; i < 100 && isAlive(pid); i++) await new Promise((r) => setTimeout(r, 20));
  return !isAlive(pid);
};

describe('process registry: no leaked peers', () => {
  it('kills the peer and its children when the owning process exits without stopping them', async () => {
    const { owner, peer, grandchild } = await startOwner('exit');
    await new Promise((r) => owner.once('exit', r));
    expect(await waitGone(peer)).toBe(true);
    expect(await waitGone(grandchild)).toBe(true);
  });

  it('reaps the peer of an owner that was SIGKILLed (no exit hook ran)', async () => {
    const { owner, peer, grandchild } = await startOwner('hang');
    owner.kill('SIGKILL');
    await new Promise((r) => owner.once('exit', r));
    expect(isAlive(peer)).toBe(true); // nothing could clean up yet
    expect(reapOrphans()).toContain(`leaky (pid ${peer})`);
    expect(await waitGone(peer)).toBe(true);
    expect(await waitGone(grandchild)).toBe(true);
  });
});
