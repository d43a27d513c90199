/**
 * An SRTP/SRTCP cryptographic context (RFC 3711 §3.2) for every SSRC protected under one set of
 * master keys: protect and unprotect for SRTP (§3.3) and SRTCP (§3.4), with the AES-CM + HMAC-SHA1
 * transforms (§4.1.1, §4.2.1; RFC 6188) and AEAD AES-GCM (RFC 7714).
 *
 * Packet processing never throws and never allocates on failure: every call returns a status,
 * failures are counted on the stream they belong to (or on the context when no stream matches),
 * and the `Result` variants return preallocated error values.
 *
 * A context is one direction of a call's keys: the SDES negotiator hands out a send key and a
 * receive key, and SrtpSession (srtp-session.ts) pairs two contexts.
 */
import { ok, type Result } from '../../base/result.js';
import { GCM_TAG_LENGTH, gcmOpenInPlace, gcmSealInPlace } from './aead-gcm.js';
import { xorKeystream } from './cm-keystream.js';
import { MasterKey, softLimit, type FixedSessionKeys, type KeyLifetimeState, type SrtpKeyParams } from './master-key.js';
import { ReplayVerdict, DEFAULT_REPLAY_WINDOW } from './replay-window.js';
import { estimateRoc, MAX_ROC } from './rollover-counter.js';
import { isRtcpHeader, readUint32, rtpHeaderLength, writeUint32 } from './rtp-header-length.js';
import { countError, newErrorCounters, SRTP_STATUS, srtpErrorResult, type SrtpError, type SrtpErrorCounters } from './srtp-errors.js';
import { SrtpStream, type SrtpStreamStats } from './srtp-stream.js';
import type { SrtpSuite } from './srtp-suite.js';

const MALFORMED = SRTP_STATUS.malformed;
const AUTH_FAILED = SRTP_STATUS['auth-failed'];
const REPLAYED = SRTP_STATUS.replayed;
const TOO_OLD = SRTP_STATUS['too-old'];
const UNKNOWN_MKI = SRTP_STATUS['unknown-mki'];
const KEY_EXPIRED = SRTP_STATUS['key-expired'];
const STREAM_LIMIT = SRTP_STATUS['stream-limit'];
const SSRC_COLLISION = SRTP_STATUS['ssrc-collision'];
const BUFFER_TOO_SMALL = SRTP_STATUS['buffer-too-small'];

const MAX_SRTCP_INDEX = 0x7fffffff;

/**
 * Whether an index not yet authenticated may move a stream's keystream batch: only when it is
 * just ahead of what the stream accepted, so forged far-ahead indices cannot push the batch away
 * from the real stream (they get one-off keystream instead).
 */
function plausiblyNext(highest: number | undefined, index: number): boolean {
  return highest !== undefined && index > highest && index - highest <= 128;
}

export interface KeyLifetimeEvent {
  /** Position of the key in the context's key list (never the key itself). */
  readonly keyIndex: number;
  readonly state: Exclude<KeyLifetimeState, 'ok'>;
}

export interface SrtpContextOptions {
  /** Replay window in packets (at least 64; default 128). */
  readonly replayWindowSize?: number;
  /** Most SSRCs per direction; packets for more are refused and counted (default 64). */
  readonly maxStreams?: number;
  /** Called once when a master key enters its last 1/16 of lifetime, and once when it expires. */
  readonly onKeyLifetime?: (event: KeyLifetimeEvent) => void;
  /** Test vectors only: use these session keys instead of deriving them (see master-key.ts). */
  readonly fixedSessionKeysForVectors?: FixedSessionKeys;
}

export interface SrtpKeyUsage {
  readonly keyIndex: number;
  readonly suite: string;
  readonly mkiLength: number;
  readonly srtpPackets: number;
  readonly srtcpPackets: number;
  readonly srtpLimit: number;
  readonly srtcpLimit: number;
  readonly state: KeyLifetimeState;
}

