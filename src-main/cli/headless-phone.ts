/**
 * Builds the phone for the headless face (`softphone register|call|answer`): the same services
 * as the desktop app, with real TLS/TCP/UDP, DNS and RTP adapters, and file/null audio.
 */
import { writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve as resolvePath } from 'node:path';
import pkg from '../../package.json';
import { SystemClock } from '../base/clock.js';
import { Emitter } from '../base/event.js';
import { createLogger, JsonLinesSink, type LogLevel, type Logger, type LogSink } from '../base/logger.js';
import { ok } from '../base/result.js';
import { CryptoRng } from '../base/rng.js';
import { createResampler, resampleAll } from '../media/audio/resampler.js';
import { fileAudioProvider } from '../media/call/index.js';
import { FileAudioPort } from '../platform/audio/file-audio-port.js';
import { NullAudioPort } from '../platform/audio/null-audio-port.js';
import { mediaPathChoice, openNativeMediaPath, type MediaPathChoice } from '../platform/audio/native-media-path.js';
import { NetworkMonitor } from '../platform/net/network-monitor.js';
import { createSipPlatform } from '../platform/net/sip-platform.js';
import { loadInstanceId } from '../platform/storage/instance-id.js';
import { JsonFileStore, MemoryStore } from '../platform/storage/json-file-store.js';
import { JsonHistoryStore } from '../platform/storage/json-history-store.js';
import { RotatingFileSink } from '../platform/storage/rotating-file-sink.js';
import { ZipBundleWriter } from '../platform/storage/bundle-writer.js';
import { MemorySecretStore, PlaintextFileSecretStore } from '../platform/storage/secret-store.js';
import type { CallAudioOptions } from '../media/call-media.js';
import { createPhone, type Phone } from '../services/phone/create-phone.js';
import { platformOf } from '../services/app/app-service.js';
import type { PhoneService } from '../services/phone/phone-service.js';
import { ProvisioningService } from '../services/provisioning/provisioning-service.js';
import { commandLineSource, fileSource, systemProvisioningPath } from '../platform/provisioning/provisioning-sources.js';
import type { CliIo } from './cli-io.js';

export interface HeadlessPhoneOptions {
  readonly io: CliIo;
  /** Log level to stderr (JSON lines); 'warn' unless --verbose. */
  readonly logLevel: LogLevel;
  /** Also write every log record (all levels) to this file. */
  readonly logFile?: string;
  readonly extraSinks?: readonly LogSink[];
  /** Keep accounts, settings and secrets in this folder (the web face's `--data DIR`); default: this run only. */
  readonly dataDir?: string;
  /** Resolve names through this DNS server (`IP[:PORT]`) instead of the system's. */
  readonly dnsServer?: string;
  /** Which face this is, for the About box. */
  readonly carrier?: 'websocket';
  /** Audio of calls placed and answered through the contract (the web face's `--play`/`--record`). */
  readonly callAudio?: () => CallAudioOptions | undefined;
  /** `--provision FILE|URL`: a provisioning document for this phone (after the system-wide file). */
  readonly provision?: string;
  /** Read the system-wide provisioning file too (default false for the headless faces: tests must not see the machine's). */
  readonly systemProvisioning?: boolean;
  /** The call pre-warm (default on; the call-setup bench switches it off for its cold reference). */
  readonly prewarm?: boolean;
  /** Which media path serves calls (default: SOFTPHONE_MEDIA_PATH from `io.env`, else auto; platform/audio/native-media-path.ts). */
  readonly mediaPath?: MediaPathChoice;
}

export interface HeadlessPhone {
  /** The whole phone (the web face serves it over the contract). */
  readonly phone: Phone;
  /** The engine, for the register/call/answer commands' event stream. */
  readonly engine: PhoneService;
  readonly logger: Logger;
  close(): Promise<void>;
}

/**
 * The phone for the headless faces (`softphone register|call|answer|web`), built by the same
 * createPhone as the desktop app: real TLS/TCP/UDP, DNS and RTP adapters, file/null audio (no
 * sound card; `--play`/`--record` WAV files), history in the softphone folder.
 */
