/**
 * The RTCP side of a call's audio stream (RFC 3550 §6): a compound SR or RR + SDES CNAME at a
 * randomised interval around the nominal one (§6.3.1; the first one after half an interval,
 * §6.2), SRTCP when the stream is encrypted (RFC 3711 §3.4, done by the transport's filter),
 * received reports fed to the reporter (RTT from LSR/DLSR, loss seen by the peer), and a BYE
 * (§6.6) when the call ends. After every report sent, the call-quality figures go out as stats.
 */
import type { Clock } from '../../base/clock.js';
import type { Disposable } from '../../base/disposable.js';
import type { Rng } from '../../base/rng.js';
import { RtcpReporter, parseRtcpCompound, serializeRtcpCompound, type RtpSenderState } from '../../protocol/rtp/index.js';

export interface RtcpPacketSink {
  sendRtcp(packet: Uint8Array): boolean;
}

export interface RtcpSessionOptions {
  readonly cname: string;
  readonly nominalIntervalMs: number;
}

export class RtcpSession implements Disposable {
  private reporter: RtcpReporter | undefined;
  private timer: Disposable | undefined;
  private disposed = false;
  private s = { sent: 0, received: 0, malformed: 0, byeReceived: false };

  constructor(
    private readonly clock: Clock,
    private readonly rng: Rng,
    private readonly sink: RtcpPacketSink,
    private readonly options: RtcpSessionOptions,
    private readonly onReport: (reporter: RtcpReporter) => void,
  ) {}

  get current(): RtcpReporter | undefined {
    return this.reporter;
  }

  get peerSaidBye(): boolean {
    return this.s.byeReceived;
  }

  /** A (new) sending stream or receive clock: statistics restart with a new reporter. */
  attach(sender: RtpSenderState, receiveClockRate: number, codecName: string): void {
    this.reporter = new RtcpReporter(sender, { cname: this.options.cname, receiveClockRate, codecName: codecName.toLowerCase(), nominalIntervalMs: this.options.nominalIntervalMs });
    if (this.timer === undefined && !this.disposed) this.schedule(this.reporter.nextIntervalMs(this.rng) / 2);
  }

  onRtp(ssrc: number, sequenceNumber: number, timestamp: number, arrivalMs: number): void {
    this.reporter?.onRtp(ssrc, sequenceNumber, timestamp, arrivalMs);
  }

  onRtcp(bytes: Uint8Array, length: number, arrivalMs: number): void {
    const parsed = parseRtcpCompound(bytes.subarray(0, length));
    if (!parsed.ok) {
      this.s.malformed++;
      return;
    }
    this.s.received++;
    if (parsed.value.some((p) => p.type === 'bye')) this.s.byeReceived = true;
    this.reporter?.onRtcp(parsed.value, this.clock.now(), arrivalMs);
  }

  /** Sends a report now (also used by tests and at re-negotiation). */
  sendReport(): void {
    const r = this.reporter;
    if (r === undefined) return;
    if (this.sink.sendRtcp(serializeRtcpCompound(r.buildReport(this.clock.now(), this.clock.monotonic())))) this.s.sent++;
    this.onReport(r);
  }

  /** RFC 3550 §6.6: BYE when leaving. */
  sendBye(reason?: string): void {
    const r = this.reporter;
    if (r === undefined) return;
    if (this.sink.sendRtcp(serializeRtcpCompound(r.buildBye(reason)))) this.s.sent++;
  }

  stats(): { sent: number; received: number; malformed: number } {
    return { sent: this.s.sent, received: this.s.received, malformed: this.s.malformed };
  }

  dispose(): void {
    this.disposed = true;
    this.timer?.dispose();
    this.timer = undefined;
  }

  private schedule(ms: number): void {
    this.timer = this.clock.setTimer(ms, () => {
      this.timer = undefined;
      if (this.disposed) return;
      this.sendReport();
      const r = this.reporter;
      if (r !== undefined) this.schedule(r.nextIntervalMs(this.rng));
    });
  }
}
