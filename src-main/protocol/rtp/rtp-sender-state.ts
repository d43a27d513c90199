/**
 * Sender-side bookkeeping for one outgoing RTP stream: RFC 3550 §5.1 (random initial sequence
 * number and timestamp, marker bit at the start of a talkspurt per RFC 3551 §4.1), §6.4.1
 * (sender's packet and octet counts for SR), §8.2 (choosing a new SSRC after a collision).
 *
 * The timestamp advances with media time even while nothing is sent (silence suppression), so
 * the receiver sees the real gap; the next frame after such a gap carries the marker bit.
 */
import type { Rng } from '../../base/rng.js';

export interface RtpSenderStateOptions {
  readonly clockRate: number;
  /** Fixed SSRC (tests); random otherwise. */
  readonly ssrc?: number;
}

/** A header ready to be combined with a payload (see writeRtpPacket). Reused: copy to keep. */
export interface OutgoingRtpHeader {
  marker: boolean;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  readonly csrcs: readonly number[];
}

export interface SenderCounts {
  readonly packetCount: number;
  readonly octetCount: number;
}

export class RtpSenderState {
  readonly clockRate: number;
  private ssrcValue: number;
  private seq: number;
  private ts: number;
  private talkspurtPending = true;
  private packets = 0;
  private octets = 0;
  private lastSentTimestamp: number | undefined;
  private lastSentAtMs = 0;
  private readonly header: OutgoingRtpHeader;

  constructor(
    private readonly rng: Rng,
    options: RtpSenderStateOptions,
  ) {
    this.clockRate = options.clockRate;
    this.ssrcValue = options.ssrc ?? rng.uint32();
    this.seq = rng.uint32() & 0xffff;
    this.ts = rng.uint32();
    this.header = { marker: false, payloadType: 0, sequenceNumber: 0, timestamp: 0, ssrc: this.ssrcValue, csrcs: [] };
  }

  get ssrc(): number {
    return this.ssrcValue;
  }

  /** Sequence number the next packet will carry. */
  get nextSequenceNumber(): number {
    return this.seq;
  }

  /** RTP timestamp of the next media frame. */
  get timestamp(): number {
    return this.ts;
  }

  /**
   * Header for the media frame that starts now and lasts `ticks` clock units; the media clock
   * then advances by `ticks`. The marker bit is set on the first frame of a talkspurt.
   */
  nextMediaFrame(payloadType: number, ticks: number): OutgoingRtpHeader {
    const h = this.fill(payloadType, this.ts, this.talkspurtPending);
    this.talkspurtPending = false;
    this.ts = (this.ts + ticks) >>> 0;
    return h;
  }

  /**
   * Media time passes without a packet (silence suppression / DTX, or audio replaced by
   * telephone-events). The next media frame starts a new talkspurt (marker bit).
   */
  skip(ticks: number): void {
    this.ts = (this.ts + ticks) >>> 0;
    this.talkspurtPending = true;
  }

  /**
   * Header for a packet stamped with an explicit timestamp that does not move the media clock
   * (RFC 4733 §2.5.1: every packet of one event carries the event's start timestamp).
   */
  nextPacketAt(payloadType: number, timestamp: number, marker: boolean): OutgoingRtpHeader {
    return this.fill(payloadType, timestamp >>> 0, marker);
  }

  /** Record that a packet with `payloadOctets` of payload left at wall time `nowMs` (for SR, §6.4.1). */
  recordSent(payloadOctets: number, timestamp: number, nowMs: number): void {
    this.packets = (this.packets + 1) >>> 0;
    this.octets = (this.octets + payloadOctets) >>> 0;
    this.lastSentTimestamp = timestamp >>> 0;
    this.lastSentAtMs = nowMs;
  }

  get counts(): SenderCounts {
    return { packetCount: this.packets, octetCount: this.octets };
  }

  /** True once at least one packet was sent (only senders emit SR; RFC 3550 §6.4). */
  get hasSent(): boolean {
    return this.lastSentTimestamp !== undefined;
  }

  /**
   * The RTP timestamp corresponding to wall time `nowMs`, extrapolated from the last packet
   * sent, for the SR's RTP timestamp field (RFC 3550 §6.4.1).
   */
  rtpTimestampAt(nowMs: number): number {
    const base = this.lastSentTimestamp ?? this.ts;
    const elapsed = this.lastSentTimestamp === undefined ? 0 : nowMs - this.lastSentAtMs;
    return (base + Math.round((elapsed * this.clockRate) / 1000)) >>> 0;
  }

  /** RFC 3550 §8.2: after an SSRC collision pick a new identifier and restart the counts. */
  changeSsrc(avoid: ReadonlySet<number> = new Set()): number {
    let next = this.rng.uint32();
    while (next === this.ssrcValue || avoid.has(next)) next = this.rng.uint32();
    this.ssrcValue = next;
    this.header.ssrc = next;
    this.packets = 0;
    this.octets = 0;
    this.lastSentTimestamp = undefined;
    this.talkspurtPending = true;
    return next;
  }

  private fill(payloadType: number, timestamp: number, marker: boolean): OutgoingRtpHeader {
    const h = this.header;
    h.marker = marker;
    h.payloadType = payloadType;
    h.sequenceNumber = this.seq;
    h.timestamp = timestamp;
    h.ssrc = this.ssrcValue;
    this.seq = (this.seq + 1) & 0xffff;
    return h;
  }
}
