/**
 * The network side of one call's audio stream: RTP and RTCP sockets, RTP/RTCP demultiplexing on
 * one port (RFC 5761 §4), the SRTP filter, and symmetric RTP (RFC 4961) with latching:
 *
 *  - we always send from the socket we receive on;
 *  - the first valid packet after a negotiation latches the destination to the address and port
 *    it came from, which differs from the SDP when a NAT rewrote it (the `latched` event);
 *  - with SRTP, a packet from a new source that authenticates under the current key moves the
 *    latch (only the peer holds the key); one that only fits the previous key (re-keying, RFC
 *    4568 §7.1.4) is played if it comes from where we send, but never moves the latch;
 *  - strangers cost a comparison (issue 15): once latched, while the latched source is live
 *    (heard within `srtpRelatchAfterMs`, 250 ms, with SRTP; `relatchAfterMs` with plain RTP), a
 *    packet from any other source is dropped before SRTP authentication and counted in
 *    `strangers`; after that quiet time, at most one stranger packet per `strangerAuthEveryMs`
 *    (20 ms) is authenticated, so a NAT rebinding is followed within ~a quarter second while a
 *    flood from elsewhere never buys SRTP work per packet;
 *  - and, where the socket can (`RtpSocket.connect`, node:dgram), the RTP socket is connected to
 *    the latched source while it is live, so the kernel drops other sources' datagrams before the
 *    process is woken for them (a Node process reads only some 10-50k datagrams a second here: a
 *    flood it had to read would crowd the peer's packets out of the socket buffer); it is
 *    disconnected when the latched source falls quiet (checked as we send) or the peer moves;
 *  - with plain RTP a new source is taken only when the latched one fell silent for
 *    `relatchAfterMs`, so a stray sender cannot hijack an active stream;
 *  - when a re-negotiation moves the peer (transfer), the source we were latched to is retired:
 *    its late packets are dropped and can never take the latch back.
 *
 * Packets arriving before a negotiation, failing SRTP, or not RTP at all are dropped and counted.
 */
import type { Clock } from '../../base/clock.js';
import type { Disposable } from '../../base/disposable.js';
import { looksLikeRtcp } from '../../protocol/rtp/index.js';
import type { RtpSocketPair } from './rtp-port-allocation.js';
import type { RtpDatagram, RtpSocket } from './rtp-socket-port.js';
import type { SrtpFilter } from './srtp-filter.js';

export interface MediaEndpoint {
  readonly address: string;
  readonly port: number;
}

export interface RemoteTransport {
  readonly rtp: MediaEndpoint;
  readonly rtcp: MediaEndpoint;
  readonly mux: boolean;
}

export interface TransportStats {
  readonly rtpPacketsIn: number;
  readonly rtcpPacketsIn: number;
  readonly rtpPacketsOut: number;
  readonly rtcpPacketsOut: number;
  /** Not RTP/RTCP, arrived before negotiation, or from a source we did not latch to. */
  readonly dropped: number;
  /** Of `dropped`: packets from another source than the latched one, dropped before SRTP authentication. */
  readonly strangers: number;
  /** Packets that failed SRTP/SRTCP (details in the SRTP filter's counters). */
  readonly unprotectFailures: number;
  readonly sendErrors: number;
  readonly latches: number;
  /** The RTP socket is connected to the latched source (the kernel drops other sources). */
  readonly rtpSocketConnected: boolean;
}

export interface TransportSink {
  /** A plain (unprotected) RTP packet: `bytes[0..length)`. The buffer is the receiver's to keep. */
  rtp(bytes: Uint8Array, length: number, arrivalMs: number): void;
  rtcp(bytes: Uint8Array, length: number, arrivalMs: number): void;
  latched(endpoint: MediaEndpoint, kind: 'rtp' | 'rtcp'): void;
}

const NULL_ADDRESSES = new Set(['0.0.0.0', '::', '0:0:0:0:0:0:0:0']);

