/**
 * Sending DTMF as RFC 4733 telephone-events (§2.5.1 sender procedures):
 *  - §2.5.1.2: the first packet of an event has the marker bit; every packet of the event carries
 *    the event's start timestamp and the duration so far; update packets go out once per packet
 *    interval (we use the audio ptime, as most phones do) instead of the audio they replace;
 *  - §2.5.1.4: the final packet has the E bit and is sent three times (new sequence numbers,
 *    same timestamp and duration);
 *  - §2.5.1.3: events longer than 0xFFFF timestamp units are split into segments.
 * Between digits audio resumes for `gapMs`.
 *
 * Driven by the media clock: call `tick(mediaTimestamp)` once per packet interval; a returned
 * packet replaces that interval's audio packet.
 */
import { err, ok, type CodedError, type Result } from '../../base/result.js';
import { dtmfEventCode, writeTelephoneEvent } from './telephone-event.js';

export interface TelephoneEventSenderOptions {
  /** telephone-event clock rate from the SDP (8000 unless negotiated otherwise). */
  readonly clockRate: number;
  /** Packet interval in timestamp units of `clockRate` (e.g. 160 for 20 ms at 8 kHz). */
  readonly packetTicks: number;
  /** Tone duration (ITU-T Q.24: at least 40 ms). Default 100 ms. */
  readonly toneMs?: number;
  /** Pause between digits. Default 70 ms. */
  readonly gapMs?: number;
  /** −dBm0 power level, 0..63. Default 10. */
  readonly volume?: number;
}

export interface TelephoneEventPacket {
  readonly payload: Uint8Array;
  readonly timestamp: number;
  readonly marker: boolean;
  readonly end: boolean;
  readonly key: string;
}

export type DtmfQueueError = CodedError<'dtmf-invalid-key'>;

const END_REPEATS = 3;
const MAX_SEGMENT = 0xffff;

type State =
  | { readonly kind: 'idle' }
  | { kind: 'tone'; key: string; event: number; segmentStart: number; segmentTicks: number; remaining: number; first: boolean }
  | { kind: 'ending'; key: string; event: number; segmentStart: number; duration: number; repeatsLeft: number }
  | { kind: 'gap'; remaining: number };

export class TelephoneEventSender {
  private readonly queue: string[] = [];
  private state: State = { kind: 'idle' };
  private readonly toneTicks: number;
  private readonly gapTicks: number;
  private readonly volume: number;

  constructor(private readonly options: TelephoneEventSenderOptions) {
    const ms = (v: number): number => Math.max(1, Math.round((v * options.clockRate) / 1000));
    this.toneTicks = ms(Math.max(40, options.toneMs ?? 100));
    this.gapTicks = ms(Math.max(0, options.gapMs ?? 70));
    this.volume = Math.max(0, Math.min(63, options.volume ?? 10));
  }

  /** Queues keys ('0'-'9', '*', '#', 'A'-'D', '!' = flash). Rejects the whole string if any key is invalid. */
  enqueue(keys: string): Result<void, DtmfQueueError> {
    for (const k of keys) {
      if (dtmfEventCode(k) === undefined) return err({ code: 'dtmf-invalid-key', message: `not a DTMF key: ${JSON.stringify(k)}`, detail: { key: k } });
    }
    for (const k of keys) this.queue.push(k.toUpperCase());
    return ok(undefined);
  }

  /** True while an event is on the wire (its packets replace audio). */
  get sending(): boolean {
    return this.state.kind === 'tone' || this.state.kind === 'ending';
  }

  /** True when nothing is queued or in progress. */
  get idle(): boolean {
    return this.state.kind === 'idle' && this.queue.length === 0;
  }

  get pendingKeys(): number {
    return this.queue.length;
  }

  /** Drops queued keys; an event in progress is ended properly. */
  cancel(): void {
    this.queue.length = 0;
  }

  /** One packet interval starting at `mediaTimestamp`. Returns the packet to send instead of audio, if any. */
  tick(mediaTimestamp: number): TelephoneEventPacket | undefined {
    const packetTicks = this.options.packetTicks;
    const s = this.state;
    switch (s.kind) {
      case 'gap':
        if (s.remaining > 0) {
          s.remaining -= packetTicks;
          return undefined;
        }
        this.state = { kind: 'idle' };
        return this.tick(mediaTimestamp);
      case 'idle': {
        const key = this.queue.shift();
        if (key === undefined) return undefined;
        const event = dtmfEventCode(key)!;
        this.state = { kind: 'tone', key, event, segmentStart: mediaTimestamp >>> 0, segmentTicks: 0, remaining: this.toneTicks, first: true };
        return this.tick(mediaTimestamp);
      }
      case 'tone': {
        const step = Math.min(packetTicks, s.remaining);
        if (s.segmentTicks + step > MAX_SEGMENT) {
          // §2.5.1.3: close this segment at 0xFFFF and continue in a new one (no marker bit).
          s.segmentStart = (s.segmentStart + s.segmentTicks) >>> 0;
          s.segmentTicks = 0;
        }
        s.segmentTicks += step;
        s.remaining -= step;
        const marker = s.first;
        s.first = false;
        if (s.remaining <= 0) {
          this.state = { kind: 'ending', key: s.key, event: s.event, segmentStart: s.segmentStart, duration: s.segmentTicks, repeatsLeft: END_REPEATS - 1 };
          return this.packet(s.key, s.event, s.segmentStart, s.segmentTicks, true, marker);
        }
        return this.packet(s.key, s.event, s.segmentStart, s.segmentTicks, false, marker);
      }
      case 'ending': {
        s.repeatsLeft--;
        const p = this.packet(s.key, s.event, s.segmentStart, s.duration, true, false);
        if (s.repeatsLeft <= 0) this.state = this.gapTicks > 0 ? { kind: 'gap', remaining: this.gapTicks } : { kind: 'idle' };
        return p;
      }
    }
  }

  private packet(key: string, event: number, timestamp: number, duration: number, end: boolean, marker: boolean): TelephoneEventPacket {
    const payload = new Uint8Array(4);
    writeTelephoneEvent({ event, end, volume: this.volume, duration }, payload, 0);
    return { payload, timestamp, marker, end, key };
  }
}
