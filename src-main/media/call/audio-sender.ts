/**
 * The send half of a call's audio: capture frames (device rate) → codec rate → encode →
 * packetize (RFC 3550 §5.1: random SSRC, sequence number and timestamp; RFC 3551 §4.1: marker on
 * the first packet of a talkspurt) → the transport (SRTP, symmetric RTP) - and RFC 4733 DTMF,
 * whose packets replace the audio of the intervals they cover.
 *
 * Paced by the capture stream (the device clock, or the injected Clock for file/null audio): one
 * packet per codec frame, never a timer of its own. While sending is not allowed (hold, or the
 * peer holds us) the media clock keeps running without packets, so the next talkspurt carries
 * the marker bit and a timestamp that reflects the gap.
 */
import type { Clock } from '../../base/clock.js';
import type { Disposable } from '../../base/disposable.js';
import type { Rng } from '../../base/rng.js';
import type { Codec } from '../../protocol/codec/index.js';
import { RtpSenderState, TelephoneEventSender, dtmfEventCode, writeRtpPacket } from '../../protocol/rtp/index.js';
import type { ResamplerFactory } from '../audio/resampler.js';
import { RateBridge } from './rate-bridge.js';

export interface TelephoneEventTarget {
  readonly payloadType: number;
  readonly clockRate: number;
}

export interface SendConfig {
  /** Encoder for the negotiated send codec (its payloadType is the negotiated one). */
  readonly codec: Codec;
  readonly telephoneEvent: TelephoneEventTarget | undefined;
  /** The negotiated direction allows sending audio. */
  readonly sending: boolean;
}

export interface PacketSink {
  sendRtp(packet: Uint8Array): boolean;
}

const MAX_RTP = 1500;
const DEFAULT_DTMF_MS = 100;

export class AudioSender implements Disposable {
  private rtp: RtpSenderState | undefined;
  private config: SendConfig | undefined;
  private bridge: RateBridge | undefined;
  private readonly packet = new Uint8Array(MAX_RTP);
  private frame = new Int16Array(0);
  private dtmf: TelephoneEventSender | undefined;
  private readonly dtmfQueue: { key: string; ms: number }[] = [];
  private mutedFlag = false;
  private s = { frames: 0, packets: 0, dtmfPackets: 0, skipped: 0, encodeErrors: 0 };

  constructor(
    private readonly rng: Rng,
    private readonly clock: Clock,
    private readonly sink: PacketSink,
    private readonly resamplers: ResamplerFactory,
    private readonly onError: (message: string) => void,
  ) {}

  /** The RTP sender state (SSRC, counts) for RTCP; replaced when the RTP clock rate changes. */
  get state(): RtpSenderState | undefined {
    return this.rtp;
  }

  get muted(): boolean {
    return this.mutedFlag;
  }

  set muted(v: boolean) {
    this.mutedFlag = v;
  }

  /** True when DTMF can be sent now (negotiated telephone-event and a sending direction). */
  get canSendDtmf(): boolean {
    return this.config?.telephoneEvent !== undefined && this.config.sending;
  }

  configure(config: SendConfig, captureRate: number): { newSsrc: boolean } {
    const prev = this.config;
    const codec = config.codec;
    let newSsrc = false;
    // RFC 3550 §5.1/RFC 7160: one RTP clock per SSRC; a new clock rate gets a new stream.
    if (this.rtp === undefined || this.rtp.clockRate !== codec.descriptor.clockRate) {
      this.rtp = new RtpSenderState(this.rng, { clockRate: codec.descriptor.clockRate });
      newSsrc = true;
    }
    if (prev !== undefined && prev.codec !== codec) prev.codec.dispose();
    if (this.bridge === undefined || this.bridge.inputRate !== captureRate || this.bridge.outputRate !== codec.sampleRate) {
      this.bridge?.dispose();
      this.bridge = new RateBridge(captureRate, codec.sampleRate, this.resamplers, this.onError);
    }
    if (this.frame.length !== codec.frameSamples) this.frame = new Int16Array(codec.frameSamples);
    if (!config.sending || config.telephoneEvent === undefined || prev?.telephoneEvent?.clockRate !== config.telephoneEvent.clockRate) {
      this.dtmf = undefined;
      if (!config.sending || config.telephoneEvent === undefined) this.dtmfQueue.length = 0;
    }
    this.config = config;
    return { newSsrc };
  }

