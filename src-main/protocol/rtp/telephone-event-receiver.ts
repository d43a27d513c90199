/**
 * Receiving RFC 4733 telephone-events (§2.5.2 receiver procedures). Each event is reported
 * exactly once as `start` (on the first packet seen of it, whichever that is) and once as `end`
 * (on the first E-bit packet, or inferred when a newer event or later audio shows it is over).
 * Retransmitted end packets, duplicates and packets of older events are ignored; an event is
 * identified by its RTP timestamp (§2.5.2.1). Long events split into segments (§2.5.1.3) are
 * recognised as one.
 */
import { dtmfKey, parseTelephoneEvents } from './telephone-event.js';

export type TelephoneEventNotice =
  | { readonly kind: 'start'; readonly event: number; readonly key: string | undefined; readonly timestamp: number }
  | {
      readonly kind: 'end';
      readonly event: number;
      readonly key: string | undefined;
      readonly timestamp: number;
      readonly durationMs: number;
      /** True when no E-bit packet arrived and the end was inferred. */
      readonly inferred: boolean;
    };

interface Current {
  startTimestamp: number;
  segmentTimestamp: number;
  event: number;
  /** Duration of earlier segments plus the current one, in timestamp units. */
  priorSegments: number;
  duration: number;
  ended: boolean;
}

export class TelephoneEventReceiver {
  private current: Current | undefined;
  /** Counts packets that failed to parse (reported in stats; never thrown). */
  malformed = 0;

  constructor(private readonly clockRate: number) {}

  /** One received telephone-event packet. Returns the notices it causes (usually none). */
  onPacket(timestamp: number, payload: Uint8Array): TelephoneEventNotice[] {
    const parsed = parseTelephoneEvents(payload);
    if (!parsed.ok) {
      this.malformed++;
      return [];
    }
    // The block describing this packet's own timestamp is the last one (§2.5.1.5).
    const block = parsed.value[parsed.value.length - 1]!;
    const ts = timestamp >>> 0;
    const out: TelephoneEventNotice[] = [];
    const cur = this.current;
    if (cur !== undefined) {
      const delta = (ts - cur.segmentTimestamp) | 0;
      if (delta === 0) {
        if (block.event !== cur.event) return out; // corrupt or conflicting: keep the first
        if (!cur.ended) {
          cur.duration = Math.max(cur.duration, block.duration);
          if (block.end) this.finish(cur, false, out);
        }
        return out;
      }
      if (delta < 0) return out; // a packet of an older event (late or retransmitted)
      // A later timestamp: either the next segment of a long event or a new event.
      if (!cur.ended && block.event === cur.event && delta >= cur.duration && delta <= 0xffff && cur.duration >= 0x8000) {
        cur.priorSegments += delta;
        cur.segmentTimestamp = ts;
        cur.duration = block.duration;
        if (block.end) this.finish(cur, false, out);
        return out;
      }
      if (!cur.ended) this.finish(cur, true, out);
    }
    const next: Current = { startTimestamp: ts, segmentTimestamp: ts, event: block.event, priorSegments: 0, duration: block.duration, ended: false };
    this.current = next;
    out.push({ kind: 'start', event: block.event, key: dtmfKey(block.event), timestamp: ts });
    if (block.end) this.finish(next, false, out);
    return out;
  }

  /** An event is in progress (audio packets need `onAudio` only then). */
  get eventOpen(): boolean {
    return this.current !== undefined && !this.current.ended;
  }

  /**
   * Audio resumed at `timestamp` (same clock as the events): an event still open whose span
   * ended before it is over even though its end packets were lost.
   */
  onAudio(timestamp: number): TelephoneEventNotice[] {
    const cur = this.current;
    if (cur === undefined || cur.ended) return [];
    const delta = ((timestamp >>> 0) - cur.segmentTimestamp) | 0;
    if (delta <= cur.duration) return [];
    const out: TelephoneEventNotice[] = [];
    this.finish(cur, true, out);
    return out;
  }

  private finish(cur: Current, inferred: boolean, out: TelephoneEventNotice[]): void {
    cur.ended = true;
    out.push({
      kind: 'end',
      event: cur.event,
      key: dtmfKey(cur.event),
      timestamp: cur.startTimestamp,
      durationMs: ((cur.priorSegments + cur.duration) * 1000) / this.clockRate,
      inferred,
    });
  }
}
