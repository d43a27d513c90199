/**
 * Local TLS servers for the certificate-panel end-to-end tests (issue 13, acceptance 1): one real
 * `node:tls` server on 127.0.0.1 per test-PKI variant the panel must explain, plus the GeoDNS
 * pair — the good certificate on 127.0.0.1:P and an expired one on [::1]:P, the SAME port — and a
 * test DNS server whose zone sends `geo.sip.example.test` to both addresses (A and AAAA).
 *
 * Each server completes the handshake (when the client accepts it) and then holds the connection,
 * reading and discarding whatever arrives, until the client closes it. Everything is owned by the
 * harness scope: its stop destroys every socket and closes the listeners.
 *
 * Two variants need OpenSSL loosened on the SERVER side only (the client under test keeps its own
 * settings): the RSA-1024 key and the TLS-1.1-only server are served with `@SECLEVEL=0`, so that
 * OpenSSL 3 agrees to present/negotiate them at all.
 */
import type * as net from 'node:net';
import * as tls from 'node:tls';
import type { HarnessScope } from '../../interop/harness/harness-scope.js';
import { getTestPki, type ServerCredentials, type TestPki } from '../../fixtures/pki/test-pki.js';
import { startTestDnsServer, type TestDnsServer } from '../../integration/tls/support/test-dns-server.js';

/** The variants of acceptance 1, each on its own server. */
export const TRUST_VARIANTS = ['good', 'expired', 'notYetValid', 'wrongHost', 'selfSigned', 'unknownCa', 'missingIntermediate', 'weakKey', 'tls11Only'] as const;
export type TrustVariant = (typeof TRUST_VARIANTS)[number];

/** The name the GeoDNS pair is reached by: A → 127.0.0.1, AAAA → ::1 in the test zone. */
export const GEO_NAME = 'geo.sip.example.test';

export interface TrustServer {
  readonly variant: TrustVariant | 'pair-good' | 'pair-expired';
  readonly host: '127.0.0.1' | '::1';
  readonly port: number;
  /** `127.0.0.1:PORT` (or `[::1]:PORT`): what the form's "Server" field takes. */
  readonly hostPort: string;
  /** TCP connections accepted (whatever became of their handshake). */
  connections(): number;
  /** Handshakes completed on this server. */
  handshakes(): number;
  /** Handshakes that failed on the server side (OpenSSL codes or messages). */
  readonly handshakeErrors: string[];
  /** The SNI of every ClientHello that carried one. */
  readonly serverNames: string[];
  close(): Promise<void>;
}

export interface TrustServers {
  readonly pki: TestPki;
  readonly servers: Readonly<Record<TrustVariant, TrustServer>>;
  /** Good on 127.0.0.1:port, expired on [::1]:port. */
  readonly pair: { readonly port: number; readonly v4: TrustServer; readonly v6: TrustServer };
  /** The test DNS server (`127.0.0.1:PORT`, for `softphone web --dns-server`). */
  readonly dns: TestDnsServer;
}

/** What each variant presents and how the server is configured. */
function variantSetup(pki: TestPki, variant: TrustVariant): { credentials: ServerCredentials; extra: tls.TlsOptions } {
  switch (variant) {
    case 'good':
      return { credentials: pki.servers.good, extra: {} };
    case 'expired':
      return { credentials: pki.servers.expired, extra: {} };
    case 'notYetValid':
      return { credentials: pki.servers.notYetValid, extra: {} };
    case 'wrongHost':
      return { credentials: pki.servers.wrongHost, extra: {} };
    case 'selfSigned':
      return { credentials: pki.servers.selfSigned, extra: {} };
    case 'unknownCa':
      return { credentials: pki.servers.unknownCa, extra: {} };
    case 'missingIntermediate':
      return { credentials: pki.servers.leafWithoutIntermediate, extra: {} };
    case 'weakKey':
      // OpenSSL 3 at level 2+ refuses to load a 1024-bit RSA key for the server's own use.
      return { credentials: pki.servers.rsa1024, extra: { ciphers: 'DEFAULT@SECLEVEL=0' } };
    case 'tls11Only':
      // TLS 1.1 (and its SHA-1 based suites) exist in OpenSSL 3 only at security level 0.
      return { credentials: pki.servers.good, extra: { minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' } };
  }
}

interface StartOptions {
  readonly variant: TrustServer['variant'];
  readonly credentials: ServerCredentials;
  readonly extra?: tls.TlsOptions;
  readonly host?: '127.0.0.1' | '::1';
  readonly port?: number;
}

/** One holding TLS server; rejects when the port cannot be bound. */
export async function startHoldingTlsServer(o: StartOptions): Promise<TrustServer> {
  const host = o.host ?? '127.0.0.1';
  const serverNames: string[] = [];
  const handshakeErrors: string[] = [];
  const sockets = new Set<net.Socket>();
  let handshakes = 0;
  let connections = 0;
  const server = tls.createServer({
    key: o.credentials.keyPem,
    cert: o.credentials.certChainPem,
    // Only called when the ClientHello carries SNI; the default context answers.
    SNICallback: (name, cb) => {
      serverNames.push(name);
      cb(null, undefined);
    },
    ...o.extra,
  });
  server.on('connection', (s: net.Socket) => {
    connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  });
  server.on('secureConnection', (s: tls.TLSSocket) => {
    handshakes++;
    s.on('error', () => undefined);
    s.on('data', () => undefined); // hold: read and discard until the client closes
    s.on('end', () => s.end());
  });
  server.on('tlsClientError', (e: Error & { code?: string }) => handshakeErrors.push(e.code ?? e.message));
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: o.port ?? 0, host, exclusive: true }, () => {
      server.off('error', reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
  return {
    variant: o.variant,
    host,
    port,
    hostPort: host === '::1' ? `[::1]:${port}` : `${host}:${port}`,
    connections: () => connections,
    handshakes: () => handshakes,
    handshakeErrors,
    serverNames,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The good/expired pair on one port number: 127.0.0.1:P and [::1]:P (retries when ::1:P is taken). */
async function startPair(pki: TestPki): Promise<TrustServers['pair']> {
  for (let attempt = 0; ; attempt++) {
    const v4 = await startHoldingTlsServer({ variant: 'pair-good', credentials: pki.servers.good });
    try {
      const v6 = await startHoldingTlsServer({ variant: 'pair-expired', credentials: pki.servers.expired, host: '::1', port: v4.port });
      return { port: v4.port, v4, v6 };
    } catch (e) {
      await v4.close();
      if (attempt >= 10) throw new Error(`could not bind a good/expired pair on one port of 127.0.0.1 and ::1: ${(e as Error).message}`, { cause: e });
    }
  }
}

/** Every server of acceptance 1 and the test DNS server, owned by `scope`. */
export async function startTrustServers(scope: HarnessScope): Promise<TrustServers> {
  const pki = await getTestPki();
  const entries = await Promise.all(
    TRUST_VARIANTS.map(async (variant) => {
      const { credentials, extra } = variantSetup(pki, variant);
      const s = await startHoldingTlsServer({ variant, credentials, extra });
      scope.own({ stop: s.close });
      return [variant, s] as const;
    }),
  );
  const pair = await startPair(pki);
  scope.own({ stop: pair.v4.close });
  scope.own({ stop: pair.v6.close });
  const dns = await startTestDnsServer({ a: { [GEO_NAME]: ['127.0.0.1'] }, aaaa: { [GEO_NAME]: ['::1'] } });
  scope.own({ stop: dns.close });
  return { pki, servers: Object.fromEntries(entries) as Record<TrustVariant, TrustServer>, pair, dns };
}
