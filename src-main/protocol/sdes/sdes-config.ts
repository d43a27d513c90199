/**
 * Media-encryption policy per account and the facts about the signalling hop that the SDES
 * negotiator needs (RFC 4568 §8.3: SDES keys are only as safe as the signalling that carries them).
 */
import type { SrtpSuiteName } from '../srtp/srtp-suite.js';

/**
 * `mandatory`: offer RTP/SAVP only; refuse (488) a call without acceptable crypto.
 * `optional`: offer RTP/AVP with a=crypto (best-effort SRTP); accept either, and say so.
 * `off`: plain RTP; SAVP offers are rejected.
 */
export type SrtpPolicy = 'mandatory' | 'optional' | 'off';

export const SRTP_POLICIES: readonly SrtpPolicy[] = ['mandatory', 'optional', 'off'];

/** The transport of the SIP hop the SDP travels over. */
export type SignallingTransport = 'tls' | 'wss' | 'tcp' | 'udp' | 'ws';

export const SIGNALLING_TRANSPORTS: readonly SignallingTransport[] = ['tls', 'wss', 'tcp', 'udp', 'ws'];

/** True when the hop is encrypted, so keys written into SDP are not readable on the wire. */
export function isSecureTransport(t: SignallingTransport): boolean {
  return t === 'tls' || t === 'wss';
}

/**
 * Offer order (AES_CM_128_HMAC_SHA1_80 first: the suite every SDES peer supports, RFC 4568 §6.2)
 * and the set accepted in answers. AES-192 is supported by the engine but neither offered nor
 * accepted by default: libsrtp before 2.7 derives AES-192 keys wrongly (cisco/libsrtp#763), so a
 * negotiated AES-192 call with many PBXs would have silent one-way audio.
 */
export const DEFAULT_SDES_SUITES: readonly SrtpSuiteName[] = [
  'AES_CM_128_HMAC_SHA1_80',
  'AES_CM_128_HMAC_SHA1_32',
  'AES_256_CM_HMAC_SHA1_80',
  'AES_256_CM_HMAC_SHA1_32',
  'AEAD_AES_128_GCM',
  'AEAD_AES_256_GCM',
];

export interface SdesConfig {
  readonly policy: SrtpPolicy;
  readonly transport: SignallingTransport;
  /**
   * Write keys into SDP even over a hop that is not TLS. Anyone on the path can then decrypt the
   * media; the negotiation report carries a loud warning. Default false.
   */
  readonly allowInsecureTransport?: boolean;
  /** Suites in preference order; default DEFAULT_SDES_SUITES. */
  readonly suites?: readonly SrtpSuiteName[];
}
