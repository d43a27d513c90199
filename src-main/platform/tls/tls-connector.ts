/**
 * Opens one TLS connection to one address and decides whether to trust it before a single SIP
 * byte is written (RFC 5630 §3.1.3 / RFC 3261 §26.2: direct TLS, no STARTTLS; RFC 5922 §7).
 *
 * How: `tls.connect` with `rejectUnauthorized: false`, a no-op `checkServerIdentity` and the
 * account's anchors as `ca`, so OpenSSL verifies the chain against exactly those anchors but lets
 * us decide; on `secureConnect` peer-verifier.ts gives the verdict (both verifiers must agree).
 * A refused server is destroyed without any write. SNI is the SIP domain (never an IP literal,
 * RFC 6066 §3); ALPN is not offered; OCSP stapling is requested (RFC 6066 §8); Nagle is off.
 *
 * TLS 1.3 (RFC 8446 §4.4.2): a server that rejects our client certificate can only say so after
 * our handshake completed, so on TLS 1.3 we wait for the server's first post-handshake message
 * (a NewSessionTicket) or a short grace period before declaring the connection usable.
 * Anything the server sends meanwhile is kept and handed over (`initialData`).
 */
import type { Socket } from 'node:net';
import * as tls from 'node:tls';
import type { Clock } from '../../base/clock.js';
import type { Disposable } from '../../base/disposable.js';
import { err, ok, type Result } from '../../base/result.js';
import { errorSummary, failureReport, type CertificateReport } from './certificate-report.js';
import { parseCertificate, type ParsedCertificate } from './parsed-certificate.js';
import { verifyPeer } from './peer-verifier.js';
import { isIpLiteral, normaliseDnsName } from './server-identity.js';
import { fromSocketError, tlsError, type TlsError } from './tls-error.js';
import { tlsEventFromReport, type TlsEventLog } from './tls-event-log.js';
import type { EffectiveTlsSettings } from './tls-settings.js';
import type { AnchorSet } from './trust-store.js';

export interface TlsConnectRequest {
  /** Where to connect (an IP address from the resolver, normally). */
  readonly address: string;
  readonly port: number;
  /** The SIP domain: SNI and the identity the certificate must show. */
  readonly domain: string;
  readonly settings: EffectiveTlsSettings;
  readonly anchors: AnchorSet;
  /** Connect + handshake + verification budget (default 10 s). */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  /** Label for the TLS event log. */
  readonly account?: string;
}

/** A connected stream handed to the flow layer, with what arrived before it took over. */
export interface AdoptedStream {
  readonly socket: Socket;
  readonly initialData: readonly Buffer[];
  /** An error or end-of-stream that happened between verification and adoption. */
  readonly pendingError?: Error;
  readonly ended: boolean;
}

export interface TlsConnection {
  readonly report: CertificateReport;
  /** Takes ownership of the socket (once). */
  adopt(): AdoptedStream;
  /** Destroys the socket if nobody adopted it. */
  dispose(): void;
}

export interface TlsConnectFailure {
  readonly error: TlsError;
  readonly report: CertificateReport;
}

export interface TlsConnector {
  connect(request: TlsConnectRequest): Promise<Result<TlsConnection, TlsConnectFailure>>;
}

export interface NodeTlsConnectorDeps {
  readonly clock: Clock;
  readonly eventLog?: TlsEventLog;
}

const contexts = new WeakMap<AnchorSet, Map<string, { readonly creds: unknown; readonly ctx: tls.SecureContext }>>();

/**
 * One SecureContext per anchor set and TLS settings (loading hundreds of roots into OpenSSL on
 * every reconnect would cost more than the handshake).
 */
export function secureContextFor(anchors: AnchorSet, settings: EffectiveTlsSettings): tls.SecureContext {
  let perAnchors = contexts.get(anchors);
  if (perAnchors === undefined) {
    perAnchors = new Map();
    contexts.set(anchors, perAnchors);
  }
  const key = `${settings.minVersion}|${settings.ciphers}|${settings.clientCredentials?.summary.fingerprintSha256 ?? ''}`;
  const hit = perAnchors.get(key);
  if (hit !== undefined && hit.creds === settings.clientCredentials) return hit.ctx;
  const ctx = tls.createSecureContext({
    ca: [...anchors.pems],
    minVersion: settings.minVersion,
    maxVersion: 'TLSv1.3',
    ciphers: settings.ciphers,
    ...(settings.clientCredentials === undefined ? {} : settings.clientCredentials.tlsOptions()),
  });
  perAnchors.set(key, { creds: settings.clientCredentials, ctx });
  return ctx;
}

