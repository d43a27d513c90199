/**
 * The CallMediaFactory the user agent uses (services/ and the CLI): one CallMediaSession per call.
 * Everything with I/O comes in through the constructor (DESIGN.md: only app/ and cli/ build
 * concrete adapters): the RTP socket factory (platform/net/rtp-socket.ts) and the audio provider
 * (call-audio.ts: file/null for the CLI, the sound card for the app).
 *
 *   const media = new CallMediaEngine({ clock, rng, logger, sockets: new NodeRtpSocketFactory(), audio });
 *   const call = await media.create({ callId, srtp: 'mandatory', signalling: 'tls', allowInsecureSdes: false,
 *                                     codecs: ['opus', 'G722', 'PCMA', 'PCMU'], localAddress: flow.localAddress });
 *   if (call.ok) { const offer = call.value.createOffer(); ... call.value.applyAnswer(answerSdp); }
 */
import type { Clock } from '../../base/clock.js';
import { nullLogger, type Logger } from '../../base/logger.js';
import { err, ok, type Result } from '../../base/result.js';
import type { Rng } from '../../base/rng.js';
import { createBaseCodecRegistry, type CodecRegistry } from '../../protocol/codec/index.js';
import type { JitterBufferOptions, JitterPacket } from '../../protocol/rtp/index.js';
import { createResampler, type ResamplerFactory } from '../audio/resampler.js';
import type { CallMedia, CallMediaFactory, CallMediaOptions, MediaFailure } from '../call-media.js';
import { createOpusCodecFactory } from '../codecs/opus-codec.js';
import type { CallAudio, CallAudioProvider } from './call-audio.js';
import { CallMediaSession } from './call-media-session.js';
import { isUsableLocalAddress } from './local-media-config.js';
import { allocateRtpSocketPair, type PortRange, type RtpSocketPairPool } from './rtp-port-allocation.js';
import type { RtpSocketFactory } from './rtp-socket-port.js';

export interface CallMediaEngineOptions {
  readonly clock: Clock;
  readonly rng: Rng;
  readonly logger?: Logger;
  readonly sockets: RtpSocketFactory;
  /** Where each call's audio comes from and goes to. Absent: a silent microphone, nothing played. */
  readonly audio?: CallAudioProvider;
  /** Default: G.711 µ/A-law, G.722, and Opus when the native binding loads. */
  readonly codecs?: CodecRegistry;
  /** Default: libsamplerate (media/audio/resampler.ts). */
  readonly resamplers?: ResamplerFactory;
  /** Nominal RTCP report interval; default 5000 ms (RFC 3550 §6.2 minimum). */
  readonly rtcpIntervalMs?: number;
  /** RTP port range; default: ports the OS picks. */
  readonly portRange?: PortRange;
  readonly jitterBuffer?: Partial<JitterBufferOptions<JitterPacket>>;
  /** Socket pairs bound ahead of calls (the call pre-warm); a call binds its own when none waits for its address. */
  readonly pool?: Pick<RtpSocketPairPool, 'take'>;
}

/** The default codec registry: the pure-TypeScript codecs plus native Opus when available. */
export function createDefaultCodecRegistry(logger: Logger = nullLogger): CodecRegistry {
  const registry = createBaseCodecRegistry();
  const opus = createOpusCodecFactory();
  if (opus.ok) registry.register(opus.value);
  else logger.warn('Opus is not available', { reason: opus.error.message });
  return registry;
}

export class CallMediaEngine implements CallMediaFactory {
  private registry: CodecRegistry | undefined;
  private readonly logger: Logger;

  constructor(private readonly options: CallMediaEngineOptions) {
    this.logger = options.logger ?? nullLogger;
    this.registry = options.codecs;
  }

  /** The codecs this engine can use (for settings screens). */
  get codecs(): CodecRegistry {
    return (this.registry ??= createDefaultCodecRegistry(this.logger));
  }

  async create(options: CallMediaOptions): Promise<Result<CallMedia, MediaFailure>> {
    const registry = this.codecs;
    if (registry.ordered(options.codecs).length === 0) {
      return err({ code: 'no-codecs', message: `none of the account's codecs (${options.codecs.join(', ') || 'none'}) is available in this build`, sipStatus: 488 });
    }
    if (!isUsableLocalAddress(options.localAddress)) {
      return err({ code: 'bad-config', message: `local RTP address must be a unicast IP address, got ${JSON.stringify(options.localAddress)}` });
    }
    const wantsFiles = options.audio?.playFile !== undefined || options.audio?.recordFile !== undefined;
    let audio: CallAudio | undefined;
    if (this.options.audio !== undefined) {
      const opened = this.options.audio.open({ callId: options.callId, audio: options.audio });
      if (!opened.ok) return opened;
      audio = opened.value;
    } else if (wantsFiles) {
      return err({ code: 'bad-config', message: 'file audio was requested but the media engine has no audio provider' });
    }
    const pooled = this.options.pool?.take(options.localAddress);
    const pair = pooled !== undefined ? ok(pooled) : await allocateRtpSocketPair(this.options.sockets, options.localAddress, this.options.rng, this.options.portRange);
    if (!pair.ok) {
      if (audio?.owned === true) audio.port.dispose();
      return err({ code: 'socket-failed', message: pair.error.message });
    }
    this.logger.debug('RTP ports allocated', { callId: options.callId, rtp: pair.value.rtp.localPort, rtcp: pair.value.rtcp.localPort, prebound: pooled !== undefined });
    return ok(
      new CallMediaSession(options, pair.value, audio, {
        clock: this.options.clock,
        rng: this.options.rng,
        logger: this.logger,
        registry,
        resamplers: this.options.resamplers ?? createResampler,
        sockets: this.options.sockets,
        rtcpIntervalMs: this.options.rtcpIntervalMs ?? 5000,
        ...(this.options.jitterBuffer === undefined ? {} : { jitterBuffer: this.options.jitterBuffer }),
      }),
    );
  }
}
