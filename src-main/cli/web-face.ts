import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import pkg from '../../package.json';
import { createLogger, JsonLinesSink, type Logger } from '../base/logger.js';
import { contract } from '../../src-shared/ipc/contract.js';
import { createBindings } from '../ipc/bindings.js';
import { IpcDispatcher } from '../ipc/dispatcher.js';
import { startWebSocketBridge, type RunningBridge } from '../ipc/websocket-bridge.js';
import { BRIDGE_CSP, cspForMeta } from '../ipc/renderer-csp.js';
import { JsonFileStore } from '../platform/storage/json-file-store.js';
import { createCoreServices, type CoreServices } from '../services/services.js';
import type { CliCommand } from './cli-io.js';
import { EXIT_USAGE } from './cli-io.js';

export interface WebFace {
  readonly services: CoreServices;
  readonly bridge: RunningBridge;
  close(): Promise<void>;
}

/**
 * The services plus the loopback WebSocket bridge serving the built renderer: the real UI in any
 * browser on this machine, without Electron. Used by `npm run web` and the e2e tests.
 */
export async function startWebFace(options: { rendererDir: string; dataDir: string; logger: Logger; port?: number }): Promise<WebFace> {
  const services = await createCoreServices({
    identity: {
      name: 'Secure Softphone',
      version: pkg.version,
      platform: process.platform === 'linux' || process.platform === 'darwin' || process.platform === 'win32' ? process.platform : 'other',
      carrier: 'websocket',
      runtime: { node: process.versions.node, electron: null, chrome: null },
    },
    store: new JsonFileStore(options.dataDir),
    logger: options.logger,
  });
  const dispatcher = new IpcDispatcher(contract, createBindings(services), options.logger.child('ipc'));
  const bridge = await startWebSocketBridge({
    dispatcher,
    rendererDir: options.rendererDir,
    token: randomBytes(24).toString('base64url'),
    logger: options.logger,
    csp: BRIDGE_CSP,
    metaCsp: cspForMeta,
    ...(options.port === undefined ? {} : { port: options.port }),
  });
  return {
    services,
    bridge,
    close: async () => {
      await bridge.close();
      services.dispose();
    },
  };
}

export const webCommand: CliCommand = async (args, io) => {
  let port: number | undefined;
  let dataDir: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--port') port = Number(args[++i]);
    else if (a === '--data') dataDir = args[++i];
    else if (a === '--help') {
      io.stdout.write('softphone web [--port N] [--data DIR]\n  Serves the built UI (out/renderer) on 127.0.0.1 and prints its URL with a one-time token.\n');
      return 0;
    } else {
      io.stderr.write(`softphone web: unknown option '${String(a)}'\n`);
      return EXIT_USAGE;
    }
  }
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    io.stderr.write('softphone web: --port must be a number from 0 to 65535\n');
    return EXIT_USAGE;
  }
  const logger = createLogger({ sinks: [new JsonLinesSink(io.stderr)], level: 'info', scope: 'web' });
  const face = await startWebFace({
    rendererDir: resolve(import.meta.dirname, '../renderer'),
    dataDir: dataDir === undefined ? await mkdtemp(join(tmpdir(), 'softphone-web-')) : resolve(io.cwd, dataDir),
    logger,
    ...(port === undefined ? {} : { port }),
  });
  io.stdout.write(`URL: ${face.bridge.url}\n`);
  io.stdout.write('Serving the softphone UI on loopback only. Press Ctrl+C to stop.\n');
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await face.close();
  return 0;
};
