/**
 * NTP timestamps as used by RTCP: RFC 3550 §4 (64-bit NTP format, seconds since 1900 and a
 * 32-bit fraction; the "middle 32 bits" compact form in units of 1/65536 s used by LSR/DLSR)
 * and §6.4.1 (round-trip time from LSR and DLSR).
 */

/** Seconds between 1900-01-01 (NTP epoch) and 1970-01-01 (Unix epoch). */
export const NTP_UNIX_OFFSET_SECONDS = 2_208_988_800;

export interface NtpTimestamp {
  /** Seconds since 1900, modulo 2^32 (wraps in 2036; RFC 3550 §4 notes the era ambiguity). */
  readonly seconds: number;
  /** Fraction of a second in units of 2^-32 s. */
  readonly fraction: number;
}

export function ntpFromUnixMs(unixMs: number): NtpTimestamp {
  const wholeSeconds = Math.floor(unixMs / 1000);
  const remainderMs = unixMs - wholeSeconds * 1000;
  return {
    seconds: (wholeSeconds + NTP_UNIX_OFFSET_SECONDS) >>> 0,
    fraction: Math.min(0xffffffff, Math.floor((remainderMs / 1000) * 0x1_0000_0000)) >>> 0,
  };
}

/** Inverse of ntpFromUnixMs for timestamps in the current NTP era (1900–2036). */
export function unixMsFromNtp(ntp: NtpTimestamp): number {
  return (ntp.seconds - NTP_UNIX_OFFSET_SECONDS) * 1000 + (ntp.fraction / 0x1_0000_0000) * 1000;
}

/** The middle 32 bits of a 64-bit NTP timestamp (RFC 3550 §6.4.1, LSR field). */
export function ntpMiddle32(ntp: NtpTimestamp): number {
  return (((ntp.seconds & 0xffff) << 16) | (ntp.fraction >>> 16)) >>> 0;
}

/** Compact NTP (1/65536 s units) for a duration in milliseconds, e.g. DLSR. */
export function compactNtpFromMs(ms: number): number {
  return Math.max(0, Math.min(0xffffffff, Math.round((ms * 65536) / 1000))) >>> 0;
}

export function msFromCompactNtp(units: number): number {
  return ((units >>> 0) * 1000) / 65536;
}

/**
 * Round-trip time from a reception report (RFC 3550 §6.4.1, Figure 2):
 * RTT = A − LSR − DLSR, all in compact NTP units, where A is the arrival time of the report.
 * Returns undefined when the peer has not yet received an SR from us (LSR = 0) or when the
 * arithmetic gives a negative value (clock error or a corrupt report).
 */
export function roundTripTimeMs(arrivalCompactNtp: number, lsr: number, dlsr: number): number | undefined {
  if (lsr === 0) return undefined;
  const rtt = ((arrivalCompactNtp >>> 0) - (lsr >>> 0) - (dlsr >>> 0)) | 0;
  if (rtt < 0) return undefined;
  return msFromCompactNtp(rtt);
}
