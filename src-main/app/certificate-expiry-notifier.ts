/**
 * Certificate expiry warnings as an OS notification, at most once a day per account (issue 13):
 * when an account's server chain runs out within 30, 14 or 7 days — or has run out — the
 * registration view carries `certificateExpiry` (the account badge shows it in the window);
 * this notifies once per account and day, and again at once when a stricter threshold is
 * crossed. A click shows the Certificates view. The days already notified are kept in the
 * store, so a restart the same day stays quiet. Only while settings.notifications is on.
 */
import type { NotificationConstructorOptions } from 'electron';
import type { Clock } from '../base/clock.js';
import { DisposableStore, type Disposable } from '../base/disposable.js';
import type { Logger } from '../base/logger.js';
import type { RegistrationView } from '../../src-shared/model/registration.js';
import type { KeyValueStore } from '../services/settings/settings-service.js';
import type { NotificationFactory, NotificationPort } from './notification-port.js';
import type { ShellPhone, WindowControl } from './shell-phone.js';

const STORE_KEY = 'certificate-expiry-notified';
const HOUR = 3_600_000;

type Notified = Record<string, { day: string; threshold: number }>;

export function expiryNotification(account: string, e: NonNullable<RegistrationView['certificateExpiry']>): NotificationConstructorOptions {
  const title = e.threshold === 0 ? 'Server certificate expired' : `Server certificate expires in ${e.daysLeft} day${e.daysLeft === 1 ? '' : 's'}`;
  return { title, body: `${account}: ${e.message} Calls stop working when it runs out; tell your administrator.`, silent: true };
}

export interface ExpiryNotifierDeps {
  readonly notifications: NotificationFactory;
  readonly phone: Pick<ShellPhone, 'settings' | 'accounts' | 'app'>;
  readonly window: WindowControl;
  readonly clock: Clock;
  readonly store: KeyValueStore;
  readonly logger: Logger;
}

export class CertificateExpiryNotifier implements Disposable {
  private readonly disposables = new DisposableStore();
  private notified: Notified = {};
  private loaded: Promise<void>;
  /** Held so Electron keeps delivering the click. */
  private readonly open = new Map<string, NotificationPort>();

  constructor(private readonly deps: ExpiryNotifierDeps) {
    this.loaded = deps.store.read(STORE_KEY).then(
      (v) => {
        if (typeof v === 'object' && v !== null) this.notified = v as Notified;
      },
      () => undefined,
    );
    this.disposables.add(deps.phone.accounts.onRegistrationChanged((r) => void this.check(r)));
    // Registrations refresh every few minutes, but an idle day may bring no change: look hourly.
    const tick = (): void => {
      for (const r of deps.phone.accounts.list().registrations) void this.check(r);
      this.disposables.add(deps.clock.setTimer(HOUR, tick));
    };
    this.disposables.add(deps.clock.setTimer(HOUR, tick));
    void this.loaded.then(() => {
      for (const r of deps.phone.accounts.list().registrations) void this.check(r);
    });
  }

  dispose(): void {
    this.disposables.dispose();
    for (const n of this.open.values()) n.close();
    this.open.clear();
  }

  private async check(r: RegistrationView): Promise<void> {
    await this.loaded;
    const e = r.certificateExpiry;
    if (e === null) return;
    const { phone, notifications } = this.deps;
    if (!phone.settings.get().notifications || !notifications.isSupported()) return;
    const day = new Date(this.deps.clock.now()).toISOString().slice(0, 10);
    const last = this.notified[r.accountId];
    if (last !== undefined && last.day === day && last.threshold <= e.threshold) return;
    this.notified = { ...this.notified, [r.accountId]: { day, threshold: e.threshold } };
    void this.deps.store.write(STORE_KEY, this.notified).catch((err: unknown) => this.deps.logger.warn('expiry notification state not saved', { cause: String(err) }));
    const account = phone.accounts.list().accounts.find((a) => a.id === r.accountId)?.shortAddress ?? r.accountId;
    this.open.get(r.accountId)?.close();
    const n = notifications.create(expiryNotification(account, e));
    n.on('click', () => {
      this.deps.window.show();
      phone.app.command('show-certificates');
    });
    n.on('close', () => {
      if (this.open.get(r.accountId) === n) this.open.delete(r.accountId);
    });
    this.open.set(r.accountId, n);
    n.show();
  }
}
