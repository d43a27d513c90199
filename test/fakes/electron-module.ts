/**
 * Inert stand-in for the 'electron' module under vitest (aliased in vitest.config.ts).
 * Requiring the real package in plain Node would try to download the Electron binary.
 * Tests that exercise Electron-facing code vi.mock('electron') with their own spies, or hand the
 * code fakes by constructor (the desktop shell: test/fakes/fake-shell.ts).
 */
const notAvailable = (name: string) => (): never => {
  throw new Error(`electron.${name} is not available in tests: vi.mock('electron') in this test`);
};
export const app = new Proxy({}, { get: (_t, p) => notAvailable(`app.${String(p)}`) });
export const BrowserWindow = notAvailable('BrowserWindow');
const inert = (name: string): object => new Proxy({}, { get: (_t, p) => notAvailable(`${name}.${String(p)}`) });
export const Tray = notAvailable('Tray');
export const Notification = notAvailable('Notification');
export const Menu = inert('Menu');
export const nativeImage = inert('nativeImage');
export const nativeTheme = inert('nativeTheme');
export const globalShortcut = inert('globalShortcut');
export const powerMonitor = inert('powerMonitor');
export const session = inert('session');
export const ipcMain = new Proxy({}, { get: (_t, p) => notAvailable(`ipcMain.${String(p)}`) });
export const ipcRenderer = new Proxy({}, { get: (_t, p) => notAvailable(`ipcRenderer.${String(p)}`) });
export const contextBridge = new Proxy({}, { get: (_t, p) => notAvailable(`contextBridge.${String(p)}`) });
export default {};
