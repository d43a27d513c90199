/**
 * Adaptive playout (jitter) buffer for one audio RTP stream.
 *
 * RFC 3550 §6.4.1/A.8 motivate it (network jitter), RFC 3551 §4.1 the talkspurt marker, RFC 3389
 * the comfort-noise gaps; the algorithm is ours:
 *
 * Timing model. Every packet's transit = arrival − media time of its timestamp. Over the last
 * `windowPackets` packets we keep the minimum transit (the fastest path, which also absorbs slow
 * clock drift) and the `quantile` of transit. The target delay is their difference, clamped to
 * [minDelayMs, maxDelayMs]: enough for that share of packets to arrive before they are played.
 *
 * Playout. `get(now)` is called by the playout clock once per frame (device paced). While
 * buffering, the head packet starts playing once `now` reaches its media time + min transit +
 * target. While playing, each call yields the packet with the next expected timestamp, or a
 * concealment frame when it is missing (lost, or late: a late packet is dropped on arrival).
 * After `maxConcealMs` of nothing, or right away after a comfort-noise packet, the buffer falls
 * back to buffering and yields silence; the next talkspurt re-syncs with the then-current target.
 *
 * Adaptation. The current delay (now − media time of the next timestamp − min transit) is
 * compared with the target: below it by more than half a frame, one concealment frame is
 * inserted without consuming a packet (grow, at once: late loss is worse than a stretched frame);
 * above it by more than `shrinkHysteresisMs`, a silent packet (comfort noise, or one the caller's
 * `isSilence` classifier recognises) is skipped (shrink in silence) — and every re-sync at a
 * talkspurt start applies the new target too. Streams that never pause (no VAD) would keep an
 * outdated delay forever, so an excess above `speechExcessMs` that lasts `speechShrinkAfterMs`
 * drops one speech frame (a short glitch, at most once per that period).
 *
 * Robustness. Duplicates (same sequence number seen recently, or same timestamp buffered) and
 * late packets are dropped and counted. A change of SSRC resets the buffer. A timestamp jump
 * (transit off by more than `resetThresholdMs` from the window, confirmed by a second packet)
 * resets it as well, while a legitimate silence gap (timestamps and arrival times advance
 * together) does not. Capacity is bounded; overflow drops the oldest packet.
 */

import { SlidingWindowStats } from './sliding-window-stats.js';

export interface JitterPacket {
  readonly sequenceNumber: number;
  readonly timestamp: number;
  readonly ssrc: number;
  readonly payloadType: number;
  readonly marker: boolean;
}

export interface JitterBufferOptions<P extends JitterPacket> {
  /** RTP clock rate of the stream. */
  readonly clockRate: number;
  /** Nominal frame duration in timestamp units, until learned from the stream (e.g. 160). */
  readonly frameTicks: number;
  readonly minDelayMs?: number;
  readonly maxDelayMs?: number;
  /** Delay used until enough packets were seen to measure jitter. */
  readonly initialDelayMs?: number;
  /** Share of packets that should arrive in time (default 0.98). */
  readonly quantile?: number;
  /** Allowance for the playout clock's own jitter, added to the measured target (default 10 ms). */
  readonly marginMs?: number;
  readonly windowPackets?: number;
  readonly maxConcealMs?: number;
  readonly shrinkHysteresisMs?: number;
  /**
   * Excess delay tolerated during continuous speech before a speech frame is dropped anyway
   * (at most one per `speechShrinkAfterMs`); bounds the delay of streams that never pause.
   */
  readonly speechExcessMs?: number;
  readonly speechShrinkAfterMs?: number;
  readonly resetThresholdMs?: number;
  readonly capacity?: number;
  /** Payloads that are silence (shrink opportunities; after them missing packets are DTX, not loss). */
  readonly isSilence?: (packet: P) => boolean;
}

export type JitterBufferOutput<P extends JitterPacket> =
  | { readonly kind: 'packet'; readonly packet: P; readonly ticks: number; readonly waitedMs: number }
  /** Play `ticks` of concealment (codec PLC): the packet was lost or late, or delay is being added. */
  | { readonly kind: 'conceal'; readonly ticks: number; readonly reason: 'lost' | 'grow' }
  /** Nothing to play (not started, or a silence gap): comfort noise or silence for `ticks`. */
  | { readonly kind: 'silence'; readonly ticks: number };

export type PutResult = 'queued' | 'duplicate' | 'late' | 'reset' | 'held' | 'overflow';

