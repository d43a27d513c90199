/**
 * Passwords at rest encrypted by the OS (Electron safeStorage: Keychain on macOS, DPAPI on
 * Windows, libsecret/kwallet on Linux), behind the SecretStore port. `secrets.json` holds
 * base64 of safeStorage's ciphertext (`{ protection: "safe-storage", values }`), never the
 * password. Electron itself is reached only through SafeStoragePort, built in app/main.ts.
 *
 * Linux without a keyring: safeStorage falls back to its `basic_text` backend, which only
 * obfuscates with a fixed key. We do not pretend: `status` says so (the app reports it at start),
 * and unless policy allows it (`allowBasicText`) nothing is written: a password lives for this run
 * only and the account asks for it at the next start (`storesAtRest` false).
 *
 * A schema-0 or CLI-written plain `secrets.json` found here is migrated: its values are
 * encrypted and the file rewritten, so no plain password stays on disk.
 */
import type { Logger } from '../../base/logger.js';
import type { SecretStore } from '../../services/phone/account-store.js';
import type { StoredDocumentProblem } from '../../services/settings/settings-service.js';
import { SecretsFile } from './secret-store.js';

/** What we use of Electron's `safeStorage` (a port: tests hand in a fake, the app the real module). */
export interface SafeStoragePort {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: 'basic_text' | 'gnome_libsecret' | 'kwallet' | 'kwallet5' | 'kwallet6' | 'unknown'. */
  getSelectedStorageBackend?(): string;
}

/**
 * - `encrypted`: the OS protects the passwords;
 * - `basic-text`: Linux without a keyring, and policy allows storing them obfuscated only;
 * - `session-only`: no usable encryption: passwords are asked for at each start.
 */
export type SecretStoreStatus = 'encrypted' | 'basic-text' | 'session-only';

export interface SafeStorageOptions {
  /** Policy (provisioning): store passwords even when the backend is `basic_text`. Default false. */
  readonly allowBasicText?: boolean;
  readonly logger?: Logger;
}

export class SafeStorageSecretStore implements SecretStore {
  readonly status: SecretStoreStatus;
  /** The backend as safeStorage names it ('keychain'/'dpapi' on macOS/Windows, where it has no name). */
  readonly backend: string;
  private readonly session = new Map<string, string>();
  private cache: Map<string, string> | undefined;
  private readonly file: SecretsFile;

  constructor(
    dir: string,
    private readonly safe: SafeStoragePort,
    private readonly options: SafeStorageOptions = {},
  ) {
    this.file = new SecretsFile(dir);
    this.backend = safe.getSelectedStorageBackend?.() ?? 'os';
    const available = safe.isEncryptionAvailable();
    if (!available) this.status = 'session-only';
    else if (this.backend === 'basic_text') this.status = options.allowBasicText === true ? 'basic-text' : 'session-only';
    else this.status = 'encrypted';
  }

  get storesAtRest(): boolean {
    return this.status !== 'session-only';
  }

  async get(key: string): Promise<string | undefined> {
    const s = this.session.get(key);
    if (s !== undefined) return s;
    const stored = (await this.load()).get(key);
    if (stored === undefined) return undefined;
    try {
      return this.safe.decryptString(Buffer.from(stored, 'base64'));
    } catch (e) {
      this.options.logger?.warn('a stored password could not be decrypted (keyring changed?); it will be asked for', { key, error: e });
      return undefined;
    }
  }

  async set(key: string, value: string): Promise<void> {
    if (!this.storesAtRest) {
      this.session.set(key, value);
      // Anything stored before (another backend) goes: one source of truth for this key.
      const m = await this.load();
      if (m.delete(key)) await this.save(m);
      return;
    }
    const m = await this.load();
    m.set(key, this.safe.encryptString(value).toString('base64'));
    await this.save(m);
  }

  async delete(key: string): Promise<void> {
    this.session.delete(key);
    const m = await this.load();
    if (m.delete(key)) await this.save(m);
  }

  takeProblems(): readonly StoredDocumentProblem[] {
    return this.file.takeProblems();
  }

  private save(m: Map<string, string>): Promise<void> {
    return this.file.save({ protection: 'safe-storage', values: Object.fromEntries(m) });
  }

  private async load(): Promise<Map<string, string>> {
    if (this.cache !== undefined) return this.cache;
    const doc = await this.file.load();
    const m = new Map<string, string>();
    this.cache = m;
    if (doc === undefined) return m;
    if (doc.protection === 'safe-storage') {
      for (const [k, v] of Object.entries(doc.values)) m.set(k, v);
      return m;
    }
    // A plain file (schema 0, or the CLI's fallback in this folder): encrypt it, or keep it for this run.
    for (const [k, v] of Object.entries(doc.values)) {
      if (this.storesAtRest) m.set(k, this.safe.encryptString(v).toString('base64'));
      else this.session.set(k, v);
    }
    await this.save(m);
    this.options.logger?.info('plain passwords found in secrets.json were moved into the OS-protected store', { count: Object.keys(doc.values).length, storedAtRest: this.storesAtRest });
    return m;
  }
}
