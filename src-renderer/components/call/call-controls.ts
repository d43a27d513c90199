import type { CallView } from '../../../src-shared/model/call';

/** A button of the call panel. The set comes from the actions main allows for this call, nothing else. */
export type CallControl = 'answer' | 'hold-and-answer' | 'decline' | 'hangup' | 'hold' | 'resume' | 'mute' | 'unmute' | 'keypad' | 'transfer' | 'swap';

/**
 * Which buttons the call panel shows for a call, in order. `othersUp`: another call is talking or
 * held, so answering this one puts it on hold ("Hold and answer").
 */
export function controlsFor(call: CallView, othersUp: boolean): CallControl[] {
  const a = new Set(call.actions);
  const out: CallControl[] = [];
  if (a.has('answer')) out.push(othersUp ? 'hold-and-answer' : 'answer');
  if (a.has('mute')) out.push('mute');
  if (a.has('unmute')) out.push('unmute');
  if (a.has('hold')) out.push('hold');
  if (a.has('resume')) out.push('resume');
  if (a.has('dtmf')) out.push('keypad');
  if (a.has('transfer') || a.has('attended-transfer')) out.push('transfer');
  if (a.has('swap')) out.push('swap');
  if (a.has('decline')) out.push('decline');
  else if (a.has('hangup')) out.push('hangup');
  return out;
}
