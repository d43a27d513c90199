import { join } from 'node:path';
import type { KeyValueStore, StoredDocumentProblem } from '../../services/settings/settings-service.js';
import { readDocument, setAside, WRAP_V0, writeDocument, type DocumentSpec } from './versioned-document.js';

/**
 * A key → JSON document store in a folder, one file per key (`settings.json`, `accounts.json`…).
 * Every write is atomic and serialized per file (atomic-file.ts); every document carries its
 * schema version (versioned-document.ts) and older documents are migrated when read. A damaged
 * file is moved aside as `KEY.json.corrupt-<time>`, the key reads as absent (the caller's
 * default) and the problem is kept for `takeProblems()` (the composition tells the person).
 */
export class JsonFileStore implements KeyValueStore {
  private problems: StoredDocumentProblem[] = [];

  constructor(
    private readonly dir: string,
    /** Schema per key; keys not named here are at version 1 (the v0 document wrapped). */
    private readonly specs: Readonly<Record<string, DocumentSpec>> = {},
  ) {}

  async read(key: string): Promise<unknown> {
    const r = await readDocument(this.path(key), this.spec(key));
    if (r.kind === 'absent') return undefined;
    if (r.kind === 'corrupt') {
      this.problems.push({ what: key, movedTo: r.movedTo, reason: r.reason });
      return undefined;
    }
    return r.data;
  }

  write(key: string, value: unknown): Promise<void> {
    return writeDocument(this.path(key), this.spec(key), value);
  }

  async setAside(key: string): Promise<string | undefined> {
    // The caller reports it (it knows why the document does not validate).
    return setAside(this.path(key));
  }

  takeProblems(): readonly StoredDocumentProblem[] {
    const p = this.problems;
    this.problems = [];
    return p;
  }

  private spec(key: string): DocumentSpec {
    return this.specs[key] ?? WRAP_V0;
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
