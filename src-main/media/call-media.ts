/**
 * The port between a call's signalling (the user agent in services/) and its media (this layer).
 * The user agent only sees SDP text and outcomes; everything below - SDP offer/answer with SDES,
 * RTP sockets, SRTP, codecs, jitter buffer, DTMF, audio devices - lives behind it.
 *
 * One CallMedia per call. Offer/answer follows RFC 3264: the UA calls createOffer/applyAnswer when
 * it offers (INVITE, re-INVITE for hold/resume) and answerOffer when the peer offers.
 */
import type { Disposable } from '../base/disposable.js';
import type { Event } from '../base/event.js';
import type { Result } from '../base/result.js';
import type { NegotiationReport } from '../protocol/sdes/negotiation-report.js';
import type { SrtpPolicy, SignallingTransport } from '../protocol/sdes/sdes-config.js';
import type { Direction } from '../protocol/sdp/session-description.js';
import type { SrtpSuiteName } from '../protocol/srtp/srtp-suite.js';

/** Codec names as accounts spell them (src-shared/model/account.ts CodecName). */
export type CallCodecName = 'opus' | 'G722' | 'PCMA' | 'PCMU';

export interface CallMediaOptions {
  /** Label for logs: the call id. */
  readonly callId: string;
  readonly srtp: SrtpPolicy;
  /** The first signalling hop: keys (SDES) only ever travel over TLS unless explicitly allowed. */
  readonly signalling: SignallingTransport;
  readonly allowInsecureSdes: boolean;
  /** SRTP suites to offer and accept, best first; default: the SDES negotiator's list (DEFAULT_SDES_SUITES). */
  readonly srtpSuites?: readonly SrtpSuiteName[];
  /** Codec preference, best first. */
  readonly codecs: readonly CallCodecName[];
  /** Our IP address for RTP as the peer should see it (the flow's local address family). */
  readonly localAddress: string;
  /** Audio sources/sinks for this call (file/null backends for the CLI; devices in the app). */
  readonly audio?: CallAudioOptions;
}

export interface CallAudioOptions {
  /** Loop this WAV file as the microphone. */
  readonly playFile?: string;
  /** Record what the far end sends, decoded, to this WAV file. */
  readonly recordFile?: string;
}

export interface MediaFailure {
  readonly code: 'insecure-signalling' | 'no-codecs' | 'bad-config' | 'unparseable-sdp' | 'not-acceptable' | 'media-count-mismatch' | 'no-media' | 'socket-failed';
  readonly message: string;
  /** SIP status to answer with when refusing an offer: 488 (RFC 3264 §6), 400 for garbage. */
  readonly sipStatus?: 488 | 400;
  readonly report?: NegotiationReport;
}

/** What a call shows about its media (no key material: safe for the CLI and the renderer). */
export interface MediaState {
  readonly srtp: boolean;
  /** Chosen SRTP suite, e.g. AES_CM_128_HMAC_SHA1_80. */
  readonly suite?: string;
  /** Chosen codec, e.g. PCMA/8000. */
  readonly codec?: string;
  /** Our direction after negotiation (sendonly: we hold; recvonly: the peer holds us). */
  readonly direction: Direction;
  readonly report: NegotiationReport;
}

export interface MediaStats {
  readonly packetsSent: number;
  readonly packetsReceived: number;
  readonly packetsLost: number;
  readonly lossPercent: number;
  readonly jitterMs: number;
  readonly rttMs?: number;
  readonly mos?: number;
  readonly srtpAuthFailures: number;
  readonly srtpReplays: number;
  /** Loss the peer reports for what we send (its last RTCP report block), in percent. */
  readonly remoteLossPercent?: number;
  /** Current playout (jitter-buffer) delay, ms. */
  readonly jitterBufferMs?: number;
  /** Frames concealed (codec PLC) for lost or late packets. */
  readonly concealedFrames?: number;
  /** Packets that arrived too late to be played. */
  readonly latePackets?: number;
}

