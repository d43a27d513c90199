/**
 * DTMF in SIP INFO (the de-facto `application/dtmf-relay` body used by Cisco, Asterisk and
 * FreeSWITCH, and `application/dtmf` with just the digit), the fallback when the peer does not
 * negotiate RFC 4733 telephone-event.
 */
const DIGITS = /^[0-9*#A-Da-d]$/;

export function isDtmfDigit(d: string): boolean {
  return DIGITS.test(d);
}

export function formatDtmfRelay(digit: string, durationMs: number): string {
  return `Signal=${digit}\r\nDuration=${Math.round(durationMs)}\r\n`;
}

/** Reads the digit and duration of an INFO body; undefined when it carries no digit. */
export function parseDtmfInfo(contentType: string | undefined, body: string): { digit: string; durationMs: number } | undefined {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/dtmf') {
    const d = body.trim();
    return isDtmfDigit(d) ? { digit: d.toUpperCase(), durationMs: 160 } : undefined;
  }
  if (type !== 'application/dtmf-relay') return undefined;
  let digit: string | undefined;
  let durationMs = 160;
  for (const line of body.split(/\r?\n/)) {
    const m = /^\s*(signal|duration)\s*=\s*(\S+)\s*$/i.exec(line);
    if (m === null) continue;
    if (m[1]!.toLowerCase() === 'signal') {
      // Some devices send event numbers 10/11 for * and #.
      const v = m[2]!;
      digit = v === '10' ? '*' : v === '11' ? '#' : v;
    } else {
      // Whole milliseconds only: `1e-1` or `0.00017` are no durations (found by fuzzing, test/corpus/dtmf-info/crashers).
      const n = /^\d{1,9}$/.test(m[2]!) ? Number(m[2]) : Number.NaN;
      if (n > 0 && n < 10_000) durationMs = n;
    }
  }
  return digit !== undefined && isDtmfDigit(digit) ? { digit: digit.toUpperCase(), durationMs } : undefined;
}
