/**
 * The native media path prototype behind the CallMedia port (issue 16), for the media bench's
 * in-phone figure: a CallMediaFactory that takes the calls the prototype can do - a G.711 codec
 * among the account's, file audio (the headless phone's --play/--record) - and hands every other
 * call to the TypeScript engine it wraps (PhoneAdapters.decorateMedia).
 *
 * What a call on it cannot do, and how it says so through the port:
 *  - hold, resume, session refreshes and a peer moving are re-negotiated with the same keys (the
 *    SDP layer keeps them when nothing else changed); re-keying (ours with `rekey`, or the peer's)
 *    keeps the previous receive key until the peer uses the new one, as the TypeScript filter;
 *    a codec change fails with `not-acceptable` (488), so the user agent reports the failure
 *    instead of pretending;
 *  - symmetric RTP: the first packet latches to where the peer really sends from, with the
 *    TypeScript transport's stranger rules (a `latched` event when it moves);
 *  - RFC 4733 DTMF both ways (telephone-event/8000); sendDtmf returns false when the peer did not
 *    agree to it, so the user agent sends SIP INFO;
 *  - devices and volume: file audio only; setAudioDevices and setVolume change nothing;
 *  - RTCP: the native thread sends SR/RR + SDES (and BYE), reads the peer's reports, and keeps
 *    RFC 3550's reception statistics; the `stats` event comes every 5 s from them, with the
 *    TypeScript E-model's MOS (as CallMediaSession.statsFrom).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Emitter } from '../../src-main/base/event.js';
import { err, ok, type Result } from '../../src-main/base/result.js';
import type { Rng } from '../../src-main/base/rng.js';
import { resampleAll } from '../../src-main/media/audio/resampler.js';
import { codecName } from '../../src-main/media/call/local-media-config.js';
import type { CallAudioDeviceChoice, CallMedia, CallMediaFactory, CallMediaOptions, CallVolume, MediaEvent, MediaFailure, MediaState, MediaStats, OfferOptions } from '../../src-main/media/call-media.js';
import { encodeWav, parseWav } from '../../src-main/platform/audio/wav-format.js';
import { estimateMos, estimateOneWayDelayMs } from '../../src-main/protocol/rtp/index.js';
import type { Direction, NegotiatedSession } from '../../src-main/protocol/sdp/index.js';
import type { MediaPathStats } from '../../native/media-path/index.mjs';
import { NativeLegRefusal, NativeMediaLeg, type NativeCodec } from './native-media-leg.js';

const STATS_EVERY_MS = 5000;

function failure(e: unknown, code: MediaFailure['code'] = 'not-acceptable'): MediaFailure {
  const message = e instanceof Error ? e.message : String(e);
  return { code, message, ...(e instanceof NativeLegRefusal ? { sipStatus: e.sipStatus } : code === 'not-acceptable' ? { sipStatus: 488 as const } : {}) };
}

function stateOf(session: NegotiatedSession): MediaState {
  const m = session.media.find((x) => x.type === 'audio' && x.accepted);
  return {
    srtp: m?.srtp !== undefined,
    ...(m?.srtp === undefined ? {} : { suite: m.srtp.suite }),
    ...(m?.sendCodec === undefined ? {} : { codec: codecName(m.sendCodec) }),
    direction: m?.direction ?? 'inactive',
    report: session.report,
  };
}

/** The port's call-quality figures from the native counters, as CallMediaSession.statsFrom derives them from its RTCP reporter. */
export function mediaStatsOf(s: MediaPathStats, codec: string | undefined): MediaStats {
  const lossPercent = s.expected > 0 ? Math.max(0, ((s.expected - s.received) / s.expected) * 100) : 0;
  const jitterBufferMs = s.queueFrames * 20;
  const rttMs = s.rttMs >= 0 ? s.rttMs : undefined;
  const oneWay = estimateOneWayDelayMs({ ...(rttMs === undefined ? {} : { rttMs }), jitterBufferMs, packetizationMs: 20 });
  const { mos } = estimateMos({ codec: (codec ?? 'pcmu').split('/')[0]!.toLowerCase(), packetLossPercent: lossPercent, oneWayDelayMs: oneWay });
  return {
    packetsSent: s.packetsSent,
    packetsReceived: s.received,
    packetsLost: Math.max(0, s.lost),
    lossPercent,
    jitterMs: s.jitterMs,
    ...(rttMs === undefined ? {} : { rttMs }),
    ...(s.received > 0 ? { mos } : {}),
    ...(s.remoteLossPercent >= 0 ? { remoteLossPercent: s.remoteLossPercent } : {}),
    srtpAuthFailures: s.authFailures,
    srtpReplays: s.replayFailures,
    jitterBufferMs,
    concealedFrames: s.framesConcealed,
    latePackets: s.latePackets,
  };
}