export interface JitterBufferStats {
  readonly received: number;
  readonly duplicates: number;
  readonly late: number;
  readonly played: number;
  readonly concealed: number;
  readonly grown: number;
  readonly shrunk: number;
  /** Of `shrunk`, frames dropped during speech (long-lasting excess in a stream that never pauses). */
  readonly shrunkSpeech: number;
  readonly silenceFrames: number;
  readonly resets: number;
  readonly overflows: number;
  readonly buffered: number;
  readonly targetDelayMs: number;
  readonly currentDelayMs: number;
  /** Mean time played packets spent in the buffer. */
  readonly meanWaitMs: number;
}

interface Entry<P> {
  extTs: number;
  extSeq: number;
  arrivalMs: number;
  packet: P;
}

const SEQ_RING = 1024;

export class JitterBuffer<P extends JitterPacket> {
  private readonly msPerTick: number;
  private frameTicks: number;
  private readonly minDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly initialDelayMs: number;
  private readonly quantileQ: number;
  private readonly maxConcealMs: number;
  private readonly shrinkHysteresisMs: number;
  private readonly resetThresholdMs: number;
  private readonly speechExcessMs: number;
  private readonly speechShrinkAfterMs: number;
  private excessSinceMs: number | undefined;
  private readonly capacity: number;
  private readonly isSilence: (p: P) => boolean;

  private readonly marginMs: number;
  private readonly transit: SlidingWindowStats;
  /** Extra delay after late arrivals (which the transit window cannot see when the playout clock jitters); decays. */
  private lateBoostMs = 0;
  private readonly entries: Entry<P>[] = [];
  private readonly pool: Entry<P>[] = [];
  private readonly seenSeq = new Float64Array(SEQ_RING).fill(-1);

  private ssrc: number | undefined;
  private lastExtTs = 0;
  private lastExtSeq = 0;
  private haveRef = false;
  private playing = false;
  private nextTs = 0;
  /** Everything below this extended timestamp has been played or given up. */
  private playedUpTo = -Infinity;
  private missMs = 0;
  private lastWasSilence = false;
  private currentDelay = 0;
  private pendingJump: { transit: number; extTs: number } | undefined;

  private s = { received: 0, duplicates: 0, late: 0, played: 0, concealed: 0, grown: 0, shrunk: 0, shrunkSpeech: 0, silenceFrames: 0, resets: 0, overflows: 0, waitSum: 0 };

  constructor(options: JitterBufferOptions<P>) {
    this.msPerTick = 1000 / options.clockRate;
    this.frameTicks = options.frameTicks;
    this.minDelayMs = options.minDelayMs ?? 0;
    this.maxDelayMs = options.maxDelayMs ?? 400;
    this.initialDelayMs = options.initialDelayMs ?? 20;
    this.quantileQ = options.quantile ?? 0.98;
    this.maxConcealMs = options.maxConcealMs ?? 100;
    this.shrinkHysteresisMs = options.shrinkHysteresisMs ?? 20;
    this.resetThresholdMs = options.resetThresholdMs ?? 2000;
    this.speechExcessMs = options.speechExcessMs ?? 60;
    this.speechShrinkAfterMs = options.speechShrinkAfterMs ?? 2000;
    this.capacity = options.capacity ?? Math.ceil((this.maxDelayMs * 2) / (this.frameTicks * this.msPerTick)) + 16;
    this.isSilence = options.isSilence ?? ((p) => p.payloadType === 13);
    this.marginMs = options.marginMs ?? 10;
    this.transit = new SlidingWindowStats(options.windowPackets ?? 250);
  }

  /** Frame duration in timestamp units currently assumed (learned from the stream). */
  get frameDurationTicks(): number {
    return this.frameTicks;
  }

  /** Target delay in ms above the fastest observed path. */
  get targetDelayMs(): number {
    if (this.transit.size < 8) return clamp(this.initialDelayMs, this.minDelayMs, this.maxDelayMs);
    const measured = this.transit.quantile(this.quantileQ) - this.transit.min();
    return clamp(measured + this.marginMs + this.lateBoostMs, this.minDelayMs, this.maxDelayMs);
  }

  stats(): JitterBufferStats {
    const s = this.s;
    return {
      received: s.received,
      duplicates: s.duplicates,
      late: s.late,
      played: s.played,
      concealed: s.concealed,
      grown: s.grown,
      shrunk: s.shrunk,
      shrunkSpeech: s.shrunkSpeech,
      silenceFrames: s.silenceFrames,
      resets: s.resets,
      overflows: s.overflows,
      buffered: this.entries.length,
      targetDelayMs: this.targetDelayMs,
      currentDelayMs: this.currentDelay,
      meanWaitMs: s.played === 0 ? 0 : s.waitSum / s.played,
    };
  }

  /** Forget everything (e.g. the call was put on hold and resumed with a new stream). */
  reset(): void {
    this.resetForNewTiming();
    this.ssrc = undefined;
  }

