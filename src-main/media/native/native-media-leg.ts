/**
 * One call leg on the native media path (native/media-path; issue 16): the TypeScript
 * engine's own offer/answer and SDES code (protocol/sdp) negotiates, then the negotiated stream -
 * the peer's address and port, the send payload type and ptime, our key and the peer's - goes to
 * the native thread, which does each period (the ptime) on one wake-up. JS is woken during the
 * call only for a received DTMF digit, a move of the symmetric-RTP latch or a stopped device.
 *
 * Its scope (see the C file's comment): G.711, G.722 and Opus; SDES-SRTP with
 * AES_CM_128_HMAC_SHA1_80/32 or plain RTP; 10-60 ms packets; file audio or sound cards (PortAudio,
 * speexdsp resampling and echo cancellation); RFC 4733 DTMF; hold, resume, refreshes, re-keying
 * (RFC 4568 §7.1.4, the previous receive key kept until the peer uses the new one); symmetric RTP
 * with latching; RTCP (RFC 3550). Anything else (a codec change mid-call) stays on the
 * TypeScript path, which remains the reference implementation the tests hold this one to.
 */
import type { Rng } from '../../base/rng.js';
import { applyAnswer, createAnswer, createOffer, type CodecSpec, type Direction, type LocalMediaConfig, type NegotiatedMedia, type NegotiatedSession, type PendingOffer } from '../../protocol/sdp/index.js';
import { TELEPHONE_EVENT, TELEPHONE_EVENT_48K, mediaFlow, sendPtimeMs } from '../call/local-media-config.js';
import { OPUS_DESCRIPTOR } from '../codecs/opus-codec.js';
import { dtmfEventCode, dtmfKey } from '../../protocol/rtp/telephone-event.js';
import type { SdesConfig } from '../../protocol/sdes/index.js';
import type { SrtpSuiteName } from '../../protocol/srtp/index.js';
import type { MediaPathAddon, MediaPathLeg, MediaPathStats, MediaPathStream, MediaPathSuite } from './media-path-port.js';

export type NativeCodec = 'PCMU' | 'PCMA' | 'G722' | 'opus';

/** The PCM rate of the native path for a codec: G.711 at 8 kHz, G.722 and Opus at 16 kHz (wideband voice). */
export function nativePcmRate(codec: NativeCodec): number {
  return codec === 'opus' || codec === 'G722' ? 16000 : 8000;
}
export type NativeSuite = MediaPathSuite;

/** The SDES suites the native path runs (libsrtp2's own crypto: AES-ICM 128 and 256 with HMAC-SHA1; AEAD-GCM stays on the TypeScript path). */
export const NATIVE_SUITES: readonly NativeSuite[] = ['AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32', 'AES_256_CM_HMAC_SHA1_80', 'AES_256_CM_HMAC_SHA1_32'];
export const isNativeSuite = (s: string): s is NativeSuite => (NATIVE_SUITES as readonly string[]).includes(s);

export interface NativeLegOptions {
  /** The addon (platform/audio/native-media-path.ts loads it; tests may hand in a fake). */
  readonly addon: MediaPathAddon;
  readonly address: string;
  /** The codec offered and accepted, or the first of `codecs`. */
  readonly codec: NativeCodec;
  /** Codecs to offer and accept, best first (default [codec]); the stream starts with the negotiated one. */
  readonly codecs?: readonly NativeCodec[];
  /** Absent: plain RTP (SDES only over TLS otherwise; this leg claims a TLS hop, as the bench's peers do). */
  readonly suite?: NativeSuite;
  /** A digit the peer sent (RFC 4733), once per event. */
  readonly onDtmf?: (digit: string, durationMs: number) => void;
  /** Symmetric RTP moved to where the peer really sends from (a NAT rewrote its SDP address). */
  readonly onLatched?: (address: string, port: number) => void;
  /** A sound-card stream stopped by itself ('microphone' | 'speaker'; unplugged). */
  readonly onAudioError?: (which: string) => void;
  /** The SDES policy and signalling hop when the leg answers for a phone (default: from `suite`, over TLS). */
  readonly sdes?: SdesConfig;
  readonly rng: Rng;
  /** Mono PCM to send, at `sourceRate` (default nativePcmRate of the negotiated codec); once, or looped. */
  readonly source?: Int16Array;
  /** The rate of `source` when it is not the codec's PCM rate (a 48 kHz file): converted on the native thread. */
  readonly sourceRate?: number;
  /** Start the source over at its end (the port's playFile loops, as the TypeScript file port); default false. */
  readonly loopSource?: boolean;
  /** Sound cards (PortAudio device names; see the addon's devices()) instead of `source`. */
  readonly audio?: MediaPathStream['audio'];
  readonly recordSeconds?: number;
  readonly jitterFrames?: number;
  /** Offer/accept RFC 5761 rtcp-mux (default true); without it RTCP uses the port above RTP. */
  readonly rtcpMux?: boolean;
  /** Nominal RTCP interval (default 5000 ms; tests shorten it). */
  readonly rtcpIntervalMs?: number;
}

