/**
 * One call's media behind the CallMedia port (media/call-media.ts): SDP offer/answer with SDES
 * (protocol/sdp, protocol/sdes), then the RTP flow it describes - transport (symmetric RTP,
 * rtcp-mux, SRTP), send path (capture → encode → packetize, DTMF), receive path (jitter buffer →
 * decode/PLC → playback), RTCP with call-quality stats.
 *
 * Offer/answer (RFC 3264): the last NegotiatedSession is kept, so a re-offer (hold, resume,
 * refresh) reuses keys when nothing changed and gets new ones when the media changed (§8,
 * RFC 4568 §7.1.4); the flow is updated in place - same sockets, same SSRC unless the RTP clock
 * rate changed, old SRTP receive key kept until the peer uses the new one.
 *
 * Directions (RFC 3264 §5.1, §6.1): we send microphone audio only when the stream sends and we
 * are not the ones holding (a local hold offers sendonly, and the held party must not hear us);
 * we play whatever the negotiated direction lets us receive (music on hold when held).
 */
import type { Clock } from '../../base/clock.js';
import { Emitter } from '../../base/event.js';
import type { Logger } from '../../base/logger.js';
import { err, ok, type Result } from '../../base/result.js';
import type { Rng } from '../../base/rng.js';
import type { Codec, CodecRegistry } from '../../protocol/codec/index.js';
import type { JitterBufferOptions, JitterPacket, RtcpReporter } from '../../protocol/rtp/index.js';
import {
  applyAnswer as applySdpAnswer,
  createAnswer as createSdpAnswer,
  createOffer as createSdpOffer,
  type Direction,
  type NegotiatedMedia,
  type NegotiatedSession,
  type PendingOffer,
} from '../../protocol/sdp/index.js';
import type { ResamplerFactory } from '../audio/resampler.js';
import type { CallAudioDeviceChoice, CallVolume, CallMedia, CallMediaOptions, MediaEvent, MediaFailure, MediaState, MediaStats, OfferOptions } from '../call-media.js';
import { AudioReceiver } from './audio-receiver.js';
import { AudioSender } from './audio-sender.js';
import type { CallAudio } from './call-audio.js';
import { CallAudioStreams, type CallAudioStreamStats, type MediaProblemSource } from './call-audio-streams.js';
import { DEFAULT_PTIME_MS, buildLocalMediaConfig, codecName, mediaFlow, sendPtimeMs } from './local-media-config.js';
import { MediaTransport } from './media-transport.js';
import { RtcpSession } from './rtcp-session.js';
import type { RtpSocketPair } from './rtp-port-allocation.js';
import type { RtpSocketFactory } from './rtp-socket-port.js';
import { SrtpFilter } from './srtp-filter.js';

export interface CallMediaSessionDeps {
  readonly clock: Clock;
  readonly rng: Rng;
  readonly logger: Logger;
  readonly registry: CodecRegistry;
  readonly resamplers: ResamplerFactory;
  readonly sockets: RtpSocketFactory;
  readonly rtcpIntervalMs: number;
  readonly jitterBuffer?: Partial<JitterBufferOptions<JitterPacket>>;
}

/** Everything a test or the CLI may want to see; no key material. */
export interface CallMediaDiagnostics {
  readonly localRtpPort: number;
  readonly rtcpMux: boolean;
  readonly remote?: { readonly address: string; readonly port: number };
  readonly audioBackend: string;
  readonly streamRate?: number;
  /** Devices in use, device switches, echo-canceller counters. */
  readonly audio?: CallAudioStreamStats;
  readonly ssrc?: number;
  readonly transport: ReturnType<MediaTransport['stats']>;
  readonly srtp: ReturnType<SrtpFilter['stats']>;
  readonly sender: ReturnType<AudioSender['stats']>;
  readonly receiver: ReturnType<AudioReceiver['stats']>;
  readonly rtcp: ReturnType<RtcpSession['stats']>;
  readonly peerSaidBye: boolean;
}

