import type { MenuItemConstructorOptions } from 'electron';

/**
 * The application menu, following each platform's conventions: the app menu on macOS (About,
 * Services, Hide, Quit), File → Quit elsewhere; Edit (so copy/paste work in fields), View,
 * the phone's Call menu when given (shortcuts.ts: callMenuTemplate), Window and Help everywhere.
 */
export function buildMenuTemplate(platform: NodeJS.Platform, appName: string, callMenu?: MenuItemConstructorOptions): MenuItemConstructorOptions[] {
  const isMac = platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [];
  if (isMac) {
    template.push({
      label: appName,
      submenu: [
        { role: 'about' },
        { type: 'separator' },
        { role: 'services' },
        { type: 'separator' },
        { role: 'hide' },
        { role: 'hideOthers' },
        { role: 'unhide' },
        { type: 'separator' },
        { role: 'quit' },
      ],
    });
  } else {
    template.push({ label: '&File', submenu: [{ role: 'quit' }] });
  }
  template.push(
    {
      label: isMac ? 'Edit' : '&Edit',
      submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }],
    },
    {
      label: isMac ? 'View' : '&View',
      submenu: [{ role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }],
    },
    ...(callMenu === undefined ? [] : [callMenu]),
    { label: isMac ? 'Window' : '&Window', submenu: isMac ? [{ role: 'minimize' }, { role: 'zoom' }, { type: 'separator' }, { role: 'front' }] : [{ role: 'minimize' }, { role: 'close' }] },
    { role: 'help', submenu: isMac ? [] : [{ role: 'about' }] },
  );
  return template;
}
