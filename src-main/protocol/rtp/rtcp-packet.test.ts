import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../base/bytes.js';
import { loadCorpus } from '../../../test/support/corpus.js';
import {
  findCname,
  parseRtcpCompound,
  sdesItemText,
  sdesTextItem,
  SdesType,
  serializeRtcpCompound,
  type ReportBlock,
  type RtcpPacket,
} from './rtcp-packet.js';

const u32 = fc.integer({ min: 0, max: 0xffffffff });
const aligned = (maxWords: number): fc.Arbitrary<Uint8Array> =>
  fc.integer({ min: 0, max: maxWords }).chain((w) => fc.uint8Array({ minLength: w * 4, maxLength: w * 4 }));

const reportArb: fc.Arbitrary<ReportBlock> = fc.record({
  ssrc: u32,
  fractionLost: fc.integer({ min: 0, max: 255 }),
  cumulativeLost: fc.integer({ min: -0x800000, max: 0x7fffff }),
  extendedHighestSequence: u32,
  jitter: u32,
  lastSr: u32,
  delaySinceLastSr: u32,
});

const packetArb: fc.Arbitrary<RtcpPacket> = fc.oneof(
  fc.record({
    type: fc.constant('sr' as const),
    ssrc: u32,
    ntp: fc.record({ seconds: u32, fraction: u32 }),
    rtpTimestamp: u32,
    packetCount: u32,
    octetCount: u32,
    reports: fc.array(reportArb, { maxLength: 31 }),
    profileExtension: aligned(3),
  }),
  fc.record({ type: fc.constant('rr' as const), ssrc: u32, reports: fc.array(reportArb, { maxLength: 31 }), profileExtension: aligned(3) }),
  fc.record({
    type: fc.constant('sdes' as const),
    chunks: fc.array(
      fc.record({ ssrc: u32, items: fc.array(fc.record({ type: fc.integer({ min: 1, max: 255 }), value: fc.uint8Array({ maxLength: 255 }) }), { maxLength: 4 }) }),
      { maxLength: 31 },
    ),
  }),
  fc.record({ type: fc.constant('bye' as const), ssrcs: fc.array(u32, { maxLength: 31 }), reason: fc.uint8Array({ maxLength: 255 }) }),
  fc.record({ type: fc.constant('bye' as const), ssrcs: fc.array(u32, { maxLength: 31 }) }),
  fc.record({
    type: fc.constant('app' as const),
    subtype: fc.integer({ min: 0, max: 31 }),
    ssrc: u32,
    name: fc.string({ minLength: 4, maxLength: 4, unit: fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c)) }),
    data: aligned(4),
  }),
  fc.record({ type: fc.constant('unknown' as const), packetType: fc.constantFrom(205, 206, 207, 195), count: fc.integer({ min: 0, max: 31 }), body: aligned(6) }),
);