interface SendSetup {
  readonly key: string;
  readonly codec: Codec;
}

export class CallMediaSession implements CallMedia {
  private readonly events = new Emitter<MediaEvent>();
  readonly onEvent = this.events.event;
  private pending: { offer: PendingOffer; direction: Direction } | undefined;
  private negotiated: NegotiatedSession | undefined;
  private current: MediaState | undefined;
  private localDirection: Direction = 'sendrecv';
  private readonly srtp: SrtpFilter;
  private readonly transport: MediaTransport;
  private readonly sender: AudioSender;
  private readonly receiver: AudioReceiver;
  private readonly rtcp: RtcpSession;
  private streams: CallAudioStreams | undefined;
  private send: SendSetup | undefined;
  private rtcpRebind: Promise<void> | undefined;
  private disposed = false;
  private readonly log: Logger;

  constructor(
    private readonly options: CallMediaOptions,
    pair: RtpSocketPair,
    private audio: CallAudio | undefined,
    private readonly deps: CallMediaSessionDeps,
  ) {
    this.log = deps.logger.child('call-media');
    this.srtp = new SrtpFilter(() => deps.clock.monotonic());
    const onError = (message: string): void => this.error(message, 'network');
    this.transport = MediaTransport.fromPair(pair, this.srtp, deps.clock, {
      rtp: (bytes, length, at) => this.receiver.onRtp(bytes, length, at),
      rtcp: (bytes, length, at) => this.rtcp.onRtcp(bytes, length, at),
      latched: (endpoint, kind) => {
        this.log.info('symmetric RTP: latched to the source the peer sends from', { callId: options.callId, kind, address: endpoint.address, port: endpoint.port });
        if (kind === 'rtp') this.events.fire({ kind: 'latched', address: endpoint.address, port: endpoint.port });
      },
    });
    this.sender = new AudioSender(deps.rng, deps.clock, this.transport, deps.resamplers, onError);
    this.receiver = new AudioReceiver(
      deps.registry,
      deps.rng,
      deps.resamplers,
      { onRtp: (ssrc, seq, ts, at) => this.rtcp.onRtp(ssrc, seq, ts, at) },
      (n) => this.events.fire({ kind: 'dtmf', digit: n.digit, durationMs: n.durationMs }),
      onError,
      deps.jitterBuffer,
    );
    const cname = `${randomHex(deps.rng, 8)}@softphone`;
    this.rtcp = new RtcpSession(deps.clock, deps.rng, this.transport, { cname, nominalIntervalMs: deps.rtcpIntervalMs }, (r) => this.events.fire({ kind: 'stats', stats: this.statsFrom(r) }));
  }

  get state(): MediaState | undefined {
    return this.current;
  }

  createOffer(direction?: Direction, options: OfferOptions = {}): Result<string, MediaFailure> {
    if (this.disposed) return err({ code: 'bad-config', message: 'the call media was disposed' });
    const dir = direction ?? this.localDirection;
    const config = buildLocalMediaConfig(this.options, this.deps.registry, this.transport.localRtpPort, dir);
    let previous = this.negotiated;
    // The offer/answer code gives new keys when our side of the media changed (RFC 3264 §8,
    // RFC 4568 §7.1.4); to re-key without a change, compare against a config that differs.
    if (options.rekey === true && previous !== undefined) previous = { ...previous, localConfig: { ...previous.localConfig, port: 0 } };
    const r = createSdpOffer(config, { rng: this.deps.rng, ...(previous === undefined ? {} : { previous }) });
    if (!r.ok) return err({ code: r.error.code, message: r.error.message, ...(r.error.report === undefined ? {} : { report: r.error.report }) });
    this.pending = { offer: r.value, direction: dir };
    return ok(r.value.text);
  }

