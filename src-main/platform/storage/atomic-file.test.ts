import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { removeStaleTempFiles, writeFileAtomic } from './atomic-file.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function folder(): string {
  const d = mkdtempSync(join(tmpdir(), 'atomic-'));
  dirs.push(d);
  return d;
}

/** The id of a process that has exited (so no live writer owns it). */
function deadPid(): number {
  return Number(spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]).stdout.toString());
}

describe('atomic writes', () => {
  it('queued writes to one file land in order; the last one wins and no temp file is left', async () => {
    const d = folder();
    const f = join(d, 'doc.json');
    await Promise.all(Array.from({ length: 50 }, (_, i) => writeFileAtomic(f, `{"n":${i}}`)));
    expect(JSON.parse(readFileSync(f, 'utf8'))).toEqual({ n: 49 });
    expect(readdirSync(d)).toEqual(['doc.json']);
  });

  it('temp files a killed writer left are removed; a live writer’s stay', async () => {
    const d = folder();
    const dead = deadPid();
    writeFileSync(join(d, `.settings.json.${dead}.3.tmp`), '{"half');
    writeFileSync(join(d, `.history.json.${process.pid}.9.tmp`), '{"mine');
    writeFileSync(join(d, 'notes.tmp'), 'not ours');
    expect(await removeStaleTempFiles(d)).toEqual([`.settings.json.${dead}.3.tmp`]);
    expect(existsSync(join(d, `.history.json.${process.pid}.9.tmp`))).toBe(true);
    expect(existsSync(join(d, 'notes.tmp'))).toBe(true);
  });
});