export type MediaEvent =
  | { readonly kind: 'negotiated'; readonly state: MediaState }
  | { readonly kind: 'dtmf'; readonly digit: string; readonly durationMs: number }
  | { readonly kind: 'stats'; readonly stats: MediaStats }
  /** RTP from a source other than the SDP address was latched (symmetric RTP behind NAT). */
  | { readonly kind: 'latched'; readonly address: string; readonly port: number }
  /** Microphone and speaker levels about every 100 ms while audio flows (meters; the microphone is measured even when muted). */
  | { readonly kind: 'levels'; readonly levels: AudioLevels }
  /** The audio devices the call uses changed (start, user switch, device loss, hot-plug, OS default). */
  | { readonly kind: 'audio-devices'; readonly devices: CallAudioDevicesInfo }
  /** A device or the echo canceller failed and the call goes on; `cause` is the device error code; `message` is for the log. */
  | { readonly kind: 'error'; readonly source: 'microphone' | 'speaker' | 'echo-canceller' | 'network'; readonly cause?: string; readonly message: string };

/** Which devices a call's audio uses (ids as AudioDeviceInfo.id). */
export interface CallAudioDevicesInfo {
  /** 'portaudio', 'file', 'null'... */
  readonly backend: string;
  readonly capture?: string;
  readonly playback?: string;
  /** The user's choice; undefined: follow the system default. */
  readonly wantedCapture?: string;
  readonly wantedPlayback?: string;
  readonly echoCancellation: boolean;
}

/** Levels over the last ~100 ms in dBFS (−Infinity: digital silence); after the volume settings. */
export interface AudioLevels {
  readonly inputRmsDbfs: number;
  readonly inputPeakDbfs: number;
  readonly outputRmsDbfs: number;
  readonly outputPeakDbfs: number;
  /** A microphone sample hit full scale (turn the input volume down). */
  readonly inputClipped: boolean;
}

/** Volume changes in dB (0 = unchanged signal); a missing key keeps the current value. */
export interface CallVolume {
  readonly inputGainDb?: number;
  readonly outputGainDb?: number;
}

/** Devices to move a call to: an id, `null` for the system default; a missing key keeps the current choice. */
export interface CallAudioDeviceChoice {
  readonly captureDeviceId?: string | null;
  readonly playbackDeviceId?: string | null;
}

export interface OfferOptions {
  /**
   * New SDES keys even though the media did not change (RFC 4568 §7.1.4): before a key's lifetime
   * runs out, or when policy asks for periodic re-keying. The old receive key stays valid until
   * the peer's packets under its answer's key arrive.
   */
  readonly rekey?: boolean;
}

export interface CallMedia extends Disposable {
  /**
   * An offer for INVITE or re-INVITE; `direction` sendonly/inactive to hold, sendrecv to resume
   * (default: the direction last agreed, so a refresh does not resume a hold by accident).
   */
  createOffer(direction?: Direction, options?: OfferOptions): Result<string, MediaFailure>;
  /** The peer's answer to our last offer: starts (or updates) RTP. */
  applyAnswer(sdp: Uint8Array | string): Result<MediaState, MediaFailure>;
  /** Answers the peer's offer (INVITE or re-INVITE): starts (or updates) RTP. */
  answerOffer(sdp: Uint8Array | string, direction?: Direction): Result<{ readonly sdp: string; readonly state: MediaState }, MediaFailure>;
  /** Sends an RFC 4733 digit; false when the peer did not agree to telephone-event (use SIP INFO). */
  sendDtmf(digit: string, durationMs?: number): boolean;
  /** Mutes the microphone (sends silence / comfort noise), without renegotiating. */
  setMuted(muted: boolean): void;
  /**
   * Moves the call's audio to other devices mid-call (make-before-break; the call stays where it
   * was when a device cannot be opened, and says so with an `error` event). Resolves when done.
   */
  setAudioDevices(choice: CallAudioDeviceChoice): Promise<void>;
  /** Microphone and speaker volume for this call, in dB (clamped to −60…+20). */
  setVolume(volume: CallVolume): void;
  readonly state: MediaState | undefined;
  readonly onEvent: Event<MediaEvent>;
}

export interface CallMediaFactory {
  create(options: CallMediaOptions): Promise<Result<CallMedia, MediaFailure>>;
}