  applyAnswer(sdp: Uint8Array | string): Result<MediaState, MediaFailure> {
    if (this.disposed) return err({ code: 'bad-config', message: 'the call media was disposed' });
    const pending = this.pending;
    if (pending === undefined) return err({ code: 'bad-config', message: 'no offer is waiting for an answer' });
    this.pending = undefined;
    const r = applySdpAnswer(pending.offer, sdp);
    if (!r.ok) {
      const code = r.error.code === 'unparseable-answer' ? 'unparseable-sdp' : r.error.code;
      return err({ code, message: r.error.message, ...(r.error.report === undefined ? {} : { report: r.error.report }) });
    }
    this.localDirection = pending.direction;
    // Offer-time warnings (keys written over a non-TLS hop) must survive into what the UI shows;
    // applyAnswer's report only carries the answer's own.
    const warnings = [...r.value.report.warnings];
    for (const w of pending.offer.report.warnings) if (!warnings.some((x) => x.code === w.code && x.mediaIndex === w.mediaIndex)) warnings.push(w);
    return this.activate({ ...r.value, report: { ...r.value.report, warnings } });
  }

  answerOffer(sdp: Uint8Array | string, direction?: Direction): Result<{ readonly sdp: string; readonly state: MediaState }, MediaFailure> {
    if (this.disposed) return err({ code: 'bad-config', message: 'the call media was disposed' });
    const dir = direction ?? this.localDirection;
    const config = buildLocalMediaConfig(this.options, this.deps.registry, this.transport.localRtpPort, dir);
    if (config.codecs.length === 0) return err({ code: 'no-codecs', message: 'none of the account codecs is available', sipStatus: 488 });
    const r = createSdpAnswer(sdp, config, { rng: this.deps.rng, ...(this.negotiated === undefined ? {} : { previous: this.negotiated }) });
    if (!r.ok) {
      const code = r.error.code === 'unparseable-offer' ? 'unparseable-sdp' : 'not-acceptable';
      return err({ code, message: r.error.message, sipStatus: r.error.sipStatus, ...(r.error.report === undefined ? {} : { report: r.error.report }) });
    }
    // An offer from the peer supersedes one of ours still in flight (glare is the UA's to resolve).
    this.pending = undefined;
    this.localDirection = dir;
    const state = this.activate(r.value.session);
    return state.ok ? ok({ sdp: r.value.text, state: state.value }) : state;
  }

  sendDtmf(digit: string, durationMs?: number): boolean {
    if (this.disposed) return false;
    return this.sender.sendDtmf(digit, durationMs);
  }

  setMuted(muted: boolean): void {
    this.sender.muted = muted;
  }

  setVolume(volume: CallVolume): void {
    if (this.disposed) return;
    if (this.streams !== undefined) this.streams.setVolume(volume);
    else if (this.audio !== undefined) {
      // Not negotiated yet: the streams open with these gains.
      this.audio = {
        ...this.audio,
        ...(volume.inputGainDb === undefined ? {} : { inputGainDb: volume.inputGainDb }),
        ...(volume.outputGainDb === undefined ? {} : { outputGainDb: volume.outputGainDb }),
      };
    }
  }

  async setAudioDevices(choice: CallAudioDeviceChoice): Promise<void> {
    if (this.disposed || this.audio === undefined) return;
    if (this.streams !== undefined) {
      await this.streams.setDevices(choice);
      return;
    }
    // Not negotiated yet: the streams open on the chosen devices.
    const pick = (chosen: string | null | undefined, current: string | undefined): string | undefined => (chosen === undefined ? current : (chosen ?? undefined));
    const { captureDeviceId: _c, playbackDeviceId: _p, ...rest } = this.audio;
    const capture = pick(choice.captureDeviceId, this.audio.captureDeviceId);
    const playback = pick(choice.playbackDeviceId, this.audio.playbackDeviceId);
    this.audio = { ...rest, ...(capture === undefined ? {} : { captureDeviceId: capture }), ...(playback === undefined ? {} : { playbackDeviceId: playback }) };
  }

  /** Call-quality figures now (the same as the last `stats` event, refreshed). */
  stats(): MediaStats {
    return this.statsFrom(this.rtcp.current);
  }

