import { describe, expect, it } from 'vitest';
import { activeCall, callView } from '../../test/fakes/fake-shell.js';
import { callStep, isCallCommand, pickCall } from '../../src-shared/model/call-commands.js';

describe('pickCall: which call a call command acts on', () => {
  it('answer and decline take the ringing incoming call, never the connected one', () => {
    const up = activeCall();
    const ringing = callView();
    expect(pickCall([up, ringing], 'answer')?.id).toBe(ringing.id);
    expect(pickCall([up, ringing], 'decline')?.id).toBe(ringing.id);
  });

  it('with two calls ringing, answer takes the one that has rung longest', () => {
    const first = callView();
    const second = callView();
    expect(pickCall([second, first], 'answer')?.id).toBe(first.id);
  });

  it('answer waits until main allows it (media not ready yet): nothing to answer', () => {
    const ringing = callView({ actions: ['decline', 'hangup'] });
    expect(pickCall([ringing], 'answer')).toBeUndefined();
    expect(pickCall([ringing], 'decline')?.id).toBe(ringing.id);
  });

  it('an outgoing call ringing at the far end is not answerable', () => {
    expect(pickCall([callView({ direction: 'outgoing', state: 'ringing', actions: ['hangup'] })], 'answer')).toBeUndefined();
  });

  it('hang up, mute and hold take the connected call, not the one on hold nor the ringing one', () => {
    const held = activeCall({ state: 'held', held: true, actions: ['hangup', 'resume', 'transfer', 'swap'] });
    const up = activeCall();
    const ringing = callView();
    for (const command of ['hangup', 'mute', 'hold'] as const) expect(pickCall([held, ringing, up], command)?.id).toBe(up.id);
  });

  it('hang up ends a call being dialled (before any call on hold)', () => {
    const held = activeCall({ state: 'held', actions: ['hangup', 'resume'] });
    const dialing = callView({ direction: 'outgoing', state: 'dialing', actions: ['hangup'] });
    expect(pickCall([held, dialing], 'hangup')?.id).toBe(dialing.id);
    expect(pickCall([held, dialing], 'hold')).toBeUndefined();
  });

  it('with only a call on hold, hold resumes it', () => {
    const held = activeCall({ state: 'held', actions: ['hangup', 'resume'] });
    expect(pickCall([held], 'hold')?.id).toBe(held.id);
    expect(callStep(held, 'hold')).toEqual({ kind: 'hold', callId: held.id, hold: false });
  });

  it('hang up never declines a ringing call, and ended calls are ignored', () => {
    expect(pickCall([callView()], 'hangup')).toBeUndefined();
    expect(pickCall([activeCall({ state: 'ended', actions: [] })], 'hangup')).toBeUndefined();
    expect(pickCall([], 'mute')).toBeUndefined();
  });

  it('the current call without mute allowed is not skipped for another call', () => {
    const up = activeCall({ actions: ['hangup'] });
    const held = activeCall({ state: 'held', actions: ['hangup', 'resume', 'mute'] });
    expect(pickCall([up, held], 'mute')).toBeUndefined();
  });

  it('callStep toggles mute and hold from what main allows', () => {
    const up = activeCall();
    expect(callStep(up, 'mute')).toEqual({ kind: 'mute', callId: up.id, muted: true });
    expect(callStep({ ...up, actions: ['hangup', 'unmute'] }, 'mute')).toEqual({ kind: 'mute', callId: up.id, muted: false });
    expect(callStep(up, 'hold')).toEqual({ kind: 'hold', callId: up.id, hold: true });
    expect(callStep(up, 'hangup')).toEqual({ kind: 'hangup', callId: up.id });
  });

  it('transfer and focus-dialer are the window’s commands, not call commands', () => {
    expect(isCallCommand('transfer')).toBe(false);
    expect(isCallCommand('focus-dialer')).toBe(false);
    expect(isCallCommand('answer')).toBe(true);
  });
});
