/**
 * Which call a call command (a Call-menu item, a global shortcut, the tray, an in-window key) acts on, in one pure
 * function: answer and decline take the ringing incoming call that has rung longest; hang up,
 * mute and hold take the current call (a connected call before one being dialled before one on
 * hold). Main's `actions` decide whether the command is allowed on that call now.
 */
import type { CallAction, CallStateName, CallView } from './call.js';
import type { ShortcutCommand } from './shortcuts.js';

/** The shortcut commands that act on a call (transfer and focus-dialer are the window's). */
export type CallCommand = Extract<ShortcutCommand, 'answer' | 'decline' | 'hangup' | 'mute' | 'hold'>;

export function isCallCommand(command: ShortcutCommand): command is CallCommand {
  return command === 'answer' || command === 'decline' || command === 'hangup' || command === 'mute' || command === 'hold';
}

/** An incoming call that is ringing (waiting for the person to answer or decline). */
export function isRingingIncoming(call: CallView): boolean {
  return call.direction === 'incoming' && call.state === 'ringing';
}

/** Current-call preference: lower ranks first; ringing incoming and ended calls are never current. */
const CURRENT_RANK: Readonly<Record<CallStateName, number | undefined>> = {
  active: 0,
  'remote-held': 0,
  transferring: 1,
  dialing: 2,
  early: 2,
  ringing: 2,
  held: 3,
  ended: undefined,
};

/** The actions that carry out each call command (mute and hold toggle). */
const ACTIONS: Readonly<Record<CallCommand, readonly CallAction[]>> = {
  answer: ['answer'],
  decline: ['decline'],
  hangup: ['hangup'],
  mute: ['mute', 'unmute'],
  hold: ['hold', 'resume'],
};

const byStart = (a: CallView, b: CallView): number => (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : 0);

/** The call `command` acts on, or undefined when there is none it may act on now. */
export function pickCall(calls: readonly CallView[], command: CallCommand): CallView | undefined {
  const allowed = (c: CallView): boolean => ACTIONS[command].some((a) => c.actions.includes(a));
  if (command === 'answer' || command === 'decline') return calls.filter(isRingingIncoming).sort(byStart).find(allowed);
  const current = calls
    .filter((c) => !isRingingIncoming(c) && CURRENT_RANK[c.state] !== undefined)
    .sort((a, b) => CURRENT_RANK[a.state]! - CURRENT_RANK[b.state]! || byStart(a, b));
  const first = current[0];
  return first !== undefined && allowed(first) ? first : undefined;
}

/** What carrying out `command` on `call` means: the service call to make. */
export type CallStep =
  | { readonly kind: 'answer'; readonly callId: string }
  | { readonly kind: 'decline'; readonly callId: string }
  | { readonly kind: 'hangup'; readonly callId: string }
  | { readonly kind: 'mute'; readonly callId: string; readonly muted: boolean }
  | { readonly kind: 'hold'; readonly callId: string; readonly hold: boolean };

export function callStep(call: CallView, command: CallCommand): CallStep {
  switch (command) {
    case 'answer':
    case 'decline':
    case 'hangup':
      return { kind: command, callId: call.id };
    case 'mute':
      return { kind: 'mute', callId: call.id, muted: !call.actions.includes('unmute') };
    case 'hold':
      return { kind: 'hold', callId: call.id, hold: !call.actions.includes('resume') };
  }
}
