/**
 * What the tray says, as pure functions: the registration state of all enabled accounts together
 * (a failure shows before connecting, connecting before registered), the tooltip, and the menu
 * template (state line, the ringing call's Answer and Decline, Show, missed calls, Do not disturb,
 * Quit). The tray controller (tray.ts) only feeds them and hands the result to Electron.
 */
import type { MenuItemConstructorOptions } from 'electron';
import type { AccountView } from '../../src-shared/model/account.js';
import type { CallView } from '../../src-shared/model/call.js';
import type { RegistrationView } from '../../src-shared/model/registration.js';
import type { TrayLook, TrayRegistration } from './tray-icon.js';

export interface RegistrationSummary {
  readonly state: TrayRegistration;
  /** Enabled accounts. */
  readonly accounts: number;
  readonly registered: number;
  readonly failed: number;
}

/** All enabled accounts together: any failed → failed; else any not registered yet → connecting. */
export function summarizeRegistration(accounts: readonly AccountView[], registrations: readonly RegistrationView[]): RegistrationSummary {
  const enabled = accounts.filter((a) => a.enabled);
  const states = enabled.map((a) => registrations.find((r) => r.accountId === a.id)?.state ?? 'connecting');
  const registered = states.filter((s) => s === 'registered').length;
  const failed = states.filter((s) => s === 'failed').length;
  const state: TrayRegistration = enabled.length === 0 ? 'none' : failed > 0 ? 'failed' : registered < enabled.length ? 'connecting' : 'registered';
  return { state, accounts: enabled.length, registered, failed };
}

export function registrationWords(s: RegistrationSummary): string {
  switch (s.state) {
    case 'registered':
      return s.accounts === 1 ? 'Registered' : `Registered (${s.accounts} accounts)`;
    case 'connecting':
      return s.accounts === 1 ? 'Connecting…' : `Connecting… (${s.registered} of ${s.accounts} accounts registered)`;
    case 'failed':
      return s.accounts === 1 ? 'Registration failed' : `Registration failed (${s.failed} of ${s.accounts} accounts)`;
    case 'none':
      return 'No account';
  }
}

export const missedWords = (n: number): string => (n === 1 ? '1 missed call' : `${n} missed calls`);

export interface TrayState {
  readonly appName: string;
  readonly registration: RegistrationSummary;
  readonly doNotDisturb: boolean;
  readonly missed: number;
  /** The ringing incoming calls (oldest first). */
  readonly ringing: readonly CallView[];
}

export function trayLook(s: TrayState): TrayLook {
  return { registration: s.registration.state, doNotDisturb: s.doNotDisturb, missed: s.missed };
}

/** One line per fact; Windows cuts tooltips at 127 characters, so it stays short. */
export function trayTooltip(s: TrayState): string {
  const parts = [registrationWords(s.registration)];
  if (s.doNotDisturb) parts.push('Do not disturb');
  if (s.missed > 0) parts.push(missedWords(s.missed));
  const first = s.ringing[0];
  if (first !== undefined) parts.unshift(`Incoming call from ${first.remote.label}`);
  return `${s.appName}\n${parts.join('\n')}`;
}

export interface TrayActions {
  show(): void;
  showHistory(): void;
  answer(callId: string): void;
  decline(callId: string): void;
  setDoNotDisturb(on: boolean): void;
  quit(): void;
}

export function trayMenuTemplate(s: TrayState, act: TrayActions): MenuItemConstructorOptions[] {
  const items: MenuItemConstructorOptions[] = [];
  // The notification-button fallback (Linux desktops show no buttons): the ringing call's choices.
  for (const call of s.ringing) {
    items.push(
      { id: `ringing-${call.id}`, label: `Incoming call from ${call.remote.label}`, enabled: false },
      { id: `answer-${call.id}`, label: 'Answer', enabled: call.actions.includes('answer'), click: () => act.answer(call.id) },
      { id: `decline-${call.id}`, label: 'Decline', enabled: call.actions.includes('decline'), click: () => act.decline(call.id) },
      { type: 'separator' },
    );
  }
  items.push({ id: 'registration', label: registrationWords(s.registration), enabled: false }, { id: 'show', label: 'Show', click: () => act.show() });
  if (s.missed > 0) items.push({ id: 'missed', label: missedWords(s.missed), click: () => act.showHistory() });
  items.push(
    { type: 'separator' },
    { id: 'dnd', label: 'Do not disturb', type: 'checkbox', checked: s.doNotDisturb, click: () => act.setDoNotDisturb(!s.doNotDisturb) },
    { type: 'separator' },
    { id: 'quit', label: 'Quit', click: () => act.quit() },
  );
  return items;
}
