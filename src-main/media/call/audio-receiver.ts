/**
 * The receive half of a call's audio: RTP (already unprotected) → RTCP reception statistics →
 * telephone-events to DTMF notices (RFC 4733 §2.5.2), audio and comfort noise (RFC 3389) into
 * the adaptive jitter buffer → decode, codec PLC for lost or late packets, comfort noise or
 * silence in gaps → codec rate to the playback device's rate.
 *
 * Playout is pulled by the playback stream (the device clock, or the injected Clock for file and
 * null audio): the jitter buffer is read at the pace audio is really played.
 */
import type { Disposable } from '../../base/disposable.js';
import type { Rng } from '../../base/rng.js';
import type { Codec, CodecRegistry } from '../../protocol/codec/index.js';
import {
  CN_STATIC_PAYLOAD_TYPE,
  ComfortNoiseGenerator,
  JitterBuffer,
  TelephoneEventReceiver,
  parseComfortNoise,
  parseRtpPacket,
  type JitterBufferOptions,
  type JitterBufferStats,
  type JitterPacket,
} from '../../protocol/rtp/index.js';
import type { CodecSpec } from '../../protocol/sdp/index.js';
import type { ResamplerFactory } from '../audio/resampler.js';
import { RateBridge } from './rate-bridge.js';

interface ReceivedPacket extends JitterPacket {
  readonly payload: Uint8Array;
}

export interface ReceiveConfig {
  /** Agreed codecs with their payload types (audio, CN and telephone-event). */
  readonly codecs: readonly CodecSpec[];
  /** The codec we expect to receive (the first agreed): sets the jitter buffer's clock. */
  readonly primary: CodecSpec;
  /** Packetization we asked for (a=ptime), ms. */
  readonly ptimeMs: number;
  /** The negotiated direction lets us receive audio (not on hold). */
  readonly playing: boolean;
}

export interface DtmfNotice {
  readonly digit: string;
  readonly durationMs: number;
}

export interface ReceiverStats {
  readonly packets: number;
  readonly dtmfPackets: number;
  readonly unknownPayloadType: number;
  readonly malformed: number;
  readonly decodeErrors: number;
  readonly jitterBuffer: JitterBufferStats | undefined;
  /** Playback frames the pipeline could not fill (played as silence). */
  readonly underruns: number;
}

export interface RtpObserver {
  /** Every valid RTP packet, for RTCP reception statistics (RFC 3550 A.1, A.8). */
  onRtp(ssrc: number, sequenceNumber: number, timestamp: number, arrivalMs: number): void;
}

export class AudioReceiver implements Disposable {
  private config: ReceiveConfig | undefined;
  private jb: JitterBuffer<ReceivedPacket> | undefined;
  private jbClock = 0;
  private readonly decoders = new Map<number, Codec>();
  private specs = new Map<number, CodecSpec>();
  private primaryDecoder: Codec | undefined;
  private lastDecoder: Codec | undefined;
  private readonly cn: ComfortNoiseGenerator;
  /** RFC 4733 receivers per agreed telephone-event payload type (8 kHz, and the audio's rate when it differs). */
  private dtmf = new Map<number, { receiver: TelephoneEventReceiver; clockRate: number }>();
  /** The RFC 4733 receivers on the audio's timestamp clock (audio after a lost end ends their event). */
  private dtmfOnAudioClock: readonly TelephoneEventReceiver[] = [];
  /** Payload types that are comfort noise (RFC 3389), looked up per packet without string work. */
  private cnPayloadTypes = new Set<number>([CN_STATIC_PAYLOAD_TYPE]);
  private bridge: RateBridge | undefined;
  private playRate = 0;
  private s = { packets: 0, dtmfPackets: 0, unknownPt: 0, malformed: 0, underruns: 0 };

  constructor(
    private readonly registry: CodecRegistry,
    rng: Rng,
    private readonly resamplers: ResamplerFactory,
    private readonly observer: RtpObserver,
    private readonly onDtmf: (notice: DtmfNotice) => void,
    private readonly onError: (message: string) => void,
    private readonly jitterOptions: Partial<JitterBufferOptions<ReceivedPacket>> = {},
  ) {
    this.cn = new ComfortNoiseGenerator(rng);
  }

