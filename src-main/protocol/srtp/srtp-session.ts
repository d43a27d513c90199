/**
 * Both directions of one media stream's SRTP: a send context under our key and a receive context
 * under the peer's key (RFC 4568 §6.1: each side's `a=crypto` key protects what that side sends),
 * with re-keying that cannot cause one-way audio.
 *
 * Re-keying (RFC 4568 §7.1.4; a re-INVITE, an UPDATE, a transfer): the new send key takes effect at
 * once. The new receive key does not replace the old one immediately - the peer may keep sending
 * under the old key until it has processed the answer, and packets already in flight were
 * protected under it. So the old receive context is kept, and each packet that fails under the new
 * key is tried under the old one; the old context is dropped only when a packet authenticates
 * under the new key (or when the caller says so with `dropPreviousReceiveKeys`).
 *
 * A new master key starts a new crypto context (ROC 0, fresh replay windows), as libsrtp-based
 * peers do when their SDES keys change.
 */
import { ok, type Result } from '../../base/result.js';
import { SrtpContext, type SrtpContextOptions, type SrtpContextStats } from './srtp-context.js';
import { srtpErrorResult, type SrtpError } from './srtp-errors.js';
import type { SrtpKeyParams } from './master-key.js';

export interface SrtpSessionKeys {
  /** Our key(s): protects what we send. */
  readonly send: SrtpKeyParams | readonly SrtpKeyParams[];
  /** The peer's key(s): unprotects what we receive. */
  readonly receive: SrtpKeyParams | readonly SrtpKeyParams[];
}

export interface SrtpSessionStats {
  readonly send: SrtpContextStats;
  readonly receive: SrtpContextStats;
  /** Present while the receive side still accepts packets under the previous key. */
  readonly previousReceive: SrtpContextStats | undefined;
  /** Number of completed key changes, each direction counted separately. */
  readonly rekeys: number;
}

export class SrtpSession {
  private send: SrtpContext;
  private receive: SrtpContext;
  private previousReceive: SrtpContext | undefined;
  private rekeys = 0;

  constructor(
    keys: SrtpSessionKeys,
    private readonly options: SrtpContextOptions = {},
  ) {
    this.send = new SrtpContext(keys.send, options);
    this.receive = new SrtpContext(keys.receive, options);
  }

  protectRtp(packet: Uint8Array): Result<Buffer, SrtpError> {
    return this.send.protectRtp(packet);
  }

  protectRtpInto(packet: Uint8Array, out: Uint8Array): number {
    return this.send.protectRtpInto(packet, out);
  }

  protectRtcp(packet: Uint8Array): Result<Buffer, SrtpError> {
    return this.send.protectRtcp(packet);
  }

  protectRtcpInto(packet: Uint8Array, out: Uint8Array): number {
    return this.send.protectRtcpInto(packet, out);
  }

  unprotectRtp(packet: Uint8Array): Result<Buffer, SrtpError> {
    const n = this.unprotectRtpInPlace(packet);
    return n < 0 ? srtpErrorResult(n) : ok(Buffer.from(packet.buffer, packet.byteOffset, n));
  }

  unprotectRtpInPlace(packet: Uint8Array): number {
    const previous = this.previousReceive;
    if (previous === undefined) return this.receive.unprotectRtpInPlace(packet);
    const n = this.receive.unprotectRtpWith(packet, false);
    if (n >= 0) {
      this.dropPreviousReceiveKeys();
      return n;
    }
    const m = previous.unprotectRtpWith(packet, false);
    if (m >= 0) return m;
    // Neither key fits: count it once, against the new context.
    return this.receive.unprotectRtpInPlace(packet);
  }

  unprotectRtcp(packet: Uint8Array): Result<Buffer, SrtpError> {
    const n = this.unprotectRtcpInPlace(packet);
    return n < 0 ? srtpErrorResult(n) : ok(Buffer.from(packet.buffer, packet.byteOffset, n));
  }

  unprotectRtcpInPlace(packet: Uint8Array): number {
    const previous = this.previousReceive;
    if (previous === undefined) return this.receive.unprotectRtcpInPlace(packet);
    const n = this.receive.unprotectRtcpWith(packet, false);
    if (n >= 0) {
      // SRTCP under the new key proves the peer switched too.
      this.dropPreviousReceiveKeys();
      return n;
    }
    const m = previous.unprotectRtcpWith(packet, false);
    if (m >= 0) return m;
    return this.receive.unprotectRtcpInPlace(packet);
  }

  /**
   * Installs new keys after a re-negotiation. `send` replaces our key at once; `receive` becomes
   * current while the old receive context stays as a fallback until the peer's first packet under
   * the new key. Unchanged directions may be omitted.
   */
  rekey(keys: Partial<SrtpSessionKeys>): void {
    if (keys.send !== undefined) {
      this.send.dispose();
      this.send = new SrtpContext(keys.send, this.options);
      this.rekeys++;
    }
    if (keys.receive !== undefined) {
      // A second re-key before the peer switched: the oldest key is no longer needed.
      this.previousReceive?.dispose();
      this.previousReceive = this.receive;
      this.receive = new SrtpContext(keys.receive, this.options);
      this.rekeys++;
    }
  }

  /** True while packets under the previous receive key are still accepted. */
  get acceptsPreviousReceiveKeys(): boolean {
    return this.previousReceive !== undefined;
  }

  dropPreviousReceiveKeys(): void {
    this.previousReceive?.dispose();
    this.previousReceive = undefined;
  }

  get sendContext(): SrtpContext {
    return this.send;
  }

  get receiveContext(): SrtpContext {
    return this.receive;
  }

  stats(): SrtpSessionStats {
    return {
      send: this.send.stats(),
      receive: this.receive.stats(),
      previousReceive: this.previousReceive?.stats(),
      rekeys: this.rekeys,
    };
  }

  dispose(): void {
    this.send.dispose();
    this.receive.dispose();
    this.dropPreviousReceiveKeys();
  }
}
