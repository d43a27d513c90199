import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../base/bytes.js';
import { FakeRng } from '../../../test/fakes/fake-rng.js';
import { loadCorpus } from '../../../test/support/corpus.js';
import { parseRtpPacket } from './rtp-packet.js';
import { dtmfEventCode, dtmfKey, parseTelephoneEvents, serializeTelephoneEvents, type TelephoneEvent } from './telephone-event.js';
import { TelephoneEventReceiver, type TelephoneEventNotice } from './telephone-event-receiver.js';
import { TelephoneEventSender, type TelephoneEventPacket } from './telephone-event-sender.js';

interface Capture {
  packets: Array<{ kind: string; src: number; hex: string }>;
}
const capture = (name: string): Capture => JSON.parse(readFileSync(new URL(`../../../test/fixtures/rtp/${name}.json`, import.meta.url), 'utf8')) as Capture;

function dtmfPacketsOf(name: string): Array<{ timestamp: number; marker: boolean; payload: Uint8Array; seq: number }> {
  const out = [];
  for (const p of capture(name).packets) {
    if (p.kind !== 'rtp') continue;
    const r = parseRtpPacket(fromHex(p.hex));
    if (r.ok && r.value.payloadType === 101) out.push({ timestamp: r.value.timestamp, marker: r.value.marker, payload: r.value.payload, seq: r.value.sequenceNumber });
  }
  return out;
}

const keysOf = (notices: TelephoneEventNotice[], kind: 'start' | 'end'): string =>
  notices
    .filter((n) => n.kind === kind)
    .map((n) => n.key)
    .join('');

const eventArb: fc.Arbitrary<TelephoneEvent> = fc.record({
  event: fc.integer({ min: 0, max: 255 }),
  end: fc.boolean(),
  volume: fc.integer({ min: 0, max: 63 }),
  duration: fc.integer({ min: 0, max: 0xffff }),
});

describe('RFC 4733 telephone-event payload (§2.3)', () => {
  it('decodes the §2.3 layout: event 11 (#), E=1, volume 10, duration 800 (hand-encoded vector) and a two-block payload (§2.5.1.5)', () => {
    expect(parseTelephoneEvents(fromHex('0b8a0320'))).toEqual({ ok: true, value: [{ event: 11, end: true, volume: 10, duration: 800 }] });
    const two = parseTelephoneEvents(fromHex('0a8a03200b0a00a0'));
    expect(two.ok && two.value.map((e) => dtmfKey(e.event))).toEqual(['*', '#']);
    // The reserved R bit is ignored on receipt (§2.3.3).
    expect(parseTelephoneEvents(fromHex('054a00a0'))).toEqual({ ok: true, value: [{ event: 5, end: false, volume: 10, duration: 160 }] });
  });

  it('maps DTMF keys to event codes per §3.2 Table 3', () => {
    expect([...'0123456789*#ABCD'].map((k) => dtmfEventCode(k))).toEqual([...Array(16).keys()]);
    expect(dtmfEventCode('a')).toBe(12);
    expect(dtmfEventCode('!')).toBe(16);
    expect(dtmfEventCode('x')).toBeUndefined();
    expect(dtmfKey(16)).toBe('!');
    expect(dtmfKey(17)).toBeUndefined();
  });

  it('round-trips any list of event blocks (property) and fuzz: any bytes give a typed error or blocks that reserialize byte-exactly', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { minLength: 1, maxLength: 4 }), (events) => {
        expect(parseTelephoneEvents(serializeTelephoneEvents(events))).toEqual({ ok: true, value: events });
      }),
    );
    const check = (b: Uint8Array): void => {
      const r = parseTelephoneEvents(b);
      if (!r.ok) {
        expect(['dtmf-empty', 'dtmf-bad-length']).toContain(r.error.code);
        return;
      }
      // Only the reserved bit may differ after reserializing.
      const again = serializeTelephoneEvents(r.value);
      expect(toHex(again)).toBe(toHex(b.map((x, i) => (i % 4 === 1 ? x & 0xbf : x))));
    };
    for (const seed of loadCorpus('telephone-event')) check(seed);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 24 }), check), { numRuns: 2000 });
  });
});

