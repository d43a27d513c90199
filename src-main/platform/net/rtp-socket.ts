/**
 * RTP/RTCP datagram sockets over node:dgram, behind media's `RtpSocketFactory` port
 * (media/call/rtp-socket-port.ts). One socket per bound port; the media pipeline sends from the
 * socket it receives on (symmetric RTP, RFC 4961).
 *
 * Sends are fire-and-forget: errors are counted and reported as events, never thrown into the
 * media loop. `dispose()` lets datagrams already handed to the socket leave (an RTCP BYE sent
 * just before hanging up) before the handle is closed, bounded by `closeGraceMs`.
 */
import * as dgram from 'node:dgram';
import { isIP } from 'node:net';
import { Emitter } from '../../base/event.js';
import { err, ok, type Result } from '../../base/result.js';
import type { RtpDatagram, RtpSocket, RtpSocketError, RtpSocketErrorCode, RtpSocketFactory } from '../../media/call/rtp-socket-port.js';

export interface NodeRtpSocketOptions {
  /** Longest wait for queued sends when disposing (default 200 ms). */
  readonly closeGraceMs?: number;
  /** SO_RCVBUF in bytes (default: the OS default). */
  readonly receiveBufferBytes?: number;
}

function errorCode(e: NodeJS.ErrnoException): RtpSocketErrorCode {
  switch (e.code) {
    case 'EADDRINUSE':
    case 'EACCES':
      return 'address-in-use';
    case 'EADDRNOTAVAIL':
    case 'EAFNOSUPPORT':
      return 'address-unavailable';
    default:
      return 'bind-failed';
  }
}

class NodeRtpSocket implements RtpSocket {
  private readonly datagrams = new Emitter<RtpDatagram>();
  private readonly errors = new Emitter<RtpSocketError>();
  readonly onDatagram = this.datagrams.event;
  readonly onError = this.errors.event;
  readonly localAddress: string;
  readonly localPort: number;
  private pending = 0;
  private sendFailures = 0;
  private state: 'open' | 'closing' | 'closed' = 'open';
  private graceTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly socket: dgram.Socket,
    private readonly closeGraceMs: number,
  ) {
    const a = socket.address();
    this.localAddress = a.address;
    this.localPort = a.port;
    socket.on('message', (bytes, rinfo) => {
      if (this.state !== 'open' || bytes.length === 0) return;
      this.datagrams.fire({ bytes, address: rinfo.address, port: rinfo.port });
    });
    socket.on('error', (e) => {
      this.errors.fire({ code: 'send-failed', message: e.message, detail: { cause: (e as NodeJS.ErrnoException).code } });
    });
  }

  get sendErrors(): number {
    return this.sendFailures;
  }

  send(bytes: Uint8Array, port: number, address: string): void {
    if (this.state !== 'open') {
      this.sendFailures++;
      return;
    }
    this.pending++;
    try {
      this.socket.send(bytes, port, address, (e) => {
        this.pending--;
        if (e !== null && e !== undefined) {
          this.sendFailures++;
          this.errors.fire({ code: 'send-failed', message: e.message, detail: { cause: (e as NodeJS.ErrnoException).code, port } });
        }
        if (this.state === 'closing' && this.pending === 0) this.close();
      });
    } catch (e) {
      // Synchronous argument errors (bad port or address from a broken SDP): count, do not throw.
      this.pending--;
      this.sendFailures++;
      this.errors.fire({ code: 'send-failed', message: String(e), detail: { port } });
    }
  }

  dispose(): void {
    if (this.state !== 'open') return;
    this.datagrams.dispose();
    if (this.pending === 0) {
      this.close();
      return;
    }
    this.state = 'closing';
    this.graceTimer = setTimeout(() => this.close(), this.closeGraceMs);
  }

  private close(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    if (this.graceTimer !== undefined) clearTimeout(this.graceTimer);
    this.errors.dispose();
    this.socket.close();
  }
}

/** Binds real UDP sockets (the composition root hands this to the media engine). */
export class NodeRtpSocketFactory implements RtpSocketFactory {
  constructor(private readonly options: NodeRtpSocketOptions = {}) {}

  bind(address: string, port: number): Promise<Result<RtpSocket, RtpSocketError>> {
    const family = isIP(address);
    if (family === 0) return Promise.resolve(err({ code: 'address-unavailable', message: `not an IP address: ${address}` }));
    const socket = dgram.createSocket({ type: family === 6 ? 'udp6' : 'udp4', ...(this.options.receiveBufferBytes === undefined ? {} : { recvBufferSize: this.options.receiveBufferBytes }) });
    return new Promise((resolve) => {
      const onError = (e: NodeJS.ErrnoException): void => {
        socket.close();
        resolve(err({ code: errorCode(e), message: `cannot bind ${address}:${port}: ${e.message}`, detail: { cause: e.code } }));
      };
      socket.once('error', onError);
      socket.bind({ address, port, exclusive: true }, () => {
        socket.off('error', onError);
        resolve(ok(new NodeRtpSocket(socket, this.options.closeGraceMs ?? 200)));
      });
    });
  }
}
