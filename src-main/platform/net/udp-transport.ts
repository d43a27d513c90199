/**
 * SIP over UDP (RFC 3261 §18.1.1/§18.2.1) for PBXs that need it: one bound datagram socket that
 * sends and receives whole messages. Retransmissions (Timer A/E/G) belong to the transaction
 * layer; this only moves datagrams. UDP is never a secure hop (hop-security.ts): SDES keys must
 * not be sent over it.
 *
 * Not here: RFC 5626 §4.4.2 STUN keep-alives for UDP, and the §18.1.1 switch to TCP for requests
 * larger than 1300 bytes (the transport layer above decides; `MTU_SAFE_SIZE` is exported for it).
 */
import * as dgram from 'node:dgram';
import type { Disposable } from '../../base/disposable.js';
import { Emitter, type Event } from '../../base/event.js';
import { err, ok, type Result } from '../../base/result.js';
import { fromSocketError, tlsError, type TlsError } from '../tls/tls-error.js';
import { hopSecurity, type HopSecurity } from './hop-security.js';
import { ipFamily } from './sip-hop.js';

/** RFC 3261 §18.1.1: requests within 200 bytes of a 1500-byte MTU may use UDP. */
export const MTU_SAFE_SIZE = 1300;
/** Largest datagram accepted (RFC 3261 §18.1.2 allows up to 65 535). */
export const MAX_DATAGRAM = 65_507;

export interface Datagram {
  readonly bytes: Buffer;
  readonly address: string;
  readonly port: number;
}

export interface UdpTransportOptions {
  /** Local address to bind (default: all IPv4 addresses; use '::' for IPv6). */
  readonly bindAddress?: string;
  /** Local port (default 0 = ephemeral). */
  readonly port?: number;
}

export class UdpSipTransport implements Disposable {
  private readonly datagramEmitter = new Emitter<Datagram>();
  private readonly errorEmitter = new Emitter<TlsError>();
  readonly onDatagram: Event<Datagram> = this.datagramEmitter.event;
  readonly onError: Event<TlsError> = this.errorEmitter.event;
  readonly security: HopSecurity = hopSecurity('udp');
  private closed = false;

  private constructor(private readonly socket: dgram.Socket) {
    socket.on('message', (msg, rinfo) => {
      if (msg.length === 0 || msg.length > MAX_DATAGRAM) return;
      this.datagramEmitter.fire({ bytes: msg, address: rinfo.address, port: rinfo.port });
    });
    socket.on('error', (e) => this.errorEmitter.fire(fromSocketError(e, { serverCertificateSeen: false, clientCertificateConfigured: false })));
  }

  /** Binds a socket. */
  static open(options: UdpTransportOptions = {}): Promise<Result<UdpSipTransport, TlsError>> {
    const bind = options.bindAddress ?? '0.0.0.0';
    const socket = dgram.createSocket({ type: ipFamily(bind) === 6 ? 'udp6' : 'udp4' });
    return new Promise((resolve) => {
      const onError = (e: Error): void => {
        socket.close();
        resolve(err(fromSocketError(e, { serverCertificateSeen: false, clientCertificateConfigured: false })));
      };
      socket.once('error', onError);
      socket.bind(options.port ?? 0, bind, () => {
        socket.off('error', onError);
        resolve(ok(new UdpSipTransport(socket)));
      });
    });
  }

  get local(): { address: string; port: number } {
    const a = this.socket.address();
    return { address: a.address, port: a.port };
  }

  send(bytes: Uint8Array, address: string, port: number): Promise<Result<void, TlsError>> {
    if (this.closed) return Promise.resolve(err(tlsError('flow-closed')));
    return new Promise((resolve) => {
      this.socket.send(bytes, port, address, (e) => {
        resolve(e === null || e === undefined ? ok(undefined) : err(fromSocketError(e, { serverCertificateSeen: false, clientCertificateConfigured: false })));
      });
    });
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    this.datagramEmitter.dispose();
    this.errorEmitter.dispose();
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  dispose(): void {
    void this.close();
  }
}