describe('telephone-event sender (§2.5.1)', () => {
  function sendAll(sender: TelephoneEventSender, startTs: number, ticks: number, intervals: number): Array<TelephoneEventPacket | undefined> {
    const out: Array<TelephoneEventPacket | undefined> = [];
    for (let i = 0; i < intervals; i++) out.push(sender.tick((startTs + i * ticks) >>> 0));
    return out;
  }

  it('sends a 100 ms digit at 20 ms ptime as 5 updates (marker on the first, growing duration, one timestamp) then the end packet 3 times', () => {
    const s = new TelephoneEventSender({ clockRate: 8000, packetTicks: 160, toneMs: 100, gapMs: 60 });
    expect(s.enqueue('5').ok).toBe(true);
    const packets = sendAll(s, 0xfffffe00, 160, 12);
    const sent = packets.filter((p): p is TelephoneEventPacket => p !== undefined);
    expect(sent).toHaveLength(7);
    const decoded = sent.map((p) => ({ ...parseTelephoneEvents(p.payload), ts: p.timestamp, marker: p.marker }));
    expect(decoded.map((d) => d.ok && d.value[0]!.duration)).toEqual([160, 320, 480, 640, 800, 800, 800]);
    expect(decoded.map((d) => d.ok && d.value[0]!.end)).toEqual([false, false, false, false, true, true, true]);
    expect(decoded.map((d) => d.marker)).toEqual([true, false, false, false, false, false, false]);
    expect(new Set(sent.map((p) => p.timestamp))).toEqual(new Set([0xfffffe00]));
    expect(decoded.every((d) => d.ok && d.value[0]!.event === 5 && d.value[0]!.volume === 10)).toBe(true);
    // Audio resumes for the gap: intervals 8..10 carry no event packet.
    expect(packets.slice(7, 10)).toEqual([undefined, undefined, undefined]);
    expect(s.idle).toBe(true);
  });

  it('rejects invalid keys without queueing any, and separates digits by the configured gap', () => {
    const s = new TelephoneEventSender({ clockRate: 8000, packetTicks: 160, toneMs: 40, gapMs: 40 });
    const bad = s.enqueue('12x');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.code).toBe('dtmf-invalid-key');
    expect(s.pendingKeys).toBe(0);
    s.enqueue('12');
    const packets = sendAll(s, 1000, 160, 20);
    const starts = packets.flatMap((p, i) => (p?.marker === true ? [i] : []));
    expect(starts).toEqual([0, 6]); // 2 tone packets (the 2nd is the 1st end), 2 end repeats, 2 gap intervals
    const tsOfSecond = packets[6]!.timestamp;
    expect(tsOfSecond).toBe(1000 + 6 * 160);
  });

  it('splits an event longer than 0xFFFF timestamp units into segments without a new marker (§2.5.1.3)', () => {
    const s = new TelephoneEventSender({ clockRate: 48000, packetTicks: 960, toneMs: 2000 });
    s.enqueue('0');
    const sent = sendAll(s, 0, 960, 120).filter((p): p is TelephoneEventPacket => p !== undefined);
    const timestamps = [...new Set(sent.map((p) => p.timestamp))];
    expect(timestamps.length).toBe(2);
    expect(sent.filter((p) => p.marker)).toHaveLength(1);
    const durations = sent.map((p) => {
      const r = parseTelephoneEvents(p.payload);
      return r.ok ? r.value[0]!.duration : -1;
    });
    expect(Math.max(...durations)).toBeLessThanOrEqual(0xffff);
    const receiver = new TelephoneEventReceiver(48000);
    const notices = sent.flatMap((p) => receiver.onPacket(p.timestamp, p.payload));
    expect(notices.map((n) => n.kind)).toEqual(['start', 'end']);
    const end = notices[1]!;
    if (end.kind === 'end') expect(end.durationMs).toBe(2000);
  });
});

