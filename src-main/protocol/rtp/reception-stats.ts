/**
 * Per-source reception statistics, as in RFC 3550 Appendix A:
 *  - A.1 sequence number validation and extension (probation, MAX_DROPOUT, MAX_MISORDER),
 *  - A.3 expected/lost packet counts and the fraction lost per report interval,
 *  - A.8 interarrival jitter estimate,
 * plus LSR/DLSR bookkeeping for the report blocks we send (§6.4.1).
 *
 * Arrival times are passed in (milliseconds, monotonic); nothing here reads a clock.
 */
import type { ReportBlock } from './rtcp-packet.js';

const RTP_SEQ_MOD = 1 << 16;
const MAX_DROPOUT = 3000;
const MAX_MISORDER = 100;
const MIN_SEQUENTIAL = 2;

export type PacketVerdict =
  /** Counted (in sequence, or a tolerated reorder/duplicate). */
  | 'accepted'
  /** Source still on probation (A.1): not yet counted as valid. */
  | 'probation'
  /** Large jump: held until the next packet confirms a restart (A.1 bad_seq). */
  | 'bad-sequence'
  /** A confirmed restart of the sequence (A.1: the sender restarted). Statistics were reset. */
  | 'restarted';

export interface ReceptionSnapshot {
  readonly ssrc: number;
  readonly received: number;
  readonly expected: number;
  /** Cumulative loss (may be negative with duplicates; RFC 3550 §6.4.1). */
  readonly lost: number;
  readonly extendedHighestSequence: number;
  /** Interarrival jitter in RTP timestamp units. */
  readonly jitter: number;
  readonly jitterMs: number;
}

export class ReceptionStats {
  private maxSeq = 0;
  private cycles = 0;
  private baseSeq = 0;
  private badSeq = RTP_SEQ_MOD + 1;
  private probation = MIN_SEQUENTIAL;
  private receivedCount = 0;
  private expectedPrior = 0;
  private receivedPrior = 0;
  private transit = 0;
  private jitterQ4 = 0; // jitter * 16 as in A.8's integer form
  private haveTransit = false;
  private lastSrMiddle = 0;
  private lastSrArrivalMs = 0;
  private started = false;

  constructor(
    readonly ssrc: number,
    private readonly clockRate: number,
  ) {}

  /**
   * Feeds one received packet. `arrivalMs` is the local monotonic arrival time.
   * Implements A.1 update_seq and the A.8 jitter update for counted packets.
   */
  onPacket(sequenceNumber: number, rtpTimestamp: number, arrivalMs: number): PacketVerdict {
    const seq = sequenceNumber & 0xffff;
    if (!this.started) {
      this.initSeq(seq);
      this.maxSeq = seq - 1;
      this.probation = MIN_SEQUENTIAL;
      this.started = true;
    }
    const verdict = this.updateSeq(seq);
    if (verdict === 'accepted' || verdict === 'restarted') this.updateJitter(rtpTimestamp, arrivalMs);
    return verdict;
  }

  /** Records an SR from this source arriving at `arrivalMs` (for LSR/DLSR in our reports). */
  onSenderReport(ntpMiddle32: number, arrivalMs: number): void {
    this.lastSrMiddle = ntpMiddle32 >>> 0;
    this.lastSrArrivalMs = arrivalMs;
  }

  get extendedHighestSequence(): number {
    return (this.cycles + (this.maxSeq & 0xffff)) >>> 0;
  }

  get expected(): number {
    return this.cycles + (this.maxSeq & 0xffff) - this.baseSeq + 1;
  }

  get received(): number {
    return this.receivedCount;
  }

  /** Interarrival jitter in timestamp units (A.8). */
  get jitter(): number {
    return Math.floor(this.jitterQ4 / 16); // not >> 4: Q4 exceeds 2^31 once the jitter reaches 2^27 units (random timestamps)
  }

  snapshot(): ReceptionSnapshot {
    const expected = this.started && this.probation === 0 ? this.expected : 0;
    return {
      ssrc: this.ssrc,
      received: this.receivedCount,
      expected,
      lost: expected - this.receivedCount,
      extendedHighestSequence: this.extendedHighestSequence,
      jitter: this.jitter,
      jitterMs: (this.jitter * 1000) / this.clockRate,
    };
  }

