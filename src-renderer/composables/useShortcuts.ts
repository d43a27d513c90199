import { onBeforeUnmount, onMounted } from 'vue';
import { SHORTCUTS, matchesAccelerator, type ShortcutCommand } from '../../src-shared/model/shortcuts';
import { can, useCallsStore } from '../stores/calls';

/** What a command acts on: answer/decline the ringing call; the rest the call in front. */
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
    const current = calls.current;
    const ringing = calls.incoming[0] ?? null;
    switch (command) {
      case 'answer':
        if (ringing === null) return false;
        void calls.answer(ringing.id);
        return true;
      case 'decline':
        if (ringing === null) return false;
        void calls.decline(ringing.id);
        return true;
      case 'hangup': {
        const target = current !== null && can(current, 'hangup') ? current : (calls.live.find((c) => can(c, 'hangup')) ?? null);
        if (target === null) return false;
        void calls.hangup(target.id);
        return true;
      }
      case 'mute':
        if (current === null) return false;
        if (can(current, 'mute')) void calls.setMuted(current.id, true);
        else if (can(current, 'unmute')) void calls.setMuted(current.id, false);
        else return false;
        return true;
      case 'hold':
        if (current === null) return false;
        if (can(current, 'hold')) void calls.hold(current.id);
        else if (can(current, 'resume')) void calls.resume(current.id);
        else return false;
        return true;
      case 'transfer':
        if (!can(current, 'transfer') && !can(current, 'attended-transfer')) return false;
        handlers.transfer();
        return true;
      case 'focus-dialer':
        handlers.focusDialer();
        return true;
    }
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
