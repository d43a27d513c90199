/**
 * Reading seeds and crashers from disk: test/corpus/<target>/ (through test/support/corpus.ts for
 * .hex/.bin), raw files with other extensions (.sip, .sdp, .txt...), and the crashers/ folder
 * where the runner writes every failing input it finds (kept forever, replayed first on every run).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCorpus } from '../support/corpus.js';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const corpusRoot = join(repoRoot, 'test/corpus');

/** Every file under `dir` (relative to the repository) whose name ends with one of `exts`, sorted. */
export function readFiles(dir: string, exts: readonly string[]): Uint8Array[] {
  const abs = join(repoRoot, dir);
  if (!existsSync(abs)) return [];
  return readdirSync(abs)
    .filter((f) => exts.some((e) => f.endsWith(e)))
    .sort()
    .map((f) => new Uint8Array(readFileSync(join(abs, f))));
}

/** Lines of text files (one seed per non-empty line, as test/corpus/sdes-crypto/seeds.txt). */
export function readLines(dir: string, exts: readonly string[]): Uint8Array[] {
  return readFiles(dir, exts).flatMap((b) =>
    Buffer.from(b)
      .toString('utf8')
      .split(/\r?\n/)
      .filter((l) => l.length > 0 && !l.startsWith('#'))
      .map((l) => new Uint8Array(Buffer.from(l, 'utf8'))),
  );
}

/** The target's own corpus: test/corpus/<target>/*.hex and *.bin. */
export function corpusSeeds(target: string): Uint8Array[] {
  return loadCorpus(target);
}

/** Every crasher kept for a target (any extension: .bin written by the runner, older .sip files). */
export function crashers(target: string): Uint8Array[] {
  return [...loadCorpus(`${target}/crashers`), ...readFiles(join('test/corpus', target, 'crashers'), ['.sip', '.txt'])];
}

/** Saves a failing input as test/corpus/<target>/crashers/<sha256-prefix>.bin; returns the path (relative). */
export function saveCrasher(target: string, input: Uint8Array): string {
  const dir = join(corpusRoot, target, 'crashers');
  mkdirSync(dir, { recursive: true });
  const name = `${createHash('sha256').update(input).digest('hex').slice(0, 16)}.bin`;
  const path = join(dir, name);
  writeFileSync(path, input);
  return relative(repoRoot, path);
}