/** Plain-data view (Uint8Arrays as arrays) for deep equality. */
function plain(v: unknown): unknown {
  if (v instanceof Uint8Array) return [...v];
  if (Array.isArray(v)) return v.map(plain);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

describe('RTCP compound packets (RFC 3550 §6)', () => {
  it('parses the RFC 7714 §17 sender report (SSRC "Mars", one report block about "Luna") and reserializes it byte-exactly', () => {
    // As printed, RFC 7714 §17's packet says 13 words in its length field but carries 12 (it is an
    // encryption vector, never parsed there). As printed it must be rejected; with the length
    // field corrected to 12 it is a valid SR.
    const printed = '81c8000d4d6172734e5450314e545032525450200000042a0000e9304c756e61deadbeefdeadbeefdeadbeefdeadbeefdeadbeef';
    const asPrinted = parseRtcpCompound(fromHex(printed));
    expect(asPrinted.ok).toBe(false);
    if (!asPrinted.ok) expect(asPrinted.error.code).toBe('rtcp-bad-length');
    const hex = '81c8000c' + printed.slice(8);
    const r = parseRtcpCompound(fromHex(hex));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toHaveLength(1);
    const sr = r.value[0]!;
    expect(sr.type).toBe('sr');
    if (sr.type !== 'sr') return;
    expect(sr.ssrc).toBe(0x4d617273);
    expect(sr.ntp).toEqual({ seconds: 0x4e545031, fraction: 0x4e545032 });
    expect(sr.rtpTimestamp).toBe(0x52545020);
    expect(sr.packetCount).toBe(0x42a);
    expect(sr.octetCount).toBe(0xe930);
    expect(sr.reports).toEqual([
      { ssrc: 0x4c756e61, fractionLost: 0xde, cumulativeLost: (0xadbeef << 8) >> 8, extendedHighestSequence: 0xdeadbeef, jitter: 0xdeadbeef, lastSr: 0xdeadbeef, delaySinceLastSr: 0xdeadbeef },
    ]);
    expect(sr.reports[0]!.cumulativeLost).toBeLessThan(0); // signed 24-bit field
    expect(toHex(serializeRtcpCompound(r.value))).toBe(hex);
  });

  it('builds RR + SDES CNAME + BYE with reason per the RFC 3550 figures (hand-encoded vector)', () => {
    const packets: RtcpPacket[] = [
      { type: 'rr', ssrc: 0x11223344, reports: [], profileExtension: new Uint8Array(0) },
      { type: 'sdes', chunks: [{ ssrc: 0x11223344, items: [sdesTextItem(SdesType.CNAME, 'ab@c')] }] },
      { type: 'bye', ssrcs: [0x11223344], reason: new TextEncoder().encode('bye') },
    ];
    const bytes = serializeRtcpCompound(packets);
    // RR: 80 c9 0001 ssrc | SDES: 81 ca 0003 ssrc 01 04 'ab@c' 00 00 (2 null octets to the boundary)
    // BYE: 81 cb 0002 ssrc 03 'bye'
    expect(toHex(bytes)).toBe('80c9000111223344' + '81ca000311223344' + '0104' + '61624063' + '0000' + '81cb000211223344' + '03627965');
    const back = parseRtcpCompound(bytes);
    expect(back.ok).toBe(true);
    if (!back.ok) return;
    expect(plain(back.value)).toEqual(plain(packets));
    const sdes = back.value[1]!;
    if (sdes.type === 'sdes') expect(findCname(sdes, 0x11223344)).toBe('ab@c');
  });

  it('strips padding (P bit) and rejects inconsistent lengths, counts, SDES and BYE with typed errors', () => {
    // RR with P=1: length 2 words, body ssrc + 00 00 00 04 padding
    const padded = parseRtcpCompound(fromHex('a0c900021122334400000004'));
    expect(padded.ok).toBe(true);
    const cases: Array<[string, string]> = [
      ['', 'rtcp-empty'],
      ['80c9', 'rtcp-truncated'],
      ['40c9000111223344', 'rtcp-bad-version'],
      ['80c9000511223344', 'rtcp-bad-length'],
      ['a0c900021122334400000000', 'rtcp-bad-padding'],
      ['a0c900021122334400000009', 'rtcp-bad-padding'],
      ['81c9000111223344', 'rtcp-bad-count'], // RR claims one report block
      ['81c80006' + '11223344' + '00'.repeat(20), 'rtcp-bad-count'], // SR claims one block, has none
      ['81ca000211223344010141ff', 'rtcp-bad-sdes'], // item runs past the end
      ['81ca0002112233440101410a', 'rtcp-bad-sdes'], // no null terminator before the end
      ['81cb00021122334409414243', 'rtcp-bad-bye'],
    ];
    for (const [hex, code] of cases) {
      const r = parseRtcpCompound(fromHex(hex));
      expect(r.ok, hex).toBe(false);
      if (!r.ok) expect(r.error.code, hex).toBe(code);
    }
  });

  it('round-trips any compound of SR/RR/SDES/BYE/APP/unknown packets (property)', () => {
    fc.assert(
      fc.property(fc.array(packetArb, { minLength: 1, maxLength: 4 }), (packets) => {
        const bytes = serializeRtcpCompound(packets);
        expect(bytes.length % 4).toBe(0);
        const r = parseRtcpCompound(bytes);
        expect(r.ok).toBe(true);
        if (r.ok) expect(plain(r.value)).toEqual(plain(packets));
      }),
      { numRuns: 400 },
    );
  });

  it('fuzz: any bytes give a typed error or packets that reserialize and reparse identically (corpus + random)', () => {
    const check = (bytes: Uint8Array): void => {
      const r = parseRtcpCompound(bytes);
      if (!r.ok) {
        expect(r.error.code).toMatch(/^rtcp-/);
        return;
      }
      const again = parseRtcpCompound(serializeRtcpCompound(r.value));
      expect(again.ok).toBe(true);
      if (again.ok) expect(plain(again.value)).toEqual(plain(r.value));
    };
    const corpus = loadCorpus('rtcp');
    expect(corpus.length).toBeGreaterThan(5);
    for (const seed of corpus) {
      check(seed);
      for (let cut = 0; cut < seed.length; cut += 3) check(seed.subarray(0, cut));
    }
    fc.assert(fc.property(fc.uint8Array({ maxLength: 160 }), (b) => check(b)), { numRuns: 2000 });
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 8, maxLength: 120 }), fc.integer({ min: 0, max: 0x3f }), fc.integer({ min: 200, max: 207 }), (b, first, type) => {
        b[0] = 0x80 | first;
        b[1] = type;
        b[2] = 0;
        b[3] = Math.max(0, Math.floor(b.length / 4) - 1) & 0xff;
        check(b);
      }),
      { numRuns: 3000 },
    );
  });

  it('decodes SDES text as UTF-8 and truncates long items on a character boundary', () => {
    const item = sdesTextItem(SdesType.NAME, 'é'.repeat(200));
    expect(item.value.length).toBe(254);
    expect(sdesItemText(item)).toBe('é'.repeat(127));
  });
});