interface Latch {
  target: MediaEndpoint | undefined;
  latched: boolean;
  lastFromTargetMs: number;
  /** When a stranger's packet was last let through to SRTP authentication (quiet latch only). */
  strangerAuthAtMs: number;
  /** Sources of earlier negotiations (at most a few). */
  retired: MediaEndpoint[];
}

export class MediaTransport implements Disposable {
  private rtcpSocket: RtpSocket | undefined;
  private remote: RemoteTransport | undefined;
  private readonly rtpLatch: Latch = { target: undefined, latched: false, lastFromTargetMs: 0, strangerAuthAtMs: -Infinity, retired: [] };
  private readonly rtcpLatch: Latch = { target: undefined, latched: false, lastFromTargetMs: 0, strangerAuthAtMs: -Infinity, retired: [] };
  private readonly subs: Disposable[] = [];
  private s = { rtpIn: 0, rtcpIn: 0, rtpOut: 0, rtcpOut: 0, dropped: 0, strangers: 0, unprotectFailures: 0, latches: 0 };
  private disposed = false;
  /** The RTP socket is connected to the RTP latch's target. */
  private rtpConnected = false;

  constructor(
    private readonly rtpSocket: RtpSocket,
    rtcpSocket: RtpSocket | undefined,
    private readonly srtp: SrtpFilter,
    private readonly clock: Clock,
    private readonly sink: TransportSink,
    private readonly relatchAfterMs = 1000,
    private readonly srtpRelatchAfterMs = 250,
    private readonly strangerAuthEveryMs = 20,
  ) {
    this.subs.push(rtpSocket.onDatagram((d) => this.onRtpSocket(d)));
    if (rtcpSocket !== undefined) this.attachRtcpSocket(rtcpSocket);
  }

  static fromPair(pair: RtpSocketPair, srtp: SrtpFilter, clock: Clock, sink: TransportSink): MediaTransport {
    return new MediaTransport(pair.rtp, pair.rtcp, srtp, clock, sink);
  }

  get localRtpPort(): number {
    return this.rtpSocket.localPort;
  }

  get hasRtcpSocket(): boolean {
    return this.rtcpSocket !== undefined;
  }

  /** Where RTP goes now (the latched source, else the SDP address). */
  get rtpTarget(): MediaEndpoint | undefined {
    return this.rtpLatch.target;
  }

  attachRtcpSocket(socket: RtpSocket): void {
    if (this.disposed) {
      socket.dispose();
      return;
    }
    this.rtcpSocket?.dispose();
    this.rtcpSocket = socket;
    this.subs.push(socket.onDatagram((d) => this.onRtcpSocket(d)));
  }

  /** Releases the separate RTCP socket once RTP/RTCP multiplexing is agreed (RFC 5761). */
  releaseRtcpSocket(): void {
    this.rtcpSocket?.dispose();
    this.rtcpSocket = undefined;
  }

  /**
   * The negotiated remote transport (undefined: not negotiated, drop everything). A changed SDP
   * address or port resets the latch; an unchanged one keeps it.
   */
  configure(remote: RemoteTransport | undefined): void {
    const before = this.remote;
    this.remote = remote;
    if (remote === undefined) {
      this.disconnectRtp();
      resetLatch(this.rtpLatch, undefined);
      resetLatch(this.rtcpLatch, undefined);
      return;
    }
    if (before === undefined || !sameEndpoint(before.rtp, remote.rtp)) {
      this.disconnectRtp();
      resetLatch(this.rtpLatch, usable(remote.rtp));
    }
    if (before === undefined || !sameEndpoint(before.rtcp, remote.rtcp) || before.mux !== remote.mux) resetLatch(this.rtcpLatch, usable(remote.rtcp));
  }

