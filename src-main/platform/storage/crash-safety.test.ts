/**
 * Issue 14 acceptance 2: a child process writes settings, accounts, history and secrets in a loop
 * through the real stores and is killed (SIGKILL) at random points, 50 times. After each kill
 * every file parses and holds a whole document: the one before or a newer one, never a torn or
 * mixed one, and never an older one than before.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { documentFor } from '../../../test/fixtures/storage/crash-documents.js';
import { SECRETS_SPEC } from './secret-store.js';
import { decodeDocument, WRAP_V0 } from './versioned-document.js';

const WRITER = join(import.meta.dirname, '../../../test/fixtures/storage/crash-writer.ts');
const TSX = join(import.meta.dirname, '../../../node_modules/tsx/dist/esm/index.mjs');

function runAndKill(dir: string, afterMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', TSX, WRITER, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    let killed = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (!killed && chunk.toString().includes('ready')) {
        killed = true;
        setTimeout(() => child.kill('SIGKILL'), afterMs);
      }
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`writer ended by itself (${String(signal)})`))));
  });
}

async function roundOf(dir: string, kind: 'settings' | 'accounts' | 'history'): Promise<number | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, `${kind}.json`), 'utf8');
  } catch {
    return undefined;
  }
  const d = decodeDocument(text, WRAP_V0);
  expect(d.ok, `${kind}.json parses`).toBe(true);
  if (!d.ok) return undefined;
  const n = kind === 'history' ? Number(/^h(\d+)-/.exec((d.data as { id: string }[])[0]!.id)![1]) : (d.data as { n: number }).n;
  expect(d.data, `${kind}.json is the whole document of round ${n}`).toEqual(documentFor(kind, n));
  return n;
}

describe('crash safety of the document writer', () => {
  it('SIGKILL at 50 random points leaves every file whole: the old or the new document', { timeout: 180_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'softphone-crash-'));
    const last: Record<string, number> = {};
    let seed = 0x2545f491;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) % 1000) / 1000;
    try {
      for (let i = 0; i < 50; i++) {
        await runAndKill(dir, Math.floor(random() * 60));
        for (const kind of ['settings', 'accounts', 'history'] as const) {
          const n = await roundOf(dir, kind);
          if (n === undefined) continue;
          expect(n, `${kind} never goes back`).toBeGreaterThanOrEqual(last[kind] ?? 0);
          last[kind] = n;
        }
        const secrets = await readFile(join(dir, 'secrets.json'), 'utf8').catch(() => undefined);
        if (secrets !== undefined) expect(decodeDocument(secrets, SECRETS_SPEC).ok, 'secrets.json parses').toBe(true);
        // Nothing set aside: no file was ever damaged.
        expect((await readdir(dir)).filter((f) => f.includes('.corrupt-'))).toEqual([]);
      }
      expect(last.settings ?? 0, 'the writer got through many rounds').toBeGreaterThan(5);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
