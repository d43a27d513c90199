/**
 * Builds the phone for the headless face (`softphone register|call|answer`): the same services
 * as the desktop app, with real TLS/TCP/UDP, DNS and RTP adapters, and file/null audio.
 */
import { writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import pkg from '../../package.json';
import { SystemClock } from '../base/clock.js';
import { createLogger, JsonLinesSink, type LogLevel, type Logger, type LogSink } from '../base/logger.js';
import { CryptoRng } from '../base/rng.js';
import { createResampler, resampleAll } from '../media/audio/resampler.js';
import { CallMediaEngine, fileAudioProvider } from '../media/call/index.js';
import { FileAudioPort } from '../platform/audio/file-audio-port.js';
import { NullAudioPort } from '../platform/audio/null-audio-port.js';
import { PhoneService } from '../services/phone/phone-service.js';
import { createSipPlatform } from '../platform/net/sip-platform.js';
import { loadInstanceId } from '../platform/storage/instance-id.js';
import { CallHistory } from '../services/phone/call-history.js';
import { JsonHistoryStore } from '../platform/storage/json-history-store.js';
import { NetworkMonitor } from '../platform/net/network-monitor.js';
import type { CliIo } from './cli-io.js';

export interface HeadlessPhoneOptions {
  readonly io: CliIo;
  /** Log level to stderr (JSON lines); 'warn' unless --verbose. */
  readonly logLevel: LogLevel;
  /** Also write every log record (all levels) to this file. */
  readonly logFile?: string;
  readonly extraSinks?: readonly LogSink[];
}

export interface HeadlessPhone {
  readonly phone: PhoneService;
  readonly logger: Logger;
  close(): Promise<void>;
}

export async function createHeadlessPhone(options: HeadlessPhoneOptions): Promise<HeadlessPhone> {
  const clock = new SystemClock();
  const rng = new CryptoRng();
  const sinks: LogSink[] = [new JsonLinesSink(options.io.stderr), ...(options.extraSinks ?? [])];
  let fileSink: { write(s: string): void; flush(): Promise<void> } | undefined;
  if (options.logFile !== undefined) fileSink = bufferedFile(options.logFile);
  const levelFilter = (min: LogLevel, sink: LogSink): LogSink => ({ write: (r) => (rank(r.level) >= rank(min) ? sink.write(r) : undefined) });
  const logger = createLogger({
    sinks: [levelFilter(options.logLevel, sinks[0]!), ...sinks.slice(1), ...(fileSink === undefined ? [] : [new JsonLinesSink(fileSink)])],
    level: 'debug',
    scope: 'softphone',
  });
  const platform = createSipPlatform({ clock, rng, logger });
  const media = new CallMediaEngine({
    clock,
    rng,
    logger: logger.child('media'),
    sockets: platform.rtpSockets,
    audio: fileAudioProvider({
      file: (f) => new FileAudioPort({ clock, ...(f.playFile === undefined ? {} : { inputPath: f.playFile }), ...(f.recordFile === undefined ? {} : { outputPath: f.recordFile }), resample: fileResample }),
      none: () => new NullAudioPort(clock),
    }),
  });
  const home = softphoneHome(options.io);
  const history = new CallHistory(new JsonHistoryStore(home), logger.child('history'));
  await history.load();
  const phone = new PhoneService({
    connections: platform.connections,
    media,
    clock,
    rng,
    logger,
    instanceId: await loadInstanceId(home),
    userAgent: `SecureSoftphone/${pkg.version} (headless)`,
    recordCall: (record) => void history.add(record),
  });
  // Re-register at once when an interface address appears or goes away (VPN, Wi-Fi switch).
  const network = new NetworkMonitor(new SystemClock({ unrefTimers: true }));
  network.onChange((change) => {
    logger.info(change.resumed ? 'resumed from sleep: reconnecting and re-registering' : 'network changed: reconnecting and re-registering', { added: change.added.length, removed: change.removed.length });
    phone.networkChanged();
  });
  return {
    phone,
    logger,
    close: async () => {
      network.dispose();
      await phone.shutdown();
      phone.dispose();
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
