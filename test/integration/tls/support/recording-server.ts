/**
 * Real `node:tls` / `node:net` servers on loopback that record every byte they receive (the proof
 * that no SIP byte was written to a refused server) and can answer keep-alives or stay silent.
 * Every server tracks its sockets and `close()` destroys them all (no leaked handles).
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import type { ServerCredentials } from '../../../fixtures/pki/test-pki.js';

export type PeerBehaviour =
  /** Answer CRLFCRLF pings with CRLF pongs (RFC 5626 §4.4.1) and echo nothing else. */
  | 'pong'
  /** Read and record but never answer (a dead peer that keeps the TCP connection). */
  | 'silent';

export interface RecordingServer {
  readonly port: number;
  readonly host: string;
  /** Everything received, over all connections, concatenated. */
  received(): Buffer;
  /** Bytes received per accepted connection (only connections that completed the handshake). */
  readonly connections: { readonly received: Buffer[]; readonly socket: net.Socket }[];
  /** TLS handshakes that failed on the server side. */
  readonly handshakeErrors: string[];
  /** The SNI of every ClientHello (empty string when the client sent none). TLS servers only. */
  readonly serverNames: string[];
  /** Number of TCP connections accepted (even those whose handshake failed). */
  tcpConnections(): number;
  /** Resolves when `n` connections completed. */
  waitForConnections(n: number): Promise<void>;
  /** Destroys every connection, keeps listening. */
  dropConnections(): void;
  setBehaviour(b: PeerBehaviour): void;
  close(): Promise<void>;
}

export interface TlsServerOptions {
  readonly credentials: ServerCredentials;
  readonly host?: string;
  readonly port?: number;
  readonly tls?: tls.TlsOptions;
  /** DER OCSP response to staple. */
  readonly ocspResponse?: Buffer;
  readonly behaviour?: PeerBehaviour;
}

function track(
  server: net.Server,
  host: string,
  behaviourInit: PeerBehaviour,
  secureEvent: 'secureConnection' | 'connection',
  serverNames: string[] = [],
): Omit<RecordingServer, 'port' | 'close'> & {
  closeAll(): Promise<void>;
  listen(port: number): Promise<number>;
} {
  const connections: { received: Buffer[]; socket: net.Socket }[] = [];
  const raw = new Set<net.Socket>();
  const handshakeErrors: string[] = [];
  let behaviour = behaviourInit;
  let tcpCount = 0;
  const waiters: { n: number; resolve: () => void }[] = [];
  server.on('connection', (s: net.Socket) => {
    tcpCount++;
    raw.add(s);
    s.on('close', () => raw.delete(s));
    s.on('error', () => undefined);
  });
  server.on(secureEvent, (socket: net.Socket) => {
    const entry = { received: [] as Buffer[], socket };
    connections.push(entry);
    socket.on('error', () => undefined);
    socket.on('data', (b: Buffer) => {
      entry.received.push(b);
      if (behaviour === 'pong' && b.toString('latin1').includes('\r\n\r\n')) socket.write('\r\n');
    });
    for (const w of waiters.slice()) {
      if (connections.length >= w.n) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  });
  server.on('tlsClientError', (e: Error & { code?: string }) => handshakeErrors.push(e.code ?? e.message));
  return {
    host,
    connections,
    handshakeErrors,
    serverNames,
    received: () => Buffer.concat(connections.flatMap((c) => c.received)),
    tcpConnections: () => tcpCount,
    waitForConnections: (n) =>
      connections.length >= n ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ n, resolve })),
    dropConnections: () => {
      for (const s of raw) s.destroy();
      for (const c of connections) c.socket.destroy();
    },
    setBehaviour: (b) => {
      behaviour = b;
    },
    listen: (port) =>
      new Promise<number>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve((server.address() as net.AddressInfo).port));
      }),
    closeAll: () =>
      new Promise<void>((resolve) => {
        for (const s of raw) s.destroy();
        for (const c of connections) c.socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A TLS server presenting `credentials`, recording what clients send. */
export async function startTlsServer(o: TlsServerOptions): Promise<RecordingServer> {
  const host = o.host ?? '127.0.0.1';
  const serverNames: string[] = [];
  const server = tls.createServer({
    key: o.credentials.keyPem,
    cert: o.credentials.certChainPem,
    // Called only when the ClientHello carries SNI; the default context answers.
    SNICallback: (name, cb) => {
      serverNames.push(name);
      cb(null, undefined);
    },
    ...o.tls,
  });
  if (o.ocspResponse !== undefined) {
    const resp = o.ocspResponse;
    server.on('OCSPRequest', (_cert: Buffer, _issuer: Buffer, cb: (err: Error | null, resp: Buffer) => void) => cb(null, resp));
  }
  const t = track(server, host, o.behaviour ?? 'pong', 'secureConnection', serverNames);
  const port = await t.listen(o.port ?? 0);
  return { ...t, port, close: t.closeAll };
}

/** A plain TCP server (for SIP over TCP, and for "not TLS" cases). */
export async function startTcpServer(o: { host?: string; behaviour?: PeerBehaviour; onConnect?: (s: net.Socket) => void } = {}): Promise<RecordingServer> {
  const host = o.host ?? '127.0.0.1';
  const server = net.createServer();
  if (o.onConnect !== undefined) server.on('connection', o.onConnect);
  const t = track(server, host, o.behaviour ?? 'pong', 'connection');
  const port = await t.listen(0);
  return { ...t, port, close: t.closeAll };
}

/** A port on 127.0.0.1 where nothing listens (connection refused). */
export async function refusedPort(host = '127.0.0.1'): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, host, r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
