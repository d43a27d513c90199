import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../base/bytes.js';
import { loadCorpus } from '../../../test/support/corpus.js';
import { looksLikeRtcp, parseRtpPacket, serializeRtpPacket, writeRtpPacket, type RtpPacket } from './rtp-packet.js';

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

const rtpPacketArb: fc.Arbitrary<RtpPacket> = fc.record({
  marker: fc.boolean(),
  payloadType: fc.integer({ min: 0, max: 127 }),
  sequenceNumber: fc.integer({ min: 0, max: 0xffff }),
  timestamp: fc.integer({ min: 0, max: 0xffffffff }),
  ssrc: fc.integer({ min: 0, max: 0xffffffff }),
  csrcs: fc.array(fc.integer({ min: 0, max: 0xffffffff }), { maxLength: 15 }),
  extension: fc.option(
    fc.record({
      profile: fc.integer({ min: 0, max: 0xffff }),
      data: fc.integer({ min: 0, max: 8 }).chain((words) => fc.uint8Array({ minLength: words * 4, maxLength: words * 4 })),
    }),
    { nil: undefined },
  ),
  payload: fc.uint8Array({ maxLength: 200 }),
  paddingLength: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 255 })),
}).map((p) => {
  const { extension, ...rest } = p;
  return extension === undefined ? rest : { ...rest, extension };
});

describe('RTP packet (RFC 3550 §5.1)', () => {
  it('parses the RFC 7714 §16.1 sample packet (12-octet header, "Gallia est omnis divisa in partes tres")', () => {
    const bytes = fromHex('8040f17b8041f8d35501a0b2' + toHex(ascii('Gallia est omnis divisa in partes tres')));
    const r = parseRtpPacket(bytes);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({ marker: false, payloadType: 0x40, sequenceNumber: 0xf17b, timestamp: 0x8041f8d3, ssrc: 0x5501a0b2, csrcs: [], paddingLength: 0 });
    expect(new TextDecoder().decode(r.value.payload)).toBe('Gallia est omnis divisa in partes tres');
    expect(toHex(serializeRtpPacket(r.value))).toBe(toHex(bytes));
  });

  it('decodes every field of the RFC 3550 Figure 1 layout: CSRCs, extension (§5.3.1), padding, marker', () => {
    // V=2 P=1 X=1 CC=2 | M=1 PT=8 | seq 0x1234 | ts 0xdeadbeef | ssrc 0x01020304
    // CSRC 0x0a0b0c0d, 0x11121314 | ext profile 0xbede, length 1 word: 0x10ff0000
    // payload d5 d5 d5 d5 | padding 00 00 03
    const hex = 'b2881234deadbeef01020304' + '0a0b0c0d11121314' + 'bede000110ff0000' + 'd5d5d5d5' + '000003';
    const r = parseRtpPacket(fromHex(hex));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const p = r.value;
    expect(p.marker).toBe(true);
    expect(p.payloadType).toBe(8);
    expect(p.sequenceNumber).toBe(0x1234);
    expect(p.timestamp).toBe(0xdeadbeef);
    expect(p.ssrc).toBe(0x01020304);
    expect(p.csrcs).toEqual([0x0a0b0c0d, 0x11121314]);
    expect(p.extension?.profile).toBe(0xbede);
    expect(toHex(p.extension!.data)).toBe('10ff0000');
    expect(toHex(p.payload)).toBe('d5d5d5d5');
    expect(p.paddingLength).toBe(3);
    expect(toHex(serializeRtpPacket(p))).toBe(hex);
  });

  it('rejects truncated headers, bad versions, impossible padding and overlong extensions with typed errors', () => {
    const cases: Array<[string, string]> = [
      ['80', 'rtp-truncated'],
      ['8000000100000001000000', 'rtp-truncated'],
      ['4000000100000001000000010000', 'rtp-bad-version'],
      ['8200000100000001000000010000', 'rtp-truncated'], // CC=2 but no CSRCs
      ['9000000100000001000000010000', 'rtp-bad-extension'],
      ['900000010000000100000001bede0002deadbeef', 'rtp-bad-extension'],
      ['a00000010000000100000001aa00', 'rtp-bad-padding'], // padding count 0
      ['a00000010000000100000001aa09', 'rtp-bad-padding'], // padding longer than packet body
    ];
    for (const [hex, code] of cases) {
      const r = parseRtpPacket(fromHex(hex));
      expect(r.ok, hex).toBe(false);
      if (!r.ok) expect(r.error.code, hex).toBe(code);
    }
  });

  it('round-trips any representable packet (property)', () => {
    fc.assert(
      fc.property(rtpPacketArb, (p) => {
        const bytes = serializeRtpPacket(p);
        const r = parseRtpPacket(bytes);
        expect(r.ok).toBe(true);
        if (!r.ok) return;
        expect({ ...r.value, payload: [...r.value.payload], extension: r.value.extension && { ...r.value.extension, data: [...r.value.extension.data] } }).toEqual({
          ...p,
          payload: [...p.payload],
          extension: p.extension && { ...p.extension, data: [...p.extension.data] },
        });
      }),
      { numRuns: 500 },
    );
  });

  it('fuzz: any bytes give a typed error or a packet that reserializes to the same packet (corpus + random)', () => {
    const check = (bytes: Uint8Array): void => {
      const r = parseRtpPacket(bytes);
      if (!r.ok) {
        expect(r.error.code).toMatch(/^rtp-/);
        return;
      }
      const again = parseRtpPacket(serializeRtpPacket(r.value));
      expect(again.ok).toBe(true);
      if (again.ok) expect(toHex(serializeRtpPacket(again.value))).toBe(toHex(serializeRtpPacket(r.value)));
    };
    for (const seed of loadCorpus('rtp')) check(seed);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 120 }), (b) => check(b)), { numRuns: 2000 });
    // Mostly-valid headers reach the deeper branches.
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 12, maxLength: 80 }), fc.integer({ min: 0, max: 63 }), (b, flags) => {
        b[0] = 0x80 | (flags & 0x3f);
        check(b);
      }),
      { numRuns: 2000 },
    );
  });

  it('writes into a caller buffer at an offset without allocating and reports the length', () => {
    const out = new Uint8Array(64).fill(0xee);
    const n = writeRtpPacket({ marker: true, payloadType: 0, sequenceNumber: 1, timestamp: 2, ssrc: 3, csrcs: [], payload: new Uint8Array([1, 2]) }, out, 4);
    expect(n).toBe(14);
    expect(toHex(out.subarray(4, 18))).toBe('80800001000000020000000301 02'.replace(' ', ''));
    expect(out[3]).toBe(0xee);
    expect(out[18]).toBe(0xee);
    expect(() => writeRtpPacket({ marker: false, payloadType: 0, sequenceNumber: 0, timestamp: 0, ssrc: 0, csrcs: [], payload: new Uint8Array(60) }, out, 0)).toThrow(RangeError);
  });

  it('tells RTCP from RTP on a multiplexed port by the second octet (RFC 5761 §4)', () => {
    expect(looksLikeRtcp(fromHex('81c8000d'))).toBe(true); // SR
    expect(looksLikeRtcp(fromHex('80cc0003'))).toBe(true); // APP
    expect(looksLikeRtcp(fromHex('80000001'))).toBe(false); // PCMU
    expect(looksLikeRtcp(fromHex('80e50001'))).toBe(false); // marker + PT 101
  });
});
