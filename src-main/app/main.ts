/**
 * Electron composition root: lifecycle, window, menu, protocol links, and the desktop shell (tray,
 * call notifications, close to tray, shortcuts, start at login: desktop-shell.ts). Builds the
 * concrete adapters and hands them to the services; the renderer reaches them only through the
 * contract.
 */
import { app, BrowserWindow, globalShortcut, ipcMain, Menu, nativeImage, nativeTheme, Notification, powerMonitor, safeStorage, session, Tray } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { SystemClock } from '../base/clock.js';
import { Emitter } from '../base/event.js';
import { createLogger, JsonLinesSink } from '../base/logger.js';
import { CryptoRng } from '../base/rng.js';
import { contract } from '../../src-shared/ipc/contract.js';
import { createBindings } from '../ipc/bindings.js';
import { IpcDispatcher } from '../ipc/dispatcher.js';
import { attachElectronCarrier, createSenderPolicy } from '../ipc/electron-carrier.js';
import { PcmFifo } from '../media/audio/pcm-fifo.js';
import { NaudiodonAudioPort } from '../platform/audio/naudiodon-audio-port.js';
import { speexEchoCancellerFactory } from '../platform/audio/speex-echo-canceller.js';
import { mediaPathChoice, openNativeMediaPath } from '../platform/audio/native-media-path.js';
import type { NativeMediaPath } from '../media/native/media-path-port.js';
import { NetworkMonitor } from '../platform/net/network-monitor.js';
import { createSipPlatform } from '../platform/net/sip-platform.js';
import { loadInstanceId } from '../platform/storage/instance-id.js';
import { JsonFileStore } from '../platform/storage/json-file-store.js';
import { JsonHistoryStore } from '../platform/storage/json-history-store.js';
import { ZipBundleWriter } from '../platform/storage/bundle-writer.js';
import { RotatingFileSink } from '../platform/storage/rotating-file-sink.js';
import { SafeStorageSecretStore, type SafeStoragePort } from '../platform/storage/safe-storage-secret-store.js';
import { problem } from '../services/problems/problem-catalog.js';
import { ProvisioningService } from '../services/provisioning/provisioning-service.js';
import { commandLineSource, fileSource, httpsSource, systemProvisioningPath } from '../platform/provisioning/provisioning-sources.js';
import type { Problem } from '../../src-shared/ipc/errors.js';
import { createPhone, type Phone } from '../services/phone/create-phone.js';
import { platformOf } from '../services/app/app-service.js';
import { DesktopShell } from './desktop-shell.js';
import { electronLoginItem, xdgAutostart, type LoginItemPort } from './login-item.js';
import { buildMenuTemplate } from './menu.js';
import { denyAllPermissions } from './permissions.js';
import { DIAL_SCHEMES, findDialLink } from './protocol-links.js';
import type { WindowControl } from './shell-phone.js';
import { createMainWindow } from './window.js';

/** Windows ties notifications to the app's AppUserModelID (electron-builder.yml appId). */
const APP_ID = 'com.example.securesoftphone';

/** Rotating log files in the user-data folder (logs/softphone.log, 5 × 2 MB), masked by the logger before any sink. */
const logger = createLogger({ sinks: [new JsonLinesSink(process.stderr), logFileSink()], level: app.isPackaged ? 'info' : 'debug', scope: 'app' });

function logFileSink(): RotatingFileSink | { write(): void } {
  try {
    return new RotatingFileSink(join(app.getPath('userData'), 'logs', 'softphone.log'));
  } catch {
    return { write: () => undefined };
  }
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void start();
}

