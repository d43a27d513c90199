import { describe, expect, it, vi } from 'vitest';
import { nullLogger } from '../base/logger.js';
import { activeCall, answered, callView, ended, FakeNotifications, FakeShellPhone } from '../../test/fakes/fake-shell.js';
import { CallNotifications, incomingCallNotification, securityWords } from './call-notifications.js';
import { RingingCalls } from './ringing-calls.js';

function setup(platform: NodeJS.Platform = 'darwin'): { phone: FakeShellPhone; notifications: FakeNotifications; show: ReturnType<typeof vi.fn>; shell: CallNotifications; ringing: RingingCalls } {
  const phone = new FakeShellPhone();
  const notifications = new FakeNotifications();
  const ringing = new RingingCalls(phone.calls);
  const show = vi.fn();
  const shell = new CallNotifications({ notifications, platform, phone, ringing, window: { show }, logger: nullLogger });
  return { phone, notifications, show, shell, ringing };
}

describe('CallNotifications: incoming and missed calls', () => {
  it('notifies at once when a call rings: silent, never timing out, caller and security in words, Answer/Decline buttons', () => {
    const { phone, notifications, show } = setup('darwin');
    const call = callView({ remote: { uri: 'sips:bob@pbx.example.com', label: 'Bob Smith', displayName: 'Bob Smith' } });
    phone.setCalls([call]);
    expect(notifications.created).toHaveLength(1);
    const n = notifications.created[0]!;
    expect(n.shown).toBe(true);
    expect(n.options).toMatchObject({
      title: 'Incoming call',
      body: 'Bob Smith\nSecure: encrypted, server verified',
      silent: true,
      timeoutType: 'never',
      actions: [
        { type: 'button', text: 'Answer' },
        { type: 'button', text: 'Decline' },
      ],
    });
    // Showing a notification never takes focus from what the person is doing.
    expect(show).not.toHaveBeenCalled();
  });

  it('two calls, the second ringing: Answer on its notification answers the second call', () => {
    const { phone, notifications } = setup();
    const first = callView();
    const second = callView();
    phone.setCalls([first]);
    phone.setCalls([answered(first), second]);
    const forSecond = notifications.created[1]!;
    forSecond.action(0);
    expect(phone.calls.answer).toHaveBeenCalledTimes(1);
    expect(phone.calls.answer).toHaveBeenCalledWith(second.id);
  });

  it('each notification keeps its own call: Decline on the first declines the first, even after another rings', () => {
    const { phone, notifications } = setup('win32');
    const first = callView();
    const second = callView();
    phone.setCalls([first, second]);
    notifications.created[0]!.action(1);
    expect(phone.calls.decline).toHaveBeenCalledWith(first.id, 'decline');
    expect(phone.calls.answer).not.toHaveBeenCalled();
  });

  it('understands the older action event too (index as the second argument)', () => {
    const { phone, notifications } = setup();
    const call = callView();
    phone.setCalls([call]);
    notifications.created[0]!.legacyAction(0);
    expect(phone.calls.answer).toHaveBeenCalledWith(call.id);
  });

  it('a click on the notification shows the window', () => {
    const { phone, notifications, show } = setup();
    phone.setCalls([callView()]);
    notifications.created[0]!.clickBody();
    expect(show).toHaveBeenCalledTimes(1);
  });

  it('closes the notification when the call stops ringing (answered elsewhere)', () => {
    const { phone, notifications, shell } = setup();
    const call = callView();
    phone.setCalls([call]);
    expect(shell.openCallIds()).toEqual([call.id]);
    phone.setCalls([answered(call)]);
    expect(notifications.created[0]!.closed).toBe(true);
    expect(shell.openCallIds()).toEqual([]);
    expect(notifications.created).toHaveLength(1);
  });

  it('Linux: no buttons (the tray menu has Answer and Decline)', () => {
    const { phone, notifications } = setup('linux');
    phone.setCalls([callView()]);
    expect(notifications.created[0]!.options.actions).toBeUndefined();
    expect(notifications.created[0]!.options.timeoutType).toBe('never');
  });

  it('a missed call leaves a "Missed call" notification; its click opens the history', () => {
    const { phone, notifications, show } = setup();
    const call = callView({ remote: { uri: 'sips:ann@x', label: 'Ann', displayName: 'Ann' } });
    phone.setCalls([call]);
    phone.setCalls([ended(call, 'missed')]);
    const missed = notifications.titled('Missed call');
    expect(missed).toHaveLength(1);
    expect(missed[0]!.options.body).toBe('Ann');
    expect(missed[0]!.shown).toBe(true);
    missed[0]!.clickBody();
    expect(show).toHaveBeenCalled();
    expect(phone.app.command).toHaveBeenCalledWith('show-history');
  });

  it('no missed-call notification for a call declined or answered, nor for an outgoing call', () => {
    const { phone, notifications } = setup();
    const a = callView();
    const b = callView();
    phone.setCalls([a, b, activeCall()]);
    phone.setCalls([ended(a, 'declined'), answered(b), ended(activeCall(), 'missed')]);
    expect(notifications.titled('Missed call')).toHaveLength(0);
  });

  it('respects settings.notifications: nothing while off, and open ones close when it goes off', () => {
    const { phone, notifications } = setup();
    const a = callView();
    phone.setCalls([a]);
    phone.setSettings({ notifications: false });
    expect(notifications.created[0]!.closed).toBe(true);
    const b = callView();
    phone.setCalls([a, b]);
    phone.setCalls([ended(a, 'missed'), ended(b, 'missed')]);
    expect(notifications.created).toHaveLength(1);
  });

  it('nothing when the desktop has no notifications', () => {
    const { phone, notifications } = setup();
    notifications.supported = false;
    phone.setCalls([callView()]);
    expect(notifications.created).toHaveLength(0);
  });

  it('dispose closes what is open and removes every listener', () => {
    const { phone, notifications, shell, ringing } = setup();
    phone.setCalls([callView()]);
    shell.dispose();
    ringing.dispose();
    expect(notifications.created[0]!.closed).toBe(true);
    expect(phone.listenerCount()).toBe(0);
  });

  it('security words for each level', () => {
    expect(securityWords('weaker')).toMatch(/^Weaker/);
    expect(securityWords('insecure')).toMatch(/^Not secure/);
    expect(securityWords('pending')).toMatch(/negotiated/);
    expect(incomingCallNotification(callView({ security: { ...callView().security, level: 'insecure' } }), 'win32').body).toMatch(/not encrypted/);
  });
});
