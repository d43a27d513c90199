/**
 * RTP/RTCP datagram sockets over node:dgram, behind media's `RtpSocketFactory` port
 * (media/call/rtp-socket-port.ts). One socket per bound port; the media pipeline sends from the
 * socket it receives on (symmetric RTP, RFC 4961).
 *
 * Sends are fire-and-forget: errors are counted and reported as events, never thrown into the
 * media loop. `dispose()` closes the handle on the next turn of the event loop, so datagrams
 * already handed to the socket (an RTCP BYE sent just before hanging up) leave first.
 *
 * Hot-path economy (measured with `npm run bench -- media`): no per-send callback (Node then
 * completes a synchronous send without a process.nextTick; errors arrive as 'error' events),
 * addresses are IP literals resolved without a DNS hop (the last one remembered), listeners are
 * called without copying the listener list per datagram, and one datagram record is reused for
 * every message (listeners must not keep it; they may keep its `bytes`).
 */
import * as dgram from 'node:dgram';
import * as dns from 'node:dns';
import { isIP } from 'node:net';
import { Emitter, type Event } from '../../base/event.js';
import { err, ok, type Result } from '../../base/result.js';
import type { RtpDatagram, RtpSocket, RtpSocketError, RtpSocketErrorCode, RtpSocketFactory } from '../../media/call/rtp-socket-port.js';

export interface NodeRtpSocketOptions {
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

/**
 * IP literals as they are; anything else (an FQDN in a c= line) through the system resolver.
 * node:dgram looks the destination up on every send: the last literal is remembered, so a call's
 * packets (always to the same peer) skip `isIP`'s regular expressions.
 */
function literalLookup(): (host: string, options: dns.LookupOneOptions, callback: (err: NodeJS.ErrnoException | null, address: string, family: number) => void) => void {
  let lastHost = '';
  let lastFamily = 0;
  return (host, options, callback) => {
    if (host === lastHost) {
      callback(null, host, lastFamily);
      return;
    }
    const family = isIP(host);
    if (family !== 0) {
      lastHost = host;
      lastFamily = family;
      callback(null, host, family);
    } else dns.lookup(host, options, callback);
  };
}

/** Listeners in an array replaced on (un)subscribe, so delivery needs no copy. */
class Listeners<T> {
  private list: readonly ((value: T) => void)[] = [];

  readonly event: Event<T> = (listener) => {
    this.list = [...this.list, listener];
    return { dispose: () => (this.list = this.list.filter((l) => l !== listener)) };
  };

  fire(value: T): void {
    const list = this.list;
    for (let i = 0; i < list.length; i++) {
      try {
        list[i]!(value);
      } catch (e) {
        queueMicrotask(() => {
          throw e;
        });
      }
    }
  }

  clear(): void {
    this.list = [];
  }
}

const EMPTY = new Uint8Array(0);

class NodeRtpSocket implements RtpSocket {
  private readonly datagrams = new Listeners<RtpDatagram>();
  private readonly errors = new Emitter<RtpSocketError>();
  readonly onDatagram = this.datagrams.event;
  readonly onError = this.errors.event;
  readonly localAddress: string;
  readonly localPort: number;
  private sendFailures = 0;
  private state: 'open' | 'closing' | 'closed' = 'open';
  private peer: { port: number; address: string } | undefined;

