/**
 * Opus (RFC 6716) for RTP (RFC 7587) through the native libopus binding `@discordjs/opus`.
 *
 * Why native and not `opusscript` (wasm): measured here on Node 20 (2 cores), 48 kHz mono,
 * VOIP application, 32 kbit/s, 20 ms frames, encode + decode per frame:
 *   @discordjs/opus 0.10: 0.149 ms (0.75 % of one core per call)
 *   opusscript 0.1.1:     0.186–0.253 ms (0.93–1.26 %), with more run-to-run variance.
 * The per-call CPU budget is 2 % of a core, so native leaves room for SRTP, resampling and the
 * jitter buffer. It also exposes every encoder/decoder CTL (FEC, loss percentage, complexity),
 * and prebuilt binaries exist for Windows, macOS and Linux (node-pre-gyp), falling back to a
 * ~20 s source build of the bundled libopus.
 *
 * Not pure (a native addon), hence here in media rather than protocol/codec. The binding is
 * loaded lazily and can be injected (tests, or a worker-thread build).
 */
import { createRequire } from 'node:module';
import { err, ok, type CodedError, type Result } from '../../base/result.js';
import { frameSamplesFor, type Codec, type CodecDescriptor, type CodecFactory, type CodecOptions } from '../../protocol/codec/codec.js';
import { opusPacketSamples, opusPlcPacket } from '../../protocol/codec/opus-packet.js';

/** The part of @discordjs/opus's OpusEncoder we use (one native object encodes and decodes). */
export interface OpusNative {
  encode(pcm: Buffer): Buffer;
  decode(packet: Buffer): Buffer;
  applyEncoderCTL(ctl: number, value: number): void;
  setBitrate(bitrate: number): void;
}

export interface OpusBinding {
  readonly OpusEncoder: new (rate: number, channels: number) => OpusNative;
}

// libopus opus_defines.h request codes.
const OPUS_SET_APPLICATION_REQUEST = 4000;
const OPUS_APPLICATION_VOIP = 2048;
const OPUS_SET_COMPLEXITY_REQUEST = 4010;
const OPUS_SET_INBAND_FEC_REQUEST = 4012;
const OPUS_SET_PACKET_LOSS_PERC_REQUEST = 4014;

/** rtpmap opus/48000/2 is mandatory whatever is sent (RFC 7587 §7). 111 is a common dynamic PT. */
export const OPUS_DESCRIPTOR: CodecDescriptor = {
  encodingName: 'opus',
  clockRate: 48000,
  channels: 2,
  payloadType: 111,
  fmtp: 'minptime=10;useinbandfec=1',
};

export interface OpusCodecConfig {
  /** PCM rate for encode input and decode output: 8000, 12000, 16000, 24000 or 48000. */
  readonly sampleRate?: number;
  /** Target bitrate before the peer's maxaveragebitrate; default 32000. */
  readonly bitrate?: number;
  /** Encoder complexity 0–10; default 8. */
  readonly complexity?: number;
  /** Expected loss (%) for in-band FEC tuning; default 5. */
  readonly expectedLossPercent?: number;
}

export type OpusLoadError = CodedError<'opus-unavailable'>;

let cachedBinding: OpusBinding | undefined;

/** Loads @discordjs/opus once. A failure (no prebuilt binary, no compiler) is a value. */
export function loadOpusBinding(): Result<OpusBinding, OpusLoadError> {
  if (cachedBinding !== undefined) return ok(cachedBinding);
  try {
    const require = createRequire(import.meta.url);
    cachedBinding = require('@discordjs/opus') as OpusBinding;
    return ok(cachedBinding);
  } catch (e) {
    return err({ code: 'opus-unavailable', message: 'the native Opus binding (@discordjs/opus) could not be loaded', detail: { cause: String(e) } });
  }
}

