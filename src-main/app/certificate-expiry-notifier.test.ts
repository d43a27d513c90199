import { describe, expect, it } from 'vitest';
import { nullLogger } from '../base/logger.js';
import { MemoryStore } from '../platform/storage/json-file-store.js';
import { FakeClock } from '../../test/fakes/fake-clock.js';
import { accountView, FakeNotifications, FakeShellPhone, registrationView } from '../../test/fakes/fake-shell.js';
import { CertificateExpiryNotifier } from './certificate-expiry-notifier.js';

const HOUR = 3_600_000;
const expiring = (daysLeft: number, threshold: 30 | 14 | 7 | 0) => ({ ...registrationView('alice', 'registered'), certificateExpiry: { subject: 'CN=pbx.example.com', daysLeft, threshold, message: `The certificate “pbx.example.com” expires in ${daysLeft} days.` } });

async function setup(store = new MemoryStore()) {
  const phone = new FakeShellPhone();
  const notifications = new FakeNotifications();
  const clock = new FakeClock(Date.UTC(2026, 11, 6, 9, 0, 0));
  let shown = 0;
  phone.setAccounts([accountView('alice')], [registrationView('alice', 'registered')]);
  const notifier = new CertificateExpiryNotifier({ notifications, phone, window: { show: () => void shown++ }, clock, store, logger: nullLogger });
  await new Promise((r) => setTimeout(r, 0));
  return { phone, notifications, clock, notifier, store, shown: () => shown };
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

describe('certificate expiry notifications (30/14/7 days, once a day per account)', () => {
  it('notifies once a day; a stricter threshold notifies again at once; a click shows the Certificates view', async () => {
    const w = await setup();
    w.phone.setRegistration(expiring(20, 30));
    await settle();
    w.phone.setRegistration(expiring(20, 30));
    await settle();
    expect(w.notifications.created.map((n) => n.options.title)).toEqual(['Server certificate expires in 20 days']);
    w.phone.setRegistration(expiring(6, 7));
    await settle();
    expect(w.notifications.created).toHaveLength(2);
    w.notifications.created[1]!.clickBody();
    expect(w.shown()).toBe(1);
    expect(w.phone.app.command).toHaveBeenCalledWith('show-certificates');
    // The next day, the hourly look notifies again.
    w.phone.setAccounts([accountView('alice')], [expiring(5, 7)]);
    w.clock.advance(24 * HOUR);
    await settle();
    expect(w.notifications.created).toHaveLength(3);
    w.notifier.dispose();
  });

  it('remembers the day across a restart, and stays quiet when notifications are off or nothing expires', async () => {
    const store = new MemoryStore();
    const a = await setup(store);
    a.phone.setRegistration(expiring(10, 14));
    await settle();
    a.notifier.dispose();
    const b = await setup(store);
    b.phone.setRegistration(expiring(10, 14));
    await settle();
    expect(b.notifications.created).toHaveLength(0);
    b.phone.setSettings({ notifications: false });
    b.phone.setRegistration(expiring(3, 0));
    await settle();
    expect(b.notifications.created).toHaveLength(0);
    b.phone.setSettings({ notifications: true });
    b.phone.setRegistration(registrationView('alice', 'registered'));
    await settle();
    expect(b.notifications.created).toHaveLength(0);
    b.notifier.dispose();
  });
});