const CODECS: Record<NativeCodec, CodecSpec> = {
  opus: { payloadType: OPUS_DESCRIPTOR.payloadType, encodingName: 'opus', clockRate: 48000, channels: 2, ...(OPUS_DESCRIPTOR.fmtp === undefined ? {} : { fmtp: OPUS_DESCRIPTOR.fmtp }) },
  PCMU: { payloadType: 0, encodingName: 'PCMU', clockRate: 8000 },
  G722: { payloadType: 9, encodingName: 'G722', clockRate: 8000 }, // RTP clock 8000 for 16 kHz audio (RFC 3551 §4.5.2)
  PCMA: { payloadType: 8, encodingName: 'PCMA', clockRate: 8000 },
};

/** What libsrtp2 takes: master key then master salt (the SDES inline key-salt; 30 octets, 46 for AES-256). */
function keySalt(k: { readonly masterKey: Uint8Array; readonly masterSalt: Uint8Array }): Uint8Array {
  const out = new Uint8Array(k.masterKey.length + k.masterSalt.length);
  out.set(k.masterKey, 0);
  out.set(k.masterSalt, k.masterKey.length);
  return out;
}

/** The offer cannot be answered (the SDP layer's 488/400). */
export class NativeLegRefusal extends Error {
  constructor(
    message: string,
    readonly sipStatus: 488 | 400,
  ) {
    super(message);
  }
}

export class NativeMediaLeg {
  private readonly addon: MediaPathAddon;
  private readonly leg: MediaPathLeg;
  private readonly config: LocalMediaConfig;
  private pending: PendingOffer | undefined;
  private pendingDirection: Direction = 'sendrecv';
  /** The session as last negotiated (keys included, as CallMediaSession keeps it): what re-offers and answers build on. */
  private negotiated: NegotiatedSession | undefined;
  private localDirection: Direction = 'sendrecv';
  private streamSetUp: { readonly payloadType: number; readonly plain: boolean; readonly remoteAddress: string; readonly remotePort: number } | undefined;
  private dtmf = false;
  private closed = false;
  private readonly codecs: readonly NativeCodec[];
  /** The negotiated codec (once the stream started). */
  private chosen: NativeCodec | undefined;

  constructor(private readonly options: NativeLegOptions) {
    this.addon = options.addon;
    this.codecs = options.codecs !== undefined && options.codecs.length > 0 ? options.codecs : [options.codec];
    const specs = this.codecs.map((c) => CODECS[c]);
    // The socket is bound now, so the offer/answer names its port; the stream comes with start().
    // RTP on an even port and RTCP on the next, for a peer that does not multiplex (closed when it does).
    this.leg = this.addon.open({ address: options.address, port: 0, rtcpSocket: true });
    this.config = {
      address: options.address,
      port: this.addon.localPort(this.leg),
      codecs: this.codecs.includes('opus') ? [...specs, TELEPHONE_EVENT_48K, TELEPHONE_EVENT] : [...specs, TELEPHONE_EVENT],
      ptime: 20,
      rtcpMux: options.rtcpMux ?? true,
      srtp: options.sdes ?? (options.suite === undefined ? { policy: 'off', transport: 'tls' } : { policy: 'mandatory', transport: 'tls', suites: [options.suite as SrtpSuiteName] }),
    };
  }

  get localPort(): number {
    return this.config.port;
  }

  /**
   * An offer (first, or a re-offer: hold with sendonly, resume with sendrecv; default the direction
   * last used). `rekey`: new keys although nothing else changed (as CallMediaSession: the SDP layer
   * gives new keys when our side changed, so compare against a config that differs).
   */
  createOffer(direction?: Direction, rekey = false): string {
    const dir = direction ?? this.localDirection;
    const before = this.negotiated;
    const previous = rekey && before !== undefined ? { ...before, localConfig: { ...before.localConfig, port: 0 } } : before;
    const r = createOffer({ ...this.config, direction: dir }, { rng: this.options.rng, ...(previous === undefined ? {} : { previous }) });
    if (!r.ok) throw new Error(`native leg: offer: ${r.error.message}`);
    this.pending = r.value;
    this.pendingDirection = dir;
    return r.value.text;
  }

