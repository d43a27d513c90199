import { onBeforeUnmount, onMounted } from 'vue';
import { callStep, pickCall } from '../../src-shared/model/call-commands';
import { SHORTCUTS, matchesAccelerator, type ShortcutCommand } from '../../src-shared/model/shortcuts';
import { can, useCallsStore } from '../stores/calls';

/** What only the window can do for a shortcut. */
export interface ShortcutHandlers {
  transfer(): void;
  focusDialer(): void;
  dtmf(key: string): void;
}

function inTextField(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  if (target.isContentEditable) return true;
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true;
  return target instanceof HTMLInputElement && !['checkbox', 'radio', 'button', 'submit', 'range'].includes(target.type);
}

/**
 * The in-window keyboard shortcuts (src-shared/model/shortcuts.ts; the Call menu shows the same
 * keys without registering them). Digits, * and # typed outside a text field during a call send DTMF.
 */
export function useShortcuts(handlers: ShortcutHandlers): void {
  const calls = useCallsStore();
  const isMac = navigator.platform.toLowerCase().includes('mac');

  function run(command: ShortcutCommand): boolean {
    if (command === 'focus-dialer') {
      handlers.focusDialer();
      return true;
    }
    const current = calls.current;
    if (command === 'transfer') {
      if (!can(current, 'transfer') && !can(current, 'attended-transfer')) return false;
      handlers.transfer();
      return true;
    }
    // The call on screen when the command applies to it (the person switched to it), else the one
    // the Call menu and global shortcuts would pick (one rule: src-shared/model/call-commands.ts).
    const shownFits = current !== null && current.state !== 'ended' && command !== 'answer' && command !== 'decline' && pickCall([current], command) !== undefined;
    const target = shownFits ? current : pickCall(calls.live, command);
    if (target === undefined) return false;
    const step = callStep(target, command);
    switch (step.kind) {
      case 'answer':
        void calls.answer(step.callId);
        break;
      case 'decline':
        void calls.decline(step.callId);
        break;
      case 'hangup':
        void calls.hangup(step.callId);
        break;
      case 'mute':
        void calls.setMuted(step.callId, step.muted);
        break;
      case 'hold':
        void (step.hold ? calls.hold(step.callId) : calls.resume(step.callId));
        break;
    }
    return true;
  }

  function onKeydown(e: KeyboardEvent): void {
    if (e.defaultPrevented) return;
    for (const s of SHORTCUTS) {
      if (matchesAccelerator(s.accelerator, e, isMac)) {
        if (run(s.command)) e.preventDefault();
        return;
      }
    }
    if (e.ctrlKey || e.metaKey || e.altKey || inTextField(e.target)) return;
    if (/^[0-9*#]$/.test(e.key) && can(calls.current, 'dtmf')) {
      // A dialog (transfer) open: the key belongs to it.
      if (document.querySelector('[aria-modal="true"]') !== null) return;
      e.preventDefault();
      handlers.dtmf(e.key);
    }
  }

  onMounted(() => window.addEventListener('keydown', onKeydown));
  onBeforeUnmount(() => window.removeEventListener('keydown', onKeydown));
}
