/** Electron accelerators (`CmdOrCtrl+Shift+A`) as people read them on this platform. */
const MAC: Readonly<Record<string, string>> = { CmdOrCtrl: '⌘', Cmd: '⌘', Command: '⌘', Ctrl: '⌃', Control: '⌃', Alt: '⌥', Option: '⌥', Shift: '⇧' };
const OTHER: Readonly<Record<string, string>> = { CmdOrCtrl: 'Ctrl', Cmd: 'Ctrl', Command: 'Ctrl', Ctrl: 'Ctrl', Control: 'Ctrl', Alt: 'Alt', Option: 'Alt', Shift: 'Shift' };
/** The order macOS menus show modifiers in. */
const MAC_ORDER = ['⌃', '⌥', '⇧', '⌘'];

/** The keys to press, one string each: `['Ctrl', 'Shift', 'A']`, or on macOS `['⇧', '⌘', 'A']`. */
export function acceleratorKeys(accelerator: string, isMac: boolean): string[] {
  const parts = accelerator.split('+');
  const key = parts[parts.length - 1] ?? '';
  const names = isMac ? MAC : OTHER;
  const mods = parts.slice(0, -1).map((p) => names[p] ?? p);
  if (isMac) mods.sort((a, b) => MAC_ORDER.indexOf(a) - MAC_ORDER.indexOf(b));
  return [...mods, key.length === 1 ? key.toUpperCase() : key];
}

/** One string to show: `Ctrl+Shift+A`, or on macOS `⇧⌘A`. */
export function acceleratorText(accelerator: string, isMac: boolean): string {
  return acceleratorKeys(accelerator, isMac).join(isMac ? '' : '+');
}