/** Plain, serializable counters: no key material. */
export interface SrtpContextStats {
  readonly suite: string;
  readonly streams: readonly SrtpStreamStats[];
  /** Failures of packets that matched no established stream (unknown SSRC, garbage). */
  readonly unattributed: SrtpErrorCounters;
  readonly keys: readonly SrtpKeyUsage[];
}

export class SrtpContext {
  readonly suite: SrtpSuite;
  /** Octets added by `protectRtp` (MKI + tag). */
  readonly rtpOverhead: number;
  /** Octets added by `protectRtcp` (E||index + MKI + tag). */
  readonly rtcpOverhead: number;

  private readonly keys: MasterKey[];
  private active: MasterKey;
  private readonly mkiLength: number;
  private readonly rtpTag: number;
  private readonly rtcpTag: number;
  private readonly aead: boolean;
  private readonly windowSize: number;
  private readonly maxStreams: number;
  private readonly onKeyLifetime: ((event: KeyLifetimeEvent) => void) | undefined;
  private readonly outbound = new Map<number, SrtpStream>();
  private readonly inbound = new Map<number, SrtpStream>();
  private readonly unattributed = newErrorCounters();
  private readonly rtcpAad = Buffer.alloc(4);
  private disposed = false;

  /**
   * Builds a context from one key, or several keys told apart by MKI (RFC 3711 §3.1). The first key
   * is the one used to protect; see `setActiveKey`. Throws RangeError on invalid parameters, which
   * are programming errors: negotiated keys are validated by the SDES negotiator first.
   */
  constructor(params: SrtpKeyParams | readonly SrtpKeyParams[], options: SrtpContextOptions = {}) {
    const list = Array.isArray(params) ? (params as readonly SrtpKeyParams[]) : [params as SrtpKeyParams];
    if (list.length === 0) throw new RangeError('an SRTP context needs at least one master key');
    this.keys = list.map((p) => new MasterKey(p, options.fixedSessionKeysForVectors));
    const first = this.keys[0]!;
    this.suite = first.suite;
    this.mkiLength = first.mki?.length ?? 0;
    for (const k of this.keys) {
      if (k.suite !== this.suite) throw new RangeError('all master keys of a context must use the same suite');
      if ((k.mki?.length ?? 0) !== this.mkiLength) throw new RangeError('all master keys of a context must have the same MKI length');
    }
    if (this.keys.length > 1 && this.mkiLength === 0) throw new RangeError('several master keys need an MKI to tell them apart');
    this.active = first;
    this.rtpTag = this.suite.rtpTagLength;
    this.rtcpTag = this.suite.rtcpTagLength;
    this.aead = this.suite.transform === 'aes-gcm';
    this.rtpOverhead = this.mkiLength + this.rtpTag;
    this.rtcpOverhead = 4 + this.mkiLength + this.rtcpTag;
    this.windowSize = options.replayWindowSize ?? DEFAULT_REPLAY_WINDOW;
    this.maxStreams = options.maxStreams ?? 64;
    this.onKeyLifetime = options.onKeyLifetime;
  }

  /** Chooses the master key used to protect, by position in the key list. */
  setActiveKey(keyIndex: number): void {
    const k = this.keys[keyIndex];
    if (k === undefined) throw new RangeError('no such key');
    this.active = k;
  }

  // ---------------------------------------------------------------- SRTP (RFC 3711 §3.3)

  /** Protects an RTP packet into a new buffer. */
  protectRtp(packet: Uint8Array): Result<Buffer, SrtpError> {
    const out = Buffer.allocUnsafe(packet.length + this.rtpOverhead);
    const n = this.protectRtpInto(packet, out);
    return n < 0 ? srtpErrorResult(n) : ok(out.length === n ? out : out.subarray(0, n));
  }