async function start(): Promise<void> {
  let pendingLink = findDialLink(process.argv);
  let win: BrowserWindow | null = null;
  let phone: Phone | null = null;
  let openWindow: ((showWhenReady: boolean) => void) | null = null;

  /** Shows the window (it may be hidden in the tray, minimised, or not open on macOS) and brings it forward. */
  const windowControl: WindowControl = {
    show: () => {
      if (win === null) {
        openWindow?.(true);
        return;
      }
      if (win.isMinimized()) win.restore();
      win.show();
      win.focus();
      if (process.platform === 'darwin') app.focus({ steal: true });
    },
  };

  const routeLink = (link: string): void => {
    if (phone === null || win === null) {
      // Before the phone or while no window is open (macOS): routed once the window has loaded.
      pendingLink = link;
      if (phone !== null) windowControl.show();
      return;
    }
    const routed = phone.dialer.openUri(link, 'protocol-link');
    if (!routed.ok) logger.warn('ignored an invalid dial link', { code: routed.error.code });
    windowControl.show();
  };

  // macOS hands links over through open-url (also before 'ready').
  app.on('open-url', (event, url) => {
    event.preventDefault();
    routeLink(url);
  });
  // Windows/Linux start a second instance with the link in argv; it quits and we get the link.
  app.on('second-instance', (_event, argv) => {
    const link = findDialLink(argv);
    if (link !== undefined) routeLink(link);
    else windowControl.show();
  });
  // Belt and braces for any webContents, including ones created by Electron internals.
  app.on('web-contents-created', (_e, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  if (process.platform === 'win32') app.setAppUserModelId(APP_ID);
  await app.whenReady();
  for (const scheme of DIAL_SCHEMES) app.setAsDefaultProtocolClient(scheme);
  denyAllPermissions(session.defaultSession);
  Menu.setApplicationMenu(Menu.buildFromTemplate(buildMenuTemplate(process.platform, app.getName())));

  phone = await buildPhone();
  for (const p of phone.startupProblems) logger.warn('startup problem', { code: p.code });
  // The person is told once (a damaged file set aside, a password not kept, provisioning refused);
  // the window can list them again (rpc:app.startupProblems).
  if (Notification.isSupported()) for (const p of phone.startupProblems.slice(0, 3)) new Notification({ title: app.getName(), body: p.hint === null ? p.message : `${p.message} ${p.hint}` }).show();

  const rendererFile = join(import.meta.dirname, '../renderer/index.html');
  const devUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
  const rendererUrl = devUrl ?? pathToFileURL(rendererFile).href;
  const dispatcher = new IpcDispatcher(contract, createBindings(phone), logger.child('ipc'));
  const carrier = attachElectronCarrier({
    ipcMain,
    dispatcher,
    policy: createSenderPolicy(devUrl !== undefined ? { devOrigin: devUrl } : { fileUrl: rendererUrl }),
    targets: () => BrowserWindow.getAllWindows().map((w) => w.webContents),
    logger: logger.child('ipc'),
  });

  const shell = new DesktopShell({
    electron: {
      createTray: (image) => new Tray(image),
      buildMenu: (template) => Menu.buildFromTemplate(template),
      nativeImage,
      notifications: { isSupported: () => Notification.isSupported(), create: (options) => new Notification(options) },
      globalShortcut,
      app,
      ...(app.dock === undefined ? {} : { dock: app.dock }),
    },
    phone,
    window: windowControl,
    currentWindow: () => win,
    platform: process.platform,
    appName: app.getName(),
    logger: logger.child('shell'),
    ...(app.isPackaged ? { loginItem: loginItemPort() } : {}),
    expiry: { clock: phone.clock, store: new JsonFileStore(app.getPath('userData')) },
  });
  const appMenu = Menu.buildFromTemplate(buildMenuTemplate(process.platform, app.getName(), shell.callMenu()));
  Menu.setApplicationMenu(appMenu);
  shell.trackMenu(appMenu);
  // The OS is shutting down (Linux, macOS; Windows logs off through the window's session-end): quit for real.
  powerMonitor.on('shutdown', () => {
    shell.closeToTray.allowQuit();
    app.quit();
  });

  openWindow = (showWhenReady: boolean): void => {
    const created = createMainWindow({
      BrowserWindow,
      preloadPath: join(import.meta.dirname, '../preload/index.cjs'),
      rendererUrl,
      title: app.getName(),
      backgroundColor: nativeTheme.shouldUseDarkColors ? '#1c1d21' : '#f6f7f9',
      showWhenReady,
    });
    win = created;
    const closeToTray = shell.attachWindow(created);
    created.on('closed', () => {
      closeToTray.dispose();
      if (win === created) win = null;
    });
    created.webContents.once('did-finish-load', () => {
      if (pendingLink !== undefined) {
        const link = pendingLink;
        pendingLink = undefined;
        routeLink(link);
      }
    });
  };
  // Start minimised: stay in the tray, unless a dial link started us.
  openWindow(!(phone.settings.get().startMinimized && pendingLink === undefined));
  // macOS: a click on the dock icon brings the window back (hidden to the tray, or closed).
  app.on('activate', () => windowControl.show());
  // Unregister and hang up before quitting (bounded inside PhoneService.shutdown).
  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting) return;
    quitting = true;
    event.preventDefault();
    void (phone?.shutdown() ?? Promise.resolve()).finally(() => app.quit());
  });
  app.on('will-quit', () => {
    // Releases the global shortcuts and the tray first: they listen to the phone.
    shell.dispose();
    carrier.dispose();
    phone?.dispose();
  });
}

/** `--provision FILE|URL` or `--provision=FILE|URL` on the app's command line. */
function provisionArgument(argv: readonly string[]): string | undefined {
  const eq = argv.find((a) => a.startsWith('--provision='));
  if (eq !== undefined) return eq.slice('--provision='.length);
  const i = argv.indexOf('--provision');
  return i >= 0 ? argv[i + 1] : undefined;
}

/** The port over Electron's safeStorage (the only place that touches it). */
function electronSafeStorage(): SafeStoragePort {
  return {
    isEncryptionAvailable: () => safeStorage.isEncryptionAvailable(),
    encryptString: (text) => safeStorage.encryptString(text),
    decryptString: (data) => safeStorage.decryptString(data),
    ...(process.platform === 'linux' ? { getSelectedStorageBackend: () => safeStorage.getSelectedStorageBackend() } : {}),
  };
}

