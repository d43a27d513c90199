/**
 * Our side of the offer/answer (the `LocalMediaConfig` of protocol/sdp) built from a call's
 * options: codecs from the registry in the account's preference order, then telephone-event
 * (RFC 4733 DTMF: /48000 when Opus is offered, and /8000); 20 ms packets; RTP/RTCP multiplexing offered; the SRTP policy and the
 * signalling hop (SDES keys only over TLS unless explicitly allowed, RFC 4568 §8.3).
 */
import type { CodecRegistry } from '../../protocol/codec/index.js';
import type { CodecSpec, Direction, LocalMediaConfig } from '../../protocol/sdp/index.js';
import type { CallMediaOptions } from '../call-media.js';

export const TELEPHONE_EVENT: CodecSpec = { payloadType: 101, encodingName: 'telephone-event', clockRate: 8000, fmtp: '0-16' };
/** telephone-event at Opus's 48 kHz RTP clock (RFC 4733 §2.1; the payload type WebRTC stacks use). */
export const TELEPHONE_EVENT_48K: CodecSpec = { payloadType: 110, encodingName: 'telephone-event', clockRate: 48000, fmtp: '0-16' };
export const DEFAULT_PTIME_MS = 20;

/** The account's codecs this build has, in preference order, as SDP codec specs. */
export function offeredCodecSpecs(registry: CodecRegistry, preference: readonly string[]): CodecSpec[] {
  return registry.ordered(preference).map((f) => {
    const d = f.descriptor;
    return {
      payloadType: d.payloadType,
      encodingName: d.encodingName,
      clockRate: d.clockRate,
      ...(d.channels === 1 ? {} : { channels: d.channels }),
      ...(d.fmtp === undefined ? {} : { fmtp: d.fmtp }),
    };
  });
}

export function buildLocalMediaConfig(options: CallMediaOptions, registry: CodecRegistry, port: number, direction: Direction): LocalMediaConfig {
  const codecs = offeredCodecSpecs(registry, options.codecs);
  return {
    address: options.localAddress,
    port,
    // Events at 8 kHz for every peer, and at 48 kHz too when Opus is offered, so DTMF shares the
    // audio's timestamp clock whichever is chosen (sender and receiver pick the matching one).
    codecs: codecs.length === 0 ? [] : [...codecs, ...(codecs.some((c) => c.clockRate === 48000) ? [TELEPHONE_EVENT_48K] : []), TELEPHONE_EVENT],
    ptime: DEFAULT_PTIME_MS,
    direction,
    rtcpMux: true,
    srtp: { policy: options.srtp, transport: options.signalling, allowInsecureTransport: options.allowInsecureSdes, ...(options.srtpSuites === undefined ? {} : { suites: options.srtpSuites }) },
  };
}

/**
 * What a negotiated stream does (RFC 3264 §5.1, §6.1), from our direction after negotiation and
 * the one we asked for: we send microphone audio only when the stream sends and we are not the
 * side holding (a local hold offers sendonly, and the held party must not hear us); we play
 * whatever the stream lets us receive (music on hold when the peer holds us).
 */
export function mediaFlow(negotiated: Direction, asked: Direction): { readonly send: boolean; readonly receive: boolean } {
  return {
    send: (negotiated === 'sendrecv' || negotiated === 'sendonly') && asked !== 'sendonly' && asked !== 'inactive',
    receive: negotiated === 'sendrecv' || negotiated === 'recvonly',
  };
}

/** A codec as MediaState names it: PCMA/8000, opus/48000/2. */
export function codecName(spec: CodecSpec): string {
  return `${spec.encodingName}/${spec.clockRate}${spec.channels === undefined || spec.channels === 1 ? '' : `/${spec.channels}`}`;
}

/** Packetization we send with: the peer's a=ptime (what it wants to receive), in 10 ms steps of 10-60 ms. */
export function sendPtimeMs(remotePtime: number | undefined): number {
  if (remotePtime === undefined || !Number.isFinite(remotePtime)) return DEFAULT_PTIME_MS;
  return Math.min(60, Math.max(10, Math.round(remotePtime / 10) * 10));
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9a-f:.]+$/i;

/** A unicast address the peer can send to (not a wildcard). */
export function isUsableLocalAddress(address: string): boolean {
  if (address === '0.0.0.0' || address === '::') return false;
  return IPV4.test(address) || (address.includes(':') && IPV6.test(address));
}
