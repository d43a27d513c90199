/**
 * The keyboard shortcuts of the phone, named once: the renderer handles the in-window ones, the
 * app's Call menu shows them (without registering them again), the optional global ones are
 * registered by main, and the README lists this table.
 * Keys use Electron's accelerator spelling (`CmdOrCtrl` is ⌘ on macOS, Ctrl elsewhere).
 */
export const SHORTCUT_COMMANDS = ['answer', 'decline', 'hangup', 'mute', 'hold', 'transfer', 'focus-dialer'] as const;
export type ShortcutCommand = (typeof SHORTCUT_COMMANDS)[number];

export interface ShortcutSpec {
  readonly command: ShortcutCommand;
  /** In the window (and shown in the Call menu). */
  readonly accelerator: string;
  /** System-wide, when the setting is on (answer, hang up, mute only). */
  readonly global: string | null;
  /** What it does, for the menu and the README (English; the renderer translates by command). */
  readonly label: string;
}

export const SHORTCUTS: readonly ShortcutSpec[] = [
  { command: 'answer', accelerator: 'CmdOrCtrl+Shift+A', global: 'CmdOrCtrl+Alt+A', label: 'Answer' },
  { command: 'decline', accelerator: 'CmdOrCtrl+Shift+D', global: null, label: 'Decline' },
  { command: 'hangup', accelerator: 'CmdOrCtrl+Shift+E', global: 'CmdOrCtrl+Alt+E', label: 'Hang up' },
  { command: 'mute', accelerator: 'CmdOrCtrl+Shift+M', global: 'CmdOrCtrl+Alt+M', label: 'Mute / unmute' },
  { command: 'hold', accelerator: 'CmdOrCtrl+Shift+H', global: null, label: 'Hold / resume' },
  { command: 'transfer', accelerator: 'CmdOrCtrl+Shift+T', global: null, label: 'Transfer…' },
  { command: 'focus-dialer', accelerator: 'CmdOrCtrl+L', global: null, label: 'Focus the dialer' },
];

/** Whether a keydown matches an accelerator (`CmdOrCtrl` is Meta on macOS, Control elsewhere). */
export function matchesAccelerator(accelerator: string, e: { key: string; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; altKey: boolean }, isMac: boolean): boolean {
  const parts = accelerator.split('+');
  const key = parts[parts.length - 1]!.toLowerCase();
  const want = { ctrl: false, meta: false, shift: false, alt: false };
  for (const p of parts.slice(0, -1)) {
    if (p === 'CmdOrCtrl') {
      if (isMac) want.meta = true;
      else want.ctrl = true;
    } else if (p === 'Shift') want.shift = true;
    else if (p === 'Alt') want.alt = true;
    else if (p === 'Ctrl' || p === 'Control') want.ctrl = true;
  }
  return e.key.toLowerCase() === key && e.ctrlKey === want.ctrl && e.metaKey === want.meta && e.shiftKey === want.shift && e.altKey === want.alt;
}
