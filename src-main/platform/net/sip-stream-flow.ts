/**
 * One established, verified SIP flow over TLS or TCP (RFC 5626 §3 "flow"): sends bytes, frames
 * inbound bytes into SIP messages (RFC 3261 §18.3), answers the server's CRLF pings with a pong,
 * runs the client's CRLF keep-alive (keep-alive.ts) and reports how it ended.
 *
 * The same flow carries our requests and the requests the server sends back to us (RFC 5923
 * connection reuse is the default behaviour of a persistent client flow; the alias parameter is the
 * Via builder's business).
 *
 * What a peer can do to a flow is bounded (issue 15): a message whose declared length exceeds the
 * framer's limit ends the flow (`framing`), and so does a message whose header section has not
 * ended `headerTimeoutMs` after its first byte, or which is not complete `messageTimeoutMs` after
 * it (a peer trickling a header byte at a time would otherwise hold the flow forever while the
 * keep-alive is satisfied). Only a pong or a complete message proves the peer alive to the
 * keep-alive; other bytes do not.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../../base/clock.js';
import type { Disposable } from '../../base/disposable.js';
import { Emitter, type Event } from '../../base/event.js';
import type { Logger } from '../../base/logger.js';
import { err, ok, type Result } from '../../base/result.js';
import type { Rng } from '../../base/rng.js';
import type { CertificateReport } from '../tls/certificate-report.js';
import type { AdoptedStream } from '../tls/tls-connector.js';
import { fromSocketError, tlsError, type TlsError } from '../tls/tls-error.js';
import type { HopSecurity } from './hop-security.js';
import { CrlfKeepAlive, type KeepAliveOptions } from './keep-alive.js';
import type { SipTransport } from './sip-hop.js';
import { CRLF_PING, CRLF_PONG, type StreamFramer } from './stream-framing.js';

export interface FlowEndpoint {
  readonly address: string;
  readonly port: number;
}

/** What the layers above may know about a flow (serializable). */
export interface FlowInfo {
  readonly id: string;
  readonly transport: Exclude<SipTransport, 'udp'>;
  readonly local: FlowEndpoint;
  readonly remote: FlowEndpoint;
  /** The domain the server was verified for (TLS) or located as (TCP). */
  readonly identity: string;
  readonly security: HopSecurity;
  readonly report?: CertificateReport;
}

export type FlowCloseReason =
  | { readonly kind: 'local' }
  | { readonly kind: 'remote-closed' }
  | { readonly kind: 'error'; readonly error: TlsError }
  /** RFC 5626 §4.4.1: no pong in time. */
  | { readonly kind: 'dead'; readonly error: TlsError }
  /** The byte stream cannot be framed any more (RFC 3261 §18.3: close the connection), or a message took too long. */
  | { readonly kind: 'framing'; readonly error: TlsError }
  /** Open but not answering: a REGISTER on it got no response at all in time (issue 15). */
  | { readonly kind: 'unresponsive'; readonly error: TlsError }
  /** The flow's local address is no longer one of the machine's (network change). */
  | { readonly kind: 'address-gone'; readonly error: TlsError };

export interface SipStreamFlowDeps {
  readonly clock: Clock;
  readonly rng: Rng;
  readonly framer: StreamFramer;
  /** False disables the client keep-alive (pongs to server pings are still sent). */
  readonly keepAlive: KeepAliveOptions | false;
  /** Longest a header section may take from its first byte (default 10 000 ms). */
  readonly headerTimeoutMs?: number;
  /** Longest a whole message (headers and body) may take from its first byte (default 30 000 ms). */
  readonly messageTimeoutMs?: number;
  readonly logger?: Logger;
}

export const DEFAULT_HEADER_TIMEOUT_MS = 10_000;
export const DEFAULT_MESSAGE_TIMEOUT_MS = 30_000;

export class SipStreamFlow implements Disposable {
  private readonly messageEmitter = new Emitter<Buffer>();
  private readonly closeEmitter = new Emitter<FlowCloseReason>();
  /** Complete SIP messages (bytes, one per event) in arrival order. */
  readonly onMessage: Event<Buffer> = this.messageEmitter.event;
  /** Fires once when the flow ends, with why. */
  readonly onClose: Event<FlowCloseReason> = this.closeEmitter.event;
  readonly info: FlowInfo;
  private open = true;
  private readonly keepAlive: CrlfKeepAlive | undefined;
  private readonly socket: AdoptedStream['socket'];
  /** The bound on the message under way: which part it is for, and its timer. */
  private incomplete: { readonly part: 'header' | 'body'; readonly since: number; readonly timer: Disposable } | undefined;

  constructor(
    adopted: AdoptedStream,
    info: Omit<FlowInfo, 'id' | 'local' | 'remote'>,
    private readonly deps: SipStreamFlowDeps,
  ) {
    const socket = adopted.socket;
    this.socket = socket;
    this.info = {
      id: randomUUID(),
      ...info,
      local: { address: socket.localAddress ?? '', port: socket.localPort ?? 0 },
      remote: { address: socket.remoteAddress ?? '', port: socket.remotePort ?? 0 },
    };
    socket.setNoDelay(true);
    this.keepAlive =
      deps.keepAlive === false
        ? undefined
        : new CrlfKeepAlive(deps.clock, deps.rng, deps.keepAlive, {
            sendPing: () => {
              if (this.open) socket.write(CRLF_PING);
            },
            onDead: () => this.close({ kind: 'dead', error: tlsError('timeout', { reason: 'no keep-alive pong (RFC 5626 §4.4.1)' }) }),
          });

    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('error', this.onError);
    socket.on('close', this.onSocketClose);
    // Set up first, then replay what arrived before adoption (in order), then start reading.
    queueMicrotask(() => {
      for (const chunk of adopted.initialData) this.onData(chunk);
      if (adopted.pendingError !== undefined) this.onError(adopted.pendingError);
      else if (adopted.ended) this.onEnd();
      if (this.open) {
        this.keepAlive?.start();
        socket.resume();
      }
    });
  }

