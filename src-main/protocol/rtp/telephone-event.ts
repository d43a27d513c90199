/**
 * RFC 4733 §2.3 telephone-event payload: event (8 bits), E (end), R (reserved), volume (6 bits,
 * 0..63 = 0..−63 dBm0), duration (16 bits, timestamp units). A payload may carry several 4-octet
 * event blocks (§2.5.1.5, combining an earlier event's final report with the current one); the
 * one describing the packet's own timestamp is the last.
 * Event codes for DTMF: §3.2, Table 3 (0–9, * = 10, # = 11, A–D = 12–15, flash = 16).
 */
import { err, ok, type CodedError, type Result } from '../../base/result.js';

export interface TelephoneEvent {
  readonly event: number;
  readonly end: boolean;
  /** Power level as a positive number of −dBm0 (0..63). */
  readonly volume: number;
  /** Duration in RTP timestamp units (0..65535). */
  readonly duration: number;
}

export type TelephoneEventErrorCode = 'dtmf-empty' | 'dtmf-bad-length';
export type TelephoneEventError = CodedError<TelephoneEventErrorCode>;

export const TELEPHONE_EVENT_BLOCK = 4;

export function parseTelephoneEvents(payload: Uint8Array): Result<TelephoneEvent[], TelephoneEventError> {
  if (payload.length === 0) return err({ code: 'dtmf-empty', message: 'empty telephone-event payload' });
  if (payload.length % TELEPHONE_EVENT_BLOCK !== 0) {
    return err({ code: 'dtmf-bad-length', message: 'telephone-event payload is not a multiple of 4 octets', detail: { length: payload.length } });
  }
  const out: TelephoneEvent[] = [];
  for (let o = 0; o < payload.length; o += 4) {
    const b1 = payload[o + 1]!;
    // The R bit is ignored on receipt (§2.3.3).
    out.push({ event: payload[o]!, end: (b1 & 0x80) !== 0, volume: b1 & 0x3f, duration: (payload[o + 2]! << 8) | payload[o + 3]! });
  }
  return ok(out);
}

export function writeTelephoneEvent(e: TelephoneEvent, out: Uint8Array, offset = 0): number {
  if (e.event < 0 || e.event > 255 || e.volume < 0 || e.volume > 63 || e.duration < 0 || e.duration > 0xffff) {
    throw new RangeError('telephone-event field out of range');
  }
  out[offset] = e.event;
  out[offset + 1] = (e.end ? 0x80 : 0) | e.volume;
  out[offset + 2] = (e.duration >>> 8) & 0xff;
  out[offset + 3] = e.duration & 0xff;
  return 4;
}

export function serializeTelephoneEvents(events: readonly TelephoneEvent[]): Uint8Array {
  const out = new Uint8Array(events.length * 4);
  events.forEach((e, i) => writeTelephoneEvent(e, out, i * 4));
  return out;
}

const DIGITS = '0123456789*#ABCD';

/** RFC 4733 §3.2 DTMF event code for a key ('0'-'9', '*', '#', 'A'-'D', '!' = flash). */
export function dtmfEventCode(key: string): number | undefined {
  if (key === '!') return 16;
  const i = DIGITS.indexOf(key.toUpperCase());
  return i < 0 || key.length !== 1 ? undefined : i;
}

export function dtmfKey(event: number): string | undefined {
  if (event === 16) return '!';
  return event >= 0 && event < 16 ? DIGITS[event] : undefined;
}
