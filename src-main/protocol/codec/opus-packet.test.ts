import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromHex } from '../../base/bytes.js';
import { parseRtpPacket } from '../rtp/rtp-packet.js';
import { opusPacketSamples, opusPlcPacket, parseOpusToc } from './opus-packet.js';

describe('Opus packet framing (RFC 6716 §3.1)', () => {
  it('reads the TOC per Table 2: modes, frame sizes, stereo flag, frame-count codes', () => {
    expect(parseOpusToc(0x08)).toEqual({ config: 1, mode: 'silk', frameSamples48k: 960, stereo: false, code: 0 });
    expect(parseOpusToc((13 << 3) | 0x04 | 1)).toMatchObject({ mode: 'hybrid', frameSamples48k: 960, stereo: true, code: 1 });
    expect(parseOpusToc((31 << 3) | 3)).toMatchObject({ mode: 'celt', frameSamples48k: 960, code: 3 });
    expect(parseOpusToc(16 << 3).frameSamples48k).toBe(120);
    expect(parseOpusToc(3 << 3).frameSamples48k).toBe(2880);
  });

  it('counts samples per packet, rejecting framing errors (R5: ≤ 120 ms; code 3 needs a count)', () => {
    expect(opusPacketSamples(Uint8Array.of(0x08, 1, 2))).toBe(960);
    expect(opusPacketSamples(Uint8Array.of(0x09, 1, 2), 16000)).toBe(640);
    expect(opusPacketSamples(Uint8Array.of((3 << 3) | 3, 2))).toBe(5760);
    expect(opusPacketSamples(Uint8Array.of((3 << 3) | 3, 3))).toBeUndefined();
    expect(opusPacketSamples(Uint8Array.of((31 << 3) | 3, 0))).toBeUndefined();
    expect(opusPacketSamples(Uint8Array.of((31 << 3) | 3))).toBeUndefined();
    expect(opusPacketSamples(new Uint8Array(0))).toBeUndefined();
    expect([...opusPlcPacket(0xfb)]).toEqual([0xf8]);
  });

  it('fuzz: any packet gives undefined or a duration of 2.5–120 ms; every packet baresip 1.0.0 sent is 20 ms', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 8 }), (p) => {
        const n = opusPacketSamples(p);
        if (n !== undefined) {
          expect(n).toBeGreaterThanOrEqual(120);
          expect(n).toBeLessThanOrEqual(5760);
        }
      }),
      { numRuns: 2000 },
    );
    const capture = JSON.parse(readFileSync(new URL('../../../test/fixtures/rtp/baresip-opus-dtmf.json', import.meta.url), 'utf8')) as { packets: Array<{ kind: string; hex: string }> };
    let seen = 0;
    for (const p of capture.packets) {
      if (p.kind !== 'rtp') continue;
      const r = parseRtpPacket(fromHex(p.hex));
      if (!r.ok || r.value.payloadType !== 96) continue;
      expect(opusPacketSamples(r.value.payload)).toBe(960);
      seen++;
    }
    expect(seen).toBeGreaterThan(50);
  });
});
