/**
 * `softphone sip-check` over the RFC 4475 and RFC 5118 torture vectors with a fake CliIo: one JSON
 * line per file, `ok` exactly as each vector's index entry says, kind and method/status, errors with
 * codes and reasons; exit 1 when any is invalid, 0 when all are valid, 2 on usage errors.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../cli-io.js';
import { sipCheck } from './sip-check.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const rfc4475 = `${root}test/vectors/rfc4475/`;
const rfc5118 = `${root}test/vectors/rfc5118/`;

interface Entry4475 {
  name: string;
  file: string;
  valid: boolean;
}
interface Entry5118 {
  name: string;
  wire_file: string;
  accept: boolean;
}
const index4475 = JSON.parse(readFileSync(`${rfc4475}index.json`, 'utf8')) as Entry4475[];
const index5118 = JSON.parse(readFileSync(`${rfc5118}index.json`, 'utf8')) as Entry5118[];

function fakeIo(cwd: string): CliIo & { lines: () => Array<Record<string, unknown>>; err: () => string; out: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (c: string) => (out += c) },
    stderr: { write: (c: string) => (err += c) },
    env: {},
    cwd,
    out: () => out,
    err: () => err,
    lines: () => out.trim().split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('softphone sip-check', () => {
  it('RFC 4475: one line per message, ok exactly as index.json says; exit 1 because some are invalid', async () => {
    const io = fakeIo(rfc4475);
    const code = await sipCheck(index4475.map((e) => e.file), io);
    expect(code).toBe(1);
    const lines = io.lines();
    expect(lines).toHaveLength(index4475.length);
    for (const [i, e] of index4475.entries()) {
      const line = lines[i]!;
      expect(Object.keys(line).slice(0, 3)).toEqual(['file', 'ok', 'kind']);
      expect(line['file']).toBe(e.file);
      expect(line['ok'], e.name).toBe(e.valid);
      expect((line['errors'] as unknown[]).length === 0, e.name).toBe(e.valid);
    }
  });

  it('reports kind and method or status, and each error with code, status and reason', async () => {
    const io = fakeIo(rfc4475);
    await sipCheck(['wsinv.dat', 'noreason.dat', 'badvers.dat', 'scalarlg.dat', 'multi01.dat'], io);
    const [wsinv, noreason, badvers, scalarlg, multi01] = io.lines();
    expect(wsinv).toEqual({ file: 'wsinv.dat', ok: true, kind: 'request', method: 'INVITE', errors: [] });
    expect(noreason).toEqual({ file: 'noreason.dat', ok: true, kind: 'response', status: 100, errors: [] });
    expect(badvers).toMatchObject({ ok: false, kind: 'request', method: 'OPTIONS', errors: [{ code: 'bad-version', status: 505, reason: 'Version Not Supported' }] });
    expect(scalarlg).toMatchObject({ ok: false, kind: 'response', status: 503 });
    expect((scalarlg!['errors'] as Array<{ header?: string }>).map((e) => e.header)).toEqual(expect.arrayContaining(['CSeq', 'Retry-After', 'Warning']));
    expect((multi01!['errors'] as Array<{ code: string }>).every((e) => e.code === 'duplicate-header')).toBe(true);
  });

  it('RFC 5118 wire messages: ok as the index says (accept)', async () => {
    const io = fakeIo(rfc5118);
    await sipCheck(index5118.map((e) => e.wire_file), io);
    expect(io.lines().map((l) => l['ok'])).toEqual(index5118.map((e) => e.accept));
  });

  it('exits 0 when every file is valid', async () => {
    const io = fakeIo(rfc4475);
    expect(await sipCheck(index4475.filter((e) => e.valid).map((e) => e.file), io)).toBe(0);
  });

  it('exits 2 with usage on stderr for no files, unknown options and unreadable files', async () => {
    const none = fakeIo(rfc4475);
    expect(await sipCheck([], none)).toBe(2);
    expect(none.err()).toContain('Usage: softphone sip-check');
    const opt = fakeIo(rfc4475);
    expect(await sipCheck(['--strict', 'wsinv.dat'], opt)).toBe(2);
    const missing = fakeIo(rfc4475);
    expect(await sipCheck(['wsinv.dat', 'does-not-exist.dat'], missing)).toBe(2);
    expect(missing.lines().map((l) => l['ok'])).toEqual([true, false]);
    const help = fakeIo(rfc4475);
    expect(await sipCheck(['--help'], help)).toBe(0);
    expect(help.out()).toContain('Exit status');
  });
});
