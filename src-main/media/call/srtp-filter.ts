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
 */
import { SRTP_STATUS, SrtpSession, type SrtpContextStats, type SrtpKeyParams } from '../../protocol/srtp/index.js';
import type { SrtpKeyBundle } from '../../protocol/sdes/index.js';

export interface SrtpFilterStats {
  readonly suite: string | undefined;
  readonly authFailures: number;
  readonly replays: number;
  /** Malformed, too old, unknown MKI, expired key, stream limit, SSRC collision. */
  readonly otherFailures: number;
  readonly protectFailures: number;
  readonly rekeys: number;
  /** True while packets under the previous receive key are still accepted. */
  readonly acceptsPreviousReceiveKey: boolean;
}

export type SrtpUpdate = 'unchanged' | 'started' | 'rekeyed' | 'stopped';

interface Counts {
  auth: number;
  replay: number;
  other: number;
}

function contextCounts(s: SrtpContextStats | undefined): Counts {
  const c: Counts = { auth: 0, replay: 0, other: 0 };
  if (s === undefined) return c;
  for (const e of [s.unattributed, ...s.streams]) {
    c.auth += e.authFailed;
    c.replay += e.replayed;
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
  private carried: Counts = { auth: 0, replay: 0, other: 0 };
  private protectFailures = 0;
  private rekeys = 0;

  get active(): boolean {
    return this.session !== undefined;
  }

  get suite(): string | undefined {
    return this.bundle?.suite;
  }

  /** Installs the keys of a (re-)negotiation; `undefined` = plain RTP from now on. */
  update(bundle: SrtpKeyBundle | undefined): SrtpUpdate {
    const current = this.bundle;
    if (bundle === undefined) {
      if (this.session === undefined) return 'unchanged';
      this.carry();
      this.session.dispose();
      this.session = undefined;
      this.bundle = undefined;
      return 'stopped';
    }
    if (this.session === undefined || current === undefined) {
      this.session = new SrtpSession({ send: bundle.send, receive: bundle.receive }, { replayWindowSize: bundle.replayWindowSize });
      this.bundle = bundle;
      return 'started';
    }
    const send = !sameKey(current.send, bundle.send);
    const receive = !sameKeys(current.receive, bundle.receive);
    this.bundle = bundle;
    if (!send && !receive) return 'unchanged';
    if (receive) this.carryReceiveOnly();
    this.session.rekey({ ...(send ? { send: bundle.send } : {}), ...(receive ? { receive: bundle.receive } : {}) });
    this.rekeys++;
    return 'rekeyed';
  }

  /** Protects an RTP packet into a new buffer, or undefined (counted) when the context refuses. */
  protectRtp(packet: Uint8Array): Uint8Array | undefined {
    const s = this.session;
    if (s === undefined) return packet;
    const out = Buffer.allocUnsafe(packet.length + s.sendContext.rtpOverhead);
    const n = s.protectRtpInto(packet, out);
    if (n < 0) {
      this.protectFailures++;
      return undefined;
    }
    return out.subarray(0, n);
  }

  protectRtcp(packet: Uint8Array): Uint8Array | undefined {
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

  /** Unprotects in place; returns the plain length, or a negative SRTP_STATUS (already counted). */
  unprotectRtp(packet: Uint8Array): number {
    const s = this.session;
    return s === undefined ? packet.length : s.unprotectRtpInPlace(packet);
  }

  unprotectRtcp(packet: Uint8Array): number {
    const s = this.session;
    return s === undefined ? packet.length : s.unprotectRtcpInPlace(packet);
  }

  stats(): SrtpFilterStats {
    const st = this.session?.stats();
    const c = contextCounts(st?.receive);
    return {
      suite: this.bundle?.suite,
      authFailures: this.carried.auth + c.auth,
      replays: this.carried.replay + c.replay,
      otherFailures: this.carried.other + c.other,
      protectFailures: this.protectFailures,
      rekeys: this.rekeys,
      acceptsPreviousReceiveKey: this.session?.acceptsPreviousReceiveKeys ?? false,
    };
  }

  dispose(): void {
    this.session?.dispose();
    this.session = undefined;
    this.bundle = undefined;
  }

  private carry(): void {
    this.carryReceiveOnly();
  }

  private carryReceiveOnly(): void {
    const c = contextCounts(this.session?.stats().receive);
    this.carried = { auth: this.carried.auth + c.auth, replay: this.carried.replay + c.replay, other: this.carried.other + c.other };
  }
}

/** True for a negative status that means "not authentic" (forged, corrupted, wrong key). */
export function isAuthFailure(status: number): boolean {
  return status === SRTP_STATUS['auth-failed'];
}