  /** Protects and sends a plain RTP packet (the buffer may be reused after the call). */
  sendRtp(packet: Uint8Array): boolean {
    const target = this.rtpLatch.target;
    if (target === undefined || this.disposed) return false;
    if (this.rtpConnected) this.checkConnection();
    const out = this.srtp.protectRtp(packet);
    if (out === undefined) return false;
    this.rtpSocket.send(out === packet ? Buffer.from(packet) : out, target.port, target.address);
    this.s.rtpOut++;
    return true;
  }

  sendRtcp(packet: Uint8Array): boolean {
    const remote = this.remote;
    if (remote === undefined || this.disposed) return false;
    const socket = remote.mux ? this.rtpSocket : this.rtcpSocket;
    const target = remote.mux ? this.rtpLatch.target : this.rtcpLatch.target;
    if (socket === undefined || target === undefined) return false;
    if (this.rtpConnected) this.checkConnection();
    const out = this.srtp.protectRtcp(packet);
    if (out === undefined) return false;
    socket.send(out === packet ? Buffer.from(packet) : out, target.port, target.address);
    this.s.rtcpOut++;
    return true;
  }

  stats(): TransportStats {
    return {
      rtpPacketsIn: this.s.rtpIn,
      rtcpPacketsIn: this.s.rtcpIn,
      rtpPacketsOut: this.s.rtpOut,
      rtcpPacketsOut: this.s.rtcpOut,
      dropped: this.s.dropped,
      strangers: this.s.strangers,
      unprotectFailures: this.s.unprotectFailures,
      sendErrors: this.rtpSocket.sendErrors + (this.rtcpSocket?.sendErrors ?? 0),
      latches: this.s.latches,
      rtpSocketConnected: this.rtpConnected,
    };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const s of this.subs) s.dispose();
    this.rtpSocket.dispose();
    this.rtcpSocket?.dispose();
    this.rtcpSocket = undefined;
  }

  private onRtpSocket(d: RtpDatagram): void {
    const remote = this.remote;
    if (remote === undefined || d.bytes.length < 8 || d.bytes[0]! >> 6 !== 2) {
      this.s.dropped++;
      return;
    }
    if (looksLikeRtcp(d.bytes)) {
      // RFC 5761 §4: on a muxed port, RTCP packet types 192-223 sit where RTP payload types would.
      if (remote.mux) this.onRtcp(d, this.rtpLatch);
      else this.s.dropped++;
      return;
    }
    if (d.bytes.length < 12 || this.stranger(this.rtpLatch, d)) {
      this.s.dropped++;
      return;
    }
    const n = this.srtp.unprotectRtp(d.bytes);
    if (n < 0) {
      this.s.unprotectFailures++;
      return;
    }
    if (!this.accept(this.rtpLatch, d, 'rtp')) return;
    this.s.rtpIn++;
    this.sink.rtp(d.bytes, n, this.clock.monotonic());
  }

  private onRtcpSocket(d: RtpDatagram): void {
    if (this.remote === undefined || d.bytes.length < 8 || d.bytes[0]! >> 6 !== 2 || !looksLikeRtcp(d.bytes)) {
      this.s.dropped++;
      return;
    }
    this.onRtcp(d, this.rtcpLatch);
  }

  private onRtcp(d: RtpDatagram, latch: Latch): void {
    if (this.stranger(latch, d)) {
      this.s.dropped++;
      return;
    }
    const n = this.srtp.unprotectRtcp(d.bytes);
    if (n < 0) {
      this.s.unprotectFailures++;
      return;
    }
    if (!this.accept(latch, d, latch === this.rtpLatch ? 'rtp' : 'rtcp')) return;
    this.s.rtcpIn++;
    this.sink.rtcp(d.bytes, n, this.clock.monotonic());
  }

  private connectRtp(target: MediaEndpoint): void {
    // Only a socket with nothing else to receive: without rtcp-mux the RTP socket still gets RTP only.
    this.rtpConnected = this.rtpSocket.connect?.(target.port, target.address) === true;
  }

  private disconnectRtp(): void {
    if (!this.rtpConnected) return;
    this.rtpConnected = false;
    this.rtpSocket.disconnect?.();
  }

  /** A connected socket hears the latched source only: open it again once that source fell quiet. */
  private checkConnection(): void {
    const quietAfter = this.srtp.active ? this.srtpRelatchAfterMs : this.relatchAfterMs;
    if (this.clock.monotonic() - this.rtpLatch.lastFromTargetMs > quietAfter) this.disconnectRtp();
  }

  /**
   * The cheap check before any SRTP work: true (counted) for a packet from another source than
   * the latched one while that source is live, from a retired source, or beyond the quiet
   * latch's stranger budget. False lets the packet on to authentication and `accept`.
   */
  private stranger(latch: Latch, d: RtpDatagram): boolean {
    const t = latch.target;
    if (t !== undefined && t.port === d.port && (t.address === d.address || sameAddress(t.address, d.address))) return false;
    if (!latch.latched) return false;
    const retired = latch.retired;
    for (let i = 0; i < retired.length; i++) {
      const r = retired[i]!;
      if (r.port === d.port && sameAddress(r.address, d.address)) {
        this.s.strangers++;
        return true;
      }
    }
    const now = this.clock.monotonic();
    const quietAfter = this.srtp.active ? this.srtpRelatchAfterMs : this.relatchAfterMs;
    if (now - latch.lastFromTargetMs <= quietAfter || (this.srtp.active && now - latch.strangerAuthAtMs < this.strangerAuthEveryMs)) {
      this.s.strangers++;
      return true;
    }
    if (this.srtp.active) latch.strangerAuthAtMs = now;
    return false;
  }

  /** Symmetric RTP: follow the source the peer really sends from (see the file comment). */
  private accept(latch: Latch, d: RtpDatagram, kind: 'rtp' | 'rtcp'): boolean {
    const now = this.clock.monotonic();
    const t = latch.target;
    const fromTarget = t !== undefined && t.port === d.port && sameAddress(t.address, d.address);
    if (fromTarget) {
      latch.latched = true;
      latch.lastFromTargetMs = now;
      if (!this.rtpConnected && latch === this.rtpLatch) this.connectRtp(t);
      return true;
    }
    const retired = latch.retired.some((r) => r.port === d.port && sameAddress(r.address, d.address));
    const mayMove = !retired && (this.srtp.active ? !this.srtp.lastUnderPreviousKey : !latch.latched || now - latch.lastFromTargetMs > this.relatchAfterMs);
    if (!mayMove) {
      this.s.dropped++;
      return false;
    }
    latch.target = { address: d.address, port: d.port };
    latch.latched = true;
    latch.lastFromTargetMs = now;
    this.s.latches++;
    this.sink.latched(latch.target, kind);
    return true;
  }
}

function resetLatch(latch: Latch, target: MediaEndpoint | undefined): void {
  const old = latch.target;
  if (old !== undefined && latch.latched && (target === undefined || !sameEndpoint(old, target))) {
    latch.retired.push(old);
    if (latch.retired.length > 4) latch.retired.shift();
  }
  if (target !== undefined) latch.retired = latch.retired.filter((r) => !sameEndpoint(r, target));
  latch.target = target;
  latch.latched = false;
  latch.lastFromTargetMs = 0;
  latch.strangerAuthAtMs = -Infinity;
}

function usable(e: MediaEndpoint): MediaEndpoint | undefined {
  return e.port > 0 && !NULL_ADDRESSES.has(e.address) ? e : undefined;
}

function sameEndpoint(a: MediaEndpoint, b: MediaEndpoint): boolean {
  return a.port === b.port && sameAddress(a.address, b.address);
}

function sameAddress(a: string, b: string): boolean {
  if (a === b) return true;
  // An IPv4 peer seen on a dual-stack socket.
  return a.replace(/^::ffff:/i, '') === b.replace(/^::ffff:/i, '');
}