  /**
   * Protects `packet` into `out` (which may be the same memory, with room for the overhead) and
   * returns the SRTP packet length, or a negative SRTP_STATUS.
   */
  protectRtpInto(packet: Uint8Array, out: Uint8Array): number {
    const len = packet.length;
    const hdr = rtpHeaderLength(packet, len);
    if (hdr < 0) return this.fail(undefined, MALFORMED);
    const total = len + this.rtpOverhead;
    if (out.length < total) return this.fail(undefined, BUFFER_TOO_SMALL);
    const ssrc = readUint32(packet, 8);
    const seq = (packet[2]! << 8) | packet[3]!;
    const stream = this.outboundStream(ssrc);
    if (stream === undefined) return this.fail(undefined, STREAM_LIMIT);
    const v = stream.highestSeq < 0 ? stream.roc : estimateRoc(stream.roc, stream.highestSeq, seq);
    if (v < 0) return this.fail(stream, TOO_OLD);
    if (v > MAX_ROC) return this.fail(stream, KEY_EXPIRED);
    const index = v * 65536 + seq;
    // Refusing to protect an index twice prevents keystream reuse (as libsrtp does).
    const verdict = stream.rtpWindow.check(index);
    if (verdict !== ReplayVerdict.Fresh) return this.fail(stream, verdict === ReplayVerdict.Replayed ? REPLAYED : TOO_OLD);
    const key = this.active;
    if (key.srtpUsed >= key.srtpLimit) return this.expired(stream, key);
    const keys = key.rtpKeys(index);
    if (out !== packet) out.set(packet);
    const payload = len - hdr;
    if (this.aead) {
      const ks = stream.rtpKeystream(keys);
      const at = ks.prepare(index, 1 + ((payload + 15) >>> 4));
      gcmSealInPlace(keys.ghash!, ks.buffer, at, out, hdr, len);
      if (this.mkiLength > 0) out.set(key.mki!, len + GCM_TAG_LENGTH);
    } else {
      const ks = stream.rtpKeystream(keys);
      const at = ks.prepare(index, (payload + 15) >>> 4);
      xorKeystream(out, hdr, payload, ks.buffer, at);
      if (this.mkiLength > 0) out.set(key.mki!, len);
      keys.hmac!.sign(out, 0, len, v, true, out, len + this.mkiLength, this.rtpTag);
    }
    stream.acceptRtp(index, v, seq, len - hdr);
    key.srtpUsed++;
    this.afterUse(key);
    return total;
  }

  /**
   * Verifies and decrypts an SRTP packet in place; returns a view of the RTP packet. On failure the
   * buffer is left as it was.
   */
  unprotectRtp(packet: Uint8Array): Result<Buffer, SrtpError> {
    const n = this.unprotectRtpInPlace(packet);
    return n < 0 ? srtpErrorResult(n) : ok(Buffer.from(packet.buffer, packet.byteOffset, n));
  }

  /** Verifies and decrypts in place; returns the RTP packet length or a negative SRTP_STATUS. */
  unprotectRtpInPlace(packet: Uint8Array): number {
    return this.unprotectRtpWith(packet, true);
  }

