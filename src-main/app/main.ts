/**
 * Electron composition root: lifecycle, window, menu, protocol links. Builds the concrete
 * adapters and hands them to the services; the renderer reaches them only through the contract.
 */
import { app, BrowserWindow, ipcMain, Menu, nativeTheme, powerMonitor, session } from 'electron';
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
import { NetworkMonitor } from '../platform/net/network-monitor.js';
import { createSipPlatform } from '../platform/net/sip-platform.js';
import { loadInstanceId } from '../platform/storage/instance-id.js';
import { JsonFileStore } from '../platform/storage/json-file-store.js';
import { JsonHistoryStore } from '../platform/storage/json-history-store.js';
import { FileSecretStore } from '../platform/storage/secret-store.js';
import { createPhone, type Phone } from '../services/phone/create-phone.js';
import { platformOf } from '../services/app/app-service.js';
import { buildMenuTemplate } from './menu.js';
import { denyAllPermissions } from './permissions.js';
import { DIAL_SCHEMES, findDialLink } from './protocol-links.js';
import { createMainWindow } from './window.js';

const logger = createLogger({ sinks: [new JsonLinesSink(process.stderr)], level: app.isPackaged ? 'info' : 'debug', scope: 'app' });

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void start();
}

async function start(): Promise<void> {
  let pendingLink = findDialLink(process.argv);
  let win: BrowserWindow | null = null;
  let phone: Phone | null = null;

  const routeLink = (link: string): void => {
    if (phone === null) {
      pendingLink = link;
      return;
    }
    const routed = phone.dialer.openUri(link, 'protocol-link');
    if (!routed.ok) logger.warn('ignored an invalid dial link', { code: routed.error.code });
    if (win !== null) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
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
    else if (win !== null) win.focus();
  });
  // Belt and braces for any webContents, including ones created by Electron internals.
  app.on('web-contents-created', (_e, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  await app.whenReady();
  for (const scheme of DIAL_SCHEMES) app.setAsDefaultProtocolClient(scheme);
  denyAllPermissions(session.defaultSession);
  Menu.setApplicationMenu(Menu.buildFromTemplate(buildMenuTemplate(process.platform, app.getName())));

  phone = await buildPhone();
  for (const p of phone.startupProblems) logger.warn('startup problem', { code: p.code });

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

  const openWindow = (): void => {
    win = createMainWindow({
      BrowserWindow,
      preloadPath: join(import.meta.dirname, '../preload/index.cjs'),
      rendererUrl,
      title: app.getName(),
      backgroundColor: nativeTheme.shouldUseDarkColors ? '#1c1d21' : '#f6f7f9',
    });
    win.on('closed', () => {
      win = null;
    });
    win.webContents.once('did-finish-load', () => {
      if (pendingLink !== undefined) {
        const link = pendingLink;
        pendingLink = undefined;
        routeLink(link);
      }
    });
  };
  openWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow();
  });
  // Unregister and hang up before quitting (bounded inside PhoneService.shutdown).
  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting) return;
    quitting = true;
    event.preventDefault();
    void (phone?.shutdown() ?? Promise.resolve()).finally(() => app.quit());
  });
  app.on('will-quit', () => {
    carrier.dispose();
    phone?.dispose();
  });
}

/**
 * The phone with real adapters: TLS/TCP/UDP and DNS, RTP sockets, the sound card through
 * PortAudio (loaded on first use) with speexdsp echo cancellation and the user's device choice,
 * locally generated ringtone and call-progress tones, accounts, settings, secrets and call
 * history in the user-data folder. A network change or a resume from sleep re-registers every
 * account at once. Built by createPhone, the one composition shared with the CLI and web face.
 *
 * Secrets: until the keychain-backed store lands (Electron safeStorage), passwords are kept in a
 * 0600 file in the user-data folder (platform/storage/secret-store.ts).
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
  return createPhone({
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
    store: new JsonFileStore(userData),
    secrets: new FileSecretStore(userData),
    history: new JsonHistoryStore(userData),
    instanceId: await loadInstanceId(userData),
    userAgent: `SecureSoftphone/${app.getVersion()} (${process.platform})`,
    networkChanges: changes.event,
  });
}
