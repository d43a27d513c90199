/**
 * Secret stores for the account passwords (services/phone/account-store.ts SecretStore).
 *
 * - `MemorySecretStore`: this run only (tests, the web face's `--account FILE` accounts).
 * - `FileSecretStore`: a 0600 JSON file in the app's data folder, for the headless faces. It is
 *   protected by file permissions only, not encrypted: the desktop app's keychain-backed store
 *   (Electron safeStorage: Keychain / DPAPI / libsecret) replaces it there (see README "Secrets").
 */
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SecretStore } from '../../services/phone/account-store.js';

export class MemorySecretStore implements SecretStore {
  private readonly values = new Map<string, string>();
  get(key: string): Promise<string | undefined> {
    return Promise.resolve(this.values.get(key));
  }
  set(key: string, value: string): Promise<void> {
    this.values.set(key, value);
    return Promise.resolve();
  }
  delete(key: string): Promise<void> {
    this.values.delete(key);
    return Promise.resolve();
  }
}

let counter = 0;

export class FileSecretStore implements SecretStore {
  private cache: Map<string, string> | undefined;
  private writing: Promise<void> = Promise.resolve();
  private readonly file: string;

  constructor(private readonly dir: string) {
    this.file = join(dir, 'secrets.json');
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.load()).get(key);
  }

  async set(key: string, value: string): Promise<void> {
    (await this.load()).set(key, value);
    await this.save();
  }

  async delete(key: string): Promise<void> {
    const m = await this.load();
    if (m.delete(key)) await this.save();
  }

  private async load(): Promise<Map<string, string>> {
    if (this.cache !== undefined) return this.cache;
    let parsed: unknown = {};
    try {
      parsed = JSON.parse(await readFile(this.file, 'utf8')) as unknown;
    } catch (e) {
      if ((e as { code?: string }).code !== 'ENOENT') throw e;
    }
    const m = new Map<string, string>();
    if (typeof parsed === 'object' && parsed !== null) for (const [k, v] of Object.entries(parsed)) if (typeof v === 'string') m.set(k, v);
    this.cache = m;
    return m;
  }

  private save(): Promise<void> {
    const snapshot = JSON.stringify(Object.fromEntries(this.cache ?? []), null, 2);
    const run = this.writing.then(async () => {
      await mkdir(this.dir, { recursive: true, mode: 0o700 });
      const tmp = `${this.file}.${process.pid}.${++counter}.tmp`;
      await writeFile(tmp, `${snapshot}\n`, { mode: 0o600 });
      await chmod(tmp, 0o600);
      await rename(tmp, this.file);
    });
    this.writing = run.catch(() => undefined);
    return run;
  }
}