  /**
   * Builds the report block for this source and starts a new reporting interval (A.3).
   * `nowMs` gives DLSR. Returns undefined while the source is not yet valid.
   */
  makeReportBlock(nowMs: number): ReportBlock | undefined {
    if (!this.started || this.probation !== 0) return undefined;
    const expected = this.expected;
    const lost = expected - this.receivedCount;
    const expectedInterval = expected - this.expectedPrior;
    this.expectedPrior = expected;
    const receivedInterval = this.receivedCount - this.receivedPrior;
    this.receivedPrior = this.receivedCount;
    const lostInterval = expectedInterval - receivedInterval;
    // lostInterval * 256, not << 8: a 32-bit shift wraps beyond 2^23 packets lost in an interval.
    const fraction = expectedInterval === 0 || lostInterval <= 0 ? 0 : Math.min(255, Math.floor((lostInterval * 256) / expectedInterval));
    const dlsr = this.lastSrMiddle === 0 ? 0 : Math.max(0, Math.round(((nowMs - this.lastSrArrivalMs) * 65536) / 1000));
    return {
      ssrc: this.ssrc,
      fractionLost: fraction,
      cumulativeLost: Math.max(-0x800000, Math.min(0x7fffff, lost)),
      extendedHighestSequence: this.extendedHighestSequence,
      jitter: this.jitter >>> 0,
      lastSr: this.lastSrMiddle,
      delaySinceLastSr: Math.min(0xffffffff, dlsr) >>> 0,
    };
  }

  private initSeq(seq: number): void {
    this.baseSeq = seq;
    this.maxSeq = seq;
    this.badSeq = RTP_SEQ_MOD + 1;
    this.cycles = 0;
    this.receivedCount = 0;
    this.receivedPrior = 0;
    this.expectedPrior = 0;
    this.haveTransit = false;
    this.jitterQ4 = 0;
  }

  /** RFC 3550 A.1 update_seq(). */
  private updateSeq(seq: number): PacketVerdict {
    const udelta = (seq - this.maxSeq + RTP_SEQ_MOD) % RTP_SEQ_MOD;
    if (this.probation > 0) {
      // Source is not valid until MIN_SEQUENTIAL packets in sequence have been received.
      if (seq === ((this.maxSeq + 1) & 0xffff)) {
        this.probation--;
        this.maxSeq = seq;
        if (this.probation === 0) {
          this.initSeq(seq);
          this.receivedCount++;
          return 'accepted';
        }
      } else {
        this.probation = MIN_SEQUENTIAL - 1;
        this.maxSeq = seq;
      }
      return 'probation';
    }
    if (udelta < MAX_DROPOUT) {
      // In order, with permissible gap.
      if (seq < (this.maxSeq & 0xffff)) this.cycles += RTP_SEQ_MOD; // wrapped
      this.maxSeq = seq;
    } else if (udelta <= RTP_SEQ_MOD - MAX_MISORDER) {
      // The sequence number made a very large jump.
      if (seq === this.badSeq) {
        // Two sequential packets: assume the other side restarted without telling us.
        this.initSeq(seq);
        this.receivedCount++;
        return 'restarted';
      }
      this.badSeq = (seq + 1) & (RTP_SEQ_MOD - 1);
      return 'bad-sequence';
    }
    // else: duplicate or reordered packet; counted as received.
    this.receivedCount++;
    return 'accepted';
  }

  /** RFC 3550 A.8: J += (|D| - J) / 16, in integer form with 4 fractional bits. */
  private updateJitter(rtpTimestamp: number, arrivalMs: number): void {
    const arrival = Math.round((arrivalMs * this.clockRate) / 1000);
    const transit = (arrival - rtpTimestamp) | 0;
    if (!this.haveTransit) {
      this.transit = transit;
      this.haveTransit = true;
      return;
    }
    let d = (transit - this.transit) | 0;
    this.transit = transit;
    if (d < 0) d = -d;
    this.jitterQ4 += d - Math.floor((this.jitterQ4 + 8) / 16);
  }
}
