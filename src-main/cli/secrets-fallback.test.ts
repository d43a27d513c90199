/**
 * The CLI's secrets (issue 14): the real 0600 plaintext fallback through the headless phone,
 * `--password-env VAR` instead of a password in the file, and the warning for an account file
 * holding a password that group or others can read.
 */
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as v from 'valibot';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AccountConfigSchema } from '../../src-shared/model/account.js';
import { loadAccountFile } from './account-file.js';
import type { CliIo } from './cli-io.js';
import { createHeadlessPhone } from './headless-phone.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'softphone-cli-secrets-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function io(env: Record<string, string> = {}): CliIo & { err: string } {
  const state = { err: '' };
  return Object.assign(state, { stdout: { write: () => true }, stderr: { write: (s: string) => (state.err += s) }, env: { SOFTPHONE_HOME: dir, ...env }, cwd: dir });
}

describe('CLI secrets', () => {
  it('the headless phone keeps passwords in a 0600 file, says it is not encrypted, and reads them back', async () => {
    const t = io();
    const headless = await createHeadlessPhone({ io: t, logLevel: 'warn', dataDir: join(dir, 'data') });
    const added = await headless.phone.accounts.add({ id: 'alice', config: v.parse(AccountConfigSchema, { uri: 'sips:alice@pbx.example.com', password: 'cli-secret' }), enabled: false, makeDefault: true });
    expect(added.ok).toBe(true);
    await headless.close();
    const file = join(dir, 'data', 'secrets.json');
    if (process.platform !== 'win32') expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ schema: 1, data: { protection: 'file-permissions-only', values: { 'account:alice:password': 'cli-secret' } } });
    expect(t.err).toMatch(/not encrypted/);
    const again = await createHeadlessPhone({ io: io(), logLevel: 'warn', dataDir: join(dir, 'data') });
    const config = await again.phone.accounts.config('alice');
    expect(config.ok && config.value.password).toBe('cli-secret');
    await again.close();
  });

  it('--password-env takes the password from the environment; a missing variable is an error', async () => {
    await writeFile(join(dir, 'a.json'), JSON.stringify({ uri: 'sips:alice@pbx.example.com' }), { mode: 0o644 });
    const r = await loadAccountFile('a.json', dir, { passwordEnv: 'SIP_PW', env: { SIP_PW: 'from-env' } });
    expect(r.ok && r.value.password).toBe('from-env');
    const missing = await loadAccountFile('a.json', dir, { passwordEnv: 'SIP_PW', env: {} });
    expect(!missing.ok && missing.error).toMatch(/SIP_PW/);
  });

  // Skipped on Windows only: POSIX group/other permission bits do not exist there (ACLs do); CI runs on Linux.
  it.skipIf(process.platform === 'win32')('warns when an account file holding a password is readable by group or others', async () => {
    const file = join(dir, 'b.json');
    await writeFile(file, JSON.stringify({ uri: 'sips:alice@pbx.example.com', password: 'pw' }));
    const warnings: string[] = [];
    await chmod(file, 0o644);
    await loadAccountFile(file, dir, { warn: (m) => warnings.push(m) });
    expect(warnings).toEqual([expect.stringMatching(/readable by others.*chmod 600/)]);
    await chmod(file, 0o640);
    await loadAccountFile(file, dir, { warn: (m) => warnings.push(m) });
    expect(warnings[1]).toMatch(/readable by its group/);
    await chmod(file, 0o600);
    await loadAccountFile(file, dir, { warn: (m) => warnings.push(m) });
    expect(warnings).toHaveLength(2);
  });
});
