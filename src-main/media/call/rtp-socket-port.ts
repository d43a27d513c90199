/**
 * The datagram socket port of the media pipeline (DESIGN.md rule 7): what a call needs from UDP to
 * carry RTP and RTCP. Declared here, implemented by `platform/net/rtp-socket.ts` (node:dgram) and
 * by in-memory fakes in tests; the composition root hands the concrete factory in, so media never
 * imports node:dgram.
 *
 * Symmetric RTP (RFC 4961) needs nothing more than this: the pipeline sends from the same socket
 * it receives on.
 */
import type { Disposable } from '../../base/disposable.js';
import type { Event } from '../../base/event.js';
import type { CodedError, Result } from '../../base/result.js';

/**
 * One received datagram. The record itself is valid only during the listener call (a socket may
 * reuse it for the next datagram); `bytes` is the receiver's to keep.
 */
export interface RtpDatagram {
  /** The datagram. Owned by the receiver: the pipeline may decrypt it in place and keep views into it. */
  readonly bytes: Uint8Array;
  /** The source address and port (what symmetric RTP latches to). */
  readonly address: string;
  readonly port: number;
}

export type RtpSocketErrorCode = 'address-in-use' | 'address-unavailable' | 'bind-failed' | 'send-failed' | 'socket-closed';
export type RtpSocketError = CodedError<RtpSocketErrorCode>;

export interface RtpSocket extends Disposable {
  readonly localAddress: string;
  readonly localPort: number;
  /**
   * Sends one datagram; fire-and-forget. The socket takes ownership of `bytes` (do not reuse the
   * buffer). Failures are counted in `sendErrors` and reported on `onError`, never thrown.
   */
  send(bytes: Uint8Array, port: number, address: string): void;
  readonly onDatagram: Event<RtpDatagram>;
  readonly onError: Event<RtpSocketError>;
  readonly sendErrors: number;
  /**
   * Optional: receive from `address`:`port` only (a connected UDP socket: the kernel drops every
   * other source's datagrams before the process sees them) and send there. False when the socket
   * cannot (then nothing changed). Sends to another destination while connected fail (counted).
   */
  connect?(port: number, address: string): boolean;
  /** Optional: receive from any source again (undoes `connect`). */
  disconnect?(): void;
}

export interface RtpSocketFactory {
  /** Binds a UDP socket to `address` and `port` (0 = any free port). */
  bind(address: string, port: number): Promise<Result<RtpSocket, RtpSocketError>>;
}