  /** @internal `count` false: failures are not counted (SrtpSession tries a previous context next). */
  unprotectRtpWith(packet: Uint8Array, count: boolean): number {
    const len = packet.length;
    const hdr = rtpHeaderLength(packet, len);
    const tag = this.rtpTag;
    const mki = this.mkiLength;
    if (hdr < 0 || len < hdr + tag + mki) return this.fail(undefined, MALFORMED, count);
    const ssrc = readUint32(packet, 8);
    if (this.outbound.has(ssrc)) return this.fail(undefined, SSRC_COLLISION, count);
    const stream = this.inbound.get(ssrc);
    const seq = (packet[2]! << 8) | packet[3]!;
    const v = stream === undefined || stream.highestSeq < 0 ? (stream?.roc ?? 0) : estimateRoc(stream.roc, stream.highestSeq, seq);
    if (v < 0) return this.fail(stream, TOO_OLD, count);
    if (v > MAX_ROC) return this.fail(stream, KEY_EXPIRED, count);
    const index = v * 65536 + seq;
    if (stream !== undefined) {
      const verdict = stream.rtpWindow.check(index);
      if (verdict !== ReplayVerdict.Fresh) return this.fail(stream, verdict === ReplayVerdict.Replayed ? REPLAYED : TOO_OLD, count);
    }
    // Layout: header | payload | (HMAC: MKI | tag) or (AEAD: ciphertext+tag | MKI).
    const mkiAt = this.aead ? len - mki : len - tag - mki;
    const key = mki === 0 ? this.active : this.keyByMki(packet, mkiAt);
    if (key === undefined) return this.fail(stream, UNKNOWN_MKI, count);
    if (key.srtpUsed >= key.srtpLimit) return this.expired(stream, key, count);
    // AEAD decrypts while it verifies: make sure the packet can be kept before touching it.
    if (stream === undefined && this.inbound.size >= this.maxStreams) return this.fail(undefined, STREAM_LIMIT, count);
    const keys = key.rtpKeys(index);
    let end: number;
    let s: SrtpStream;
    if (this.aead) {
      // GCM needs the keystream (its tag mask) to verify: a stream not yet established gets a
      // provisional state, kept only if the packet verifies.
      end = len - mki - GCM_TAG_LENGTH;
      s = stream ?? new SrtpStream(ssrc, 'inbound', this.windowSize);
      const ks = s.rtpKeystream(keys);
      const at = ks.prepare(index, 1 + ((end - hdr + 15) >>> 4), plausiblyNext(stream?.rtpWindow.highest, index));
      if (!gcmOpenInPlace(keys.ghash!, ks.buffer, at, packet, hdr, end)) return this.fail(stream, AUTH_FAILED, count);
    } else {
      end = mkiAt;
      if (!keys.hmac!.verify(packet, 0, end, v, true, packet, len - tag, tag)) return this.fail(stream, AUTH_FAILED, count);
      s = stream ?? new SrtpStream(ssrc, 'inbound', this.windowSize);
      const ks = s.rtpKeystream(keys);
      const at = ks.prepare(index, (end - hdr + 15) >>> 4);
      xorKeystream(packet, hdr, end - hdr, ks.buffer, at);
    }
    if (stream === undefined) this.inbound.set(ssrc, s);
    s.acceptRtp(index, v, seq, end - hdr);
    key.srtpUsed++;
    this.afterUse(key);
    return end;
  }

  // ---------------------------------------------------------------- SRTCP (RFC 3711 §3.4)

  protectRtcp(packet: Uint8Array): Result<Buffer, SrtpError> {
    const out = Buffer.allocUnsafe(packet.length + this.rtcpOverhead);
    const n = this.protectRtcpInto(packet, out);
    return n < 0 ? srtpErrorResult(n) : ok(out.length === n ? out : out.subarray(0, n));
  }

  /** Protects a (compound) RTCP packet; always encrypts (E = 1). Returns the length or a status. */
  protectRtcpInto(packet: Uint8Array, out: Uint8Array): number {
    const len = packet.length;
    if (!isRtcpHeader(packet, len)) return this.fail(undefined, MALFORMED);
    const total = len + this.rtcpOverhead;
    if (out.length < total) return this.fail(undefined, BUFFER_TOO_SMALL);
    const ssrc = readUint32(packet, 4);
    const stream = this.outboundStream(ssrc);
    if (stream === undefined) return this.fail(undefined, STREAM_LIMIT);
    const index = stream.rtcpNext;
    if (index > MAX_SRTCP_INDEX) return this.fail(stream, KEY_EXPIRED);
    const key = this.active;
    if (key.srtcpUsed >= key.srtcpLimit) return this.expired(stream, key);
    const keys = key.rtcpKeys(index);
    const eIndex = (0x80000000 | index) >>> 0;
    if (out !== packet) out.set(packet);
    if (this.aead) {
      const ks = stream.rtcpKeystream(keys);
      const at = ks.prepare(index, 1 + ((len - 8 + 15) >>> 4));
      writeUint32(this.rtcpAad, 0, eIndex);
      gcmSealInPlace(keys.ghash!, ks.buffer, at, out, 8, len, this.rtcpAad);
      writeUint32(out, len + GCM_TAG_LENGTH, eIndex);
      if (this.mkiLength > 0) out.set(key.mki!, len + GCM_TAG_LENGTH + 4);
    } else {
      const ks = stream.rtcpKeystream(keys);
      const at = ks.prepare(index, (len - 8 + 15) >>> 4);
      xorKeystream(out, 8, len - 8, ks.buffer, at);
      writeUint32(out, len, eIndex);
      if (this.mkiLength > 0) out.set(key.mki!, len + 4);
      keys.hmac!.sign(out, 0, len + 4, 0, false, out, len + 4 + this.mkiLength, this.rtcpTag);
    }
    stream.rtcpNext = index + 1;
    stream.rtcpPackets++;
    stream.rtcpOctets += len;
    key.srtcpUsed++;
    this.afterUse(key);
    return total;
  }

