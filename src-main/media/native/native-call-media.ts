/**
 * The native media path behind the CallMedia port (issue 16): a CallMediaFactory that takes the
 * calls the native path can do - the account's first codec PCMU, PCMA, G.722 or Opus (its other
 * codecs of these offered too); sound cards (the app) or file audio (the headless faces'
 * --play/--record) - and hands every other call to the TypeScript engine it wraps, which stays
 * the reference implementation the tests hold this one to. createPhone composes it when the
 * face hands in PhoneAdapters.nativeMedia (the app and the CLI do wherever the addon loads).
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
import { Emitter } from '../../base/event.js';
import type { Logger } from '../../base/logger.js';
import { err, ok, type Result } from '../../base/result.js';
import type { Rng } from '../../base/rng.js';
import { codecName } from '../call/local-media-config.js';
import type { CallAudioDeviceChoice, CallMedia, CallMediaFactory, CallMediaOptions, CallVolume, MediaEvent, MediaFailure, MediaState, MediaStats, OfferOptions } from '../call-media.js';
import { estimateMos, estimateOneWayDelayMs } from '../../protocol/rtp/index.js';
import type { Direction, NegotiatedSession } from '../../protocol/sdp/index.js';
import type { DeviceSelection } from '../call/call-audio.js';
import type { MediaPathStats, NativeMediaPath } from './media-path-port.js';
import { NativeLegRefusal, NativeMediaLeg, isNativeSuite, type NativeCodec, type NativeSuite } from './native-media-leg.js';
import { DEFAULT_SDES_SUITES } from '../../protocol/sdes/index.js';

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
    private readonly record: { readonly file: string; readonly write: NativeMediaPath['writeAudioFile'] } | undefined,
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
    if (this.levelsTimer === undefined) {
      // The meters, with sound cards and with file audio alike (the call screen shows them).
      this.levelsTimer = setInterval(() => this.fireLevels(), LEVELS_EVERY_MS);
      this.fireDevices();
    }
    return state;
  }

  private readonly meters = new Float64Array(5);

  private fireLevels(): void {
    const m = this.meters;
    if (!this.leg.levels(m)) return;
    this.events.fire({ kind: 'levels', levels: { inputRmsDbfs: dbfs(m[0]), inputPeakDbfs: dbfs(m[1]), outputRmsDbfs: dbfs(m[2]), outputPeakDbfs: dbfs(m[3]), inputClipped: m[4] === 1 } });
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
    if (this.disposed) return;
    const microphone = which === 'microphone';
    this.events.fire({ kind: 'error', source: microphone ? 'microphone' : 'speaker', cause: 'audio-device-lost', message: `the ${which} stopped` });
    // As the TypeScript path: the call goes on with the system default for the side that was
    // lost (the user's choice stays the wanted one, shown as such), the other side unchanged.
    const d = this.devices;
    if (d === undefined) return;
    this.moveTo({ ...d, ...(microphone ? { capture: undefined } : { playback: undefined }) }, microphone ? 'microphone' : 'speaker');
  }

  /** Reopens the sound cards as `next` names them (absent: the system default) and reports what the call uses. */
  private moveTo(next: NativeDevices, source: 'microphone' | 'speaker'): void {
    try {
      this.leg.setDevices({ ...(next.capture === undefined ? {} : { capture: next.capture }), ...(next.playback === undefined ? {} : { playback: next.playback }) });
    } catch (e) {
      this.events.fire({ kind: 'error', source, cause: 'audio-open-failed', message: e instanceof Error ? e.message : String(e) });
    }
    this.devices = next;
    this.fireDevices();
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
    this.moveTo({ ...d, capture, playback, wantedCapture, wantedPlayback }, 'microphone');
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
    if (this.record !== undefined) {
      try {
        this.record.write(this.record.file, this.leg.pcmRate, recording);
      } catch (e) {
        this.events.fire({ kind: 'error', source: 'speaker', cause: 'audio-write-failed', message: `the call's recording could not be written: ${e instanceof Error ? e.message : String(e)}` });
      }
    }
    this.events.dispose();
  }
}

export interface NativeCallMediaOptions {
  readonly path: NativeMediaPath;
  readonly rng: Rng;
  readonly logger?: Logger;
  /** The phone's sound-card selection (the app); absent: only file-audio calls go native. */
  readonly devices?: () => DeviceSelection;
}

/** The most a `--record` file keeps, seconds (the native side holds the recording in memory). */
const RECORD_SECONDS = 600;

/**
 * Why a call stays on the TypeScript engine, or undefined when the native path takes it.
 * `soundCards`: the phone's device selection now (undefined: no sound cards in this face).
 */
