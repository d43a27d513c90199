/**
 * The accounts the app keeps: their settings (the shared account schema, src-shared/model/
 * account.ts) without secrets in `accounts.json`, and their passwords in a SecretStore (the OS
 * keychain in the app; see the port). Which account is the default, and which are enabled.
 *
 * A password enters here once (add/update) and only ever leaves towards the SIP stack (`config()`
 * for the engine): no view, log or event carries it.
 */
import * as v from 'valibot';
import type { Logger } from '../../base/logger.js';
import { err, ok, type Result } from '../../base/result.js';
import { AccountConfigSchema, type AccountConfig } from '../../../src-shared/model/account.js';
import type { Problem } from '../../../src-shared/ipc/errors.js';
import { problem } from '../problems/problem-catalog.js';
import type { KeyValueStore } from '../settings/settings-service.js';

/** Where secrets live (Keychain / DPAPI / libsecret in the app; a 0600 file or memory elsewhere). */
export interface SecretStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
  /**
   * False when secrets set now live for this run only (Linux without a keyring: safeStorage's
   * `basic_text` backend, which policy does not allow): the account then asks for its password
   * at each start. Absent: stored.
   */
  readonly storesAtRest?: boolean;
}

export interface StoredAccount {
  readonly id: string;
  readonly enabled: boolean;
  /** Settings without secrets. */
  readonly config: AccountConfig;
  readonly hasPassword: boolean;
  readonly hasClientCertPassword: boolean;
  /** Kept in memory for this run only (`--account FILE` of the web face): never written. */
  readonly ephemeral: boolean;
  /**
   * The password is not stored at rest (SecretStore.storesAtRest false) and was not entered in
   * this run: the account cannot register until `accounts.update` brings it.
   */
  readonly passwordNeeded: boolean;
}

const KEY = 'accounts';

const StoredFileSchema = v.object({
  version: v.literal(1),
  defaultAccountId: v.nullable(v.string()),
  accounts: v.array(v.object({ id: v.string(), enabled: v.boolean(), config: v.unknown(), askPassword: v.optional(v.boolean()) })),
});

const passwordKey = (id: string): string => `account:${id}:password`;
const certPasswordKey = (id: string): string => `account:${id}:client-cert-password`;

/** The settings as stored (and shown): no password, no client-certificate password. */
export function withoutSecrets(config: AccountConfig): AccountConfig {
  const { password: _password, ...rest } = config;
  const cert = rest.tls.clientCert;
  if (cert === undefined) return rest;
  const { password: _certPassword, ...certRest } = cert;
  return { ...rest, tls: { ...rest.tls, clientCert: certRest } };
}

export class AccountStore {
  private accounts: StoredAccount[] = [];
  private defaultId: string | null = null;
  private writing: Promise<void> = Promise.resolve();
  /** Secrets of ephemeral accounts (never stored). */
  private readonly ephemeralSecrets = new Map<string, string>();

  constructor(
    private readonly store: KeyValueStore,
    private readonly secrets: SecretStore,
    private readonly logger: Logger,
  ) {}

  /** Reads the stored accounts; an entry that no longer validates is skipped (and logged), never lost on disk. */
  async load(): Promise<Result<void, Problem>> {
    let raw: unknown;
    try {
      raw = await this.store.read(KEY);
    } catch (e) {
      this.logger.error('accounts could not be read', { error: e });
      return err(problem('storage-read-failed', { what: 'accounts' }));
    }
    if (raw === undefined) return ok(undefined);
    const file = v.safeParse(StoredFileSchema, raw);
    if (!file.success) {
      // Set aside (kept for IT, never overwritten by the next save) and start without accounts.
      const movedTo = await this.store.setAside?.(KEY);
      this.logger.error('accounts file is not valid; set aside, starting without accounts', { issues: v.summarize(file.issues).slice(0, 300), movedTo });
      return err(problem('storage-corrupt', { what: 'accounts', ...(movedTo === undefined ? {} : { file: movedTo }) }));
    }
    const loaded: StoredAccount[] = [];
    for (const a of file.output.accounts) {
      const config = v.safeParse(AccountConfigSchema, a.config);
      if (!config.success) {
        this.logger.warn('stored account skipped: its settings no longer validate', { account: a.id, issues: v.summarize(config.issues).slice(0, 300) });
        continue;
      }
      const hasPassword = (await this.secrets.get(passwordKey(a.id))) !== undefined;
      loaded.push({
        id: a.id,
        enabled: a.enabled,
        config: config.output,
        hasPassword,
        hasClientCertPassword: (await this.secrets.get(certPasswordKey(a.id))) !== undefined,
        ephemeral: false,
        passwordNeeded: a.askPassword === true && !hasPassword,
      });
    }
    this.accounts = loaded;
    this.defaultId = file.output.defaultAccountId !== null && loaded.some((a) => a.id === file.output.defaultAccountId) ? file.output.defaultAccountId : (loaded[0]?.id ?? null);
    return ok(undefined);
  }