  constructor(private readonly socket: dgram.Socket) {
    const a = socket.address();
    this.localAddress = a.address;
    this.localPort = a.port;
    // One datagram record for every message (the port's listeners read it during the call only).
    const datagram: { bytes: Uint8Array; address: string; port: number } = { bytes: EMPTY, address: '', port: 0 };
    socket.on('message', (bytes, rinfo) => {
      if (this.state !== 'open' || bytes.length === 0) return;
      datagram.bytes = bytes;
      datagram.address = rinfo.address;
      datagram.port = rinfo.port;
      this.datagrams.fire(datagram);
      datagram.bytes = EMPTY;
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      // Without send callbacks, failed sends (ECONNREFUSED from ICMP, ENETUNREACH...) land here.
      this.sendFailures++;
      this.errors.fire({ code: 'send-failed', message: e.message, detail: { cause: e.code } });
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
    try {
      const peer = this.peer;
      if (peer === undefined) this.socket.send(bytes, port, address);
      else if (peer.port === port && peer.address === address) this.socket.send(bytes);
      else {
        this.sendFailures++;
        this.errors.fire({ code: 'send-failed', message: `connected to ${peer.address}:${peer.port}, not ${address}:${port}`, detail: { port } });
      }
    } catch (e) {
      // Synchronous argument errors (bad port or address from a broken SDP): count, do not throw.
      this.sendFailures++;
      this.errors.fire({ code: 'send-failed', message: String(e), detail: { port } });
    }
  }

  /**
   * Connects the UDP socket (the kernel then drops other sources' datagrams). Only for sockets
   * bound to an explicit port: Linux unbinds an ephemeral port when a socket is disconnected.
   * The factory binds every socket to an explicit port, so this holds for all of ours.
   */
  connect(port: number, address: string): boolean {
    if (this.state !== 'open' || isIP(address) === 0 || port <= 0 || port > 65535) return false;
    if (this.peer?.port === port && this.peer.address === address) return true;
    try {
      if (this.peer !== undefined) this.socket.disconnect();
      this.peer = undefined;
      // The lookup is synchronous for literals, so the socket is connected when this returns.
      this.socket.connect(port, address);
      this.peer = { port, address };
      return true;
    } catch {
      return false;
    }
  }

  /** Closes at once (the port probe of `bind(…, 0)`); resolves when the port is free. */
  closeNow(): Promise<void> {
    if (this.state !== 'open') return Promise.resolve();
    this.state = 'closed';
    this.datagrams.clear();
    this.errors.dispose();
    return new Promise((resolve) => this.socket.close(() => resolve()));
  }

  disconnect(): void {
    if (this.peer === undefined || this.state !== 'open') return;
    this.peer = undefined;
    try {
      this.socket.disconnect();
    } catch {
      /* not connected after all */
    }
  }

  dispose(): void {
    if (this.state !== 'open') return;
    this.state = 'closing';
    this.datagrams.clear();
    setImmediate(() => {
      this.state = 'closed';
      this.errors.dispose();
      this.socket.close();
    });
  }
}

/** Binds real UDP sockets (the composition root hands this to the media engine). */
export class NodeRtpSocketFactory implements RtpSocketFactory {
  constructor(private readonly options: NodeRtpSocketOptions = {}) {}

  async bind(address: string, port: number): Promise<Result<RtpSocket, RtpSocketError>> {
    const family = isIP(address);
    if (family === 0) return err({ code: 'address-unavailable', message: `not an IP address: ${address}` });
    if (port !== 0) return this.bindExactly(address, port, family);
    // Port 0: find a free port, then bind it explicitly (so the socket may connect and disconnect
    // without losing its port; a port taken in between is tried again).
    let last: RtpSocketError | undefined;
    for (let attempt = 0; attempt < 8; attempt++) {
      const probe = await this.bindExactly(address, 0, family);
      if (!probe.ok) return probe;
      const free = probe.value.localPort;
      await probe.value.closeNow();
      const r = await this.bindExactly(address, free, family);
      if (r.ok || r.error.code !== 'address-in-use') return r;
      last = r.error;
    }
    return err(last ?? { code: 'address-in-use', message: `no free port on ${address}` });
  }

  private bindExactly(address: string, port: number, family: number): Promise<Result<NodeRtpSocket, RtpSocketError>> {
    const socket = dgram.createSocket({ type: family === 6 ? 'udp6' : 'udp4', lookup: literalLookup(), ...(this.options.receiveBufferBytes === undefined ? {} : { recvBufferSize: this.options.receiveBufferBytes }) });
    return new Promise((resolve) => {
      const onError = (e: NodeJS.ErrnoException): void => {
        socket.close();
        resolve(err({ code: errorCode(e), message: `cannot bind ${address}:${port}: ${e.message}`, detail: { cause: e.code } }));
      };
      socket.once('error', onError);
      socket.bind({ address, port, exclusive: true }, () => {
        socket.off('error', onError);
        resolve(ok(new NodeRtpSocket(socket)));
      });
    });
  }
}