describe('telephone-event receiver (§2.5.2)', () => {
  it('reports each digit typed on baresip 1.0.0 exactly once, in order, with its duration (real capture: 159*#0)', () => {
    const r = new TelephoneEventReceiver(8000);
    const notices = dtmfPacketsOf('baresip-pcmu-dtmf').flatMap((p) => r.onPacket(p.timestamp, p.payload));
    expect(keysOf(notices, 'start')).toBe('159*#0');
    expect(keysOf(notices, 'end')).toBe('159*#0');
    const ends = notices.filter((n) => n.kind === 'end');
    // baresip stamps 0x820 (260 ms) or 0x8c0 (280 ms) in its end packets, depending on timer phase.
    expect(ends.map((n) => n.kind === 'end' && !n.inferred && n.durationMs)).toEqual([260, 260, 280, 280, 280, 280]);
  });

  it('reports each digit once under loss of start and end packets, duplicates and reordering (seeded)', () => {
    const packets = dtmfPacketsOf('baresip-pcmu-dtmf');
    for (let seed = 1; seed <= 30; seed++) {
      const rng = new FakeRng(seed);
      const mangled: typeof packets = [];
      for (const p of packets) {
        const roll = rng.uint32() % 100;
        if (roll < 15) continue; // 15% loss
        mangled.push(p);
        if (roll > 90) mangled.push(p); // duplicate
      }
      // Local reordering: swap neighbours within the same event.
      for (let i = 0; i + 1 < mangled.length; i++) {
        if (rng.uint32() % 5 === 0 && mangled[i]!.timestamp === mangled[i + 1]!.timestamp) [mangled[i], mangled[i + 1]] = [mangled[i + 1]!, mangled[i]!];
      }
      const r = new TelephoneEventReceiver(8000);
      const notices = mangled.flatMap((p) => r.onPacket(p.timestamp, p.payload));
      const present = [...new Set(mangled.map((p) => p.timestamp))].length;
      expect(keysOf(notices, 'start').length, `seed ${seed}`).toBe(present);
      expect(keysOf(notices, 'start'), `seed ${seed}`).toBe(keysOf(notices, 'end').slice(0, present));
      expect('159*#0'.includes(keysOf(notices, 'start')) || isSubsequence(keysOf(notices, 'start'), '159*#0'), `seed ${seed}`).toBe(true);
    }
  });

  it('infers the end of an event whose end packets were all lost when audio resumes, or when the next event starts', () => {
    const r = new TelephoneEventReceiver(8000);
    expect(r.onPacket(1000, fromHex('010a00a0')).map((n) => n.kind)).toEqual(['start']);
    expect(r.onPacket(1000, fromHex('010a0140'))).toEqual([]);
    expect(r.onAudio(1000 + 160)).toEqual([]); // still inside the event
    const ended = r.onAudio(1000 + 400);
    expect(ended).toMatchObject([{ kind: 'end', key: '1', inferred: true, durationMs: 40 }]);
    expect(r.onPacket(1000, fromHex('018a0320'))).toEqual([]); // late end packet of a finished event
    // Next event starts before its predecessor's end arrived.
    r.onPacket(5000, fromHex('020a00a0'));
    expect(r.onPacket(6000, fromHex('030a00a0')).map((n) => `${n.kind}:${n.key}`)).toEqual(['end:2', 'start:3']);
    expect(r.onPacket(5000, fromHex('028a0320'))).toEqual([]); // old event, ignored
  });

  it('counts malformed payloads instead of failing', () => {
    const r = new TelephoneEventReceiver(8000);
    expect(r.onPacket(1, new Uint8Array(3))).toEqual([]);
    expect(r.malformed).toBe(1);
  });

  it('decodes the telephone-events of an Opus call at 48 kHz from baresip 1.0.0 (real capture: 42)', () => {
    const r = new TelephoneEventReceiver(48000);
    const notices = dtmfPacketsOf('baresip-opus-dtmf').flatMap((p) => r.onPacket(p.timestamp, p.payload));
    expect(keysOf(notices, 'start')).toBe('42');
    expect(keysOf(notices, 'end')).toBe('42');
  });
});

function isSubsequence(sub: string, full: string): boolean {
  let i = 0;
  for (const c of full) if (c === sub[i]) i++;
  return i === sub.length;
}
