/**
 * One call leg on the native media path prototype (native/media-path; issue 16): the TypeScript
 * engine's own offer/answer and SDES code (protocol/sdp) negotiates, then the negotiated stream -
 * the peer's address and port, the send payload type, our key and the peer's - goes to the native
 * thread, which does every 20 ms period on one wake-up. JS is not woken during the call.
 *
 * The prototype's scope is the steady frame path (see the C file's comment): G.711, SDES-SRTP
 * with AES_CM_128_HMAC_SHA1_80/32 or plain RTP, 20 ms, file audio, no RTCP sent. Anything else
 * (Opus, G.722, DTMF, hold, re-key, latching, RTCP reports, sound cards) stays on the TypeScript
 * path, which remains the reference implementation the tests hold this one to.
 */
import { loadMediaPath, type MediaPathAddon, type MediaPathLeg, type MediaPathStats } from '../../native/media-path/index.mjs';
import type { Rng } from '../../src-main/base/rng.js';
import { applyAnswer, createAnswer, createOffer, type CodecSpec, type LocalMediaConfig, type NegotiatedSession, type PendingOffer } from '../../src-main/protocol/sdp/index.js';
import type { SdesConfig } from '../../src-main/protocol/sdes/index.js';
import type { SrtpSuiteName } from '../../src-main/protocol/srtp/index.js';

export type NativeCodec = 'PCMU' | 'PCMA';
export type NativeSuite = 'AES_CM_128_HMAC_SHA1_80' | 'AES_CM_128_HMAC_SHA1_32';

export interface NativeLegOptions {
  readonly address: string;
  readonly codec: NativeCodec;
  /** Absent: plain RTP (SDES only over TLS otherwise; this leg claims a TLS hop, as the bench's peers do). */
  readonly suite?: NativeSuite;
  /** The SDES policy and signalling hop when the leg answers for a phone (default: from `suite`, over TLS). */
  readonly sdes?: SdesConfig;
  readonly rng: Rng;
  /** 8 kHz mono PCM, sent once. */
  readonly source?: Int16Array;
  readonly recordSeconds?: number;
  readonly jitterFrames?: number;
}

const CODECS: Record<NativeCodec, CodecSpec> = {
  PCMU: { payloadType: 0, encodingName: 'PCMU', clockRate: 8000 },
  PCMA: { payloadType: 8, encodingName: 'PCMA', clockRate: 8000 },
};

function u32(rng: Rng): number {
  const b = rng.bytes(4);
  return ((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0;
}

/** The 30 octets libsrtp2 takes: master key then master salt (the SDES inline key-salt). */
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
  private started = false;
  private closed = false;

  constructor(private readonly options: NativeLegOptions) {
    this.addon = loadMediaPath();
    const codec = CODECS[options.codec];
    // The socket is bound now, so the offer/answer names its port; the stream comes with start().
    this.leg = this.addon.open({ address: options.address, port: 0 });
    this.config = {
      address: options.address,
      port: this.addon.localPort(this.leg),
      codecs: [codec],
      ptime: 20,
      rtcpMux: true,
      srtp: options.sdes ?? (options.suite === undefined ? { policy: 'off', transport: 'tls' } : { policy: 'mandatory', transport: 'tls', suites: [options.suite as SrtpSuiteName] }),
    };
  }

  get localPort(): number {
    return this.config.port;
  }

  createOffer(): string {
    const r = createOffer(this.config, { rng: this.options.rng });
    if (!r.ok) throw new Error(`native leg: offer: ${r.error.message}`);
    this.pending = r.value;
    return r.value.text;
  }

  answerOffer(sdp: string | Uint8Array): string {
    return this.answer(sdp).text;
  }

  /** Answers and starts; the refusal (with its SIP status) or the negotiated session. */
  answer(sdp: string | Uint8Array): { text: string; session: NegotiatedSession } {
    const r = createAnswer(sdp, this.config, { rng: this.options.rng });
    if (!r.ok) throw new NativeLegRefusal(`native leg: answer: ${r.error.message}`, r.error.sipStatus);
    this.start(r.value.session);
    return { text: r.value.text, session: r.value.session };
  }

  applyAnswer(sdp: string | Uint8Array): NegotiatedSession {
    if (this.pending === undefined) throw new Error('native leg: no offer pending');
    const r = applyAnswer(this.pending, sdp);
    if (!r.ok) throw new Error(`native leg: apply answer: ${r.error.message}`);
    this.start(r.value);
    return r.value;
  }

  /** Hands the negotiated stream to the native thread. */
  private start(session: NegotiatedSession): void {
    if (this.started) throw new Error('native leg: re-negotiation is not in the prototype');
    const m = session.media.find((x) => x.type === 'audio' && x.accepted);
    if (m === undefined || m.remoteAddress === undefined || m.sendCodec === undefined) throw new Error('native leg: no accepted audio stream');
    // Without rtcp-mux the peer's RTCP goes to our port + 1, where nothing listens (the prototype sends no RTCP either).
    if (m.sendCodec.encodingName.toUpperCase() !== this.options.codec) throw new Error(`native leg: negotiated ${m.sendCodec.encodingName}, not ${this.options.codec}`);
    if (m.srtp !== undefined && m.srtp.suite !== 'AES_CM_128_HMAC_SHA1_80' && m.srtp.suite !== 'AES_CM_128_HMAC_SHA1_32') throw new Error(`native leg: ${m.srtp.suite} is not in the prototype`);
    const srtp =
      m.srtp === undefined
        ? undefined
        : { suite: m.srtp.suite as NativeSuite, sendKey: keySalt(m.srtp.send), receiveKey: keySalt(m.srtp.receive[0]!), replayWindow: m.srtp.replayWindowSize };
    const rng = this.options.rng;
    this.addon.start(this.leg, {
      remoteAddress: m.remoteAddress,
      remotePort: m.remotePort,
      codec: this.options.codec,
      payloadType: m.sendCodec.payloadType,
      frameSamples: 160,
      ssrc: u32(rng),
      sequence: u32(rng) & 0xffff,
      timestamp: u32(rng),
      ...(srtp === undefined ? {} : { srtp }),
      ...(this.options.source === undefined ? {} : { source: this.options.source }),
      recordSeconds: this.options.recordSeconds ?? 0,
      jitterFrames: this.options.jitterFrames ?? 1,
    });
    srtp?.sendKey.fill(0);
    srtp?.receiveKey.fill(0);
    this.started = true;
  }

  stats(): MediaPathStats | undefined {
    return this.closed ? undefined : this.addon.stats(this.leg);
  }

  setMuted(muted: boolean): void {
    if (!this.closed) this.addon.setMuted(this.leg, muted);
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
