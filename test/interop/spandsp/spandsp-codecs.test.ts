/**
 * Bit-exactness of our pure-TypeScript G.722 (and G.711) against Debian's libspandsp 0.0.6, the
 * implementation baresip, Asterisk and FreeSWITCH use: the same input through both encoders must
 * give the same octets, the same octets through both decoders the same samples. Also decodes the
 * G.722 payloads baresip 1.0.0 really sent (test/fixtures/rtp/baresip-g722.json).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromHex } from '../../../src-main/base/bytes.js';
import { alawToLinear, linearToAlaw, linearToUlaw, ulawToLinear } from '../../../src-main/protocol/codec/g711.js';
import { parseRtpPacket } from '../../../src-main/protocol/rtp/rtp-packet.js';
import { FakeRng } from '../../fakes/fake-rng.js';
import { g722Signals as signals, tsG722Decode as ours722Decode, tsG722Encode as ours722Encode } from '../../support/g722-signals.js';
import { announceSkip, asBytes, asInt16, buildSpandspHelper, spandsp } from './spandsp-helper.js';

const buildError = buildSpandspHelper();
const inCi = process.env.CI === 'true';
if (buildError !== undefined && !inCi) announceSkip(buildError);
// Skips (announced loudly above) only where the spandsp helper cannot be built, and never under CI=true.
const suite = buildError !== undefined && !inCi ? describe.skip : describe;

/** Samples where libspandsp 0.0.6 let the 16-bit output wrap around while we saturate (see README). */
function wrapDifferences(ref: Int16Array, ours: Int16Array): { other: number; wrapped: number } {
  let other = 0;
  let wrapped = 0;
  for (let i = 0; i < ref.length; i++) {
    if (ref[i] === ours[i]) continue;
    const saturated = ours[i] === 32767 || ours[i] === -32768;
    const oppositeSign = Math.sign(ref[i]!) !== Math.sign(ours[i]!);
    if (saturated && oppositeSign) wrapped++;
    else other++;
  }
  return { other, wrapped };
}

suite('G.722 against libspandsp 0.0.6 (Debian libspandsp-dev)', () => {
  const inputs = signals();

  for (const [name, pcm] of Object.entries(inputs)) {
    it(`encoder is bit-exact with spandsp on ${name} (${pcm.length} samples)`, () => {
      const ref = spandsp('g722-encode', asBytes(pcm));
      const ours = ours722Encode(pcm);
      expect(ours.length).toBe(ref.length);
      let firstDiff = -1;
      for (let i = 0; i < ref.length && firstDiff < 0; i++) if (ref[i] !== ours[i]) firstDiff = i;
      expect(firstDiff).toBe(-1);
    });
  }

  it('decoder is bit-exact with spandsp on everything spandsp encoded from normal-level signals', () => {
    for (const name of ['voiced', 'sweep', 'silence'] as const) {
      const codes = spandsp('g722-encode', asBytes(inputs[name]!));
      const ref = asInt16(spandsp('g722-decode', codes));
      const ours = ours722Decode(codes);
      expect(ours.length, name).toBe(ref.length);
      expect(wrapDifferences(ref, ours), name).toEqual({ other: 0, wrapped: 0 });
    }
  });

  it('decoder matches spandsp on arbitrary octet streams except where spandsp 0.0.6 wraps its 16-bit output and we saturate', () => {
    const rng = new FakeRng(77);
    const random = Uint8Array.from({ length: 40000 }, () => rng.uint32() & 0xff);
    const overload = spandsp('g722-encode', asBytes(inputs.square!));
    for (const [name, codes] of [['random', random], ['square', overload]] as const) {
      const ref = asInt16(spandsp('g722-decode', codes));
      const ours = ours722Decode(codes);
      const diff = wrapDifferences(ref, ours);
      expect(diff.other, name).toBe(0);
      console.log(`G.722 decoder vs spandsp 0.0.6 on ${name}: ${diff.wrapped} of ${ref.length} samples wrapped in spandsp, saturated here`);
    }
  });

  it('decodes the G.722 payloads baresip 1.0.0 sent exactly like spandsp, and hears its 1 kHz tone', () => {
    const capture = JSON.parse(readFileSync(new URL('../../fixtures/rtp/baresip-g722.json', import.meta.url), 'utf8')) as { packets: Array<{ kind: string; src: number; hex: string }> };
    const payloads: Uint8Array[] = [];
    const src = capture.packets.find((p) => p.kind === 'rtp')!.src;
    for (const p of capture.packets) {
      if (p.kind !== 'rtp' || p.src !== src) continue;
      const r = parseRtpPacket(fromHex(p.hex));
      if (r.ok && r.value.payloadType === 9) payloads.push(r.value.payload.slice());
    }
    expect(payloads.length).toBeGreaterThan(50);
    const codes = new Uint8Array(payloads.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of payloads) {
      codes.set(p, o);
      o += p.length;
    }
    const ref = asInt16(spandsp('g722-decode', codes));
    const ours = ours722Decode(codes);
    expect(wrapDifferences(ref, ours)).toEqual({ other: 0, wrapped: 0 });
    // Goertzel at 1 kHz vs 440 Hz on the middle of the stream.
    const power = (hz: number): number => {
      let re = 0;
      let im = 0;
      for (let i = 4000; i < ours.length - 4000; i++) {
        re += ours[i]! * Math.cos((2 * Math.PI * hz * i) / 16000);
        im += ours[i]! * Math.sin((2 * Math.PI * hz * i) / 16000);
      }
      return Math.hypot(re, im);
    };
    expect(power(1000)).toBeGreaterThan(50 * power(440));
  });
});

suite('G.711 against libspandsp 0.0.6', () => {
  it('decodes all 256 µ-law and A-law codes identically', () => {
    const codes = Uint8Array.from({ length: 256 }, (_, i) => i);
    const u = asInt16(spandsp('ulaw-decode', codes));
    const a = asInt16(spandsp('alaw-decode', codes));
    for (let c = 0; c < 256; c++) {
      expect(ulawToLinear(c), `µ ${c}`).toBe(u[c]);
      expect(alawToLinear(c), `A ${c}`).toBe(a[c]);
    }
  });

  it('encodes all 65536 inputs identically for A-law; µ-law differs only on the 127 negative decision boundaries (one step, G.191 one\'s complement)', () => {
    const all = Int16Array.from({ length: 65536 }, (_, i) => i - 32768);
    const u = spandsp('ulaw-encode', asBytes(all));
    const a = spandsp('alaw-encode', asBytes(all));
    const uDiff: number[] = [];
    let aDiff = 0;
    for (let i = 0; i < 65536; i++) {
      if (linearToAlaw(all[i]!) !== a[i]) aDiff++;
      if (linearToUlaw(all[i]!) !== u[i]) uDiff.push(i);
    }
    expect(aDiff).toBe(0);
    // spandsp takes the magnitude of negative inputs in two's complement (|x|), the ITU-T G.191
    // reference in one's complement (|x| − 1): at exactly the first value of each negative
    // interval they pick neighbouring codes.
    expect(uDiff.length).toBe(127);
    const odd = uDiff
      .map((i) => ({ x: all[i]!, ours: linearToUlaw(all[i]!), ref: u[i]! }))
      .filter((d) => !(d.x < 0 && Math.abs(d.ours - d.ref) === 1 && linearToUlaw(d.x - 1) === d.ref));
    expect(odd).toEqual([]);
  });
});