  /** Current jitter-buffer delay (ms) for the E-model. */
  get jitterBufferMs(): number {
    return this.jb?.stats().currentDelayMs ?? 0;
  }

  configure(config: ReceiveConfig, playbackRate: number | undefined): void {
    const wasPlaying = this.config?.playing ?? false;
    this.config = config;
    this.specs = new Map(config.codecs.map((c) => [c.payloadType, c]));
    for (const [pt, codec] of this.decoders) {
      const spec = this.specs.get(pt);
      if (spec === undefined || !sameSpec(spec, codec)) {
        codec.dispose();
        this.decoders.delete(pt);
      }
    }
    this.primaryDecoder = this.decoder(config.primary.payloadType);
    this.lastDecoder = this.primaryDecoder;
    const clock = config.primary.clockRate;
    if (this.jb === undefined || this.jbClock !== clock) {
      this.jb = new JitterBuffer<ReceivedPacket>({ clockRate: clock, frameTicks: Math.round((clock * config.ptimeMs) / 1000), isSilence: (p) => this.isSilence(p), ...this.jitterOptions });
      this.jbClock = clock;
    } else if (!wasPlaying && config.playing) {
      this.jb.reset();
    }
    const dtmf = new Map<number, { receiver: TelephoneEventReceiver; clockRate: number }>();
    for (const te of config.codecs.filter((c) => c.encodingName.toLowerCase() === 'telephone-event')) {
      const kept = this.dtmf.get(te.payloadType);
      dtmf.set(te.payloadType, kept !== undefined && kept.clockRate === te.clockRate ? kept : { receiver: new TelephoneEventReceiver(te.clockRate), clockRate: te.clockRate });
    }
    this.dtmf = dtmf;
    this.dtmfOnAudioClock = [...dtmf.values()].filter((d) => d.clockRate === this.jbClock).map((d) => d.receiver);
    this.cnPayloadTypes = new Set([CN_STATIC_PAYLOAD_TYPE, ...config.codecs.filter((c) => c.encodingName.toLowerCase() === 'cn').map((c) => c.payloadType)]);
    this.playRate = this.primaryDecoder?.sampleRate ?? 8000;
    const outRate = playbackRate ?? this.playRate;
    if (this.bridge === undefined || this.bridge.inputRate !== this.playRate || this.bridge.outputRate !== outRate) {
      this.bridge?.dispose();
      this.bridge = new RateBridge(this.playRate, outRate, this.resamplers, this.onError);
    }
  }

  /** One plain RTP packet (a view the receiver may keep). */
  onRtp(bytes: Uint8Array, length: number, arrivalMs: number): void {
    const parsed = parseRtpPacket(bytes.subarray(0, length));
    if (!parsed.ok) {
      this.s.malformed++;
      return;
    }
    const p = parsed.value;
    this.observer.onRtp(p.ssrc, p.sequenceNumber, p.timestamp, arrivalMs);
    const config = this.config;
    if (config === undefined) return;
    const events = this.dtmf.get(p.payloadType);
    if (events !== undefined) {
      this.s.dtmfPackets++;
      for (const n of events.receiver.onPacket(p.timestamp, p.payload)) {
        if (n.kind === 'end' && n.key !== undefined) this.onDtmf({ digit: n.key, durationMs: n.durationMs });
      }
      return;
    }
    const isCn = this.cnPayloadTypes.has(p.payloadType);
    if (!isCn && this.decoder(p.payloadType) === undefined) {
      this.s.unknownPt++;
      return;
    }
    // Audio after an event whose end packets were all lost ends it (same timestamp clock only).
    const onClock = this.dtmfOnAudioClock;
    for (let i = 0; i < onClock.length; i++) {
      const r = onClock[i]!;
      if (!r.eventOpen) continue;
      for (const n of r.onAudio(p.timestamp)) if (n.kind === 'end' && n.key !== undefined) this.onDtmf({ digit: n.key, durationMs: n.durationMs });
    }
    this.s.packets++;
    if (!config.playing) return;
    this.jb?.put(p, arrivalMs);
  }

