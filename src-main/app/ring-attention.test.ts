import { describe, expect, it, vi } from 'vitest';
import { answered, callView, ended, FakeShellPhone, FakeWindow } from '../../test/fakes/fake-shell.js';
import { RingAttention } from './ring-attention.js';
import { RingingCalls } from './ringing-calls.js';

function setup(o: { dock?: boolean; window?: FakeWindow | null } = {}) {
  const phone = new FakeShellPhone();
  const ringing = new RingingCalls(phone.calls);
  const win = o.window === undefined ? new FakeWindow() : o.window;
  const dock = o.dock === true ? { bounce: vi.fn(() => 42), cancelBounce: vi.fn() } : undefined;
  const show = vi.fn();
  const attention = new RingAttention({ ringing, currentWindow: () => win, dock, window: { show } });
  return { phone, ringing, win, dock, show, attention };
}

describe('RingAttention: taskbar and dock while a call rings', () => {
  it('flashes the taskbar button while a call rings and stops when it was declined, without showing the window', () => {
    const { phone, win, show, attention } = setup();
    const call = callView();
    phone.setCalls([call]);
    expect(win!.flashFrame).toHaveBeenLastCalledWith(true);
    expect(attention.active).toBe(true);
    phone.setCalls([ended(call, 'declined')]);
    expect(win!.flashFrame).toHaveBeenLastCalledWith(false);
    expect(attention.active).toBe(false);
    expect(show).not.toHaveBeenCalled();
  });

  it('keeps flashing while a second call still rings', () => {
    const { phone, win } = setup();
    const a = callView();
    const b = callView();
    phone.setCalls([a, b]);
    phone.setCalls([ended(a, 'missed'), b]);
    expect(win!.flashFrame.mock.calls).toEqual([[true]]);
  });

  it('macOS: bounces the dock (critical) and cancels that bounce after', () => {
    const { phone, dock } = setup({ dock: true, window: null });
    const call = callView();
    phone.setCalls([call]);
    expect(dock!.bounce).toHaveBeenCalledWith('critical');
    phone.setCalls([ended(call, 'missed')]);
    expect(dock!.cancelBounce).toHaveBeenCalledWith(42);
  });

  it('the window comes forward when the ringing call is answered', () => {
    const { phone, show, win } = setup();
    const call = callView();
    phone.setCalls([call]);
    phone.setCalls([answered(call)]);
    expect(show).toHaveBeenCalledTimes(1);
    expect(win!.flashFrame).toHaveBeenLastCalledWith(false);
  });

  it('dispose stops the attention and listens no more', () => {
    const { phone, ringing, win, attention } = setup();
    phone.setCalls([callView()]);
    attention.dispose();
    ringing.dispose();
    expect(win!.flashFrame).toHaveBeenLastCalledWith(false);
    expect(phone.listenerCount()).toBe(0);
  });
});
