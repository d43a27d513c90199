import { beforeEach, describe, expect, it, vi } from 'vitest';
import { RENDERER_CSP } from '../ipc/renderer-csp.js';

// The Electron binary is not available in tests: BrowserWindow is a spy class (vitest 4 can only
// `new` a vi.fn built from a `function`).
const created: { options: Record<string, unknown>; win: FakeWindow }[] = [];
interface FakeWindow {
  webContents: {
    session: { webRequest: { onHeadersReceived: ReturnType<typeof vi.fn> } };
    on: ReturnType<typeof vi.fn>;
    setWindowOpenHandler: ReturnType<typeof vi.fn>;
  };
  once: ReturnType<typeof vi.fn>;
  loadURL: ReturnType<typeof vi.fn>;
  show: ReturnType<typeof vi.fn>;
}

vi.mock('electron', () => ({
  BrowserWindow: vi.fn(function (this: FakeWindow, options: Record<string, unknown>) {
    this.webContents = {
      session: { webRequest: { onHeadersReceived: vi.fn() } },
      on: vi.fn(),
      setWindowOpenHandler: vi.fn(),
    };
    this.once = vi.fn();
    this.loadURL = vi.fn(() => Promise.resolve());
    this.show = vi.fn();
    created.push({ options, win: this });
  }),
}));

const electron = await import('electron');
const { createMainWindow } = await import('./window.js');

const RENDERER_URL = 'file:///opt/softphone/resources/app/out/renderer/index.html';

function makeWindow(showWhenReady?: boolean): { options: Record<string, unknown>; win: FakeWindow } {
  createMainWindow({
    BrowserWindow: electron.BrowserWindow,
    preloadPath: '/opt/softphone/out/preload/index.cjs',
    rendererUrl: RENDERER_URL,
    title: 'Secure Softphone',
    backgroundColor: '#ffffff',
    ...(showWhenReady === undefined ? {} : { showWhenReady }),
  });
  const last = created.at(-1);
  if (last === undefined) throw new Error('no window created');
  return last;
}

describe('main window factory (security preferences and CSP)', () => {
  beforeEach(() => {
    created.length = 0;
  });

  it('creates the window with every security preference locked down', () => {
    const { options } = makeWindow();
    expect(options.webPreferences).toMatchObject({
      preload: '/opt/softphone/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      disableBlinkFeatures: 'Auxclick',
    });
    expect(String((options.webPreferences as { preload: string }).preload)).toMatch(/\.cjs$/);
  });

  it('adds the strict CSP header to every response', () => {
    const { win } = makeWindow();
    const register = win.webContents.session.webRequest.onHeadersReceived;
    expect(register).toHaveBeenCalledTimes(1);
    const handler = register.mock.calls[0]?.[0] as (d: unknown, cb: (r: { responseHeaders: Record<string, string[]> }) => void) => void;
    let headers: Record<string, string[]> = {};
    handler({ responseHeaders: { 'X-Other': ['1'] } }, (r) => {
      headers = r.responseHeaders;
    });
    expect(headers['Content-Security-Policy']).toEqual([RENDERER_CSP]);
    expect(headers['X-Other']).toEqual(['1']);
  });

  it('the CSP allows no remote scripts, no eval and no inline script', () => {
    const directives = Object.fromEntries(RENDERER_CSP.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    expect(directives['default-src']).toEqual(["'none'"]);
    expect(directives['script-src']).toEqual(["'self'"]);
    expect(directives['object-src']).toEqual(["'none'"]);
    expect(directives['frame-ancestors']).toEqual(["'none'"]);
    expect(RENDERER_CSP).not.toMatch(/unsafe-eval|unsafe-inline|https?:|\*/);
  });

  it('blocks navigation away from the app page and every window.open', () => {
    const { win } = makeWindow();
    const on = win.webContents.on.mock.calls as [string, (e: { preventDefault: () => void }, url?: string) => void][];
    const navigate = on.find(([name]) => name === 'will-navigate')?.[1];
    expect(navigate).toBeDefined();
    const away = { preventDefault: vi.fn() };
    navigate?.(away, 'https://evil.example.com/');
    expect(away.preventDefault).toHaveBeenCalled();
    const stay = { preventDefault: vi.fn() };
    navigate?.(stay, RENDERER_URL);
    expect(stay.preventDefault).not.toHaveBeenCalled();
    expect(on.some(([name]) => name === 'will-attach-webview')).toBe(true);
    const openHandler = win.webContents.setWindowOpenHandler.mock.calls[0]?.[0] as () => { action: string };
    expect(openHandler()).toEqual({ action: 'deny' });
    expect(win.loadURL).toHaveBeenCalledWith(RENDERER_URL);
  });

  it('shows the window once ready, created hidden so that nothing flashes', () => {
    const { options, win } = makeWindow();
    expect(options.show).toBe(false);
    const ready = (win.once.mock.calls as [string, () => void][]).find(([name]) => name === 'ready-to-show')?.[1];
    ready?.();
    expect(win.show).toHaveBeenCalledTimes(1);
  });

  it('start minimised: stays hidden in the tray when ready', () => {
    const { win } = makeWindow(false);
    expect((win.once.mock.calls as [string][]).some(([name]) => name === 'ready-to-show')).toBe(false);
    expect(win.show).not.toHaveBeenCalled();
    expect(win.loadURL).toHaveBeenCalledWith(RENDERER_URL);
  });
});
