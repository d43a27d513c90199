/**
 * What the parts of one call share (RFC 3261 §12–§15: one INVITE dialog usage). The facade,
 * call-session.ts, implements it; the setups (outgoing-call-setup.ts, incoming-call-setup.ts),
 * session modification (call-reinvite.ts), transfer (call-transfer.ts) and the RFC 4028 timer
 * (call-session-timer.ts) see the call only through it.
 */
import type { Disposable } from '../../../base/disposable.js';
import type { Logger } from '../../../base/logger.js';
import type { Dialog } from '../dialog/dialog.js';
import type { SipRequest, SipResponse } from '../message/message.js';
import type { TimerValues } from '../transaction/timer-values.js';
import type { CallSessionTimer } from './call-session-timer.js';
import type { CallEvent } from './call-state.js';
import type { EndReason } from './end-reason.js';
import type { SdpHandler } from './sdp-handler.js';
import type { UaStack } from './ua-stack.js';

/** The option tags we support (RFC 3891 replaces, RFC 4028 timer, RFC 4488 norefersub). */
export const SUPPORTED = 'replaces, timer, norefersub';

/** Every event but 'state', which only the facade emits (from its phases). */
export type CallNotice = Exclude<CallEvent, { kind: 'state' }>;

export interface CallContext {
  readonly stack: UaStack;
  readonly media: SdpHandler;
  readonly logger: Logger;
  /** T1, T2 and friends (RFC 3261 §17, Table 4). */
  readonly timers: TimerValues;
  readonly callId: string;
  readonly sessionTimer: CallSessionTimer;
  /** The confirmed dialog (or the one our 2xx created), once there is one. */
  dialog(): Dialog | undefined;
  /** The call is up: the 2xx was ACKed. */
  isActive(): boolean;
  isEnded(): boolean;
  /** A flow to send on exists now (requests would otherwise fail at once, §8.1.3.1). */
  connected(): boolean;
  /** A timer owned by the call: disposed when the call ends. */
  timer(ms: number, fn: () => void): Disposable;
  fire(notice: CallNotice): void;
  /** Something the public state shows may have changed: emit 'state' if it did. */
  publish(): void;
  /** The dialog of the call is `dialog` from now on (our 2xx sent, or a 2xx received). */
  adoptDialog(dialog: Dialog): void;
  /** The 2xx was ACKed (by us or the peer): the call is active. */
  confirmed(): void;
  /** §13.2.2.4: ACK a 2xx to an INVITE of ours. */
  ackFor(invite: SipRequest, response: SipResponse): void;
  /** Ends the call with a BYE when there is a dialog (§15.1.1). */
  bye(reason: EndReason): void;
  /** Ends the call without sending anything. */
  end(reason: EndReason): void;
}