/** fmtp parameters (RFC 7587 §6.1) as a map; keys lower-cased. */
export function parseFmtp(fmtp: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (fmtp === undefined) return out;
  for (const part of fmtp.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    out.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  return out;
}

class OpusCodec implements Codec {
  readonly descriptor = OPUS_DESCRIPTOR;
  readonly sampleRate: number;
  readonly frameSamples: number;
  readonly frameTicks: number;
  readonly payloadType: number;
  private errors = 0;
  private lastToc: number | undefined;
  private readonly native: OpusNative;

  constructor(binding: OpusBinding, config: OpusCodecConfig, options: CodecOptions) {
    this.sampleRate = config.sampleRate ?? 48000;
    this.frameSamples = frameSamplesFor(this.sampleRate, options.ptimeMs);
    this.frameTicks = (this.frameSamples * 48000) / this.sampleRate;
    this.payloadType = options.payloadType ?? OPUS_DESCRIPTOR.payloadType;
    this.native = new binding.OpusEncoder(this.sampleRate, 1);
    const remote = parseFmtp(options.remoteFmtp);
    const maxAvg = Number(remote.get('maxaveragebitrate'));
    const bitrate = Math.min(config.bitrate ?? 32000, Number.isFinite(maxAvg) && maxAvg >= 6000 ? maxAvg : Infinity);
    this.native.applyEncoderCTL(OPUS_SET_APPLICATION_REQUEST, OPUS_APPLICATION_VOIP);
    this.native.setBitrate(bitrate);
    this.native.applyEncoderCTL(OPUS_SET_COMPLEXITY_REQUEST, Math.max(0, Math.min(10, config.complexity ?? 8)));
    // RFC 7587 §6.1: useinbandfec=1 from the peer says it can use FEC; send it then.
    if (remote.get('useinbandfec') === '1') {
      this.native.applyEncoderCTL(OPUS_SET_INBAND_FEC_REQUEST, 1);
      this.native.applyEncoderCTL(OPUS_SET_PACKET_LOSS_PERC_REQUEST, Math.max(0, Math.min(100, config.expectedLossPercent ?? 5)));
    }
  }

  get decodeErrors(): number {
    return this.errors;
  }

  encode(pcm: Int16Array): Uint8Array {
    const out = this.native.encode(Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength));
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  }

  decode(payload: Uint8Array): Int16Array {
    if (opusPacketSamples(payload, this.sampleRate) === undefined) {
      this.errors++;
      return this.conceal();
    }
    try {
      const pcm = toInt16(this.native.decode(Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)));
      this.lastToc = payload[0];
      return pcm;
    } catch {
      // libopus rejected the packet ("corrupted data"): conceal instead.
      this.errors++;
      return this.conceal();
    }
  }

  conceal(): Int16Array {
    if (this.lastToc === undefined) return new Int16Array(this.frameSamples);
    // A TOC-only packet makes libopus run its PLC for exactly one frame of the last
    // configuration (opus_decode_frame with len ≤ 1); repeat until a whole frame is covered.
    const out = new Int16Array(this.frameSamples);
    const plc = Buffer.from(opusPlcPacket(this.lastToc));
    let filled = 0;
    try {
      while (filled < out.length) {
        const chunk = toInt16(this.native.decode(plc));
        if (chunk.length === 0) break;
        out.set(chunk.subarray(0, out.length - filled), filled);
        filled += chunk.length;
      }
    } catch {
      this.errors++;
    }
    return out;
  }

  samplesIn(payload: Uint8Array): number {
    return opusPacketSamples(payload, this.sampleRate) ?? this.frameSamples;
  }

  /** DTX/silence frames: a TOC byte with no or one byte of frame data (RFC 6716 §3.2.1). */
  isSilence(payload: Uint8Array): boolean {
    return payload.length <= 2;
  }

  dispose(): void {
    // The native object is freed by its finalizer; drop our references.
    this.lastToc = undefined;
  }
}

function toInt16(buf: Buffer): Int16Array {
  if (buf.byteOffset % 2 === 0) return new Int16Array(buf.buffer, buf.byteOffset, buf.byteLength >> 1);
  const copy = new Int16Array(buf.byteLength >> 1);
  new Uint8Array(copy.buffer).set(buf.subarray(0, copy.byteLength));
  return copy;
}

/** The Opus codec factory, or why it is unavailable (then the registry simply lacks Opus). */
export function createOpusCodecFactory(config: OpusCodecConfig = {}, binding?: OpusBinding): Result<CodecFactory, OpusLoadError> {
  const loaded = binding === undefined ? loadOpusBinding() : ok(binding);
  if (!loaded.ok) return loaded;
  const b = loaded.value;
  return ok({
    descriptor: OPUS_DESCRIPTOR,
    sampleRate: config.sampleRate ?? 48000,
    create: (options: CodecOptions = {}) => new OpusCodec(b, config, options),
  });
}