  /** Queues RFC 4733 digits; false when telephone-event was not agreed or sending is off. */
  sendDtmf(keys: string, durationMs = DEFAULT_DTMF_MS): boolean {
    if (!this.canSendDtmf || keys.length === 0) return false;
    for (const k of keys) if (dtmfEventCode(k) === undefined) return false;
    for (const k of keys) this.dtmfQueue.push({ key: k, ms: Math.max(40, Math.min(5000, durationMs)) });
    return true;
  }

  /** One captured frame at the capture rate (the array is reused by the caller). */
  onCapture(pcm: Int16Array): void {
    const bridge = this.bridge;
    const config = this.config;
    if (bridge === undefined || config === undefined) return;
    bridge.push(pcm);
    while (bridge.pop(this.frame)) this.sendFrame(config, this.frame);
  }

  stats(): { frames: number; packets: number; dtmfPackets: number; skipped: number; encodeErrors: number } {
    return { ...this.s };
  }

  dispose(): void {
    this.config?.codec.dispose();
    this.config = undefined;
    this.bridge?.dispose();
    this.bridge = undefined;
  }

  private sendFrame(config: SendConfig, pcm: Int16Array): void {
    const rtp = this.rtp!;
    const codec = config.codec;
    const ticks = codec.frameTicks;
    this.s.frames++;
    if (!config.sending) {
      this.s.skipped++;
      rtp.skip(ticks);
      return;
    }
    const te = config.telephoneEvent;
    if (te !== undefined) {
      const event = this.nextDtmf(te, ticks, rtp.timestamp);
      if (event !== undefined) {
        const h = rtp.nextPacketAt(te.payloadType, event.timestamp, event.marker);
        this.emit(rtp, h, event.payload);
        this.s.dtmfPackets++;
        rtp.skip(ticks);
        return;
      }
    }
    if (this.mutedFlag) pcm.fill(0);
    let payload: Uint8Array;
    try {
      payload = codec.encode(pcm);
    } catch (e) {
      this.s.encodeErrors++;
      if (this.s.encodeErrors === 1) this.onError(`encoder failed: ${String(e)}`);
      rtp.skip(ticks);
      return;
    }
    const h = rtp.nextMediaFrame(codec.payloadType, ticks);
    this.emit(rtp, h, payload);
  }

  private emit(rtp: RtpSenderState, h: ReturnType<RtpSenderState['nextMediaFrame']>, payload: Uint8Array): void {
    const ts = h.timestamp;
    const n = writeRtpPacket({ marker: h.marker, payloadType: h.payloadType, sequenceNumber: h.sequenceNumber, timestamp: ts, ssrc: h.ssrc, csrcs: h.csrcs, payload }, this.packet, 0);
    if (this.sink.sendRtp(this.packet.subarray(0, n))) {
      rtp.recordSent(payload.length, ts, this.clock.now());
      this.s.packets++;
    }
  }

  /** The telephone-event packet replacing this interval's audio, if a digit is on. */
  private nextDtmf(te: TelephoneEventTarget, audioTicks: number, mediaTimestamp: number): { payload: Uint8Array; timestamp: number; marker: boolean } | undefined {
    if ((this.dtmf === undefined || this.dtmf.idle) && this.dtmfQueue.length > 0) {
      const next = this.dtmfQueue.shift()!;
      const packetTicks = Math.max(1, Math.round((audioTicks * te.clockRate) / this.rtp!.clockRate));
      this.dtmf = new TelephoneEventSender({ clockRate: te.clockRate, packetTicks, toneMs: next.ms });
      this.dtmf.enqueue(next.key);
    }
    return this.dtmf?.tick(mediaTimestamp);
  }
}
