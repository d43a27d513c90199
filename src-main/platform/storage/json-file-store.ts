import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { KeyValueStore } from '../../services/settings/settings-service.js';

/**
 * A key → JSON document store in a directory, one file per key. Writes are atomic
 * (write a temp file, then rename) so a crash never leaves a half-written settings file.
 */
let writeCounter = 0;

export class JsonFileStore implements KeyValueStore {
  constructor(private readonly dir: string) {}

  async read(key: string): Promise<unknown> {
    try {
      return JSON.parse(await readFile(this.path(key), 'utf8')) as unknown;
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  async write(key: string, value: unknown): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const target = this.path(key);
    const tmp = `${target}.${process.pid}.${++writeCounter}.tmp`;
    await writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
    await rename(tmp, target);
  }

  private path(key: string): string {
    if (!/^[a-z0-9-]+$/.test(key)) throw new RangeError(`invalid store key: ${key}`);
    return join(this.dir, `${key}.json`);
  }
}

/** In-memory store for tests and for `--ephemeral` headless runs. */
export class MemoryStore implements KeyValueStore {
  private readonly data = new Map<string, string>();
  read(key: string): Promise<unknown> {
    const v = this.data.get(key);
    return Promise.resolve(v === undefined ? undefined : (JSON.parse(v) as unknown));
  }
  write(key: string, value: unknown): Promise<void> {
    this.data.set(key, JSON.stringify(value));
    return Promise.resolve();
  }
}
