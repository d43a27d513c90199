/**
 * The accounts as the app manages them: stored (account-store.ts), running in the engine when
 * enabled, each with its live RegistrationView. Add, edit, remove, enable/disable, default
 * account, Retry now. Settings that cannot connect (a bad address, an unreadable CA file, a
 * client certificate that does not open) are refused with their typed problem and not saved.
 */
import type { Clock } from '../../base/clock.js';
import { DisposableStore, type Disposable } from '../../base/disposable.js';
import { Emitter, type Event } from '../../base/event.js';
import type { Logger } from '../../base/logger.js';
import { err, ok, type Result } from '../../base/result.js';
import type { RegistrationState } from '../../protocol/sip/ua/registration-client.js';
import type { AccountAdd, AccountConfig, AccountUpdate, AccountView, LockedSetting } from '../../../src-shared/model/account.js';
import type { RegistrationView } from '../../../src-shared/model/registration.js';
import type { Problem } from '../../../src-shared/ipc/errors.js';
import { problem } from '../problems/problem-catalog.js';
import { withoutSecrets, type AccountStore, type StoredAccount } from './account-store.js';
import type { PhoneService } from './phone-service.js';
import type { ConnectionState } from './ports.js';
import { toAccountView } from './views/account-view.js';
import { toRegistrationView } from './views/registration-view.js';
import { OPEN_ACCOUNT_POLICY, type AccountPolicy } from '../provisioning/provisioning-policy.js';

interface LiveState {
  connection: ConnectionState | undefined;
  registration: RegistrationState | undefined;
  lastRegistered: Extract<RegistrationState, { kind: 'registered' }> | undefined;
  since: number;
}

/** Which settings IT locked (provisioning, a later issue); none by default. */
export type LockedSettings = (accountId: string) => readonly LockedSetting[];

export class AccountsService implements Disposable {
  private readonly live = new Map<string, LiveState>();
  private readonly store = new DisposableStore();
  private readonly accountsChanged = new Emitter<{ accounts: AccountView[] }>();
  private readonly registrationChanged = new Emitter<RegistrationView>();
  readonly onAccountsChanged: Event<{ accounts: AccountView[] }> = this.accountsChanged.event;
  readonly onRegistrationChanged: Event<RegistrationView> = this.registrationChanged.event;
  /** Serialises changes per account so an edit never races a removal. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly accounts: AccountStore,
    private readonly engine: PhoneService,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly locked: LockedSettings = () => [],
    private readonly policy: AccountPolicy = OPEN_ACCOUNT_POLICY,
  ) {
    this.store.add(
      engine.onEvent((e) => {
        if (e.type !== 'connection' && e.type !== 'registration') return;
        const s = this.live.get(e.accountId);
        if (s === undefined) return;
        if (e.type === 'connection') s.connection = e.state;
        else {
          s.registration = e.state;
          if (e.state.kind === 'registered') s.lastRegistered = e.state;
          if (e.state.kind === 'unregistered' || e.state.kind === 'failed') s.lastRegistered = undefined;
        }
        s.since = this.clock.now();
        this.registrationChanged.fire(this.registration(e.accountId));
      }),
    );
  }

  /** Starts every enabled stored account. */
  async start(): Promise<void> {
    for (const a of this.accounts.list()) {
      if (!a.enabled) continue;
      const r = await this.run(a.id);
      if (!r.ok) this.logger.warn('a stored account could not start', { account: a.id, code: r.error.code });
    }
  }

  list(): { accounts: AccountView[]; registrations: RegistrationView[] } {
    return { accounts: this.views(), registrations: this.accounts.list().map((a) => this.registration(a.id)) };
  }

  view(id: string): Result<AccountView, Problem> {
    const a = this.accounts.get(id);
    return a === undefined ? err(problem('not-found', { what: 'account', id })) : ok(this.toView(a));
  }

  /** The account calls are placed from when none is named: the default one if enabled, else the first enabled one. */
  defaultAccountId(): string | undefined {
    const id = this.accounts.defaultAccountId;
    if (id !== null && this.accounts.get(id)?.enabled === true) return id;
    return this.accounts.list().find((a) => a.enabled)?.id;
  }

  add(req: AccountAdd, options: { ephemeral?: boolean } = {}): Promise<Result<AccountView, Problem>> {
    return this.serial(async () => {
      // Provisioning's policy (main decides; the renderer's view is never trusted).
      const refused = (options.ephemeral === true ? undefined : this.policy.mayAdd()) ?? this.policy.check(req.config);
      if (refused !== undefined) return err(refused);
      const id = req.id ?? this.accounts.newId(req.config.uri);
      const stored = await this.accounts.add(id, req.config, { enabled: req.enabled, makeDefault: req.makeDefault, ...(options.ephemeral === undefined ? {} : { ephemeral: options.ephemeral }) });
      if (!stored.ok) return stored;
      if (req.enabled) {
        const started = await this.run(id);
        if (!started.ok) {
          // Settings that cannot even start a connection are not kept.
          await this.accounts.remove(id);
          return started;
        }
      }
      this.changed();
      return ok(this.toView(stored.value));
    });
  }