export function typeScriptReason(options: CallMediaOptions, soundCards: DeviceSelection | undefined): string | undefined {
  const first = options.codecs[0];
  if (first === undefined || !isNativeCodec(first)) return `the account's first codec (${first ?? 'none'}) is not on the native path`;
  const files = options.audio?.playFile !== undefined || options.audio?.recordFile !== undefined;
  if (!files && soundCards === undefined) return 'no sound card and no audio file';
  if (options.audio?.playFile === undefined && options.audio?.recordFile !== undefined) return 'a recording without a file to play';
  if (options.srtp !== 'off') {
    // The account's first suite must be one the native path runs (AEAD-GCM first: the TypeScript path).
    const first = (options.srtpSuites ?? DEFAULT_SDES_SUITES)[0];
    if (first === undefined || !isNativeSuite(first)) return `the account's first SRTP suite (${first ?? 'none'}) is not on the native path`;
  }
  return undefined;
}

const isNativeCodec = (c: string): c is NativeCodec => c === 'PCMU' || c === 'PCMA' || c === 'G722' || c === 'opus';
/** The account's suites (default the SDES negotiator's list) that the native path runs, in the account's order. */
const nativeSuites = (options: CallMediaOptions): NativeSuite[] => (options.srtpSuites ?? DEFAULT_SDES_SUITES).filter(isNativeSuite);

/**
 * Takes the calls the native path can do - an account whose first codec is one of its own, with
 * sound cards when `devices` gives the phone's selection, or a file to play - and hands everything
 * else to `fallback` (the TypeScript engine), saying why at debug level.
 */
export function nativeCallMediaFactory(fallback: CallMediaFactory, config: NativeCallMediaOptions): CallMediaFactory {
  const { path, rng, devices } = config;
  return {
    async create(options: CallMediaOptions): Promise<Result<CallMedia, MediaFailure>> {
      const selection = options.audio?.playFile === undefined && options.audio?.recordFile === undefined ? devices?.() : undefined;
      const why = typeScriptReason(options, selection);
      if (why !== undefined) {
        config.logger?.debug('call media on the TypeScript path', { callId: options.callId, why });
        return fallback.create(options);
      }
      // The account's first codec is one of ours; the leg offers all of the account's that are, in its order.
      const codecs = options.codecs.filter(isNativeCodec);
      const codec = codecs[0]!;
      const suites = nativeSuites(options);
      const playFile = options.audio?.playFile;
      const recordFile = options.audio?.recordFile;
      const soundCards = selection;
      let source: { readonly samples: Int16Array; readonly rate: number } | undefined;
      let audio: NativeDevices | undefined;
      if (playFile !== undefined) {
        const wav = path.readAudioFile(playFile);
        if (!wav.ok) return err({ code: 'bad-config', message: `the call's audio file: ${wav.error}` });
        if (wav.value.sampleRate < 8000 || wav.value.sampleRate > 96000) {
          config.logger?.debug('call media on the TypeScript path', { callId: options.callId, why: `the file's rate (${wav.value.sampleRate} Hz) is outside the native path's 8-96 kHz` });
          return fallback.create(options);
        }
        // At its own rate: the native thread converts it a period at a time to the negotiated codec's.
        source = { samples: wav.value.samples, rate: wav.value.sampleRate };
      } else if (soundCards !== undefined) {
        const resolve = path.deviceResolver();
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
          addon: path.addon,
          address: options.localAddress,
          codec,
          codecs,
          rng,
          ...(source === undefined ? {} : { source: source.samples, sourceRate: source.rate }),
          loopSource: true, // the port's playFile loops, as the TypeScript file port
          ...(audio === undefined
            ? {}
            : { audio: { ...(audio.capture === undefined ? {} : { capture: audio.capture }), ...(audio.playback === undefined ? {} : { playback: audio.playback }), rate: soundCards?.sampleRate ?? 48000, echoCancellation: audio.echoCancellation } }),
          recordSeconds: recordFile === undefined ? 0 : RECORD_SECONDS,
          sdes: { policy: options.srtp, transport: options.signalling, allowInsecureTransport: options.allowInsecureSdes, suites },
        });
        late.media = new NativeCallMedia(leg, recordFile === undefined ? undefined : { file: recordFile, write: (f, rate, pcm) => path.writeAudioFile(f, rate, pcm) }, audio);
        config.logger?.debug('call media on the native path', { callId: options.callId, codecs: codecs.join(' '), audio: audio === undefined ? 'file' : 'sound cards' });
        if (soundCards !== undefined && (soundCards.inputGainDb !== undefined || soundCards.outputGainDb !== undefined)) late.media.setVolume({ ...(soundCards.inputGainDb === undefined ? {} : { inputGainDb: soundCards.inputGainDb }), ...(soundCards.outputGainDb === undefined ? {} : { outputGainDb: soundCards.outputGainDb }) });
        return ok(late.media);
      } catch (e) {
        return err(failure(e, 'socket-failed'));
      }
    },
  };
}
