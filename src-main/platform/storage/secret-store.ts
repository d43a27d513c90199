/**
 * Secret stores for the account passwords (services/phone/account-store.ts SecretStore).
 *
 * - `MemorySecretStore`: this run only (tests, the web face's `--account FILE` accounts).
 * - `PlaintextFileSecretStore`: the headless CLI's FALLBACK. A 0600 `secrets.json` in the data
 *   folder, protected by file permissions ONLY, not encrypted: anyone who can read the file as
 *   this user (or root, or a backup) reads the passwords. It logs a warning when opened. The
 *   desktop app uses SafeStorageSecretStore (safe-storage-secret-store.ts) instead.
 *
 * Both file stores write `secrets.json` as `{ "schema": 1, "data": { "protection", "values" } }`
 * through the atomic, serialized writer; the schema-0 file (a flat `{ key: password }` map,
 * written before issue 14) is migrated.
 */
import { join } from 'node:path';
import type { Logger } from '../../base/logger.js';
import type { SecretStore } from '../../services/phone/account-store.js';
import type { StoredDocumentProblem } from '../../services/settings/settings-service.js';
import { readDocument, writeDocument, type DocumentSpec } from './versioned-document.js';

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

/** How the values of `secrets.json` are protected. */
export type SecretProtection = 'file-permissions-only' | 'safe-storage';

export interface SecretsDocument {
  readonly protection: SecretProtection;
  /** Key → the secret (file-permissions-only) or base64 of safeStorage's ciphertext (safe-storage). */
  readonly values: Readonly<Record<string, string>>;
}

export const SECRETS_SPEC: DocumentSpec = {
  version: 1,
  // Schema 0: the flat map FileSecretStore wrote (plain values, 0600 file).
  migrate: (_from, data) => ({ protection: 'file-permissions-only', values: stringsOf(data) }),
};

function stringsOf(data: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (typeof data === 'object' && data !== null) for (const [k, v] of Object.entries(data)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** Reads and writes `secrets.json` (a damaged file is set aside and reported, see versioned-document.ts). */
export class SecretsFile {
  readonly path: string;
  private problems: StoredDocumentProblem[] = [];
  constructor(dir: string) {
    this.path = join(dir, 'secrets.json');
  }
  async load(): Promise<SecretsDocument | undefined> {
    const r = await readDocument(this.path, SECRETS_SPEC);
    if (r.kind === 'absent') return undefined;
    if (r.kind === 'corrupt') {
      this.problems.push({ what: 'passwords', movedTo: r.movedTo, reason: r.reason });
      return undefined;
    }
    const d = r.data as Partial<SecretsDocument> | null;
    const protection = d?.protection === 'safe-storage' ? 'safe-storage' : 'file-permissions-only';
    return { protection, values: stringsOf(d?.values) };
  }
  save(doc: SecretsDocument): Promise<void> {
    return writeDocument(this.path, SECRETS_SPEC, doc);
  }
  takeProblems(): readonly StoredDocumentProblem[] {
    const p = this.problems;
    this.problems = [];
    return p;
  }
}

/**
 * FALLBACK for the headless CLI and the web face: passwords in a 0600 file, NOT encrypted (see
 * the file comment and README "Secrets"). Never used by the desktop app.
 */
export class PlaintextFileSecretStore implements SecretStore {
  private cache: Map<string, string> | undefined;
  private readonly file: SecretsFile;
  private warned = false;

  constructor(
    dir: string,
    private readonly logger?: Logger,
  ) {
    this.file = new SecretsFile(dir);
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.load()).get(key);
  }

  async set(key: string, value: string): Promise<void> {
    const m = await this.load();
    m.set(key, value);
    if (!this.warned) {
      this.warned = true;
      this.logger?.warn('passwords are kept in a plain file protected only by its permissions (0600), not encrypted', { file: this.file.path });
    }
    await this.file.save({ protection: 'file-permissions-only', values: Object.fromEntries(m) });
  }

  async delete(key: string): Promise<void> {
    const m = await this.load();
    if (m.delete(key)) await this.file.save({ protection: 'file-permissions-only', values: Object.fromEntries(m) });
  }

  takeProblems(): readonly StoredDocumentProblem[] {
    return this.file.takeProblems();
  }

  private async load(): Promise<Map<string, string>> {
    if (this.cache !== undefined) return this.cache;
    const doc = await this.file.load();
    const m = new Map<string, string>();
    if (doc !== undefined && doc.protection === 'file-permissions-only') for (const [k, v] of Object.entries(doc.values)) m.set(k, v);
    else if (doc !== undefined) this.logger?.warn('secrets.json is encrypted by the desktop app; the CLI cannot read it', { file: this.file.path });
    this.cache = m;
    return m;
  }
}
