import { describe, expect, it, vi } from 'vitest';
import { accountView, callView, registrationView } from '../../test/fakes/fake-shell.js';
import { summarizeRegistration, trayMenuTemplate, trayTooltip, type TrayActions, type TrayState } from './tray-look.js';

const state = (o: Partial<TrayState> = {}): TrayState => ({
  appName: 'Secure Softphone',
  registration: { state: 'registered', accounts: 1, registered: 1, failed: 0 },
  doNotDisturb: false,
  missed: 0,
  ringing: [],
  ...o,
});

const actions = (): TrayActions => ({ show: vi.fn(), showHistory: vi.fn(), answer: vi.fn(), decline: vi.fn(), setDoNotDisturb: vi.fn(), quit: vi.fn() });

describe('tray words and menu', () => {
  it('sums up the enabled accounts: failed before connecting before registered; none without accounts', () => {
    const a = accountView('a');
    const b = accountView('b');
    const off = accountView('off', false);
    expect(summarizeRegistration([], []).state).toBe('none');
    expect(summarizeRegistration([off], [registrationView('off', 'unregistered')]).state).toBe('none');
    expect(summarizeRegistration([a, b, off], [registrationView('a', 'registered'), registrationView('b', 'registered')])).toEqual({ state: 'registered', accounts: 2, registered: 2, failed: 0 });
    expect(summarizeRegistration([a, b], [registrationView('a', 'registered'), registrationView('b', 'connecting')]).state).toBe('connecting');
    expect(summarizeRegistration([a, b], [registrationView('a', 'registered')]).state).toBe('connecting');
    expect(summarizeRegistration([a, b], [registrationView('a', 'failed'), registrationView('b', 'connecting')])).toEqual({ state: 'failed', accounts: 2, registered: 0, failed: 1 });
  });

  it('the tooltip names the state, Do not disturb, the missed calls and a ringing caller', () => {
    expect(trayTooltip(state())).toBe('Secure Softphone\nRegistered');
    expect(trayTooltip(state({ registration: { state: 'failed', accounts: 3, registered: 2, failed: 1 }, doNotDisturb: true, missed: 2 }))).toBe(
      'Secure Softphone\nRegistration failed (1 of 3 accounts)\nDo not disturb\n2 missed calls',
    );
    expect(trayTooltip(state({ registration: { state: 'none', accounts: 0, registered: 0, failed: 0 } }))).toBe('Secure Softphone\nNo account');
    expect(trayTooltip(state({ ringing: [callView({ remote: { uri: 'sips:bob@x', label: 'Bob', displayName: 'Bob' } })] }))).toMatch(/^Secure Softphone\nIncoming call from Bob\nRegistered$/);
    expect(trayTooltip(state({ missed: 9, doNotDisturb: true })).length).toBeLessThanOrEqual(127);
  });

  it('the menu: state line, Show, Do not disturb checkbox, Quit', () => {
    const act = actions();
    const menu = trayMenuTemplate(state({ doNotDisturb: true }), act);
    expect(menu.filter((i) => i.type !== 'separator').map((i) => i.label)).toEqual(['Registered', 'Show', 'Do not disturb', 'Quit']);
    expect(menu.find((i) => i.label === 'Registered')?.enabled).toBe(false);
    const dnd = menu.find((i) => i.id === 'dnd');
    expect(dnd).toMatchObject({ type: 'checkbox', checked: true });
    (dnd?.click as () => void)();
    expect(act.setDoNotDisturb).toHaveBeenCalledWith(false);
    (menu.find((i) => i.id === 'quit')?.click as () => void)();
    expect(act.quit).toHaveBeenCalled();
  });

  it('while a call rings: who calls, Answer and Decline for that call', () => {
    const act = actions();
    const call = callView({ remote: { uri: 'sips:bob@x', label: 'Bob', displayName: 'Bob' } });
    const menu = trayMenuTemplate(state({ ringing: [call], missed: 1 }), act);
    expect(menu.filter((i) => i.type !== 'separator').map((i) => i.label)).toEqual(['Incoming call from Bob', 'Answer', 'Decline', 'Registered', 'Show', '1 missed call', 'Do not disturb', 'Quit']);
    (menu.find((i) => i.label === 'Answer')?.click as () => void)();
    (menu.find((i) => i.label === 'Decline')?.click as () => void)();
    (menu.find((i) => i.label === '1 missed call')?.click as () => void)();
    expect(act.answer).toHaveBeenCalledWith(call.id);
    expect(act.decline).toHaveBeenCalledWith(call.id);
    expect(act.showHistory).toHaveBeenCalled();
    const notReady = trayMenuTemplate(state({ ringing: [{ ...call, actions: ['decline', 'hangup'] }] }), act);
    expect(notReady.find((i) => i.label === 'Answer')?.enabled).toBe(false);
  });
});