/** Start at login: the OS login item on macOS and Windows, an XDG autostart entry on Linux. */
function loginItemPort(): LoginItemPort {
  if (process.platform !== 'linux') return electronLoginItem(app);
  return xdgAutostart({
    dir: join(app.getPath('appData'), 'autostart'),
    id: 'secure-softphone',
    name: app.getName(),
    // Inside an AppImage the executable is in a temporary mount: autostart the AppImage itself.
    exec: [process.env.APPIMAGE ?? process.execPath],
  });
}

/**
 * The native media path for sound-card calls where the addon loads (SOFTPHONE_MEDIA_PATH: auto by
 * default, native, typescript); the app always starts: a native path that cannot load leaves
 * every call on the TypeScript engine, with the reason in the log.
 */
function chooseMediaPath(): NativeMediaPath | undefined {
  const choice = mediaPathChoice(process.env);
  if (!choice.ok) logger.warn('unknown media path choice: auto', { why: choice.error });
  const opened = openNativeMediaPath(choice.ok ? choice.value : 'auto');
  if (!opened.ok) {
    logger.error('the native media path was asked for but cannot load: calls on the TypeScript media path', { why: opened.error });
    return undefined;
  }
  if (opened.value.kind === 'typescript') {
    logger.info('calls on the TypeScript media path', { why: opened.value.why });
    return undefined;
  }
  logger.info('calls on the native media path where they can be');
  return opened.value.path;
}

/**
 * The phone with real adapters: TLS/TCP/UDP and DNS, RTP sockets, the sound card through
 * PortAudio (loaded on first use) with speexdsp echo cancellation and the user's device choice,
 * locally generated ringtone and call-progress tones, accounts, settings, secrets and call
 * history in the user-data folder. A network change or a resume from sleep re-registers every
 * account at once. Built by createPhone, the one composition shared with the CLI and web face.
 *
 * Secrets: encrypted by the OS through Electron safeStorage (Keychain / DPAPI / libsecret); on
 * Linux without a keyring (`basic_text`) they are not stored unless policy allows it, and the
 * person is told (platform/storage/safe-storage-secret-store.ts).
 */
async function buildPhone(): Promise<Phone> {
  const clock = new SystemClock();
  const rng = new CryptoRng();
  const userData = app.getPath('userData');
  const platform = createSipPlatform({ clock, rng, logger });
  const network = new NetworkMonitor(clock);
  const changes = new Emitter<void>();
  network.onChange(() => changes.fire());
  powerMonitor.on('resume', () => changes.fire());
  app.on('will-quit', () => {
    network.dispose();
    changes.dispose();
  });
  // Provisioning: the bundled file, the system-wide file, its URL, then --provision FILE|URL.
  const store = new JsonFileStore(userData);
  const provisionArg = provisionArgument(process.argv);
  const provisioning = new ProvisioningService({
    files: [fileSource('bundled', join(process.resourcesPath, 'provisioning.json')), fileSource('system', systemProvisioningPath(process.platform, process.env))],
    urlSource: (url, trusted) => httpsSource('url', url, trusted, { clock }),
    ...(provisionArg === undefined ? {} : { commandLine: provisionArg }),
    commandLineSource: (arg, trusted) => commandLineSource(arg, trusted, { clock }),
    store,
    clock,
    logger: logger.child('provisioning'),
  });
  await provisioning.load();
  provisioning.schedule();
  const allowBasicText = provisioning.document?.policy.allowPasswordsWithoutKeyring === true;
  const secrets = new SafeStorageSecretStore(userData, electronSafeStorage(), { allowBasicText, logger: logger.child('secrets') });
  const notices: Problem[] = [];
  if (secrets.status !== 'encrypted') {
    logger.warn('passwords cannot be protected by the OS here', { backend: secrets.backend, status: secrets.status });
    notices.push(problem('password-not-stored', { account: 'your accounts', backend: secrets.backend }));
  }
  const nativeMedia = chooseMediaPath();
  return createPhone({
    ...(nativeMedia === undefined ? {} : { nativeMedia }),
    startupProblems: notices,
    provisioning,
    identity: {
      name: app.getName(),
      version: app.getVersion(),
      platform: platformOf(process.platform),
      carrier: 'electron',
      runtime: { node: process.versions.node, electron: process.versions.electron ?? null, chrome: process.versions.chrome ?? null },
    },
    clock,
    rng,
    logger,
    connections: platform.connections,
    rtpSockets: platform.rtpSockets,
    certificates: platform.certificates,
    audio: {
      port: new NaudiodonAudioPort({ clock, logger: logger.child('audio'), createFifo: (n) => new PcmFifo(n) }),
      calls: 'devices',
      echoCanceller: speexEchoCancellerFactory(),
      alerts: true,
    },
    store,
    secrets,
    history: new JsonHistoryStore(userData),
    instanceId: await loadInstanceId(userData),
    bundleWriter: new ZipBundleWriter(join(userData, 'diagnostics')),
    userAgent: `SecureSoftphone/${app.getVersion()} (${process.platform})`,
    networkChanges: changes.event,
  });
}