/** Reads the peer chain as the TLS library reports it (leaf first). */
export function peerChain(socket: tls.TLSSocket): ParsedCertificate[] {
  const out: ParsedCertificate[] = [];
  const seen = new Set<string>();
  let c: tls.DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  while (c !== undefined && c.raw !== undefined && out.length < 16) {
    const fp = c.fingerprint256;
    if (seen.has(fp)) break;
    seen.add(fp);
    try {
      out.push(parseCertificate(c.raw));
    } catch {
      break;
    }
    c = c.issuerCertificate;
  }
  return out;
}

function verifyCodeOf(socket: tls.TLSSocket): string | null {
  const e = socket.authorizationError as unknown;
  if (e === null || e === undefined) return null;
  if (typeof e === 'string') return e;
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' ? code : String((e as { message?: unknown }).message ?? 'UNSPECIFIED');
}

export class NodeTlsConnector implements TlsConnector {
  constructor(private readonly deps: NodeTlsConnectorDeps) {}

  connect(req: TlsConnectRequest): Promise<Result<TlsConnection, TlsConnectFailure>> {
    const { clock } = this.deps;
    const started = clock.monotonic();
    const settings = req.settings;
    const sni = isIpLiteral(req.domain) ? undefined : normaliseDnsName(req.domain);
    const target = { domain: req.domain, address: req.address, port: req.port, ...(sni === undefined ? {} : { sni }) };
    const log = (report: CertificateReport): void => this.deps.eventLog?.record(tlsEventFromReport(report, clock.monotonic() - started, req.account));

    return new Promise((resolve) => {
      let settled = false;
      let serverCertificateSeen = false;
      let ocspResponse: Buffer | undefined;
      let protocol: string | undefined;
      /** The report once the certificate passed, for failures after that (TLS 1.3 rejection). */
      let verifiedReport: CertificateReport | undefined;
      const cleanups: Disposable[] = [];

      // `requestOCSP` (TLSSocket) and `noDelay` (net) pass through tls.connect; @types/node lacks them.
      const options: tls.ConnectionOptions & { requestOCSP: boolean; noDelay: boolean } = {
        host: req.address,
        port: req.port,
        ...(sni === undefined ? {} : { servername: sni }),
        // Anchors (replacing OpenSSL's defaults: an empty list trusts nothing), versions, suites and
        // the client certificate live in a cached secure context.
        secureContext: secureContextFor(req.anchors, settings),
        rejectUnauthorized: false,
        checkServerIdentity: () => undefined,
        requestOCSP: true,
        noDelay: true,
      };
      const socket = tls.connect(options);
      socket.setNoDelay(true);

      const fail = (error: TlsError, report?: CertificateReport): void => {
        if (settled) return;
        settled = true;
        for (const c of cleanups) c.dispose();
        socket.destroy();
        const r =
          report ??
          (verifiedReport === undefined
            ? undefined
            : { ...verifiedReport, verdict: { ok: false, level: 'failed' as const, error: errorSummary(error), notes: verifiedReport.verdict.notes } }) ??
          failureReport({ checkedAt: new Date(clock.now()).toISOString(), target, mode: settings.verification, ...(protocol === undefined ? {} : { protocol }) }, error, settings.ocsp);
        log(r);
        resolve(err({ error, report: r }));
      };

      const onError = (e: Error): void =>
        fail(fromSocketError(e, { serverCertificateSeen, clientCertificateConfigured: settings.clientCredentials !== undefined }));
      socket.on('error', onError);
      cleanups.push({ dispose: () => socket.off('error', onError) });
      socket.once('OCSPResponse', (response: Buffer | null | undefined) => {
        serverCertificateSeen = true;
        if (response !== null && response !== undefined && response.length > 0) ocspResponse = response;
      });

      cleanups.push(clock.setTimer(req.timeoutMs ?? 10_000, () => fail(tlsError('timeout', { phase: serverCertificateSeen ? 'handshake' : 'connect' }))));
      if (req.signal !== undefined) {
        const onAbort = (): void => fail(tlsError('aborted'));
        if (req.signal.aborted) onAbort();
        req.signal.addEventListener('abort', onAbort, { once: true });
        cleanups.push({ dispose: () => req.signal?.removeEventListener('abort', onAbort) });
      }

      socket.once('secureConnect', () => {
        serverCertificateSeen = true;
        protocol = socket.getProtocol() ?? undefined;
        const c = socket.getCipher();
        const evidence = {
          presented: peerChain(socket),
          opensslVerifyCode: verifyCodeOf(socket),
          ...(ocspResponse === undefined ? {} : { ocspResponse }),
          ...(protocol === undefined ? {} : { protocol }),
          cipher: { name: c.name, standardName: c.standardName, version: c.version },
        };
        void verifyPeer(evidence, target, { settings, anchors: req.anchors, now: clock.now() }).then(
          (verdict) => {
            if (settled) return;
            if (!verdict.ok) {
              fail(verdict.error ?? tlsError('invalid-chain'), verdict.report);
              return;
            }
            verifiedReport = verdict.report;
            if (protocol === 'TLSv1.3' && settings.postHandshakeGraceMs > 0) this.awaitServerAcceptance(socket, settings, cleanups, fail, succeed, verdict.report);
            else succeed(verdict.report, []);
          },
          (e: unknown) => fail(tlsError('invalid-chain', { reason: `verification error: ${(e as Error).message}` })),
        );
      });

      const succeed = (report: CertificateReport, initialData: Buffer[]): void => {
        if (settled) return;
        settled = true;
        for (const c of cleanups) c.dispose();
        // Hold errors until the flow adopts the socket so none is unhandled in between.
        let pendingError: Error | undefined;
        let ended = false;
        const holdError = (e: Error): void => {
          pendingError ??= e;
        };
        const holdEnd = (): void => {
          ended = true;
        };
        socket.on('error', holdError);
        socket.on('end', holdEnd);
        socket.pause();
        let adopted = false;
        log(report);
        // Resolve from a fresh macrotask: 'session'/'secureConnect' run inside the TLS engine's
        // callback, and a write issued from a microtask continuation of it (the caller's `await`)
        // can be lost on Node 20 (observed with TLS 1.3 tickets: the record never leaves).
        setImmediate(() =>
          resolve(
          ok({
            report,
            adopt: () => {
              if (adopted) throw new Error('TLS connection already adopted');
              adopted = true;
              socket.off('error', holdError);
              socket.off('end', holdEnd);
              return { socket, initialData, ended, ...(pendingError === undefined ? {} : { pendingError }) };
            },
            dispose: () => {
              if (!adopted) socket.destroy();
            },
          }),
          ),
        );
      };
    });
  }