  get isOpen(): boolean {
    return this.open;
  }

  get keepAliveState(): string {
    return this.keepAlive?.stateKind ?? 'off';
  }

  /** Sends a keep-alive ping now (network change): a dead flow is found within the pong wait. */
  probe(): void {
    if (this.open) this.keepAlive?.probeNow();
  }

  /** RFC 5626 §4.4.1 Flow-Timer from the registrar. */
  setServerFlowTimer(seconds: number): void {
    this.keepAlive?.setServerFlowTimer(seconds);
  }

  /** Writes one serialized SIP message (or any bytes). */
  send(bytes: Uint8Array): Result<void, TlsError> {
    if (!this.open) return err(tlsError('flow-closed'));
    this.socket.write(bytes);
    return ok(undefined);
  }

  close(reason: FlowCloseReason = { kind: 'local' }): void {
    if (!this.open) return;
    this.open = false;
    this.keepAlive?.dispose();
    this.incomplete?.timer.dispose();
    this.incomplete = undefined;
    this.socket.off('data', this.onData);
    this.socket.off('end', this.onEnd);
    this.socket.off('close', this.onSocketClose);
    // Keep a listener so a late socket error is never unhandled.
    this.socket.off('error', this.onError);
    this.socket.on('error', () => undefined);
    if (reason.kind === 'local') this.socket.end();
    this.socket.destroy();
    this.deps.framer.reset();
    if (reason.kind !== 'local') this.deps.logger?.info('sip flow closed', { flow: this.info.id, reason: reason.kind, ...('error' in reason ? { error: reason.error.code } : {}) });
    this.closeEmitter.fire(reason);
    this.closeEmitter.dispose();
    this.messageEmitter.dispose();
  }

  dispose(): void {
    this.close({ kind: 'local' });
  }

  private readonly onData = (chunk: Buffer): void => {
    if (!this.open) return;
    /** Whether a message (or keep-alive) ended in this chunk: what is held now is a new one. */
    let boundary = false;
    for (const ev of this.deps.framer.push(chunk)) {
      if (!this.open) return;
      boundary = true;
      switch (ev.kind) {
        case 'message':
          // A complete message proves the peer alive (RFC 5626 §4.4.1); stray bytes do not.
          this.keepAlive?.onTraffic();
          this.messageEmitter.fire(ev.bytes);
          break;
        case 'ping':
          // RFC 5626 §3.5.1: answer a double-CRLF ping with a single-CRLF pong.
          this.socket.write(CRLF_PONG);
          break;
        case 'pong':
          this.keepAlive?.onPong();
          break;
        case 'error':
          if (ev.fatal) {
            this.close({ kind: 'framing', error: tlsError('flow-closed', { reason: 'unframeable SIP stream', cause: String((ev.error as { code?: unknown })?.code ?? 'parse-error') }) });
          } else {
            this.deps.logger?.warn('discarded malformed SIP message', { flow: this.info.id, cause: String((ev.error as { code?: unknown })?.code ?? 'parse-error') });
          }
          break;
      }
    }
    if (this.open) this.boundIncomplete(boundary);
  };

  /** Arms, moves or clears the time bound on the message under way (after every chunk). */
  private boundIncomplete(boundary: boolean): void {
    const pending = this.deps.framer.pending;
    if (boundary) {
      this.incomplete?.timer.dispose();
      this.incomplete = undefined;
    }
    const current = this.incomplete;
    if (pending === 'none') {
      current?.timer.dispose();
      this.incomplete = undefined;
      return;
    }
    if (current?.part === pending) return;
    const now = this.deps.clock.monotonic();
    // A new message starts its clock; a header section that ended keeps it for the whole message.
    const since = current === undefined ? now : current.since;
    current?.timer.dispose();
    const headerMs = this.deps.headerTimeoutMs ?? DEFAULT_HEADER_TIMEOUT_MS;
    const messageMs = Math.max(headerMs, this.deps.messageTimeoutMs ?? DEFAULT_MESSAGE_TIMEOUT_MS);
    const limit = pending === 'header' ? headerMs : messageMs;
    const timer = this.deps.clock.setTimer(Math.max(0, since + limit - now), () => {
      this.incomplete = undefined;
      this.close({
        kind: 'framing',
        error: tlsError('flow-closed', { reason: pending === 'header' ? `SIP header section not complete within ${headerMs} ms` : `SIP message not complete within ${messageMs} ms`, cause: `${pending}-timeout` }),
      });
    });
    this.incomplete = { part: pending, since, timer };
  }

  private readonly onEnd = (): void => this.close({ kind: 'remote-closed' });

  private readonly onError = (e: Error): void =>
    this.close({ kind: 'error', error: fromSocketError(e, { serverCertificateSeen: false, clientCertificateConfigured: false }) });

  private readonly onSocketClose = (): void => this.close({ kind: 'remote-closed' });
}