  list(): readonly StoredAccount[] {
    return this.accounts;
  }

  get(id: string): StoredAccount | undefined {
    return this.accounts.find((a) => a.id === id);
  }

  get defaultAccountId(): string | null {
    return this.defaultId;
  }

  /** An id for a new account from its address: `alice-pbx-example-com`, made unique. */
  newId(uri: string): string {
    const base =
      uri
        .replace(/^sips?:/i, '')
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-+|-+$/g, '')
        .slice(0, 48) || 'account';
    let id = base;
    for (let n = 2; this.get(id) !== undefined; n++) id = `${base}-${n}`;
    return id;
  }

  /** Adds an account; its secrets go to the secret store, its settings to the file. */
  async add(id: string, config: AccountConfig, options: { enabled: boolean; makeDefault: boolean; ephemeral?: boolean }): Promise<Result<StoredAccount, Problem>> {
    if (this.get(id) !== undefined) return err(problem('account-exists', { id }));
    const ephemeral = options.ephemeral === true;
    const saved = await this.saveSecrets(id, config, ephemeral, false);
    if (!saved.ok) return saved;
    const account: StoredAccount = { id, enabled: options.enabled, config: withoutSecrets(config), ...saved.value, ephemeral, passwordNeeded: false };
    this.accounts = [...this.accounts, account];
    if (options.makeDefault || this.defaultId === null) this.defaultId = id;
    const written = await this.persist();
    if (!written.ok) return written;
    return ok(account);
  }

  /** Replaces the settings; a secret left out is kept, `clearPassword` removes the SIP password. */
  async update(id: string, config: AccountConfig, clearPassword: boolean): Promise<Result<StoredAccount, Problem>> {
    const current = this.get(id);
    if (current === undefined) return err(problem('not-found', { what: 'account', id }));
    const saved = await this.saveSecrets(id, config, current.ephemeral, clearPassword, current);
    if (!saved.ok) return saved;
    const next: StoredAccount = { ...current, config: withoutSecrets(config), ...saved.value, passwordNeeded: current.passwordNeeded && !saved.value.hasPassword };
    this.accounts = this.accounts.map((a) => (a.id === id ? next : a));
    const written = await this.persist();
    if (!written.ok) return written;
    return ok(next);
  }

  async setEnabled(id: string, enabled: boolean): Promise<Result<StoredAccount, Problem>> {
    const current = this.get(id);
    if (current === undefined) return err(problem('not-found', { what: 'account', id }));
    const next = { ...current, enabled };
    this.accounts = this.accounts.map((a) => (a.id === id ? next : a));
    const written = await this.persist();
    return written.ok ? ok(next) : written;
  }

  async setDefault(id: string): Promise<Result<StoredAccount, Problem>> {
    const current = this.get(id);
    if (current === undefined) return err(problem('not-found', { what: 'account', id }));
    this.defaultId = id;
    const written = await this.persist();
    return written.ok ? ok(current) : written;
  }

  async remove(id: string): Promise<Result<void, Problem>> {
    const current = this.get(id);
    if (current === undefined) return err(problem('not-found', { what: 'account', id }));
    this.accounts = this.accounts.filter((a) => a.id !== id);
    if (this.defaultId === id) this.defaultId = this.accounts[0]?.id ?? null;
    this.ephemeralSecrets.delete(passwordKey(id));
    this.ephemeralSecrets.delete(certPasswordKey(id));
    if (!current.ephemeral) {
      try {
        await this.secrets.delete(passwordKey(id));
        await this.secrets.delete(certPasswordKey(id));
      } catch (e) {
        this.logger.warn('account secrets could not be deleted', { account: id, error: e });
      }
    }
    return this.persist();
  }

  /** The full settings with secrets, for the SIP stack only. */
  async config(id: string): Promise<Result<AccountConfig, Problem>> {
    const a = this.get(id);
    if (a === undefined) return err(problem('not-found', { what: 'account', id }));
    const read = async (key: string): Promise<string | undefined> => (a.ephemeral ? this.ephemeralSecrets.get(key) : this.secrets.get(key));
    try {
      const password = await read(passwordKey(id));
      const certPassword = await read(certPasswordKey(id));
      const cert = a.config.tls.clientCert;
      return ok({
        ...a.config,
        ...(password === undefined ? {} : { password }),
        tls: { ...a.config.tls, ...(cert === undefined ? {} : { clientCert: { ...cert, ...(certPassword === undefined ? {} : { password: certPassword }) } }) },
      });
    } catch (e) {
      this.logger.error('account secrets could not be read', { account: id, error: e });
      return err(problem('storage-read-failed', { what: 'account password' }));
    }
  }

  private async saveSecrets(id: string, config: AccountConfig, ephemeral: boolean, clearPassword: boolean, current?: StoredAccount): Promise<Result<{ hasPassword: boolean; hasClientCertPassword: boolean }, Problem>> {
    const put = async (key: string, value: string): Promise<void> => {
      if (ephemeral) this.ephemeralSecrets.set(key, value);
      else await this.secrets.set(key, value);
    };
    const drop = async (key: string): Promise<void> => {
      if (ephemeral) this.ephemeralSecrets.delete(key);
      else await this.secrets.delete(key);
    };
    let hasPassword = current?.hasPassword ?? false;
    let hasClientCertPassword = current?.hasClientCertPassword ?? false;
    try {
      if (config.password !== undefined) {
        await put(passwordKey(id), config.password);
        hasPassword = true;
      } else if (clearPassword) {
        await drop(passwordKey(id));
        hasPassword = false;
      }
      const cert = config.tls.clientCert;
      if (cert === undefined) {
        if (hasClientCertPassword) await drop(certPasswordKey(id));
        hasClientCertPassword = false;
      } else if (cert.password !== undefined) {
        await put(certPasswordKey(id), cert.password);
        hasClientCertPassword = true;
      }
    } catch (e) {
      this.logger.error('account secrets could not be saved', { account: id, error: e });
      return err(problem('storage-write-failed', { what: 'The account password' }));
    }
    return ok({ hasPassword, hasClientCertPassword });
  }

  /** Writes the non-ephemeral accounts (serialised, atomic per the store). */
  private persist(): Promise<Result<void, Problem>> {
    const snapshot = {
      version: 1 as const,
      defaultAccountId: this.defaultId !== null && this.get(this.defaultId)?.ephemeral !== true ? this.defaultId : null,
      // askPassword: a password this store cannot keep at rest (no keyring) is asked for at the next start.
      accounts: this.accounts
        .filter((a) => !a.ephemeral)
        .map((a) => ({ id: a.id, enabled: a.enabled, config: a.config, ...((a.hasPassword || a.passwordNeeded) && this.secrets.storesAtRest === false ? { askPassword: true } : {}) })),
    };
    const run = this.writing.then(async (): Promise<Result<void, Problem>> => {
      try {
        await this.store.write(KEY, snapshot);
        return ok(undefined);
      } catch (e) {
        this.logger.error('accounts could not be saved', { error: e });
        return err(problem('storage-write-failed', { what: 'The accounts' }));
      }
    });
    this.writing = run.then(() => undefined);
    return run;
  }
}
