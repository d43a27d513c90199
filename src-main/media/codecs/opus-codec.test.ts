import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex } from '../../base/bytes.js';
import { createBaseCodecRegistry } from '../../protocol/codec/codec-registry.js';
import { parseRtpPacket } from '../../protocol/rtp/rtp-packet.js';
import { createOpusCodecFactory, parseFmtp } from './opus-codec.js';

const factoryResult = createOpusCodecFactory();
if (!factoryResult.ok) throw new Error(`@discordjs/opus must load in tests: ${factoryResult.error.message}`);
const factory = factoryResult.value;

const tone = (n: number, hz: number, rate: number, offset = 0): Int16Array =>
  Int16Array.from({ length: n }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * hz * (i + offset)) / rate)));

function goertzel(x: Int16Array, hz: number, rate: number, from = 0): number {
  let re = 0;
  let im = 0;
  for (let i = from; i < x.length; i++) {
    re += x[i]! * Math.cos((2 * Math.PI * hz * i) / rate);
    im += x[i]! * Math.sin((2 * Math.PI * hz * i) / rate);
  }
  return Math.hypot(re, im);
}

function concat(parts: Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

describe('Opus via native libopus (@discordjs/opus)', () => {
  it('announces opus/48000/2 with FEC in fmtp (RFC 7587 §7) and frames 20 ms as 960 ticks at any PCM rate', () => {
    const c48 = factory.create();
    expect([c48.descriptor.encodingName, c48.descriptor.clockRate, c48.descriptor.channels, c48.frameSamples, c48.frameTicks]).toEqual(['opus', 48000, 2, 960, 960]);
    expect(c48.descriptor.fmtp).toContain('useinbandfec=1');
    const c16 = createOpusCodecFactory({ sampleRate: 16000 });
    if (!c16.ok) throw new Error('unreachable');
    const codec = c16.value.create({ payloadType: 96 });
    expect([codec.payloadType, codec.frameSamples, codec.frameTicks]).toEqual([96, 320, 960]);
  });

  it('carries a 1 kHz tone through encode and decode', () => {
    const codec = factory.create();
    const src = tone(48000, 1000, 48000);
    const out: Int16Array[] = [];
    for (let f = 0; f < 50; f++) out.push(codec.decode(codec.encode(src.subarray(f * 960, f * 960 + 960))));
    const pcm = concat(out);
    expect(pcm.length).toBe(48000);
    expect(goertzel(pcm, 1000, 48000, 4800)).toBeGreaterThan(30 * goertzel(pcm, 440, 48000, 4800));
  });

  it('decodes the stereo Opus stream baresip 1.0.0 sent (real capture) to mono with its 1 kHz tone', () => {
    const capture = JSON.parse(readFileSync(new URL('../../../test/fixtures/rtp/baresip-opus-dtmf.json', import.meta.url), 'utf8')) as { packets: Array<{ kind: string; src: number; hex: string }> };
    const codec = factory.create({ payloadType: 96 });
    const src = capture.packets.find((p) => p.kind === 'rtp')!.src;
    const out: Int16Array[] = [];
    for (const p of capture.packets) {
      if (p.kind !== 'rtp' || p.src !== src) continue;
      const r = parseRtpPacket(fromHex(p.hex));
      if (r.ok && r.value.payloadType === 96) out.push(codec.decode(r.value.payload));
    }
    const pcm = concat(out);
    expect(codec.decodeErrors).toBe(0);
    expect(pcm.length).toBeGreaterThan(48000);
    expect(goertzel(pcm, 1000, 48000, 9600)).toBeGreaterThan(30 * goertzel(pcm, 440, 48000, 9600));
  });

  it('conceals with libopus PLC: one frame continuing the signal, silence before anything was decoded', () => {
    const codec = factory.create();
    expect(codec.conceal().every((v) => v === 0)).toBe(true);
    const src = tone(9600, 440, 48000);
    for (let f = 0; f < 10; f++) codec.decode(codec.encode(src.subarray(f * 960, f * 960 + 960)));
    const plc = codec.conceal();
    expect(plc.length).toBe(960);
    expect(goertzel(plc, 440, 48000)).toBeGreaterThan(5 * goertzel(plc, 1000, 48000));
  });

  it('counts corrupt payloads and conceals instead of throwing (fuzz)', () => {
    const codec = factory.create();
    const src = tone(960, 440, 48000);
    codec.decode(codec.encode(src));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (payload) => {
        const out = codec.decode(payload);
        expect(out.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
    expect(codec.decodeErrors).toBeGreaterThan(0);
  });

  it('honours the peer\'s maxaveragebitrate (RFC 7587 §6.1)', () => {
    const src = tone(48000, 700, 48000);
    const size = (fmtp?: string): number => {
      const c = factory.create(fmtp === undefined ? {} : { remoteFmtp: fmtp });
      let bytes = 0;
      for (let f = 0; f < 50; f++) bytes += c.encode(src.subarray(f * 960, f * 960 + 960)).length;
      return bytes;
    };
    expect(size('maxaveragebitrate=12000; useinbandfec=1')).toBeLessThan(size() * 0.6);
    expect(parseFmtp('minptime=10;useinbandfec=1; x')).toEqual(new Map([['minptime', '10'], ['useinbandfec', '1']]));
  });

  it('joins the codec registry next to the pure codecs', () => {
    const registry = createBaseCodecRegistry().register(factory);
    expect(registry.ordered(['opus', 'PCMU']).map((f) => f.descriptor.encodingName)).toEqual(['opus', 'PCMU']);
    expect(registry.find('OPUS', 48000, 2)).toBe(factory);
  });
});