  answerOffer(sdp: string | Uint8Array): string {
    return this.answer(sdp).text;
  }

  /** Answers (the first offer or a re-offer) and starts or updates the stream; a refusal carries its SIP status. */
  answer(sdp: string | Uint8Array, direction: Direction = 'sendrecv'): { text: string; session: NegotiatedSession } {
    const r = createAnswer(sdp, { ...this.config, direction }, { rng: this.options.rng, ...(this.negotiated === undefined ? {} : { previous: this.negotiated }) });
    if (!r.ok) throw new NativeLegRefusal(`native leg: answer: ${r.error.message}`, r.error.sipStatus);
    this.apply(r.value.session, direction);
    return { text: r.value.text, session: r.value.session };
  }

  applyAnswer(sdp: string | Uint8Array): NegotiatedSession {
    if (this.pending === undefined) throw new Error('native leg: no offer pending');
    const r = applyAnswer(this.pending, sdp);
    if (!r.ok) throw new Error(`native leg: apply answer: ${r.error.message}`);
    this.pending = undefined;
    this.apply(r.value, this.pendingDirection);
    return r.value;
  }

  private apply(session: NegotiatedSession, localDirection: Direction): void {
    const m = session.media.find((x) => x.type === 'audio' && x.accepted);
    if (m === undefined || m.remoteAddress === undefined || m.sendCodec === undefined) throw new NativeLegRefusal('native leg: no accepted audio stream', 488);
    const name = m.sendCodec.encodingName.toLowerCase();
    const codec = this.codecs.find((c) => c.toLowerCase() === name);
    if (codec === undefined) throw new NativeLegRefusal(`native leg: negotiated ${m.sendCodec.encodingName}, not one of ${this.codecs.join(', ')}`, 488);
    if (m.srtp !== undefined && !isNativeSuite(m.srtp.suite)) throw new NativeLegRefusal(`native leg: ${m.srtp.suite} is not on the native path`, 488);
    if (this.streamSetUp === undefined) {
      this.start(m, codec);
      this.addon.update(this.leg, mediaFlow(m.direction, localDirection)); // an offer may start on hold
    } else {
      // A re-negotiation: hold, resume, refresh, the peer moving, new keys.
      const was = this.streamSetUp;
      if (m.sendCodec.payloadType !== was.payloadType) throw new NativeLegRefusal('native leg: a codec change mid-call is not on the native path', 488);
      this.rekey(m, was.plain, session.role === 'answerer');
      const moved = m.remoteAddress !== was.remoteAddress || m.remotePort !== was.remotePort;
      this.addon.update(this.leg, {
        ...mediaFlow(m.direction, localDirection),
        ...(moved ? { remoteAddress: m.remoteAddress, remotePort: m.remotePort, remoteRtcpAddress: m.remoteRtcpAddress ?? m.remoteAddress, remoteRtcpPort: m.remoteRtcpPort ?? m.remotePort + 1 } : {}),
      });
      this.streamSetUp = { ...was, plain: m.srtp === undefined, remoteAddress: m.remoteAddress, remotePort: m.remotePort };
    }
    this.negotiated = session;
    this.localDirection = localDirection;
  }

  /**
   * New keys from a re-negotiation (RFC 4568 §7.1.4), as CallMediaSession hands them to its SRTP
   * filter: SRTP started or stopped, or either direction's key changed; `answered`: our new send
   * key waits for the offerer's new key.
   */
  private rekey(m: NegotiatedMedia, wasPlain: boolean, answered: boolean): void {
    const srtp = m.srtp;
    if (srtp === undefined) {
      if (!wasPlain) this.addon.rekey(this.leg, null);
      return;
    }
    const send = wasPlain || m.rekeyed?.send === true;
    const receive = wasPlain || m.rekeyed?.receive === true;
    if (!send && !receive) return;
    const keys = {
      suite: srtp.suite as NativeSuite,
      replayWindow: srtp.replayWindowSize,
      deferSend: answered,
      ...(send ? { sendKey: keySalt(srtp.send) } : {}),
      ...(receive ? { receiveKey: keySalt(srtp.receive[0]!) } : {}),
    };
    try {
      this.addon.rekey(this.leg, keys);
    } finally {
      keys.sendKey?.fill(0);
      keys.receiveKey?.fill(0);
    }
  }

  /** The PCM rate of the stream (the negotiated codec's; the first codec's before). */
  get pcmRate(): number {
    return nativePcmRate(this.chosen ?? this.codecs[0]!);
  }