  /** Sends an RTCP report now (the timer does this every ~5 s). */
  sendRtcpReport(): void {
    this.rtcp.sendReport();
  }

  diagnostics(): CallMediaDiagnostics {
    const target = this.transport.rtpTarget;
    const ssrc = this.sender.state?.ssrc;
    return {
      localRtpPort: this.transport.localRtpPort,
      rtcpMux: !this.transport.hasRtcpSocket,
      ...(target === undefined ? {} : { remote: { address: target.address, port: target.port } }),
      audioBackend: this.streams?.backend ?? (this.audio?.port.backend ?? 'none'),
      ...(this.streams === undefined ? {} : { streamRate: this.streams.rate, audio: this.streams.stats() }),
      ...(ssrc === undefined ? {} : { ssrc }),
      transport: this.transport.stats(),
      srtp: this.srtp.stats(),
      sender: this.sender.stats(),
      receiver: this.receiver.stats(),
      rtcp: this.rtcp.stats(),
      peerSaidBye: this.rtcp.peerSaidBye,
    };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.negotiated !== undefined) this.rtcp.sendBye('call ended');
    this.rtcp.dispose();
    this.streams?.dispose();
    this.sender.dispose();
    this.receiver.dispose();
    this.transport.dispose();
    this.srtp.dispose();
    if (this.streams === undefined && this.audio?.owned === true) this.audio.port.dispose();
    this.events.dispose();
  }

  // ---------------------------------------------------------------- negotiated → flow

  private activate(session: NegotiatedSession): Result<MediaState, MediaFailure> {
    const m = session.media.find((x) => x.accepted && x.type.toLowerCase() === 'audio');
    const spec = m?.sendCodec;
    const factory = spec === undefined ? undefined : this.deps.registry.find(spec.encodingName, spec.clockRate, spec.channels ?? 1);
    if (m === undefined || spec === undefined || factory === undefined) {
      return err({ code: 'no-media', message: 'no audio stream with a codec we can use was agreed', report: session.report });
    }
    this.negotiated = session;

    const srtpChange = this.srtp.update(m.srtp, session.role === 'answerer');
    if (srtpChange !== 'unchanged') this.log.info(`SRTP ${srtpChange}`, { callId: this.options.callId, suite: m.srtp?.suite });
    this.configureTransport(m);

    // Send path: keep the encoder (and its state) when nothing about it changed.
    const ptime = sendPtimeMs(m.remotePtime);
    const key = `${spec.payloadType} ${spec.encodingName}/${spec.clockRate}/${spec.channels ?? 1} ${spec.fmtp ?? ''} ${ptime}`;
    if (this.send?.key !== key) {
      this.send = { key, codec: factory.create({ payloadType: spec.payloadType, ptimeMs: ptime, ...(spec.fmtp === undefined ? {} : { remoteFmtp: spec.fmtp }) }) };
    }
    const codec = this.send.codec;
    const streams = (this.streams ??= this.openStreams(codec.sampleRate));
    const te = m.telephoneEvent;
    const flow = mediaFlow(m.direction, this.localDirection);
    const sending = flow.send;
    const { newSsrc } = this.sender.configure({ codec, telephoneEvent: te === undefined ? undefined : { payloadType: te.payloadType, clockRate: te.clockRate }, sending }, streams.rate);

    // Receive path.
    this.receiver.configure({ codecs: m.codecs, primary: spec, ptimeMs: DEFAULT_PTIME_MS, playing: flow.receive }, this.audio?.playback === false ? undefined : streams.rate);
    if (newSsrc || this.rtcp.current === undefined) this.rtcp.attach(this.sender.state!, spec.clockRate, spec.encodingName);

    // Audio devices open once the caller's stack is done: an answer's 200 OK (or an offer's INVITE)
    // goes out first, and the devices follow within the same turn of the event loop (the receive
    // path is configured above, so packets arriving meanwhile wait in the jitter buffer).
    queueMicrotask(() => void streams.start());
    const state: MediaState = {
      srtp: this.srtp.active,
      ...(m.srtp === undefined ? {} : { suite: m.srtp.suite }),
      codec: codecName(spec),
      direction: m.direction,
      report: session.report,
    };
    this.current = state;
    this.events.fire({ kind: 'negotiated', state });
    return ok(state);
  }

  private configureTransport(m: NegotiatedMedia): void {
    const address = m.remoteAddress ?? '0.0.0.0';
    this.transport.configure({
      rtp: { address, port: m.remotePort },
      rtcp: { address: m.remoteRtcpAddress ?? address, port: m.remoteRtcpPort ?? m.remotePort + 1 },
      mux: m.rtcpMux,
    });
    if (m.rtcpMux) this.transport.releaseRtcpSocket();
    else if (!this.transport.hasRtcpSocket && this.rtcpRebind === undefined) {
      // Multiplexing was dropped by a re-negotiation: RTCP needs RTP+1 again (RFC 3550 §11).
      this.rtcpRebind = this.deps.sockets.bind(this.options.localAddress, this.transport.localRtpPort + 1).then((r) => {
        this.rtcpRebind = undefined;
        if (r.ok) this.transport.attachRtcpSocket(r.value);
        else this.error(`RTCP port ${this.transport.localRtpPort + 1} unavailable: ${r.error.message}`, 'network', r.error.code);
      });
    }
  }

  private openStreams(codecRate: number): CallAudioStreams {
    const rate = this.audio?.sampleRate ?? codecRate;
    return new CallAudioStreams(this.audio, rate, DEFAULT_PTIME_MS, this.deps.clock, this.log, {
      capture: (frame) => this.sender.onCapture(frame),
      playback: (out) => this.receiver.fill(out, this.deps.clock.monotonic()),
      error: (message, source, cause) => this.error(message, source, cause),
      devices: (devices) => {
        if (!this.disposed) this.events.fire({ kind: 'audio-devices', devices });
      },
      levels: (levels) => {
        if (!this.disposed) this.events.fire({ kind: 'levels', levels });
      },
    }, this.deps.resamplers);
  }

  private statsFrom(r: RtcpReporter | undefined): MediaStats {
    const srtp = this.srtp.stats();
    const jb = this.receiver.stats().jitterBuffer;
    const base = { srtpAuthFailures: srtp.authFailures, srtpReplays: srtp.replays, jitterBufferMs: jb?.currentDelayMs ?? 0, concealedFrames: jb?.concealed ?? 0, latePackets: jb?.late ?? 0 };
    if (r === undefined) return { packetsSent: 0, packetsReceived: 0, packetsLost: 0, lossPercent: 0, jitterMs: 0, ...base };
    const q = r.quality({ jitterBufferMs: this.receiver.jitterBufferMs, packetizationMs: DEFAULT_PTIME_MS });
    const lost = q.lossPercent >= 100 ? 0 : Math.round((q.packetsReceived * q.lossPercent) / (100 - q.lossPercent));
    return {
      packetsSent: q.packetsSent,
      packetsReceived: q.packetsReceived,
      packetsLost: lost,
      lossPercent: q.lossPercent,
      jitterMs: q.jitterMs,
      ...(q.rttMs === undefined ? {} : { rttMs: q.rttMs }),
      ...(q.packetsReceived > 0 ? { mos: q.mos } : {}),
      ...(q.remoteLossPercent === undefined ? {} : { remoteLossPercent: q.remoteLossPercent }),
      ...base,
    };
  }

  private error(message: string, source: MediaProblemSource, cause?: string): void {
    this.log.warn(message, { callId: this.options.callId });
    if (!this.disposed) this.events.fire({ kind: 'error', source, ...(cause === undefined ? {} : { cause }), message });
  }
}

function randomHex(rng: Rng, bytes: number): string {
  let s = '';
  for (const b of rng.bytes(bytes)) s += b.toString(16).padStart(2, '0');
  return s;
}