export class NativeCallMedia implements CallMedia {
  private readonly events = new Emitter<MediaEvent>();
  readonly onEvent = this.events.event;
  private current: MediaState | undefined;
  private statsTimer: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(
    private readonly leg: NativeMediaLeg,
    private readonly recordFile: string | undefined,
  ) {}

  get state(): MediaState | undefined {
    return this.current;
  }

  createOffer(direction?: Direction, options?: OfferOptions): Result<string, MediaFailure> {
    try {
      return ok(this.leg.createOffer(direction, options?.rekey === true)); // none: the direction we last asked for (a refresh keeps a hold)
    } catch (e) {
      return err(failure(e, 'bad-config'));
    }
  }

  applyAnswer(sdp: Uint8Array | string): Result<MediaState, MediaFailure> {
    try {
      return ok(this.negotiatedNow(this.leg.applyAnswer(sdp)));
    } catch (e) {
      return err(failure(e));
    }
  }

  answerOffer(sdp: Uint8Array | string, direction?: Direction): Result<{ readonly sdp: string; readonly state: MediaState }, MediaFailure> {
    try {
      const r = this.leg.answer(sdp, direction);
      return ok({ sdp: r.text, state: this.negotiatedNow(r.session) });
    } catch (e) {
      return err(failure(e));
    }
  }

  private negotiatedNow(session: NegotiatedSession): MediaState {
    const state = stateOf(session);
    this.current = state;
    this.events.fire({ kind: 'negotiated', state });
    this.statsTimer ??= setInterval(() => this.fireStats(), STATS_EVERY_MS);
    return state;
  }

  private fireStats(): void {
    const s = this.leg.stats();
    if (s === undefined) return;
    this.events.fire({ kind: 'stats', stats: mediaStatsOf(s, this.current?.codec) });
  }

  /** The native counters (tests, the bench). */
  nativeStats(): MediaPathStats | undefined {
    return this.leg.stats();
  }

  sendDtmf(digit: string, durationMs?: number): boolean {
    return this.leg.sendDtmf(digit, durationMs);
  }

  /** For the leg's onDtmf: a digit the peer sent. */
  digit(digit: string, durationMs: number): void {
    if (!this.disposed) this.events.fire({ kind: 'dtmf', digit, durationMs });
  }

  /** For the leg's onLatched: symmetric RTP follows the peer's real source. */
  latched(address: string, port: number): void {
    if (!this.disposed) this.events.fire({ kind: 'latched', address, port });
  }

  setMuted(muted: boolean): void {
    this.leg.setMuted(muted);
  }

  setAudioDevices(_choice: CallAudioDeviceChoice): Promise<void> {
    return Promise.resolve(); // file audio only
  }

  setVolume(_volume: CallVolume): void {
    // file audio only: no gain stage in the prototype
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.statsTimer !== undefined) clearInterval(this.statsTimer);
    const { recording } = this.leg.stop();
    this.leg.close();
    if (this.recordFile !== undefined) writeFileSync(this.recordFile, encodeWav(8000, recording));
    this.events.dispose();
  }
}

/** Takes the calls the prototype can do; everything else goes to `fallback` (the TypeScript engine). */
export function nativeCallMediaFactory(fallback: CallMediaFactory, rng: Rng, recordSeconds = 600): CallMediaFactory {
  return {
    async create(options: CallMediaOptions): Promise<Result<CallMedia, MediaFailure>> {
      const codec = options.codecs.find((c): c is NativeCodec => c === 'PCMU' || c === 'PCMA');
      const suites = (options.srtpSuites ?? ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32']).filter((s) => s === 'AES_CM_128_HMAC_SHA1_80' || s === 'AES_CM_128_HMAC_SHA1_32');
      const playFile = options.audio?.playFile;
      if (codec === undefined || playFile === undefined || (options.srtp !== 'off' && suites.length === 0)) return fallback.create(options);
      const wav = parseWav(new Uint8Array(readFileSync(playFile)));
      if (!wav.ok) return err({ code: 'bad-config', message: `the call's audio file: ${wav.error.message}` });
      const source = wav.value.sampleRate === 8000 ? wav.value.samples : await resampleAll(wav.value.samples, wav.value.sampleRate, 8000);
      try {
        const late: { media?: NativeCallMedia } = {};
        const leg = new NativeMediaLeg({
          onDtmf: (digit, ms) => late.media?.digit(digit, ms),
          onLatched: (address, port) => late.media?.latched(address, port),
          address: options.localAddress,
          codec,
          rng,
          source,
          recordSeconds,
          sdes: { policy: options.srtp, transport: options.signalling, allowInsecureTransport: options.allowInsecureSdes, suites },
        });
        late.media = new NativeCallMedia(leg, options.audio?.recordFile);
        return ok(late.media);
      } catch (e) {
        return err(failure(e, 'socket-failed'));
      }
    },
  };
}