  /** The playback device asks for one frame at its rate (`out` is zeroed by the device). */
  fill(out: Int16Array, nowMs: number): void {
    const bridge = this.bridge;
    const jb = this.jb;
    if (bridge === undefined || jb === undefined || this.config?.playing !== true || !bridge.ready) {
      out.fill(0);
      return;
    }
    for (let i = 0; i < 8 && bridge.buffered < out.length; i++) bridge.push(this.nextChunk(jb, nowMs));
    if (!bridge.pop(out)) {
      this.s.underruns++;
      out.fill(0);
    }
  }

  stats(): ReceiverStats {
    let decodeErrors = 0;
    for (const d of this.decoders.values()) decodeErrors += d.decodeErrors;
    return {
      packets: this.s.packets,
      dtmfPackets: this.s.dtmfPackets,
      unknownPayloadType: this.s.unknownPt,
      malformed: this.s.malformed + [...this.dtmf.values()].reduce((n, d) => n + d.receiver.malformed, 0),
      decodeErrors,
      jitterBuffer: this.jb?.stats(),
      underruns: this.s.underruns,
    };
  }

  dispose(): void {
    for (const d of this.decoders.values()) d.dispose();
    this.decoders.clear();
    this.bridge?.dispose();
    this.bridge = undefined;
    this.config = undefined;
  }

  /** Comfort noise, or an audio payload its codec classifies as silence (jitter-buffer shrink points). */
  private isSilence(p: ReceivedPacket): boolean {
    if (p.payloadType === CN_STATIC_PAYLOAD_TYPE) return true;
    const decoder = this.decoders.get(p.payloadType);
    if (decoder !== undefined) return decoder.isSilence?.(p.payload) === true;
    return this.specs.get(p.payloadType)?.encodingName.toLowerCase() === 'cn';
  }

  /** One jitter-buffer frame as PCM at the codec rate. */
  private nextChunk(jb: JitterBuffer<ReceivedPacket>, nowMs: number): Int16Array {
    const out = jb.get(nowMs);
    switch (out.kind) {
      case 'packet': {
        const p = out.packet;
        if (this.cnPayloadTypes.has(p.payloadType)) {
          const params = parseComfortNoise(p.payload);
          if (params.ok) this.cn.update(params.value);
          return this.noise(this.samplesFor(out.ticks));
        }
        const d = this.decoder(p.payloadType);
        if (d === undefined || d.sampleRate !== this.playRate) return new Int16Array(this.samplesFor(out.ticks));
        this.lastDecoder = d;
        return d.decode(p.payload);
      }
      case 'conceal': {
        const d = this.lastDecoder;
        const n = this.samplesFor(out.ticks);
        if (d === undefined) return new Int16Array(n);
        const pcm = d.conceal();
        return pcm.length > n ? pcm.subarray(0, n) : pcm;
      }
      case 'silence':
        return this.noise(this.samplesFor(out.ticks));
    }
  }

  private samplesFor(ticks: number): number {
    return Math.max(0, Math.round((ticks * this.playRate) / this.jbClock));
  }

  private noise(samples: number): Int16Array {
    const pcm = new Int16Array(samples);
    if (this.cn.hasParameters) this.cn.generate(pcm);
    return pcm;
  }

  private decoder(pt: number): Codec | undefined {
    const existing = this.decoders.get(pt);
    if (existing !== undefined) return existing;
    const spec = this.specs.get(pt);
    if (spec === undefined) return undefined;
    const factory = this.registry.find(spec.encodingName, spec.clockRate, spec.channels ?? 1);
    if (factory === undefined) return undefined;
    const codec = factory.create({ payloadType: pt, ptimeMs: this.config?.ptimeMs ?? 20, ...(spec.fmtp === undefined ? {} : { remoteFmtp: spec.fmtp }) });
    this.decoders.set(pt, codec);
    return codec;
  }
}

function sameSpec(spec: CodecSpec, codec: Codec): boolean {
  const d = codec.descriptor;
  return spec.encodingName.toLowerCase() === d.encodingName.toLowerCase() && spec.clockRate === d.clockRate && (spec.channels ?? 1) === d.channels;
}
