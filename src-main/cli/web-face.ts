/**
 * `softphone web`: the real UI in any browser on this machine, with the full phone behind the
 * loopback WebSocket bridge (the same contract, bindings and dispatcher as the desktop app's
 * Electron carrier). Used by `npm run web` and by the browser and contract end-to-end tests,
 * which drive real calls through it. Audio is file/null (no sound card here): `--play WAV` is the
 * microphone of every call, `--record DIR` keeps what each call received.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { LogLevel } from '../base/logger.js';
import { contract } from '../../src-shared/ipc/contract.js';
import { createBindings } from '../ipc/bindings.js';
import { IpcDispatcher } from '../ipc/dispatcher.js';
import { startWebSocketBridge, type RunningBridge } from '../ipc/websocket-bridge.js';
import { BRIDGE_CSP, cspForMeta } from '../ipc/renderer-csp.js';
import type { Phone } from '../services/phone/create-phone.js';
import type { LogSink } from '../base/logger.js';
import { loadAccountFile } from './account-file.js';
import { parseOptions } from './cli-args.js';
import type { CliCommand, CliIo } from './cli-io.js';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './cli-io.js';
import { createHeadlessPhone } from './headless-phone.js';

export interface WebFace {
  readonly phone: Phone;
  readonly bridge: RunningBridge;
  close(): Promise<void>;
}

export interface WebFaceOptions {
  readonly io: CliIo;
  readonly rendererDir: string;
  /** Accounts, settings, secrets and history live here (the app's store folder layout). */
  readonly dataDir: string;
  readonly port?: number;
  readonly logLevel?: LogLevel;
  readonly extraSinks?: readonly LogSink[];
  /** A WAV looped as every call's microphone. */
  readonly playFile?: string;
  /** A folder where each call's received audio is recorded (`call-N.wav`). */
  readonly recordDir?: string;
  /** Resolve names through this DNS server (`IP[:PORT]`) instead of the system's. */
  readonly dnsServer?: string;
  /** `--provision FILE|URL`: a provisioning document (policy, locked settings, accounts). */
  readonly provision?: string;
}

export async function startWebFace(options: WebFaceOptions): Promise<WebFace> {
  let n = 0;
  const callAudio =
    options.playFile === undefined && options.recordDir === undefined
      ? undefined
      : () => ({ ...(options.playFile === undefined ? {} : { playFile: options.playFile }), ...(options.recordDir === undefined ? {} : { recordFile: join(options.recordDir, `call-${++n}.wav`) }) });
  const headless = await createHeadlessPhone({
    io: options.io,
    logLevel: options.logLevel ?? 'info',
    dataDir: options.dataDir,
    carrier: 'websocket',
    ...(options.dnsServer === undefined ? {} : { dnsServer: options.dnsServer }),
    ...(options.provision === undefined ? {} : { provision: options.provision }),
    ...(options.extraSinks === undefined ? {} : { extraSinks: options.extraSinks }),
    ...(callAudio === undefined ? {} : { callAudio }),
  });
  const dispatcher = new IpcDispatcher(contract, createBindings(headless.phone), headless.logger.child('ipc'));
  const bridge = await startWebSocketBridge({
    dispatcher,
    rendererDir: options.rendererDir,
    token: randomBytes(24).toString('base64url'),
    logger: headless.logger,
    csp: BRIDGE_CSP,
    metaCsp: cspForMeta,
    ...(options.port === undefined ? {} : { port: options.port }),
  });
  return {
    phone: headless.phone,
    bridge,
    close: async () => {
      await bridge.close();
      await headless.close();
    },
  };
}

export const WEB_USAGE = 'web [--port N] [--data DIR] [--account FILE]... [--play WAV] [--record DIR] [--dns-server IP[:PORT]] [--provision FILE|URL] [--verbose]';

export const webCommand: CliCommand = async (args, io) => {
  const parsed = parseOptions(args, { port: 'number', data: 'string', account: 'strings', play: 'string', record: 'string', 'dns-server': 'string', provision: 'string', verbose: 'boolean', help: 'boolean' });
  if (!parsed.ok) return usage(io, parsed.error);
  const o = parsed.options;
  if (o.help === true) {
    io.stdout.write(
      `softphone ${WEB_USAGE}\n  Serves the built UI (out/renderer) on 127.0.0.1 with the full phone behind it and prints its URL with a one-time token.\n  --data DIR keeps accounts and history there (default: a new temporary folder); --account FILE adds an account for this run; --dns-server IP[:PORT] resolves names through that server.\n`,
    );
    return EXIT_OK;
  }
  if (o.port !== undefined && (!Number.isInteger(o.port) || o.port > 65535)) return usage(io, '--port must be a number from 0 to 65535');
  const face = await startWebFace({
    io,
    rendererDir: resolve(import.meta.dirname, '../renderer'),
    dataDir: o.data === undefined ? await mkdtemp(join(tmpdir(), 'softphone-web-')) : resolve(io.cwd, o.data),
    logLevel: o.verbose === true ? 'debug' : 'info',
    ...(o.port === undefined ? {} : { port: o.port }),
    ...(o.play === undefined ? {} : { playFile: resolve(io.cwd, o.play) }),
    ...(o.record === undefined ? {} : { recordDir: resolve(io.cwd, o.record) }),
    ...(o['dns-server'] === undefined ? {} : { dnsServer: o['dns-server'] }),
    ...(o.provision === undefined ? {} : { provision: o.provision }),
  });
  for (const file of o.account ?? []) {
    const account = await loadAccountFile(file, io.cwd, { env: io.env, warn: (m) => io.stderr.write(`softphone web: ${m}\n`) });
    if (!account.ok) {
      io.stderr.write(`softphone web: ${account.error}\n`);
      await face.close();
      return EXIT_USAGE;
    }
    const id = basename(file).replace(/\.json$/i, '').toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '') || 'account';
    const added = await face.phone.accounts.add({ id, config: account.value, enabled: true, makeDefault: false }, { ephemeral: true });
    if (!added.ok) {
      io.stderr.write(`softphone web: the account ${file} cannot be used: ${added.error.message}${added.error.hint === null ? '' : ` ${added.error.hint}`}\n`);
      await face.close();
      return EXIT_FAILURE;
    }
  }
  io.stdout.write(`URL: ${face.bridge.url}\n`);
  io.stdout.write('Serving the softphone UI on loopback only. Press Ctrl+C to stop.\n');
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await face.close();
  return EXIT_OK;
};

function usage(io: CliIo, error: string): number {
  io.stderr.write(`softphone web: ${error}\nusage: softphone ${WEB_USAGE}\n`);
  return EXIT_USAGE;
}
