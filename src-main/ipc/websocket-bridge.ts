import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { timingSafeEqual } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from '../base/logger.js';
import type { Disposable } from '../base/disposable.js';
import type { IpcEnvelope } from '../../src-shared/ipc/errors.js';
import type { IpcDispatcher } from './dispatcher.js';
import { readRequestFrame, WS_MAX_FRAME_BYTES, WS_PATH } from './websocket-protocol.js';
import { problem } from '../services/problems/problem-catalog.js';

/**
 * The second carrier of the contract: serves the built renderer to a plain browser and connects
 * it to the same services over a WebSocket. It exists so the real UI can be driven end to end
 * in Chromium without the Electron binary. Loopback only, random port, per-run secret token,
 * Host and Origin checked (DNS rebinding), never started by the packaged app.
 *
 * Layering note: DESIGN.md's table gives ipc/ no Node I/O, but also places this carrier in ipc/;
 * a carrier is I/O by nature, so this file (and only this one in ipc/) uses node:http.
 */
export interface WebSocketBridgeOptions {
  readonly dispatcher: IpcDispatcher;
  /** Directory of the built renderer (out/renderer). */
  readonly rendererDir: string;
  readonly token: string;
  readonly logger: Logger;
  /** Content-Security-Policy for the served page; `{{ORIGIN}}` is replaced by the bridge origin. */
  readonly csp: string;
  /** The policy as the page's <meta> tag may carry it (without header-only directives). */
  readonly metaCsp: (csp: string) => string;
  readonly port?: number;
}

export interface RunningBridge extends Disposable {
  readonly port: number;
  readonly origin: string;
  /** The URL to open, token included (in the fragment, so it never appears in request logs). */
  readonly url: string;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
};

export async function startWebSocketBridge(options: WebSocketBridgeOptions): Promise<RunningBridge> {
  const { dispatcher, logger } = options;
  const log = logger.child('ipc.ws');
  let origin = '';
  let host = '';
  let connections = 0;

  const http: Server = createServer((req, res) => {
    void serveStatic(req, res).catch((e: unknown) => {
      log.error('static file serving failed', { error: e });
      if (!res.headersSent) res.writeHead(500).end();
    });
  });

  async function serveStatic(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.headers.host !== host) {
      res.writeHead(421).end('wrong host');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405).end();
      return;
    }
    const path = decodeURIComponent(new URL(req.url ?? '/', origin).pathname);
    const rel = path === '/' ? 'index.html' : path.slice(1);
    const file = normalize(join(options.rendererDir, rel));
    if (!file.startsWith(normalize(options.rendererDir) + sep)) {
      res.writeHead(403).end();
      return;
    }
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      res.writeHead(404).end('not found');
      return;
    }
    const csp = options.csp.replaceAll('{{ORIGIN}}', origin).replaceAll('{{WS_ORIGIN}}', origin.replace(/^http/, 'ws'));
    const type = MIME[extname(file)] ?? 'application/octet-stream';
    if (type.startsWith('text/html')) {
      // The built page carries the desktop app's CSP in a meta tag; the bridge serves it with the
      // same policy except that connect-src allows this bridge's WebSocket.
      body = Buffer.from(body.toString('utf8').replace(/<meta http-equiv="Content-Security-Policy" content="[^"]*"\s*\/?>/, `<meta http-equiv="Content-Security-Policy" content="${options.metaCsp(csp)}">`));
    }
    res.writeHead(200, {
      'content-type': type,
      'content-security-policy': csp,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: WS_MAX_FRAME_BYTES });
  const expectedToken = Buffer.from(options.token);

  http.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', origin);
    const token = Buffer.from(url.searchParams.get('token') ?? '');
    const tokenOk = token.length === expectedToken.length && timingSafeEqual(token, expectedToken);
    if (url.pathname !== WS_PATH || req.headers.host !== host || req.headers.origin !== origin || !tokenOk) {
      log.warn('WebSocket connection refused', { path: url.pathname, origin: req.headers.origin ?? null, tokenOk });
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  wss.on('connection', (ws: WebSocket) => {
    const senderId = `ws-${++connections}`;
    ws.on('message', (data, isBinary) => {
      void handleFrame(ws, senderId, isBinary ? null : data.toString());
    });
    ws.on('error', (e) => log.warn('WebSocket error', { senderId, error: e }));
  });

  async function handleFrame(ws: WebSocket, senderId: string, text: string | null): Promise<void> {
    const read = readRequestFrame(text);
    const id = read.ok ? read.frame.id : read.id;
    const envelope: IpcEnvelope<unknown> = read.ok
      ? await dispatcher.dispatch(read.frame.ch, read.frame.p, { carrier: 'websocket', senderId })
      : { ok: false, error: problem('invalid-payload', { frame: 'malformed' }) };
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ t: 'res', id, r: envelope }));
  }

  const eventSub = dispatcher.forwardEvents((channel, payload) => {
    const text = JSON.stringify({ t: 'evt', ch: channel, p: payload });
    for (const client of wss.clients) if (client.readyState === client.OPEN) client.send(text);
  });

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = http.address();
  if (address === null || typeof address === 'string') throw new Error('bridge did not bind a TCP port');
  origin = `http://127.0.0.1:${address.port}`;
  host = `127.0.0.1:${address.port}`;

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= new Promise<void>((resolve) => {
      eventSub.dispose();
      for (const client of wss.clients) client.terminate();
      wss.close();
      http.closeAllConnections();
      http.close(() => resolve());
    });
    return closed;
  };

  return {
    port: address.port,
    origin,
    url: `${origin}/#token=${encodeURIComponent(options.token)}`,
    close,
    dispose: () => void close(),
  };
}
