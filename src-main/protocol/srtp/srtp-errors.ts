/**
 * SRTP/SRTCP processing outcomes (RFC 3711 §3.3, §3.4). Errors are values: the engine counts them
 * per stream and returns them; nothing on the packet path throws (DESIGN.md rule 4).
 */
import { err, type CodedError, type Err } from '../../base/result.js';

export type SrtpErrorCode =
  /** Too short, wrong version, bad header extension length, or otherwise not a packet of this kind. */
  | 'malformed'
  /** The authentication tag (or AEAD tag) did not verify. */
  | 'auth-failed'
  /** The index was already accepted (replay window, RFC 3711 §3.3.2). */
  | 'replayed'
  /** The index is older than the replay window, or before the stream's first packet. */
  | 'too-old'
  /** The MKI names no master key of this context (RFC 3711 §3.1). */
  | 'unknown-mki'
  /** The master key reached its lifetime (RFC 3711 §9.2, RFC 4568 §6.1): re-key. */
  | 'key-expired'
  /** A new SSRC would exceed the context's stream limit. */
  | 'stream-limit'
  /** The SSRC is one this context sends with: never unprotect our own stream (loop/reflection). */
  | 'ssrc-collision'
  /** The output buffer passed to an `...Into` call is too small. */
  | 'buffer-too-small';

export type SrtpError = CodedError<SrtpErrorCode>;

/** Negative status numbers returned by the non-allocating `...InPlace`/`...Into` calls. */
export const SRTP_STATUS: Readonly<Record<SrtpErrorCode, number>> = Object.freeze({
  malformed: -1,
  'auth-failed': -2,
  replayed: -3,
  'too-old': -4,
  'unknown-mki': -5,
  'key-expired': -6,
  'stream-limit': -7,
  'ssrc-collision': -8,
  'buffer-too-small': -9,
});

const MESSAGES: Readonly<Record<SrtpErrorCode, string>> = {
  malformed: 'packet is malformed or truncated',
  'auth-failed': 'authentication tag did not verify',
  replayed: 'packet index was already received (replay)',
  'too-old': 'packet index is older than the replay window',
  'unknown-mki': 'MKI does not name a master key of this context',
  'key-expired': 'master key lifetime reached; re-key required',
  'stream-limit': 'too many SSRCs for this context',
  'ssrc-collision': 'SSRC is one of our own sending streams',
  'buffer-too-small': 'output buffer too small',
};

const CODES_BY_STATUS = new Map<number, SrtpErrorCode>(
  (Object.entries(SRTP_STATUS) as [SrtpErrorCode, number][]).map(([code, status]) => [status, code]),
);

// Preallocated, frozen error results: the failure path allocates nothing either.
const ERRORS = new Map<number, Err<SrtpError>>(
  (Object.keys(SRTP_STATUS) as SrtpErrorCode[]).map((code) => [
    SRTP_STATUS[code],
    Object.freeze(err(Object.freeze({ code, message: MESSAGES[code] }))),
  ]),
);

/** The error result for a negative status. */
export function srtpErrorResult(status: number): Err<SrtpError> {
  return ERRORS.get(status) ?? ERRORS.get(SRTP_STATUS.malformed)!;
}

export function srtpErrorCode(status: number): SrtpErrorCode | undefined {
  return CODES_BY_STATUS.get(status);
}

/** Counters kept per stream and per context (for packets that match no stream). */
export interface SrtpErrorCounters {
  malformed: number;
  authFailed: number;
  replayed: number;
  tooOld: number;
  unknownMki: number;
  keyExpired: number;
  streamLimit: number;
  ssrcCollision: number;
}

export function newErrorCounters(): SrtpErrorCounters {
  return { malformed: 0, authFailed: 0, replayed: 0, tooOld: 0, unknownMki: 0, keyExpired: 0, streamLimit: 0, ssrcCollision: 0 };
}

export function countError(counters: SrtpErrorCounters, status: number): void {
  switch (status) {
    case SRTP_STATUS.malformed:
      counters.malformed++;
      break;
    case SRTP_STATUS['auth-failed']:
      counters.authFailed++;
      break;
    case SRTP_STATUS.replayed:
      counters.replayed++;
      break;
    case SRTP_STATUS['too-old']:
      counters.tooOld++;
      break;
    case SRTP_STATUS['unknown-mki']:
      counters.unknownMki++;
      break;
    case SRTP_STATUS['key-expired']:
      counters.keyExpired++;
      break;
    case SRTP_STATUS['stream-limit']:
      counters.streamLimit++;
      break;
    case SRTP_STATUS['ssrc-collision']:
      counters.ssrcCollision++;
      break;
    default:
      break;
  }
}
