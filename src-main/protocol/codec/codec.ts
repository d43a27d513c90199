/**
 * The codec port: what the media pipeline needs from any audio codec, and what SDP needs to
 * describe it (RFC 4566 §6 rtpmap/fmtp, RFC 3551 §6 static payload types).
 */
import type { Disposable } from '../../base/disposable.js';

/** How a codec appears in SDP. */
export interface CodecDescriptor {
  /** rtpmap encoding name as registered (PCMU, PCMA, G722, opus); compared case-insensitively. */
  readonly encodingName: string;
  /** RTP clock rate (rtpmap); not always the sampling rate (G.722: 8000, RFC 3551 §4.5.2). */
  readonly clockRate: number;
  /** rtpmap channel count (opus is always announced as 2, RFC 7587 §7). */
  readonly channels: number;
  /** Static payload type, or the preferred dynamic one. */
  readonly payloadType: number;
  /** fmtp parameters we offer, without the "a=fmtp:<pt> " prefix. */
  readonly fmtp?: string;
}

export interface CodecOptions {
  /** Negotiated payload type (dynamic types differ per call). */
  readonly payloadType?: number;
  /** Packetization time in ms (a=ptime); default 20. */
  readonly ptimeMs?: number;
  /** The peer's fmtp for this payload type. */
  readonly remoteFmtp?: string;
}

/**
 * One encoder/decoder pair for one call. PCM is mono, signed 16-bit, at `sampleRate`.
 * `decode` and `conceal` never throw: a payload the codec cannot decode yields concealment
 * and is counted in `decodeErrors` (network garbage never crashes anything).
 */
export interface Codec extends Disposable {
  readonly descriptor: CodecDescriptor;
  readonly payloadType: number;
  /** PCM sampling rate of encode input and decode output. */
  readonly sampleRate: number;
  /** PCM samples per frame at `sampleRate` (ptime). */
  readonly frameSamples: number;
  /** RTP timestamp units per frame (frameSamples scaled to the clock rate). */
  readonly frameTicks: number;
  /** Encodes exactly one frame of `frameSamples` samples. */
  encode(pcm: Int16Array): Uint8Array;
  /** Decodes one payload (its length determines the number of samples). */
  decode(payload: Uint8Array): Int16Array;
  /** One frame of packet-loss concealment, continuing from what was decoded last. */
  conceal(): Int16Array;
  /** Number of PCM samples a payload decodes to, without decoding it (jitter buffer timing). */
  samplesIn(payload: Uint8Array): number;
  /**
   * Whether a payload is (near-)silence, judged without decoding it: the jitter buffer shrinks
   * its delay only in silence, and continuous RTP (no VAD/CN on the far end) has no other pause.
   * Codecs that cannot tell cheaply leave it out.
   */
  isSilence?(payload: Uint8Array): boolean;
  readonly decodeErrors: number;
}

export interface CodecFactory {
  readonly descriptor: CodecDescriptor;
  readonly sampleRate: number;
  create(options?: CodecOptions): Codec;
}

/** `ptimeMs` of PCM at `sampleRate`, validated to whole samples (10–60 ms, RFC 3551 §4.2). */
export function frameSamplesFor(sampleRate: number, ptimeMs = 20): number {
  const ms = Math.min(60, Math.max(10, Math.round(ptimeMs / 10) * 10));
  return (sampleRate * ms) / 1000;
}
