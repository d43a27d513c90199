/**
 * Electron composition root: lifecycle, window, menu, protocol links. Builds the concrete
 * adapters and hands them to the services; the renderer reaches them only through the contract.
 */
import { app, BrowserWindow, ipcMain, Menu, nativeTheme, powerMonitor, session } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createLogger, JsonLinesSink } from '../base/logger.js';
import { contract } from '../../src-shared/ipc/contract.js';
import { createBindings } from '../ipc/bindings.js';
import { IpcDispatcher } from '../ipc/dispatcher.js';
import { attachElectronCarrier, createSenderPolicy } from '../ipc/electron-carrier.js';
import { JsonFileStore } from '../platform/storage/json-file-store.js';
import { createCoreServices } from '../services/services.js';
import { SystemClock } from '../base/clock.js';
import { CryptoRng } from '../base/rng.js';
import { PcmFifo } from '../media/audio/pcm-fifo.js';
import { CallMediaEngine, deviceAudioProvider } from '../media/call/index.js';
import { NaudiodonAudioPort } from '../platform/audio/naudiodon-audio-port.js';
import { speexEchoCancellerFactory } from '../platform/audio/speex-echo-canceller.js';
import { NetworkMonitor } from '../platform/net/network-monitor.js';
import { createSipPlatform } from '../platform/net/sip-platform.js';
import { loadInstanceId } from '../platform/storage/instance-id.js';
import { JsonHistoryStore } from '../platform/storage/json-history-store.js';
import { AudioDeviceService, type AudioPreferences } from '../services/phone/audio-devices.js';
import { CallAlerts } from '../services/phone/call-alerts.js';
import { CallHistory } from '../services/phone/call-history.js';
import { PhoneService } from '../services/phone/phone-service.js';
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
  let services: Awaited<ReturnType<typeof createCoreServices>> | null = null;

  const routeLink = (link: string): void => {
    if (services === null) {
      pendingLink = link;
      return;
    }
    try {
      services.dialer.openUri(link, 'protocol-link');
    } catch (e) {
      logger.warn('ignored an invalid dial link', { error: e });
    }
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

  services = await createCoreServices({
    identity: {
      name: app.getName(),
      version: app.getVersion(),
      platform: process.platform === 'linux' || process.platform === 'darwin' || process.platform === 'win32' ? process.platform : 'other',
      carrier: 'electron',
      runtime: { node: process.versions.node, electron: process.versions.electron ?? null, chrome: process.versions.chrome ?? null },
    },
    store: new JsonFileStore(app.getPath('userData')),
    logger,
  });

  const phone = await createPhone();

  const rendererFile = join(import.meta.dirname, '../renderer/index.html');
  const devUrl = !app.isPackaged ? process.env.ELECTRON_RENDERER_URL : undefined;
  const rendererUrl = devUrl ?? pathToFileURL(rendererFile).href;
  const dispatcher = new IpcDispatcher(contract, createBindings(services), logger.child('ipc'));
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
    void phone.shutdown().finally(() => app.quit());
  });
  app.on('will-quit', () => {
    carrier.dispose();
    phone.dispose();
    services?.dispose();
  });
}

/**
 * The phone with real adapters: TLS/TCP/UDP and DNS, RTP sockets, the sound card through
 * PortAudio (loaded on first use) with speexdsp echo cancellation and the user's device choice
 * (audio-devices.json: microphone, speaker, ringing device, echo cancellation), locally generated
 * ringtone and call-progress tones, call history in
 * the user-data folder. A network change or a resume from sleep re-registers every account at
 * once. The renderer reaches it through the contract once the phone channels exist (next wave:
 * accounts, calls, audio devices, history, certificates).
 */
async function createPhone(): Promise<PhoneService> {
  const clock = new SystemClock();
  const rng = new CryptoRng();
  const userData = app.getPath('userData');
  const platform = createSipPlatform({ clock, rng, logger });
  const audioPort = new NaudiodonAudioPort({ clock, logger: logger.child('audio'), createFifo: (n) => new PcmFifo(n) });
  const settingsStore = new JsonFileStore(userData);
  const savedAudio = (await settingsStore.read('audio-devices').catch(() => undefined)) as Partial<AudioPreferences> | undefined;
  // Live calls move through the phone, created below (the callback runs only once calls exist).
  const audioDevices: AudioDeviceService = new AudioDeviceService(audioPort, { setCallAudioDevices: (choice): Promise<void> => phone.setCallAudioDevices(choice), setCallVolume: (volume): void => phone.setCallVolume(volume) }, logger.child('audio'), savedAudio ?? {}, (prefs) => void settingsStore.write('audio-devices', prefs).catch((e: unknown) => logger.warn('audio preferences not saved', { cause: String(e) })));
  const media = new CallMediaEngine({
    clock,
    rng,
    logger: logger.child('media'),
    sockets: platform.rtpSockets,
    audio: deviceAudioProvider(audioPort, () => audioDevices.selection, undefined, speexEchoCancellerFactory()),
  });
  const history = new CallHistory(new JsonHistoryStore(userData), logger.child('history'));
  await history.load();
  const phone = new PhoneService({
    connections: platform.connections,
    media,
    clock,
    rng,
    logger,
    instanceId: await loadInstanceId(userData),
    userAgent: `SecureSoftphone/${app.getVersion()} (${process.platform})`,
    recordCall: (record) => void history.add(record),
  });
  // Ringtone on the ringing device, ringback/busy/call waiting on the speaker.
  const alerts = new CallAlerts(phone.onEvent, { port: audioPort, clock, logger: logger.child('alerts'), ringDevice: () => audioDevices.ringDeviceId, speakerDevice: () => audioDevices.preferences.playbackDeviceId });
  app.on('will-quit', () => {
    alerts.dispose();
    audioDevices.dispose();
  });
  const network = new NetworkMonitor(clock);
  network.onChange(() => phone.networkChanged());
  powerMonitor.on('resume', () => phone.networkChanged());
  app.on('will-quit', () => network.dispose());
  return phone;
}