  /** Verifies (and, when E = 1, decrypts) an SRTCP packet in place; returns a view of the RTCP packet. */
  unprotectRtcp(packet: Uint8Array): Result<Buffer, SrtpError> {
    const n = this.unprotectRtcpInPlace(packet);
    return n < 0 ? srtpErrorResult(n) : ok(Buffer.from(packet.buffer, packet.byteOffset, n));
  }

  unprotectRtcpInPlace(packet: Uint8Array): number {
    return this.unprotectRtcpWith(packet, true);
  }

  /** @internal see unprotectRtpWith. */
  unprotectRtcpWith(packet: Uint8Array, count: boolean): number {
    const len = packet.length;
    const tag = this.rtcpTag;
    const mki = this.mkiLength;
    if (!isRtcpHeader(packet, len) || len < 8 + 4 + mki + tag) return this.fail(undefined, MALFORMED, count);
    // HMAC: RTCP | E||index | MKI | tag.   AEAD: header | ciphertext+tag | E||index | MKI.
    const eAt = this.aead ? len - mki - 4 : len - tag - mki - 4;
    const mkiAt = eAt + 4;
    const word = readUint32(packet, eAt);
    const encrypted = word >>> 31 === 1;
    const index = word & MAX_SRTCP_INDEX;
    const ssrc = readUint32(packet, 4);
    if (this.outbound.has(ssrc)) return this.fail(undefined, SSRC_COLLISION, count);
    const stream = this.inbound.get(ssrc);
    if (stream !== undefined) {
      const verdict = stream.rtcpWindow.check(index);
      if (verdict !== ReplayVerdict.Fresh) return this.fail(stream, verdict === ReplayVerdict.Replayed ? REPLAYED : TOO_OLD, count);
    }
    const key = mki === 0 ? this.active : this.keyByMki(packet, mkiAt);
    if (key === undefined) return this.fail(stream, UNKNOWN_MKI, count);
    if (key.srtcpUsed >= key.srtcpLimit) return this.expired(stream, key, count);
    if (stream === undefined && this.inbound.size >= this.maxStreams) return this.fail(undefined, STREAM_LIMIT, count);
    const keys = key.rtcpKeys(index);
    let end: number;
    let s: SrtpStream;
    if (this.aead) {
      end = eAt - GCM_TAG_LENGTH;
      if (end < 8) return this.fail(stream, MALFORMED, count);
      s = stream ?? new SrtpStream(ssrc, 'inbound', this.windowSize);
      const ks = s.rtcpKeystream(keys);
      // The E||index word is AAD but sits after the tag: copy it next to nothing else.
      this.rtcpAad.set(packet.subarray(eAt, eAt + 4));
      const aadLen = encrypted ? 8 : end;
      const at = ks.prepare(index, 1 + ((end - aadLen + 15) >>> 4), plausiblyNext(stream?.rtcpWindow.highest, index));
      if (!gcmOpenInPlace(keys.ghash!, ks.buffer, at, packet, aadLen, end, this.rtcpAad)) return this.fail(stream, AUTH_FAILED, count);
    } else {
      end = eAt;
      if (!keys.hmac!.verify(packet, 0, eAt + 4, 0, false, packet, len - tag, tag)) return this.fail(stream, AUTH_FAILED, count);
      s = stream ?? new SrtpStream(ssrc, 'inbound', this.windowSize);
      if (encrypted) {
        const ks = s.rtcpKeystream(keys);
        const at = ks.prepare(index, (end - 8 + 15) >>> 4);
        xorKeystream(packet, 8, end - 8, ks.buffer, at);
      }
    }
    if (stream === undefined) this.inbound.set(ssrc, s);
    s.rtcpWindow.accept(index);
    s.rtcpPackets++;
    s.rtcpOctets += end;
    key.srtcpUsed++;
    this.afterUse(key);
    return end;
  }