  /** A packet arrived at local monotonic time `arrivalMs`. */
  put(packet: P, arrivalMs: number): PutResult {
    this.s.received++;
    let result: PutResult = 'queued';
    if (this.ssrc !== undefined && packet.ssrc !== this.ssrc) {
      // A new source: nothing of the old stream's timing applies (RFC 3550 §8.2 / re-INVITE).
      this.resetForNewTiming();
      result = 'reset';
    }
    this.ssrc = packet.ssrc;
    let extTs: number;
    let extSeq: number;
    if (!this.haveRef) {
      extTs = packet.timestamp >>> 0;
      extSeq = packet.sequenceNumber & 0xffff;
      this.haveRef = true;
      this.lastExtTs = extTs;
      this.lastExtSeq = extSeq;
    } else {
      extTs = this.lastExtTs + (((packet.timestamp >>> 0) - (this.lastExtTs >>> 0)) | 0);
      extSeq = this.lastExtSeq + ((((packet.sequenceNumber & 0xffff) - (this.lastExtSeq & 0xffff)) << 16) >> 16);
    }
    const transit = arrivalMs - extTs * this.msPerTick;

    // Timestamp jump: far from the established timing. Needs a second packet to agree.
    if (this.transit.size > 0 && Math.abs(transit - this.transit.min()) > this.resetThresholdMs) {
      const pj = this.pendingJump;
      if (pj !== undefined && Math.abs(transit - pj.transit) < this.resetThresholdMs / 4) {
        this.resetForNewTiming();
        this.s.resets++;
        result = 'reset';
        extTs = packet.timestamp >>> 0;
        extSeq = packet.sequenceNumber & 0xffff;
        this.haveRef = true;
        this.lastExtTs = extTs;
        this.lastExtSeq = extSeq;
        // Re-admit the first packet of the new timing if it is still buffered-worthy.
        this.pendingJump = undefined;
        return this.admit(packet, extTs, extSeq, arrivalMs - extTs * this.msPerTick, arrivalMs, result);
      }
      this.pendingJump = { transit, extTs };
      return 'held';
    }
    this.pendingJump = undefined;
    if (extTs > this.lastExtTs) this.lastExtTs = extTs;
    if (extSeq > this.lastExtSeq) this.lastExtSeq = extSeq;
    return this.admit(packet, extTs, extSeq, transit, arrivalMs, result);
  }

  /**
   * The playout clock asks for the next frame at local monotonic time `nowMs`. Call it once per
   * frame of audio actually played (device paced), not ahead of time.
   */
  get(nowMs: number): JitterBufferOutput<P> {
    if (!this.playing) {
      this.dropOlderThan(this.playedUpTo, true);
      const head = this.entries[0];
      if (head === undefined || this.transit.size === 0) return this.silence();
      const due = head.extTs * this.msPerTick + this.transit.min() + this.targetDelayMs;
      if (nowMs + 0.5 < due) return this.silence();
      this.playing = true;
      this.nextTs = head.extTs;
      this.missMs = 0;
    }
    // Packets that slipped below the playout point while we were not looking are late.
    this.dropOlderThan(this.nextTs, true);
    this.currentDelay = nowMs - this.nextTs * this.msPerTick - (this.transit.size > 0 ? this.transit.min() : 0);
    const target = this.targetDelayMs;
    const frameMs = this.frameTicks * this.msPerTick;
    let head = this.entries[0];

    if (head !== undefined && head.extTs === this.nextTs) {
      // Grow: delay too short for the measured jitter. Stretch by one frame: silence inside a
      // silence period, a concealment frame (codec PLC) inside speech.
      if (this.currentDelay < target - frameMs / 2) {
        this.s.grown++;
        if (this.lastWasSilence) return this.silence();
        this.s.concealed++;
        return { kind: 'conceal', ticks: this.frameTicks, reason: 'grow' };
      }
      // Shrink: more delay than needed and this packet is silence (or the excess is large and has
      // lasted, in a stream that never pauses). Skip it if its successor is here.
      const excess = this.currentDelay - target;
      if (excess > this.speechExcessMs) this.excessSinceMs ??= nowMs;
      else this.excessSinceMs = undefined;
      const speechShrink = this.excessSinceMs !== undefined && nowMs - this.excessSinceMs >= this.speechShrinkAfterMs;
      let silent = this.isSilence(head.packet);
      if ((excess > this.shrinkHysteresisMs && silent) || speechShrink) {
        const next = this.entries[1];
        if (next !== undefined && next.extSeq === head.extSeq + 1) {
          this.s.shrunk++;
          if (!silent) this.s.shrunkSpeech++;
          this.excessSinceMs = undefined;
          this.nextTs = next.extTs;
          this.playedUpTo = next.extTs;
          this.release(this.entries.shift()!);
          head = next;
          silent = this.isSilence(head.packet);
        }
      }
      return this.play(head, nowMs, silent);
    }

    // The expected packet is missing.
    if (this.lastWasSilence || (head === undefined && this.missMs >= this.maxConcealMs)) {
      // A silence gap (DTX after comfort noise, or the talkspurt ended): wait for the next one.
      this.playing = false;
      this.playedUpTo = this.nextTs;
      return this.silence();
    }
    this.missMs += frameMs;
    this.s.concealed++;
    let ticks = this.frameTicks;
    if (head !== undefined && head.extTs - this.nextTs < ticks) ticks = head.extTs - this.nextTs;
    this.nextTs += ticks;
    this.playedUpTo = this.nextTs;
    return { kind: 'conceal', ticks, reason: 'lost' };
  }