  /** Hands the negotiated stream to the native thread. */
  private start(m: NegotiatedMedia, codec: NativeCodec): void {
    this.chosen = codec;
    const source = this.options.source;
    const send = m.sendCodec!;
    const srtp =
      m.srtp === undefined
        ? undefined
        : { suite: m.srtp.suite as NativeSuite, sendKey: keySalt(m.srtp.send), receiveKey: keySalt(m.srtp.receive[0]!), replayWindow: m.srtp.replayWindowSize };
    const rng = this.options.rng;
    // telephone-event at the stream's own clock (RFC 4733 §2.1: 8000 with G.711, 48000 with Opus).
    const te = m.telephoneEvent !== undefined && m.telephoneEvent.clockRate === send.clockRate ? m.telephoneEvent.payloadType : undefined;
    const { onDtmf, onLatched, onAudioError } = this.options;
    this.dtmf = te !== undefined;
    this.addon.start(this.leg, {
      ...(te === undefined ? {} : { dtmfPayloadType: te }),
      onEvent: (kind, a, b, text) => {
        if (kind === 'dtmf') onDtmf?.(dtmfKey(a) ?? '?', b);
        else if (kind === 'latched') onLatched?.(text, a);
        else onAudioError?.(text);
      },
      remoteAddress: m.remoteAddress!,
      remotePort: m.remotePort,
      rtcpMux: m.rtcpMux,
      remoteRtcpAddress: m.remoteRtcpAddress ?? m.remoteAddress!,
      remoteRtcpPort: m.remoteRtcpPort ?? m.remotePort + 1,
      cname: `${rng.uint32().toString(16).padStart(8, '0')}${rng.uint32().toString(16).padStart(8, '0')}@softphone`,
      seed: rng.uint32(),
      ...(this.options.rtcpIntervalMs === undefined ? {} : { rtcpIntervalMs: this.options.rtcpIntervalMs }),
      codec,
      payloadType: send.payloadType,
      frameSamples: (sendPtimeMs(m.remotePtime) * nativePcmRate(codec)) / 1000, // the ptime the peer asked for (10-60 ms); what it sends may differ, playout takes any
      ssrc: rng.uint32(),
      sequence: rng.uint32() & 0xffff,
      timestamp: rng.uint32(),
      ...(srtp === undefined ? {} : { srtp }),
      ...(source === undefined ? {} : { source, loopSource: this.options.loopSource === true, ...(this.options.sourceRate === undefined ? {} : { sourceRate: this.options.sourceRate }) }),
      ...(this.options.audio === undefined ? {} : { audio: this.options.audio }),
      recordSeconds: this.options.recordSeconds ?? 0,
      jitterFrames: this.options.jitterFrames ?? 1,
    });
    srtp?.sendKey.fill(0);
    srtp?.receiveKey.fill(0);
    this.streamSetUp = { payloadType: send.payloadType, plain: m.srtp === undefined, remoteAddress: m.remoteAddress!, remotePort: m.remotePort };
  }

  stats(): MediaPathStats | undefined {
    return this.closed ? undefined : this.addon.stats(this.leg);
  }

  /** The meters into `out` (see the addon's levels()); false once closed. */
  levels(out: Float64Array): boolean {
    if (this.closed) return false;
    this.addon.levels(this.leg, out);
    return true;
  }

  /** Queues RFC 4733 digits; false when telephone-event was not agreed (use SIP INFO) or a key is not a DTMF key. */
  sendDtmf(keys: string, durationMs = 100): boolean {
    if (!this.dtmf || this.closed || keys.length === 0) return false;
    const codes = [...keys].map((k) => dtmfEventCode(k));
    if (codes.some((c) => c === undefined)) return false;
    return codes.every((c) => this.addon.sendDtmf(this.leg, c!, durationMs));
  }

  setMuted(muted: boolean): void {
    if (!this.closed) this.addon.setMuted(this.leg, muted);
  }

  /** Other sound cards mid-call (throws MEDIA_PATH_AUDIO when one cannot be opened). */
  setDevices(devices: Parameters<MediaPathAddon['setDevices']>[1]): void {
    if (!this.closed) this.addon.setDevices(this.leg, devices);
  }

  /** Microphone and speaker gain, dB. */
  setVolume(inputGainDb: number, outputGainDb: number): void {
    if (!this.closed) this.addon.setVolume(this.leg, inputGainDb, outputGainDb);
  }

  /** Stops the thread; returns the recording and the last counters. */
  stop(): { recording: Int16Array; stats: MediaPathStats | undefined } {
    if (this.closed) return { recording: new Int16Array(0), stats: undefined };
    const recording = this.addon.stop(this.leg);
    return { recording, stats: this.addon.stats(this.leg) };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.addon.close(this.leg);
  }
}
