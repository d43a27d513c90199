import { useAccountsStore } from './accounts';
import { useAppStore } from './app';
import { useAudioStore } from './audio';
import { useCallsStore } from './calls';
import { useDialerStore } from './dialer';
import { useHistoryStore } from './history';
import { useSettingsStore } from './settings';
import { followUiCommands } from './ui-commands';

/**
 * Subscribes every store to main's events and loads the first snapshot. Events are subscribed
 * before the snapshot is requested, so nothing that changes in between is lost.
 */
export async function startStores(): Promise<void> {
  await Promise.all([useAccountsStore().init(), useCallsStore().init(), useSettingsStore().init(), useHistoryStore().init(), useAudioStore().init()]);
  useDialerStore().init();
  followUiCommands();
  void useAppStore().load();
}