  private play(entry: Entry<P>, nowMs: number, silent: boolean): JitterBufferOutput<P> {
    this.entries.shift();
    const next = this.entries[0];
    let ticks = this.frameTicks;
    if (next !== undefined && next.extSeq === entry.extSeq + 1) {
      const d = next.extTs - entry.extTs;
      if (d > 0 && d <= 8 * this.frameTicks) ticks = d;
    }
    this.nextTs = entry.extTs + ticks;
    this.playedUpTo = this.nextTs;
    this.missMs = 0;
    this.lastWasSilence = silent;
    this.s.played++;
    // The late-arrival allowance decays by about 1 ms per second of playout.
    if (this.lateBoostMs > 0) this.lateBoostMs = Math.max(0, this.lateBoostMs - ticks * this.msPerTick * 0.001);
    const waited = Math.max(0, nowMs - entry.arrivalMs);
    this.s.waitSum += waited;
    const packet = entry.packet;
    this.release(entry);
    return { kind: 'packet', packet, ticks, waitedMs: waited };
  }

  private silence(): JitterBufferOutput<P> {
    this.s.silenceFrames++;
    return { kind: 'silence', ticks: this.frameTicks };
  }

  private admit(packet: P, extTs: number, extSeq: number, transit: number, arrivalMs: number, result: PutResult): PutResult {
    const slot = ((extSeq % SEQ_RING) + SEQ_RING) % SEQ_RING;
    if (this.seenSeq[slot] === extSeq) {
      this.s.duplicates++;
      return 'duplicate';
    }
    this.seenSeq[slot] = extSeq;
    this.transit.push(transit);
    this.learnFrameTicks(packet, extTs, extSeq);
    if (extTs < this.playedUpTo) {
      this.s.late++;
      this.lateBoostMs = Math.min(this.maxDelayMs, this.lateBoostMs + 5);
      return 'late';
    }
    // Insert sorted by timestamp (usually at the end).
    const entries = this.entries;
    let i = entries.length;
    while (i > 0 && entries[i - 1]!.extTs > extTs) i--;
    if (i > 0 && entries[i - 1]!.extTs === extTs) {
      this.s.duplicates++;
      return 'duplicate';
    }
    const e = this.pool.pop() ?? { extTs: 0, extSeq: 0, arrivalMs: 0, packet };
    e.extTs = extTs;
    e.extSeq = extSeq;
    e.arrivalMs = arrivalMs;
    e.packet = packet;
    entries.splice(i, 0, e);
    if (entries.length > this.capacity) {
      const dropped = entries.shift()!;
      this.s.overflows++;
      if (this.playing && dropped.extTs >= this.nextTs) {
        this.nextTs = entries[0]!.extTs;
        this.playedUpTo = this.nextTs;
      }
      this.release(dropped);
      return 'overflow';
    }
    return result;
  }

  /** Frame duration from two consecutive sequence numbers of one talkspurt. */
  private learnFrameTicks(packet: P, extTs: number, extSeq: number): void {
    if (packet.marker) return;
    for (const e of this.entries) {
      if (e.extSeq === extSeq - 1) {
        const d = extTs - e.extTs;
        if (d > 0 && d * this.msPerTick <= 120) this.frameTicks = d;
        return;
      }
    }
  }

  private dropOlderThan(extTs: number, countLate: boolean): void {
    while (this.entries.length > 0 && this.entries[0]!.extTs < extTs) {
      if (countLate) this.s.late++;
      this.release(this.entries.shift()!);
    }
  }

  private resetForNewTiming(): void {
    while (this.entries.length > 0) this.release(this.entries.pop()!);
    this.transit.clear();
    this.seenSeq.fill(-1);
    this.haveRef = false;
    this.playing = false;
    this.playedUpTo = -Infinity;
    this.missMs = 0;
    this.lastWasSilence = false;
    this.pendingJump = undefined;
    this.lateBoostMs = 0;
    this.excessSinceMs = undefined;
  }

  private release(e: Entry<P>): void {
    if (this.pool.length < this.capacity + 1) this.pool.push(e);
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
