import { describe, expect, it } from 'vitest';
import { callView } from '../../test-support/views';
import { controlsFor } from './call-controls';

describe('call controls: which buttons exist in which state (from main’s actions only)', () => {
  it('an incoming ringing call: Answer and Decline; with another call up, Hold and answer', () => {
    const ringing = callView('r', { direction: 'incoming', state: 'ringing', answeredAt: null }, ['answer', 'decline']);
    expect(controlsFor(ringing, false)).toEqual(['answer', 'decline']);
    expect(controlsFor(ringing, true)).toEqual(['hold-and-answer', 'decline']);
  });

  it('an outgoing call being set up: only Hang up', () => {
    expect(controlsFor(callView('d', { state: 'dialing', answeredAt: null }, ['hangup']), false)).toEqual(['hangup']);
  });

  it('a call talking: Mute, Hold, Keypad, Transfer, Hang up', () => {
    expect(controlsFor(callView('a'), false)).toEqual(['mute', 'hold', 'keypad', 'transfer', 'hangup']);
  });

  it('muted and held: Unmute and Resume instead; a held second call offers Swap', () => {
    expect(controlsFor(callView('h', { state: 'held', held: true, muted: true }, ['unmute', 'resume', 'swap', 'hangup']), true)).toEqual(['unmute', 'resume', 'swap', 'hangup']);
  });

  it('only attended transfer allowed still shows Transfer; an ended call shows nothing', () => {
    expect(controlsFor(callView('c', {}, ['attended-transfer', 'hangup']), false)).toEqual(['transfer', 'hangup']);
    expect(controlsFor(callView('e', { state: 'ended' }, []), false)).toEqual([]);
  });
});
