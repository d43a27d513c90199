import { describe, expect, it } from 'vitest';
import { activeCall, answered, callView, ended, FakeShellPhone } from '../../test/fakes/fake-shell.js';
import { RingingCalls, ringEnd, type RingStopped } from './ringing-calls.js';
import type { CallView } from '../../src-shared/model/call.js';

function track(phone: FakeShellPhone): { ringing: RingingCalls; started: CallView[]; stopped: RingStopped[]; changes: (readonly CallView[])[] } {
  const ringing = new RingingCalls(phone.calls);
  const started: CallView[] = [];
  const stopped: RingStopped[] = [];
  const changes: (readonly CallView[])[] = [];
  ringing.onStarted((c) => started.push(c));
  ringing.onStopped((s) => stopped.push(s));
  ringing.onChanged((l) => changes.push(l));
  return { ringing, started, stopped, changes };
}

describe('RingingCalls: the incoming calls that ring now', () => {
  it('reports a call starting to ring once, and answered when it connects', () => {
    const phone = new FakeShellPhone();
    const t = track(phone);
    const call = callView();
    phone.setCalls([call]);
    phone.setCalls([call]);
    expect(t.started.map((c) => c.id)).toEqual([call.id]);
    expect(t.ringing.list().map((c) => c.id)).toEqual([call.id]);
    phone.setCalls([answered(call)]);
    expect(t.stopped).toEqual([{ call: answered(call), end: 'answered' }]);
    expect(t.ringing.list()).toEqual([]);
  });

  it('tells missed (the caller gave up) from declined and other ends', () => {
    const phone = new FakeShellPhone();
    const t = track(phone);
    const [a, b, c] = [callView(), callView(), callView()];
    phone.setCalls([a, b, c]);
    phone.setCalls([ended(a, 'missed'), ended(b, 'declined')]);
    expect(t.stopped.map((s) => [s.call.id, s.end])).toEqual([
      [a.id, 'missed'],
      [b.id, 'declined'],
      [c.id, 'gone'],
    ]);
    expect(ringEnd(ended(a, 'cancelled'))).toBe('missed');
    expect(ringEnd(ended(a, 'do-not-disturb'))).toBe('gone');
  });

  it('announces a change when Answer becomes possible, and not for unrelated calls', () => {
    const phone = new FakeShellPhone();
    const t = track(phone);
    const early = callView({ actions: ['decline', 'hangup'] });
    phone.setCalls([early]);
    phone.setCalls([early, activeCall()]);
    phone.setCalls([{ ...early, actions: ['answer', 'decline', 'hangup'] }]);
    expect(t.changes.map((l) => l.map((c) => c.actions.join()))).toEqual([['decline,hangup'], ['answer,decline,hangup']]);
  });

  it('stops listening when disposed', () => {
    const phone = new FakeShellPhone();
    const t = track(phone);
    t.ringing.dispose();
    phone.setCalls([callView()]);
    expect(t.started).toEqual([]);
    expect(phone.listenerCount()).toBe(0);
  });
});
