/**
 * Plain TCP connections for SIP over TCP (RFC 3261 §18) - for PBXs that need it. Nagle is off on
 * every SIP connection (a Nagle + delayed-ACK stall costs ~40 ms per exchange, issue 4).
 * Plain TCP is not a secure hop: see hop-security.ts.
 */
import * as net from 'node:net';
import type { Clock } from '../../base/clock.js';
import type { Disposable } from '../../base/disposable.js';
import { err, ok, type Result } from '../../base/result.js';
import type { AdoptedStream } from '../tls/tls-connector.js';
import { fromSocketError, tlsError, type TlsError } from '../tls/tls-error.js';

export interface TcpConnectRequest {
  readonly address: string;
  readonly port: number;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export interface TcpConnection {
  adopt(): AdoptedStream;
  dispose(): void;
}

export interface TcpConnector {
  connect(request: TcpConnectRequest): Promise<Result<TcpConnection, { readonly error: TlsError }>>;
}

export class NodeTcpConnector implements TcpConnector {
  constructor(private readonly deps: { readonly clock: Clock }) {}

  connect(req: TcpConnectRequest): Promise<Result<TcpConnection, { readonly error: TlsError }>> {
    return new Promise((resolve) => {
      let settled = false;
      const cleanups: Disposable[] = [];
      const socket = net.connect({ host: req.address, port: req.port, noDelay: true });
      const fail = (error: TlsError): void => {
        if (settled) return;
        settled = true;
        for (const c of cleanups) c.dispose();
        socket.destroy();
        resolve(err({ error }));
      };
      const onError = (e: Error): void => fail(fromSocketError(e, { serverCertificateSeen: false, clientCertificateConfigured: false }));
      socket.on('error', onError);
      cleanups.push({ dispose: () => socket.off('error', onError) });
      cleanups.push(this.deps.clock.setTimer(req.timeoutMs ?? 10_000, () => fail(tlsError('timeout', { phase: 'connect' }))));
      if (req.signal !== undefined) {
        const onAbort = (): void => fail(tlsError('aborted'));
        if (req.signal.aborted) onAbort();
        req.signal.addEventListener('abort', onAbort, { once: true });
        cleanups.push({ dispose: () => req.signal?.removeEventListener('abort', onAbort) });
      }
      socket.once('connect', () => {
        if (settled) return;
        settled = true;
        for (const c of cleanups) c.dispose();
        socket.setNoDelay(true);
        socket.pause();
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
        let adopted = false;
        resolve(
          ok({
            adopt: () => {
              if (adopted) throw new Error('TCP connection already adopted');
              adopted = true;
              socket.off('error', holdError);
              socket.off('end', holdEnd);
              return { socket, initialData: [], ended, ...(pendingError === undefined ? {} : { pendingError }) };
            },
            dispose: () => {
              if (!adopted) socket.destroy();
            },
          }),
        );
      });
    });
  }
}
