/**
 * The native media path prototype behind the CallMedia port (issue 16), for the media bench's
 * in-phone figure: a CallMediaFactory that takes the calls the prototype can do - the account's
 * first codec PCMU, PCMA, G.722 or Opus (its other codecs of these offered too); file audio (the headless phone's --play/--record) or sound cards
 * - and hands every other call to the TypeScript engine it wraps (PhoneAdapters.decorateMedia).
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
 *  - sound cards (with `devices`: the phone's device selection, ids as the TypeScript port's
 *    `hostApi:name`): PortAudio on the native side, echo cancellation as selected, volume,
 *    device switches (setAudioDevices), meters every 100 ms (`levels`, read from the native
 *    counters), a stopped device as an `error` event; file audio (--play/--record) otherwise;
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
import { loadMediaPath, type MediaPathStats } from '../../native/media-path/index.mjs';
import type { DeviceSelection } from '../../src-main/media/call/index.js';
import { stableDeviceIds } from '../../src-main/platform/audio/device-list.js';
import { NativeLegRefusal, NativeMediaLeg, nativePcmRate, type NativeCodec } from './native-media-leg.js';

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
  const jitterBufferMs = s.queueMs;
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

const LEVELS_EVERY_MS = 100;

/** A dBFS figure from the native meters (-90: digital silence). */
const dbfs = (v: number | undefined): number => (v === undefined || v <= -90 ? -Infinity : v);

/** The sound cards a native call uses (PortAudio names) and what the port reports about them. */
export interface NativeDevices {
  readonly capture?: string;
  readonly playback?: string;
  /** The ids the user chose (undefined: the system default), as the TypeScript port reports them. */
  readonly wantedCapture?: string;
  readonly wantedPlayback?: string;
  readonly echoCancellation: boolean;
  /** Resolves a device id of the TypeScript port (`hostApi:name`, `#2` for duplicates) to a PortAudio name. */
  readonly resolve: (id: string) => string | undefined;
}

export class NativeCallMedia implements CallMedia {
  private readonly events = new Emitter<MediaEvent>();
  readonly onEvent = this.events.event;
  private current: MediaState | undefined;
  private statsTimer: NodeJS.Timeout | undefined;
  private levelsTimer: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(
    private readonly leg: NativeMediaLeg,
    private readonly recordFile: string | undefined,
    private devices?: NativeDevices,
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
    if (this.devices !== undefined && this.levelsTimer === undefined) {
      this.levelsTimer = setInterval(() => this.fireLevels(), LEVELS_EVERY_MS);
      this.fireDevices();
    }
    return state;
  }

  private fireLevels(): void {
    const s = this.leg.stats();
    if (s === undefined || s.audio !== 1) return;
    this.events.fire({
      kind: 'levels',
      levels: { inputRmsDbfs: dbfs(s.microphoneLevelDb), inputPeakDbfs: dbfs(s.microphonePeakDb), outputRmsDbfs: dbfs(s.speakerLevelDb), outputPeakDbfs: dbfs(s.speakerPeakDb), inputClipped: s.microphoneClipped === 1 },
    });
  }

  private fireDevices(): void {
    const d = this.devices;
    if (d === undefined || this.disposed) return;
    this.events.fire({
      kind: 'audio-devices',
      devices: {
        backend: 'portaudio (native media path)',
        ...(d.capture === undefined ? {} : { capture: d.capture }),
        ...(d.playback === undefined ? {} : { playback: d.playback }),
        ...(d.wantedCapture === undefined ? {} : { wantedCapture: d.wantedCapture }),
        ...(d.wantedPlayback === undefined ? {} : { wantedPlayback: d.wantedPlayback }),
        echoCancellation: d.echoCancellation,
      },
    });
  }

  /** For the leg's onAudioError: a sound-card stream stopped (unplugged); the call goes on. */
  audioError(which: string): void {
    if (!this.disposed) this.events.fire({ kind: 'error', source: which === 'microphone' ? 'microphone' : 'speaker', cause: 'audio-device-lost', message: `the ${which} stopped` });
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

  setAudioDevices(choice: CallAudioDeviceChoice): Promise<void> {
    const d = this.devices;
    if (d === undefined || this.disposed) return Promise.resolve(); // file audio: nothing to move
    const wantedCapture = choice.captureDeviceId === undefined ? d.wantedCapture : (choice.captureDeviceId ?? undefined);
    const wantedPlayback = choice.playbackDeviceId === undefined ? d.wantedPlayback : (choice.playbackDeviceId ?? undefined);
    const capture = wantedCapture === undefined ? undefined : d.resolve(wantedCapture);
    const playback = wantedPlayback === undefined ? undefined : d.resolve(wantedPlayback);
    try {
      this.leg.setDevices({ ...(capture === undefined ? {} : { capture }), ...(playback === undefined ? {} : { playback }) });
    } catch (e) {
      this.events.fire({ kind: 'error', source: 'microphone', cause: 'audio-open-failed', message: e instanceof Error ? e.message : String(e) });
    }
    this.devices = { ...d, capture, playback, wantedCapture, wantedPlayback };
    this.fireDevices();
    return Promise.resolve();
  }

  setVolume(volume: CallVolume): void {
    this.gains = { inputGainDb: volume.inputGainDb ?? this.gains.inputGainDb, outputGainDb: volume.outputGainDb ?? this.gains.outputGainDb };
    this.leg.setVolume(this.gains.inputGainDb, this.gains.outputGainDb);
  }

  private gains = { inputGainDb: 0, outputGainDb: 0 };

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.statsTimer !== undefined) clearInterval(this.statsTimer);
    if (this.levelsTimer !== undefined) clearInterval(this.levelsTimer);
    const { recording } = this.leg.stop();
    this.leg.close();
    if (this.recordFile !== undefined) writeFileSync(this.recordFile, encodeWav(this.leg.pcmRate, recording));
    this.events.dispose();
  }
}

