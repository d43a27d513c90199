/**
 * RFC 4028 session timers on one call (the header helpers are in session-timer.ts):
 *
 *   off ─2xx / our answer with Session-Expires→ refreshing (we are the refresher, §10: re-INVITE at SE/2)
 *    ▲                                       └→ watching   (the peer refreshes, §10: BYE at SE - min(32, SE/3))
 *    └──── a 2xx to our re-INVITE without Session-Expires (§7.2: the peer does not want timers)
 *
 * Each refresh (ours or the peer's) re-arms the timer with the interval it negotiated.
 */
import type { Disposable } from '../../../base/disposable.js';
import { createResponse } from '../message/builders.js';
import type { SipRequest, SipResponse } from '../message/message.js';
import { boundedSessionExpires } from './peer-durations.js';
import { DEFAULT_MIN_SE, expiryDelayMs, parseSessionExpires, refreshDelayMs, type SessionExpires } from './session-timer.js';

export type RefresherRole = 'uac' | 'uas';

/** A Session-Expires we settled on for a request the peer sent: the interval and who refreshes. */
export interface NegotiatedInterval {
  readonly seconds: number;
  readonly refresher: RefresherRole;
}

type TimerState =
  | { readonly kind: 'off' }
  /** §10: we refresh at half the interval. */
  | { readonly kind: 'refreshing'; readonly interval: number; readonly timer: Disposable }
  /** §10: the peer refreshes; without a refresh we end the session before the interval is over. */
  | { readonly kind: 'watching'; readonly interval: number; readonly timer: Disposable };

export interface SessionTimerActions {
  /** Time to refresh (we are the refresher): send a re-INVITE. */
  refresh(): void;
  /** The peer did not refresh in time: end the session (§10, BYE). */
  expire(): void;
}

export class CallSessionTimer {
  private state: TimerState = { kind: 'off' };

  constructor(
    private readonly setTimer: (ms: number, fn: () => void) => Disposable,
    private readonly actions: SessionTimerActions,
  ) {}

  /** The negotiated interval (seconds), while timers run. */
  get interval(): number | undefined {
    return this.state.kind === 'off' ? undefined : this.state.interval;
  }

  /** For logs and tests. */
  get info(): { interval: number; weRefresh: boolean } | undefined {
    switch (this.state.kind) {
      case 'off':
        return undefined;
      case 'refreshing':
        return { interval: this.state.interval, weRefresh: true };
      case 'watching':
        return { interval: this.state.interval, weRefresh: false };
    }
  }

  /**
   * §9: what we answer to a request of the peer with Session-Expires (at least our Min-SE, at most
   * MAX_SESSION_EXPIRES_S: §9 lets the UAS reduce it; the UAC refreshes unless it said otherwise).
   */
  static negotiate(request: SipRequest): NegotiatedInterval | undefined {
    const se = parseSessionExpires(request);
    if (se === undefined) return undefined;
    return { seconds: boundedSessionExpires(se.seconds, DEFAULT_MIN_SE), refresher: se.refresher ?? 'uac' };
  }

  /** §8.1: an INVITE whose Session-Expires is below our Min-SE gets 422 with our Min-SE; true when it did. */
  static rejectSmallInterval(request: SipRequest, respond: (r: SipResponse) => void): boolean {
    const se = parseSessionExpires(request);
    if (se === undefined || se.seconds >= DEFAULT_MIN_SE) return false;
    respond(createResponse(request, 422, 'Session Interval Too Small', { headers: [['Min-SE', String(DEFAULT_MIN_SE)]] }));
    return true;
  }

  /** §7.2 / §7.4: a 2xx to an INVITE of ours, in the role we have in the dialog (the interval bounded: peer-durations.ts). */
  fromResponse(response: SipResponse, ourRole: RefresherRole): void {
    const se: SessionExpires | undefined = parseSessionExpires(response);
    if (se === undefined) {
      this.stop();
      return;
    }
    this.arm(boundedSessionExpires(se.seconds, DEFAULT_MIN_SE), (se.refresher ?? 'uac') === ourRole);
  }

  /** §9: we answered the peer's request (as UAS) with this interval. */
  answered(negotiated: NegotiatedInterval): void {
    this.arm(negotiated.seconds, negotiated.refresher === 'uas');
  }

  stop(): void {
    if (this.state.kind !== 'off') this.state.timer.dispose();
    this.state = { kind: 'off' };
  }

  private arm(seconds: number, weRefresh: boolean): void {
    this.stop();
    this.state = weRefresh
      ? { kind: 'refreshing', interval: seconds, timer: this.setTimer(refreshDelayMs(seconds), () => this.actions.refresh()) }
      : { kind: 'watching', interval: seconds, timer: this.setTimer(expiryDelayMs(seconds), () => this.actions.expire()) };
  }
}
