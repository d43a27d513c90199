/**
 * SRTP as a filter on the media socket (RFC 3711; the shape libre/baresip use): packets are
 * protected just before they leave and unprotected just after they arrive, with the keys the
 * SDES negotiation produced. Every failure is counted, never thrown into the media loop.
 *
 * Re-keying (RFC 4568 §7.1.4): when a re-negotiation changes a direction's key, `update` hands the
 * new key to `SrtpSession.rekey`, which switches sending at once and keeps the old receive context
 * until a packet authenticates under the new key - so packets still in flight under the old key
 * (or sent by a peer that has not processed the answer yet) are not lost: no one-way audio.
 * Failure counters survive re-keys (the totals below are cumulative over every context).
 *
 * The answerer's side of a re-key: the offerer learns our new key only when our answer reaches it,
 * so switching our send key at once would make the offerer drop everything we send for a
 * signalling round trip. With `deferSend`, we keep protecting under the old send key until a
 * packet under the offerer's new key arrives (proof it has processed the answer; it keeps our old
 * key as its fallback until then) or `maxSendDeferMs` passes - no packet is lost either way.
 *
 * Caps (issue 15): a receive context keeps at most `MAX_SRTP_STREAMS` SSRC streams (replay
 * windows, keystream batches); packets of a further SSRC are refused before authentication and
 * counted in `streamLimitRefusals`. Streams are created only for packets that authenticate, so
 * only a holder of the peer's key can use the cap up; a session holds at most two receive
 * contexts (the current key and, during a re-key, the previous one).
 */
import { SrtpSession, type SrtpContextStats, type SrtpKeyParams } from '../../protocol/srtp/index.js';
import type { SrtpKeyBundle } from '../../protocol/sdes/index.js';

/** SSRC streams per SRTP context (each direction). A call's peer sends one or two. */
export const MAX_SRTP_STREAMS = 32;

export interface SrtpFilterStats {
  readonly suite: string | undefined;
  /** SSRC streams held by the current receive context. */
  readonly receiveStreams: number;
  /** Packets of a new SSRC refused because the receive context holds MAX_SRTP_STREAMS (included in otherFailures). */
  readonly streamLimitRefusals: number;
  readonly authFailures: number;
  readonly replays: number;
  /** Malformed, too old, unknown MKI, expired key, stream limit, SSRC collision. */
  readonly otherFailures: number;
  readonly protectFailures: number;
  readonly rekeys: number;
  /** True while packets under the previous receive key are still accepted. */
  readonly acceptsPreviousReceiveKey: boolean;
  /** True while our new send key waits for the peer to use its new key. */
  readonly sendKeyDeferred: boolean;
}

export type SrtpUpdate = 'unchanged' | 'started' | 'rekeyed' | 'stopped';

interface Counts {
  auth: number;
  replay: number;
  other: number;
  streamLimit: number;
}

function contextCounts(s: SrtpContextStats | undefined): Counts {
  const c: Counts = { auth: 0, replay: 0, other: 0, streamLimit: 0 };
  if (s === undefined) return c;
  for (const e of [s.unattributed, ...s.streams]) {
    c.auth += e.authFailed;
    c.replay += e.replayed;
    c.streamLimit += e.streamLimit;
    c.other += e.malformed + e.tooOld + e.unknownMki + e.keyExpired + e.streamLimit + e.ssrcCollision;
  }
  return c;
}

function sameBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= a[i]! ^ b[i]!;
  return d === 0;
}

function sameKey(a: SrtpKeyParams, b: SrtpKeyParams): boolean {
  return a.suite === b.suite && sameBytes(a.masterKey, b.masterKey) && sameBytes(a.masterSalt, b.masterSalt) && sameBytes(a.mki, b.mki) && a.kdr === b.kdr && a.lifetime === b.lifetime;
}

function sameKeys(a: readonly SrtpKeyParams[], b: readonly SrtpKeyParams[]): boolean {
  return a.length === b.length && a.every((k, i) => sameKey(k, b[i]!));
}

export class SrtpFilter {
  private session: SrtpSession | undefined;
  private bundle: SrtpKeyBundle | undefined;
  /** Failures counted by receive contexts that were replaced. */
  private carried: Counts = { auth: 0, replay: 0, other: 0, streamLimit: 0 };
  private protectFailures = 0;
  private rekeys = 0;
  private underPrevious = false;
  private pendingSend: { key: SrtpKeyParams; deadline: number } | undefined;

  constructor(
    private readonly now: () => number = () => 0,
    private readonly maxSendDeferMs = 2000,
  ) {}

  get active(): boolean {
    return this.session !== undefined;
  }

  get suite(): string | undefined {
    return this.bundle?.suite;
  }

  /** True while our new send key waits for the peer to use its new key (see the file comment). */
  get sendKeyDeferred(): boolean {
    return this.pendingSend !== undefined;
  }