/** A device id of the TypeScript port (`hostApi:name`, `#2`… for duplicates) to PortAudio's name, over the native device list. */
export function nativeDeviceResolver(): (id: string) => string | undefined {
  const list = loadMediaPath().devices();
  const ids = stableDeviceIds(list);
  return (id) => {
    const i = ids.indexOf(id);
    return i < 0 ? undefined : list[i]!.name;
  };
}

/**
 * Takes the calls the prototype can do - a G.711 codec in the account, and file audio, or sound
 * cards when `devices` gives the phone's selection - and hands everything else to `fallback`
 * (the TypeScript engine).
 */
export function nativeCallMediaFactory(fallback: CallMediaFactory, rng: Rng, recordSeconds = 600, devices?: () => DeviceSelection): CallMediaFactory {
  return {
    async create(options: CallMediaOptions): Promise<Result<CallMedia, MediaFailure>> {
      // The account's first codec must be one of ours; the leg offers all of the account's that are, in its order.
      const isNative = (c: string): c is NativeCodec => c === 'PCMU' || c === 'PCMA' || c === 'G722' || c === 'opus';
      const codecs = options.codecs.filter(isNative);
      const codec = options.codecs[0] !== undefined && isNative(options.codecs[0]) ? options.codecs[0] : undefined;
      const suites = (options.srtpSuites ?? ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32']).filter((s) => s === 'AES_CM_128_HMAC_SHA1_80' || s === 'AES_CM_128_HMAC_SHA1_32');
      const playFile = options.audio?.playFile;
      const soundCards = playFile === undefined && options.audio?.recordFile === undefined ? devices?.() : undefined;
      if (codec === undefined || (playFile === undefined && soundCards === undefined) || (options.srtp !== 'off' && suites.length === 0)) return fallback.create(options);
      const sources: Record<number, Int16Array> = {};
      let audio: NativeDevices | undefined;
      if (playFile !== undefined) {
        const wav = parseWav(new Uint8Array(readFileSync(playFile)));
        if (!wav.ok) return err({ code: 'bad-config', message: `the call's audio file: ${wav.error.message}` });
        // The file at each PCM rate the offered codecs need (the negotiated one's is sent).
        for (const rate of new Set(codecs.map(nativePcmRate))) sources[rate] = wav.value.sampleRate === rate ? wav.value.samples : await resampleAll(wav.value.samples, wav.value.sampleRate, rate);
      } else if (soundCards !== undefined) {
        const resolve = nativeDeviceResolver();
        const capture = soundCards.captureDeviceId === undefined ? undefined : resolve(soundCards.captureDeviceId);
        const playback = soundCards.playbackDeviceId === undefined ? undefined : resolve(soundCards.playbackDeviceId);
        audio = {
          resolve,
          echoCancellation: soundCards.echoCancellation !== false,
          ...(capture === undefined ? {} : { capture }),
          ...(playback === undefined ? {} : { playback }),
          ...(soundCards.captureDeviceId === undefined ? {} : { wantedCapture: soundCards.captureDeviceId }),
          ...(soundCards.playbackDeviceId === undefined ? {} : { wantedPlayback: soundCards.playbackDeviceId }),
        };
      }
      try {
        const late: { media?: NativeCallMedia } = {};
        const leg = new NativeMediaLeg({
          onDtmf: (digit, ms) => late.media?.digit(digit, ms),
          onLatched: (address, port) => late.media?.latched(address, port),
          onAudioError: (which) => late.media?.audioError(which),
          address: options.localAddress,
          codec,
          codecs,
          rng,
          sources,
          ...(audio === undefined
            ? {}
            : { audio: { ...(audio.capture === undefined ? {} : { capture: audio.capture }), ...(audio.playback === undefined ? {} : { playback: audio.playback }), rate: soundCards?.sampleRate ?? 48000, echoCancellation: audio.echoCancellation } }),
          recordSeconds: playFile === undefined ? 0 : recordSeconds,
          sdes: { policy: options.srtp, transport: options.signalling, allowInsecureTransport: options.allowInsecureSdes, suites },
        });
        late.media = new NativeCallMedia(leg, options.audio?.recordFile, audio);
        if (soundCards !== undefined && (soundCards.inputGainDb !== undefined || soundCards.outputGainDb !== undefined)) late.media.setVolume({ ...(soundCards.inputGainDb === undefined ? {} : { inputGainDb: soundCards.inputGainDb }), ...(soundCards.outputGainDb === undefined ? {} : { outputGainDb: soundCards.outputGainDb }) });
        return ok(late.media);
      } catch (e) {
        return err(failure(e, 'socket-failed'));
      }
    },
  };
}