export async function createHeadlessPhone(options: HeadlessPhoneOptions): Promise<HeadlessPhone> {
  const clock = new SystemClock();
  const rng = new CryptoRng();
  const sinks: LogSink[] = [new JsonLinesSink(options.io.stderr), ...(options.extraSinks ?? [])];
  let fileSink: { write(s: string): void; flush(): Promise<void> } | undefined;
  if (options.logFile !== undefined) fileSink = bufferedFile(options.logFile);
  const levelFilter = (min: LogLevel, sink: LogSink): LogSink => ({ write: (r) => (rank(r.level) >= rank(min) ? sink.write(r) : undefined) });
  const logger = createLogger({
    sinks: [
      levelFilter(options.logLevel, sinks[0]!),
      ...sinks.slice(1),
      ...(fileSink === undefined ? [] : [new JsonLinesSink(fileSink)]),
      // A data folder (the web face's --data) keeps rotating logs like the app's user-data folder.
      ...(options.dataDir === undefined ? [] : [levelFilter('info', new RotatingFileSink(join(options.dataDir, 'logs', 'softphone.log')))]),
    ],
    level: 'debug',
    scope: 'softphone',
  });
  // The native media path where it loads (file audio: --play/--record); the TypeScript engine otherwise.
  const choice = options.mediaPath === undefined ? mediaPathChoice(options.io.env) : ok(options.mediaPath);
  if (!choice.ok) throw new Error(choice.error);
  const mediaPath = openNativeMediaPath(choice.value);
  if (!mediaPath.ok) throw new Error(`SOFTPHONE_MEDIA_PATH=native: ${mediaPath.error}`);
  if (mediaPath.value.kind === 'typescript') logger.info('calls on the TypeScript media path', { why: mediaPath.value.why });
  const platform = createSipPlatform({ clock, rng, logger, ...(options.dnsServer === undefined ? {} : { dnsServers: [options.dnsServer] }) });
  const home = softphoneHome(options.io);
  // Re-register at once when an interface address appears or goes away (VPN, Wi-Fi switch).
  const network = new NetworkMonitor(new SystemClock({ unrefTimers: true }));
  const changes = new Emitter<void>();
  network.onChange((change) => {
    logger.info(change.resumed ? 'resumed from sleep: reconnecting and re-registering' : 'network changed: reconnecting and re-registering', { added: change.added.length, removed: change.removed.length });
    changes.fire();
  });
  const nullPort = new NullAudioPort(clock);
  const store = options.dataDir === undefined ? new MemoryStore() : new JsonFileStore(options.dataDir);
  let provisioning: ProvisioningService | undefined;
  if (options.provision !== undefined || options.systemProvisioning === true) {
    provisioning = new ProvisioningService({
      files: options.systemProvisioning === true ? [fileSource('system', systemProvisioningPath(process.platform, options.io.env))] : [],
      ...(options.provision === undefined ? {} : { commandLine: /^https:\/\//i.test(options.provision) ? options.provision : resolvePath(options.io.cwd, options.provision) }),
      commandLineSource: (arg, trusted) => commandLineSource(arg, trusted, { clock }),
      store,
      clock,
      logger: logger.child('provisioning'),
    });
    await provisioning.load();
  }
  const phone = await createPhone({
    ...(provisioning === undefined ? {} : { provisioning }),
    identity: {
      name: 'Secure Softphone',
      version: pkg.version,
      platform: platformOf(process.platform),
      carrier: options.carrier ?? 'websocket',
      runtime: { node: process.versions.node, electron: null, chrome: null },
    },
    clock,
    rng,
    logger,
    connections: platform.connections,
    rtpSockets: platform.rtpSockets,
    certificates: platform.certificates,
    audio: {
      port: nullPort,
      calls: fileAudioProvider({
        file: (f) => new FileAudioPort({ clock, ...(f.playFile === undefined ? {} : { inputPath: f.playFile }), ...(f.recordFile === undefined ? {} : { outputPath: f.recordFile }), resample: fileResample }),
        none: () => new NullAudioPort(clock),
      }),
      alerts: false,
    },
    store,
    secrets: options.dataDir === undefined ? new MemorySecretStore() : new PlaintextFileSecretStore(options.dataDir, logger.child('secrets')),
    history: new JsonHistoryStore(options.dataDir ?? home),
    instanceId: await loadInstanceId(options.dataDir ?? home),
    bundleWriter: new ZipBundleWriter(join(options.dataDir ?? home, 'diagnostics')),
    userAgent: `SecureSoftphone/${pkg.version} (headless)`,
    networkChanges: changes.event,
    ...(options.callAudio === undefined ? {} : { callAudio: options.callAudio }),
    ...(options.prewarm === undefined ? {} : { prewarm: options.prewarm }),
    ...(mediaPath.value.kind === 'native' ? { nativeMedia: mediaPath.value.path } : {}),
  });
  return {
    phone,
    engine: phone.engine,
    logger,
    close: async () => {
      network.dispose();
      changes.dispose();
      await phone.shutdown();
      phone.dispose();
      nullPort.dispose();
      await fileSink?.flush();
    },
  };
}

/**
 * WAV files given to --play are converted once at call start: SRC_SINC_FASTEST keeps that to about
 * 0.45 s for 30 s of 48 kHz audio (best quality takes 2.7 s) and the conversion yields to the event
 * loop, so a call already running is not stalled.
 */
const fileResample = (pcm: Int16Array, inputRate: number, outputRate: number): Promise<Int16Array> => resampleAll(pcm, inputRate, outputRate, createResampler, 'fastest');

function rank(l: LogLevel): number {
  return { debug: 10, info: 20, warn: 30, error: 40 }[l];
}

/** The softphone's own folder: SOFTPHONE_HOME, else the XDG config folder. */
function softphoneHome(io: CliIo): string {
  return io.env.SOFTPHONE_HOME ?? join(io.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'secure-softphone');
}

function bufferedFile(path: string): { write(s: string): void; flush(): Promise<void> } {
  let buffer = '';
  let chain: Promise<void> = writeFile(path, '');
  return {
    write(s: string) {
      buffer += s;
      if (buffer.length > 64 * 1024) {
        const chunk = buffer;
        buffer = '';
        chain = chain.then(() => writeFile(path, chunk, { flag: 'a' }));
      }
    },
    async flush() {
      const chunk = buffer;
      buffer = '';
      chain = chain.then(() => writeFile(path, chunk, { flag: 'a' }));
      await chain;
    },
  };
}