  private awaitServerAcceptance(
    socket: tls.TLSSocket,
    settings: EffectiveTlsSettings,
    cleanups: Disposable[],
    fail: (e: TlsError) => void,
    succeed: (r: CertificateReport, initial: Buffer[]) => void,
    report: CertificateReport,
  ): void {
    const data: Buffer[] = [];
    const onData = (b: Buffer): void => {
      data.push(b);
    };
    const rejected = (): void => {
      // With a client certificate configured, a TLS 1.3 server that hangs up right after the
      // handshake is refusing it (Node and many servers close without an alert); without one,
      // we cannot tell why (an alert would have said certificate_required).
      fail(tlsError(settings.clientCredentials === undefined ? 'connection-reset' : 'client-cert-rejected', { phase: 'post-handshake' }));
    };
    const onEnd = (): void => rejected();
    const onClose = (): void => rejected();
    const detach = (): void => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onClose);
      socket.off('session', onSession);
      timer.dispose();
    };
    const accept = (): void => {
      detach();
      socket.pause();
      succeed(report, data);
    };
    const onSession = (): void => accept();
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('close', onClose);
    socket.once('session', onSession);
    const timer = this.deps.clock.setTimer(settings.postHandshakeGraceMs, accept);
    cleanups.push({ dispose: detach });
    // Errors (alerts such as certificate_required) go through the connect error handler.
  }
}
