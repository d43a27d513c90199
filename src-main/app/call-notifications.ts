/**
 * Call notifications: the moment an incoming call rings, a silent notification (main rings
 * already) that stays until the call stops ringing, with Answer and Decline buttons where the
 * desktop has them (macOS, Windows; on Linux the tray menu offers them). It never takes focus:
 * showing it does not touch the window. Answer acts on that notification's call, whatever else
 * rings or runs; a click on the notification shows the window. A call that rang and was missed
 * leaves a "Missed call" notification. All of it only while settings.notifications is on.
 */
import type { NotificationConstructorOptions } from 'electron';
import { DisposableStore, type Disposable } from '../base/disposable.js';
import type { Logger } from '../base/logger.js';
import type { CallView } from '../../src-shared/model/call.js';
import { notificationButtonsSupported, type NotificationFactory, type NotificationPort } from './notification-port.js';
import type { RingingCalls } from './ringing-calls.js';
import type { ShellPhone, WindowControl } from './shell-phone.js';

/** The call's protection, in the words of the call screen's security button. */
export function securityWords(level: CallView['security']['level']): string {
  switch (level) {
    case 'secure':
      return 'Secure: encrypted, server verified';
    case 'weaker':
      return 'Weaker: encrypted, with weaker verification';
    case 'insecure':
      return 'Not secure: this call is not encrypted';
    case 'pending':
      return 'Security: still being negotiated';
  }
}

export const ANSWER_ACTION = 0;
export const DECLINE_ACTION = 1;

export function incomingCallNotification(call: CallView, platform: NodeJS.Platform): NotificationConstructorOptions {
  const options: NotificationConstructorOptions = {
    title: 'Incoming call',
    body: `${call.remote.label}\n${securityWords(call.security.level)}`,
    silent: true,
    timeoutType: 'never',
    urgency: 'critical',
  };
  if (notificationButtonsSupported(platform)) {
    options.actions = [
      { type: 'button', text: 'Answer' },
      { type: 'button', text: 'Decline' },
    ];
  }
  return options;
}

export function missedCallNotification(call: CallView): NotificationConstructorOptions {
  return { title: 'Missed call', body: call.remote.label, silent: true };
}

/** Missed-call notifications kept (so their click still arrives); older ones are let go. */
const MAX_MISSED_KEPT = 10;

export interface CallNotificationsDeps {
  readonly notifications: NotificationFactory;
  readonly platform: NodeJS.Platform;
  readonly phone: Pick<ShellPhone, 'settings' | 'calls' | 'app'>;
  readonly ringing: Pick<RingingCalls, 'onStarted' | 'onStopped'>;
  readonly window: WindowControl;
  readonly logger: Logger;
}

export class CallNotifications implements Disposable {
  private readonly store = new DisposableStore();
  /** Open incoming-call notifications by call id (held so Electron keeps their events). */
  private readonly incoming = new Map<string, NotificationPort>();
  private readonly missed: NotificationPort[] = [];

  constructor(private readonly deps: CallNotificationsDeps) {
    this.store.add(deps.ringing.onStarted((call) => this.ringing(call)));
    this.store.add(
      deps.ringing.onStopped(({ call, end }) => {
        this.closeIncoming(call.id);
        if (end === 'missed') this.missedCall(call);
      }),
    );
    this.store.add(
      deps.phone.settings.onDidChange((s) => {
        if (!s.notifications) for (const id of [...this.incoming.keys()]) this.closeIncoming(id);
      }),
    );
  }

  /** Call ids with an incoming-call notification open. */
  openCallIds(): string[] {
    return [...this.incoming.keys()];
  }

  dispose(): void {
    this.store.dispose();
    for (const id of [...this.incoming.keys()]) this.closeIncoming(id);
    this.missed.length = 0;
  }

  private enabled(): boolean {
    return this.deps.phone.settings.get().notifications && this.deps.notifications.isSupported();
  }

  private ringing(call: CallView): void {
    if (!this.enabled() || this.incoming.has(call.id)) return;
    const { phone, window, logger } = this.deps;
    const n = this.deps.notifications.create(incomingCallNotification(call, this.deps.platform));
    n.on('action', (details, index) => {
      const action = typeof details?.actionIndex === 'number' ? details.actionIndex : index;
      if (action === ANSWER_ACTION) {
        const r = phone.calls.answer(call.id);
        if (!r.ok) logger.warn('answer from the notification refused', { code: r.error.code });
      } else if (action === DECLINE_ACTION) {
        const r = phone.calls.decline(call.id, 'decline');
        if (!r.ok) logger.warn('decline from the notification refused', { code: r.error.code });
      }
    });
    n.on('click', () => window.show());
    n.on('close', () => {
      if (this.incoming.get(call.id) === n) this.incoming.delete(call.id);
    });
    this.incoming.set(call.id, n);
    n.show();
  }

  private closeIncoming(callId: string): void {
    const n = this.incoming.get(callId);
    if (n === undefined) return;
    this.incoming.delete(callId);
    n.close();
  }

  private missedCall(call: CallView): void {
    if (!this.enabled()) return;
    const n = this.deps.notifications.create(missedCallNotification(call));
    const forget = (): void => {
      const i = this.missed.indexOf(n);
      if (i >= 0) this.missed.splice(i, 1);
    };
    n.on('click', () => {
      forget();
      this.deps.window.show();
      this.deps.phone.app.command('show-history');
    });
    n.on('close', forget);
    this.missed.push(n);
    if (this.missed.length > MAX_MISSED_KEPT) this.missed.shift();
    n.show();
  }
}
