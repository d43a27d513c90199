/**
 * The RTCP side of one RTP session, pure: RFC 3550 §6.4 (SR when we sent since the last report,
 * RR otherwise; one report block per active source), §6.5.1 (SDES CNAME in every compound),
 * §6.6 (BYE), §6.4.1 (RTT from the report blocks the peer sends about us), §6.3.1 (report
 * interval randomised over [0.5, 1.5] × the nominal interval), plus call-quality figures
 * (loss both ways, jitter, RTT, E-model MOS) for the UI and the CLI.
 *
 * DEVIATION(RFC 3550 §6.2): the nominal interval is a fixed 5 s instead of being computed from
 * the session bandwidth and member count; a two-party call stays far below 5 % of the bandwidth.
 */
import type { Rng } from '../../base/rng.js';
import { estimateMos, estimateOneWayDelayMs } from './e-model.js';
import { ntpFromUnixMs, ntpMiddle32, roundTripTimeMs } from './ntp-time.js';
import { ReceptionStats, type PacketVerdict } from './reception-stats.js';
import { sdesTextItem, SdesType, type ReportBlock, type RtcpPacket } from './rtcp-packet.js';
import type { RtpSenderState } from './rtp-sender-state.js';

export interface RtcpReporterOptions {
  /** Canonical name (RFC 7022: a random per-session identifier is fine). */
  readonly cname: string;
  /** Clock rate of the media we receive (for jitter in ms). */
  readonly receiveClockRate: number;
  /** rtpmap name of the codec received, for the E-model. */
  readonly codecName?: string;
  readonly nominalIntervalMs?: number;
}

export interface CallQuality {
  readonly packetsSent: number;
  readonly packetsReceived: number;
  /** Loss of the stream we receive, cumulative, in percent. */
  readonly lossPercent: number;
  /** Loss the peer reports for our stream (last report), in percent. */
  readonly remoteLossPercent: number | undefined;
  /** Interarrival jitter of the stream we receive (RFC 3550 A.8), ms. */
  readonly jitterMs: number;
  readonly rttMs: number | undefined;
  readonly r: number;
  readonly mos: number;
}

export class RtcpReporter {
  private readonly sources = new Map<number, ReceptionStats>();
  private readonly departed = new Set<number>();
  private lastRttMs: number | undefined;
  private remoteFraction: number | undefined;
  private sentAtLastReport = 0;

  constructor(
    private readonly sender: RtpSenderState,
    private readonly options: RtcpReporterOptions,
  ) {}

  /** Every received RTP packet (after SRTP). */
  onRtp(ssrc: number, sequenceNumber: number, timestamp: number, arrivalMonoMs: number): PacketVerdict {
    let s = this.sources.get(ssrc);
    if (s === undefined) {
      s = new ReceptionStats(ssrc, this.options.receiveClockRate);
      this.sources.set(ssrc, s);
      this.departed.delete(ssrc);
    }
    return s.onPacket(sequenceNumber, timestamp, arrivalMonoMs);
  }

  /** A received compound RTCP packet (after SRTCP). */
  onRtcp(packets: readonly RtcpPacket[], arrivalWallMs: number, arrivalMonoMs: number): void {
    const arrivalCompact = ntpMiddle32(ntpFromUnixMs(arrivalWallMs));
    for (const p of packets) {
      if (p.type === 'sr') this.sources.get(p.ssrc)?.onSenderReport(ntpMiddle32(p.ntp), arrivalMonoMs);
      if (p.type === 'sr' || p.type === 'rr') {
        for (const block of p.reports) {
          if (block.ssrc !== this.sender.ssrc) continue;
          this.remoteFraction = block.fractionLost;
          const rtt = roundTripTimeMs(arrivalCompact, block.lastSr, block.delaySinceLastSr);
          if (rtt !== undefined) this.lastRttMs = rtt;
        }
      }
      if (p.type === 'bye') for (const ssrc of p.ssrcs) this.departed.add(ssrc);
    }
  }

  /** Sources that said BYE (RFC 3550 §6.6). */
  hasLeft(ssrc: number): boolean {
    return this.departed.has(ssrc);
  }

  /**
   * The next compound report: SR (if we sent RTP since the last report) or RR, with a block for
   * each active source, then SDES CNAME.
   */
  buildReport(nowWallMs: number, nowMonoMs: number): RtcpPacket[] {
    const reports: ReportBlock[] = [];
    for (const [ssrc, stats] of this.sources) {
      if (this.departed.has(ssrc)) continue;
      const block = stats.makeReportBlock(nowMonoMs);
      if (block !== undefined && reports.length < 31) reports.push(block);
    }
    const sentSince = this.sender.counts.packetCount !== this.sentAtLastReport;
    this.sentAtLastReport = this.sender.counts.packetCount;
    const head: RtcpPacket =
      sentSince && this.sender.hasSent
        ? {
            type: 'sr',
            ssrc: this.sender.ssrc,
            ntp: ntpFromUnixMs(nowWallMs),
            rtpTimestamp: this.sender.rtpTimestampAt(nowWallMs),
            packetCount: this.sender.counts.packetCount,
            octetCount: this.sender.counts.octetCount,
            reports,
            profileExtension: new Uint8Array(0),
          }
        : { type: 'rr', ssrc: this.sender.ssrc, reports, profileExtension: new Uint8Array(0) };
    return [head, this.sdes()];
  }

  /** The goodbye compound (RR + SDES + BYE, §6.6). */
  buildBye(reason?: string): RtcpPacket[] {
    const rr: RtcpPacket = { type: 'rr', ssrc: this.sender.ssrc, reports: [], profileExtension: new Uint8Array(0) };
    const bye: RtcpPacket = reason === undefined ? { type: 'bye', ssrcs: [this.sender.ssrc] } : { type: 'bye', ssrcs: [this.sender.ssrc], reason: sdesTextItem(0, reason).value };
    return [rr, this.sdes(), bye];
  }

  /** Delay until the next report: nominal × uniform[0.5, 1.5] (§6.3.1). */
  nextIntervalMs(rng: Rng): number {
    const nominal = this.options.nominalIntervalMs ?? 5000;
    return nominal * (0.5 + rng.uint32() / 0x1_0000_0000);
  }

  quality(parts: { readonly jitterBufferMs: number; readonly packetizationMs: number }): CallQuality {
    let received = 0;
    let expected = 0;
    let jitterMs = 0;
    for (const [ssrc, s] of this.sources) {
      if (this.departed.has(ssrc)) continue;
      const snap = s.snapshot();
      received += snap.received;
      expected += snap.expected;
      jitterMs = Math.max(jitterMs, snap.jitterMs);
    }
    const lossPercent = expected > 0 ? Math.max(0, ((expected - received) / expected) * 100) : 0;
    const oneWay = estimateOneWayDelayMs({ ...(this.lastRttMs === undefined ? {} : { rttMs: this.lastRttMs }), ...parts });
    const { r, mos } = estimateMos({ codec: this.options.codecName ?? 'pcmu', packetLossPercent: lossPercent, oneWayDelayMs: oneWay });
    return {
      packetsSent: this.sender.counts.packetCount,
      packetsReceived: received,
      lossPercent,
      remoteLossPercent: this.remoteFraction === undefined ? undefined : (this.remoteFraction / 256) * 100,
      jitterMs,
      rttMs: this.lastRttMs,
      r,
      mos,
    };
  }

  private sdes(): RtcpPacket {
    return { type: 'sdes', chunks: [{ ssrc: this.sender.ssrc, items: [sdesTextItem(SdesType.CNAME, this.options.cname)] }] };
  }
}
