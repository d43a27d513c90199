/**
 * The part of the phone the desktop shell (tray, notifications, shortcuts, close to tray) uses.
 * `Phone` from services/phone/create-phone.ts satisfies it; tests hand in small fakes.
 */
import type { AccountsService } from '../services/phone/accounts-service.js';
import type { AppService } from '../services/app/app-service.js';
import type { CallsService } from '../services/phone/calls-service.js';
import type { HistoryService } from '../services/phone/history-service.js';
import type { SettingsService } from '../services/settings/settings-service.js';

export type ShellSettings = Pick<SettingsService, 'get' | 'update' | 'onDidChange'>;
export type ShellAccounts = Pick<AccountsService, 'list' | 'onRegistrationChanged' | 'onAccountsChanged'>;
export type ShellCalls = Pick<CallsService, 'list' | 'onCallsChanged' | 'answer' | 'decline' | 'hangup' | 'setMuted' | 'hold'>;
export type ShellHistory = Pick<HistoryService, 'summary' | 'onChanged'>;
export type ShellApp = Pick<AppService, 'command'>;

export interface ShellPhone {
  readonly settings: ShellSettings;
  readonly accounts: ShellAccounts;
  readonly calls: ShellCalls;
  readonly history: ShellHistory;
  readonly app: ShellApp;
}

/** What the shell does with the one window (it may not exist yet, or be hidden in the tray). */
export interface WindowControl {
  /** Shows the window (creating it if needed) and brings it forward. */
  show(): void;
}
