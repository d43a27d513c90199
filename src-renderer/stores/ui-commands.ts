import { useApi } from '../bridge';
import { useDialerStore } from './dialer';
import { useNavigationStore } from './navigation';

/** Follows what main asks the window to do (the Call menu, the tray, a global shortcut). */
export function followUiCommands(): void {
  useApi().events.app.command(({ command }) => {
    if (command === 'focus-dialer') useDialerStore().focus();
    else useNavigationStore().run(command);
  });
}