  update(req: AccountUpdate): Promise<Result<AccountView, Problem>> {
    return this.serial(async () => {
      const before = this.accounts.get(req.id);
      if (before === undefined) return err(problem('not-found', { what: 'account', id: req.id }));
      const lockedChange = this.lockedChange(req.id, before.config, req.config);
      if (lockedChange !== undefined) return err(problem('setting-locked', { setting: lockedChange.setting, reason: lockedChange.reason }));
      const editDenied = this.policy.mayEdit(req.id);
      if (editDenied !== undefined && JSON.stringify(withoutSecrets(req.config)) !== JSON.stringify(before.config)) return err(editDenied);
      const refused = this.policy.check(req.config);
      if (refused !== undefined) return err(refused);
      const previous = await this.accounts.config(req.id);
      const stored = await this.accounts.update(req.id, req.config, req.clearPassword);
      if (!stored.ok) return stored;
      if (stored.value.enabled) {
        await this.stop(req.id);
        const started = await this.run(req.id);
        if (!started.ok) {
          // Put the working settings back rather than leaving a broken account behind.
          if (previous.ok) await this.accounts.update(req.id, previous.value, false);
          await this.run(req.id);
          return started;
        }
      }
      this.changed();
      return ok(this.toView(stored.value));
    });
  }

  remove(id: string): Promise<Result<void, Problem>> {
    return this.serial(async () => {
      if (this.accounts.get(id) === undefined) return err(problem('not-found', { what: 'account', id }));
      const denied = this.policy.mayRemove(id);
      if (denied !== undefined) return err(denied);
      await this.stop(id);
      const r = await this.accounts.remove(id);
      this.changed();
      return r;
    });
  }

  setEnabled(id: string, enabled: boolean): Promise<Result<AccountView, Problem>> {
    return this.serial(async () => {
      const current = this.accounts.get(id);
      if (current === undefined) return err(problem('not-found', { what: 'account', id }));
      if (current.enabled !== enabled) {
        if (enabled) {
          const started = await this.run(id);
          if (!started.ok) return started;
        } else await this.stop(id);
        const stored = await this.accounts.setEnabled(id, enabled);
        if (!stored.ok) return stored;
        this.registrationChanged.fire(this.registration(id));
        this.changed();
      }
      return this.view(id);
    });
  }

  setDefault(id: string): Promise<Result<AccountView, Problem>> {
    return this.serial(async () => {
      const r = await this.accounts.setDefault(id);
      if (!r.ok) return r;
      this.changed();
      return ok(this.toView(r.value));
    });
  }

  retry(id: string): Result<void, Problem> {
    const a = this.accounts.get(id);
    if (a === undefined) return err(problem('not-found', { what: 'account', id }));
    if (!a.enabled) return err(problem('conflict'));
    return this.engine.retryAccount(id);
  }

  /** The full settings with secrets (the connection test, the certificate checks); never for a view. */
  config(id: string): Promise<Result<AccountConfig, Problem>> {
    return this.accounts.config(id);
  }

  registration(id: string): RegistrationView {
    const a = this.accounts.get(id);
    const s = this.live.get(id);
    return toRegistrationView({
      accountId: id,
      enabled: a?.enabled === true && s !== undefined,
      registers: a?.config.register ?? true,
      connection: s?.connection,
      registration: s?.registration,
      lastRegistered: s?.lastRegistered,
      report: this.engine.account(id)?.connection.certificateReport(),
      since: s?.since ?? this.clock.now(),
    });
  }

  dispose(): void {
    this.store.dispose();
    this.accountsChanged.dispose();
    this.registrationChanged.dispose();
  }

  private async run(id: string): Promise<Result<void, Problem>> {
    const stored = this.accounts.get(id);
    // No keyring: the password was not kept; the account waits until it is entered (accounts.update).
    if (stored?.passwordNeeded === true) return err(problem('password-not-stored', { account: stored.config.displayName ?? stored.config.uri }));
    const config = await this.accounts.config(id);
    if (!config.ok) return config;
    this.live.set(id, { connection: undefined, registration: undefined, lastRegistered: undefined, since: this.clock.now() });
    const r = await this.engine.addAccount(id, config.value);
    if (!r.ok) {
      this.live.delete(id);
      return r;
    }
    const s = this.live.get(id);
    const runtime = this.engine.account(id);
    if (s !== undefined && runtime !== undefined) {
      s.connection ??= runtime.connection.state;
      s.registration ??= runtime.registration.state;
    }
    this.registrationChanged.fire(this.registration(id));
    return ok(undefined);
  }

  private async stop(id: string): Promise<void> {
    if (this.engine.account(id) !== undefined) await this.engine.removeAccount(id);
    this.live.delete(id);
  }

  private toView(a: StoredAccount): AccountView {
    return toAccountView(a, this.accounts.defaultAccountId === a.id, this.locked(a.id));
  }

  private views(): AccountView[] {
    return this.accounts.list().map((a) => this.toView(a));
  }

  private changed(): void {
    this.accountsChanged.fire({ accounts: this.views() });
  }

  /** The first locked setting the edit would change (main refuses it; the renderer's view is never trusted). */
  private lockedChange(id: string, before: AccountConfig, after: AccountConfig): LockedSetting | undefined {
    for (const l of this.locked(id)) {
      const read = (c: AccountConfig): string => JSON.stringify(l.setting.split('.').reduce<unknown>((o, k) => (typeof o === 'object' && o !== null ? (o as Record<string, unknown>)[k] : undefined), c));
      if (read(before) !== read(after)) return l;
    }
    return undefined;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