  // ---------------------------------------------------------------- state

  stats(): SrtpContextStats {
    return {
      suite: this.suite.name,
      streams: [...this.outbound.values(), ...this.inbound.values()].map((s) => s.stats()),
      unattributed: { ...this.unattributed },
      keys: this.keys.map((k, i) => ({
        keyIndex: i,
        suite: k.suite.name,
        mkiLength: k.mki?.length ?? 0,
        srtpPackets: k.srtpUsed,
        srtcpPackets: k.srtcpUsed,
        srtpLimit: k.srtpLimit,
        srtcpLimit: k.srtcpLimit,
        state: k.lifetimeState(),
      })),
    };
  }

  /** Whether any packet for `ssrc` was accepted in this direction. */
  hasInboundStream(ssrc: number): boolean {
    return this.inbound.has(ssrc);
  }

  /** Lifetime state of the key used to protect. */
  get activeKeyState(): KeyLifetimeState {
    return this.active.lifetimeState();
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Drops all state and forgets the keys (best effort zeroing). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const s of this.outbound.values()) s.dispose();
    for (const s of this.inbound.values()) s.dispose();
    this.outbound.clear();
    this.inbound.clear();
    for (const k of this.keys) k.dispose();
  }

  toJSON(): Record<string, unknown> {
    return { suite: this.suite.name, keys: this.keys.length, streams: this.outbound.size + this.inbound.size };
  }

  // ---------------------------------------------------------------- internals

  private outboundStream(ssrc: number): SrtpStream | undefined {
    let s = this.outbound.get(ssrc);
    if (s === undefined) {
      if (this.outbound.size >= this.maxStreams) return undefined;
      s = new SrtpStream(ssrc, 'outbound', this.windowSize);
      this.outbound.set(ssrc, s);
    }
    return s;
  }

  private keyByMki(packet: Uint8Array, at: number): MasterKey | undefined {
    const n = this.mkiLength;
    for (const k of this.keys) {
      const m = k.mki!;
      let diff = 0;
      for (let i = 0; i < n; i++) diff |= m[i]! ^ packet[at + i]!;
      if (diff === 0) return k;
    }
    return undefined;
  }

  private fail(stream: SrtpStream | undefined, status: number, count = true): number {
    if (count) countError(stream?.errors ?? this.unattributed, status);
    return status;
  }

  private expired(stream: SrtpStream | undefined, key: MasterKey, count = true): number {
    this.notify(key, 'expired');
    return this.fail(stream, KEY_EXPIRED, count);
  }

  private afterUse(key: MasterKey): void {
    if (this.onKeyLifetime === undefined || (key.notified & 1) !== 0) return;
    if (key.srtpUsed >= softLimit(key.srtpLimit) || key.srtcpUsed >= softLimit(key.srtcpLimit)) this.notify(key, 'rekey-soon');
  }

  private notify(key: MasterKey, state: 'rekey-soon' | 'expired'): void {
    const bit = state === 'expired' ? 2 : 1;
    if ((key.notified & bit) !== 0) return;
    key.notified |= bit;
    this.onKeyLifetime?.({ keyIndex: this.keys.indexOf(key), state });
  }
}