  /**
   * Installs the keys of a (re-)negotiation; `undefined` = plain RTP from now on. `deferSend`: we
   * answered, so switch our send key only once the peer uses its new key.
   */
  update(bundle: SrtpKeyBundle | undefined, deferSend = false): SrtpUpdate {
    this.commitPendingSend();
    const current = this.bundle;
    if (bundle === undefined) {
      if (this.session === undefined) return 'unchanged';
      this.carryReceiveOnly();
      this.session.dispose();
      this.session = undefined;
      this.bundle = undefined;
      return 'stopped';
    }
    if (this.session === undefined || current === undefined) {
      this.session = new SrtpSession({ send: bundle.send, receive: bundle.receive }, { replayWindowSize: bundle.replayWindowSize, maxStreams: MAX_SRTP_STREAMS });
      this.bundle = bundle;
      return 'started';
    }
    const send = !sameKey(current.send, bundle.send);
    const receive = !sameKeys(current.receive, bundle.receive);
    this.bundle = bundle;
    if (!send && !receive) return 'unchanged';
    if (receive) this.carryReceiveOnly();
    const defer = deferSend && send && receive;
    this.session.rekey({ ...(send && !defer ? { send: bundle.send } : {}), ...(receive ? { receive: bundle.receive } : {}) });
    if (defer) this.pendingSend = { key: bundle.send, deadline: this.now() + this.maxSendDeferMs };
    this.rekeys++;
    return 'rekeyed';
  }

  /** Protects an RTP packet into a new buffer, or undefined (counted) when the context refuses. */
  protectRtp(packet: Uint8Array): Uint8Array | undefined {
    if (this.pendingSend !== undefined && this.now() >= this.pendingSend.deadline) this.commitPendingSend();
    const s = this.session;
    if (s === undefined) return packet;
    const out = Buffer.allocUnsafe(packet.length + s.sendContext.rtpOverhead);
    const n = s.protectRtpInto(packet, out);
    if (n < 0) {
      this.protectFailures++;
      return undefined;
    }
    return n === out.length ? out : out.subarray(0, n);
  }

  protectRtcp(packet: Uint8Array): Uint8Array | undefined {
    if (this.pendingSend !== undefined && this.now() >= this.pendingSend.deadline) this.commitPendingSend();
    const s = this.session;
    if (s === undefined) return packet;
    const out = Buffer.allocUnsafe(packet.length + s.sendContext.rtcpOverhead);
    const n = s.protectRtcpInto(packet, out);
    if (n < 0) {
      this.protectFailures++;
      return undefined;
    }
    return out.subarray(0, n);
  }

  /**
   * Unprotects in place; returns the plain length, or a negative SRTP_STATUS (already counted).
   * `lastUnderPreviousKey` then says whether only the previous receive key fitted.
   */
  unprotectRtp(packet: Uint8Array): number {
    const s = this.session;
    if (s === undefined) return packet.length;
    const before = s.acceptsPreviousReceiveKeys;
    const n = s.unprotectRtpInPlace(packet);
    this.underPrevious = n >= 0 && before && s.acceptsPreviousReceiveKeys;
    if (n >= 0 && this.pendingSend !== undefined && !s.acceptsPreviousReceiveKeys) this.commitPendingSend();
    return n;
  }

  unprotectRtcp(packet: Uint8Array): number {
    const s = this.session;
    if (s === undefined) return packet.length;
    const before = s.acceptsPreviousReceiveKeys;
    const n = s.unprotectRtcpInPlace(packet);
    this.underPrevious = n >= 0 && before && s.acceptsPreviousReceiveKeys;
    if (n >= 0 && this.pendingSend !== undefined && !s.acceptsPreviousReceiveKeys) this.commitPendingSend();
    return n;
  }

  /** The last packet unprotected authenticated under the previous receive key, not the current one. */
  get lastUnderPreviousKey(): boolean {
    return this.underPrevious;
  }

  stats(): SrtpFilterStats {
    const st = this.session?.stats();
    const c = contextCounts(st?.receive);
    return {
      suite: this.bundle?.suite,
      receiveStreams: st?.receive.streams.filter((x) => x.direction === 'inbound').length ?? 0,
      streamLimitRefusals: this.carried.streamLimit + c.streamLimit,
      authFailures: this.carried.auth + c.auth,
      replays: this.carried.replay + c.replay,
      otherFailures: this.carried.other + c.other,
      protectFailures: this.protectFailures,
      rekeys: this.rekeys,
      acceptsPreviousReceiveKey: this.session?.acceptsPreviousReceiveKeys ?? false,
      sendKeyDeferred: this.pendingSend !== undefined,
    };
  }

  dispose(): void {
    this.pendingSend = undefined;
    this.session?.dispose();
    this.session = undefined;
    this.bundle = undefined;
  }

  private commitPendingSend(): void {
    const p = this.pendingSend;
    if (p === undefined) return;
    this.pendingSend = undefined;
    this.session?.rekey({ send: p.key });
  }

  private carryReceiveOnly(): void {
    const c = contextCounts(this.session?.stats().receive);
    this.carried = { auth: this.carried.auth + c.auth, replay: this.carried.replay + c.replay, other: this.carried.other + c.other, streamLimit: this.carried.streamLimit + c.streamLimit };
  }
}
