import type { BrowserWindow as BrowserWindowType, Session } from 'electron';
import { RENDERER_CSP } from '../ipc/renderer-csp.js';

export interface MainWindowOptions {
  /** The BrowserWindow class (injected so tests can pass a mock). */
  readonly BrowserWindow: typeof BrowserWindowType;
  /** Absolute path of the built preload script (CommonJS: a sandboxed preload cannot be ESM). */
  readonly preloadPath: string;
  /** `file://…/renderer/index.html` in production, the dev server URL in development. */
  readonly rendererUrl: string;
  readonly title: string;
  readonly backgroundColor: string;
  readonly csp?: string;
  /** false: stay hidden when ready (start minimised to the tray); shown by default. */
  readonly showWhenReady?: boolean;
}

/**
 * Creates the one application window. The security preferences are written literally in the
 * constructor call (Electronegativity reads them from there): context isolation, sandbox, no Node
 * in the renderer, web security on, no remote content features. Navigation and new windows are
 * blocked, and every response gets the CSP header.
 */
export function createMainWindow(options: MainWindowOptions): BrowserWindowType {
  const { BrowserWindow } = options;
  const win = new BrowserWindow({
    width: 420,
    height: 720,
    minWidth: 360,
    minHeight: 560,
    title: options.title,
    show: false,
    backgroundColor: options.backgroundColor,
    autoHideMenuBar: false,
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
      // Middle-click (auxclick) could otherwise open links in new windows.
      disableBlinkFeatures: 'Auxclick',
    },
  });

  installCsp(win.webContents.session, options.csp ?? RENDERER_CSP);
  lockNavigation(win, options.rendererUrl);
  if (options.showWhenReady !== false) win.once('ready-to-show', () => win.show());
  void win.loadURL(options.rendererUrl);
  return win;
}

/** Adds the CSP header to every response the window's session receives. */
export function installCsp(session: Session, csp: string): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [csp],
        'X-Content-Type-Options': ['nosniff'],
      },
    });
  });
}

/** The window may only ever show the app's own page: no navigation, no pop-ups, no webviews. */
export function lockNavigation(win: BrowserWindowType, rendererUrl: string): void {
  const wc = win.webContents;
  wc.on('will-navigate', (event, url) => {
    if (url !== rendererUrl) event.preventDefault();
  });
  wc.on('will-redirect', (event) => event.preventDefault());
  wc.on('will-attach-webview', (event) => event.preventDefault());
  wc.setWindowOpenHandler(() => ({ action: 'deny' }));
}
