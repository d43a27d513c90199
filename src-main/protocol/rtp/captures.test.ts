/**
 * Real captures (rule 5, fourth kind): every datagram baresip 1.0.0 sent in three calls
 * (test/fixtures/rtp: PCMU + DTMF, G.722, Opus + DTMF; RTCP SR/SDES/APP/BYE), parsed and
 * reserialized byte-exactly, then truncated and corrupted variants of them.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../base/bytes.js';
import { FakeRng } from '../../../test/fakes/fake-rng.js';
import { findCname, parseRtcpCompound, serializeRtcpCompound } from './rtcp-packet.js';
import { looksLikeRtcp, parseRtpPacket, serializeRtpPacket } from './rtp-packet.js';
import { parseTelephoneEvents } from './telephone-event.js';

interface Capture {
  source: string;
  packets: Array<{ t: number; src: number; dst: number; kind: 'rtp' | 'rtcp'; hex: string }>;
}
const names = ['baresip-pcmu-dtmf', 'baresip-g722', 'baresip-opus-dtmf'];
const captures = names.map((n) => ({ name: n, ...(JSON.parse(readFileSync(new URL(`../../../test/fixtures/rtp/${n}.json`, import.meta.url), 'utf8')) as Capture) }));

describe('captured baresip 1.0.0 RTP and RTCP', () => {
  for (const cap of captures) {
    it(`${cap.name}: every datagram is classified by RFC 5761 rules, parses, and reserializes byte-exactly`, () => {
      const payloadTypes = new Set<number>();
      for (const p of cap.packets) {
        const bytes = fromHex(p.hex);
        expect(looksLikeRtcp(bytes), p.hex.slice(0, 16)).toBe(p.kind === 'rtcp');
        if (p.kind === 'rtp') {
          const r = parseRtpPacket(bytes);
          expect(r.ok).toBe(true);
          if (!r.ok) continue;
          payloadTypes.add(r.value.payloadType);
          expect(toHex(serializeRtpPacket(r.value))).toBe(p.hex);
          if (r.value.payloadType === 101) expect(parseTelephoneEvents(r.value.payload).ok).toBe(true);
        } else {
          const r = parseRtcpCompound(bytes);
          expect(r.ok, p.hex).toBe(true);
          if (r.ok) expect(toHex(serializeRtcpCompound(r.value))).toBe(p.hex);
        }
      }
      expect(payloadTypes.size).toBeGreaterThan(0);
    });
  }

  it('finds what baresip puts in RTCP: SR with one report block + SDES CNAME, APP "PING", BYE', () => {
    const rtcp = captures.flatMap((c) => c.packets.filter((p) => p.kind === 'rtcp')).map((p) => parseRtcpCompound(fromHex(p.hex)));
    const all = rtcp.flatMap((r) => (r.ok ? [r.value] : []));
    const withSr = all.find((c) => c[0]?.type === 'sr');
    expect(withSr).toBeDefined();
    const sr = withSr![0]!;
    const sdes = withSr!.find((p) => p.type === 'sdes');
    expect(sr.type === 'sr' && sr.reports.length).toBe(1);
    expect(sdes?.type === 'sdes' && sr.type === 'sr' && findCname(sdes, sr.ssrc)).toMatch(/.+/);
    expect(all.some((c) => c.some((p) => p.type === 'app' && p.name === 'PING'))).toBe(true);
    expect(all.some((c) => c.some((p) => p.type === 'bye'))).toBe(true);
  });

  it('every truncation of the captured RTCP yields a typed error or shorter valid packets, never a throw', () => {
    for (const cap of captures) {
      for (const p of cap.packets.filter((x) => x.kind === 'rtcp')) {
        const bytes = fromHex(p.hex);
        for (let n = 0; n < bytes.length; n++) {
          const r = parseRtcpCompound(bytes.subarray(0, n));
          if (!r.ok) expect(r.error.code).toMatch(/^rtcp-/);
          else expect(n % 4).toBe(0); // only whole leading packets can survive a cut
        }
      }
    }
  });

  it('truncated RTP headers fail, truncated payloads stay valid, and bit-flipped captures never throw (seeded)', () => {
    const rng = new FakeRng(99);
    for (const cap of captures) {
      for (const p of cap.packets.filter((x) => x.kind === 'rtp').slice(0, 40)) {
        const bytes = fromHex(p.hex);
        for (let n = 0; n < 12; n++) expect(parseRtpPacket(bytes.subarray(0, n)).ok).toBe(false);
        expect(parseRtpPacket(bytes.subarray(0, 12)).ok).toBe(true);
        for (let k = 0; k < 20; k++) {
          const mutated = bytes.slice();
          const flips = 1 + (rng.uint32() % 4);
          for (let f = 0; f < flips; f++) mutated[rng.uint32() % mutated.length]! ^= 1 << (rng.uint32() % 8);
          const r = parseRtpPacket(mutated);
          if (!r.ok) expect(r.error.code).toMatch(/^rtp-/);
          const c = parseRtcpCompound(mutated);
          if (!c.ok) expect(c.error.code).toMatch(/^rtcp-/);
        }
      }
      // Malformed variants with known outcomes.
      const first = fromHex(cap.packets.find((x) => x.kind === 'rtp')!.hex);
      const badVersion = first.slice();
      badVersion[0] = (badVersion[0]! & 0x3f) | 0x40;
      expect(parseRtpPacket(badVersion)).toMatchObject({ ok: false, error: { code: 'rtp-bad-version' } });
      const badPadding = first.slice();
      badPadding[0]! |= 0x20;
      badPadding[badPadding.length - 1] = 0;
      expect(parseRtpPacket(badPadding)).toMatchObject({ ok: false, error: { code: 'rtp-bad-padding' } });
      const claimsCsrcs = first.slice(0, 20);
      claimsCsrcs[0] = (claimsCsrcs[0]! & 0xf0) | 0x0f;
      expect(parseRtpPacket(claimsCsrcs)).toMatchObject({ ok: false, error: { code: 'rtp-truncated' } });
    }
  });
});
