/**
 * The native media path's G.722 (native/media-path/src/g722.c, the C port that replaced
 * libspandsp there) is bit-exact with the app's TypeScript G.722, the reference (itself checked
 * bit-exact against libspandsp in test/interop/spandsp): the same PCM through both encoders gives
 * the same octets, the same octets through both decoders the same samples, for speech-like
 * signals, noise, a full-scale sweep, overload and random codes (every code word, in any order).
 * The C side is fed in chunks of varying size, so the state kept between packets is checked too.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { G722Decoder, G722Encoder } from '../../../src-main/protocol/codec/g722.js';
import { FakeRng } from '../../fakes/fake-rng.js';

const root = join(import.meta.dirname, '..', '..', '..');
const bin = join(root, 'test', 'integration', 'bin');
const driver = join(bin, 'g722-driver');

function run(mode: 'encode' | 'decode', input: Uint8Array): Uint8Array {
  const r = spawnSync(driver, [mode], { input, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`g722-driver ${mode} exited ${String(r.status)}: ${r.stderr.toString()}`);
  return new Uint8Array(r.stdout.buffer, r.stdout.byteOffset, r.stdout.byteLength);
}

const bytesOf = (pcm: Int16Array): Uint8Array => new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength);
function pcmOf(bytes: Uint8Array): Int16Array {
  const copy = new Uint8Array(bytes.length & ~1);
  copy.set(bytes.subarray(0, copy.length));
  return new Int16Array(copy.buffer);
}

/** Deterministic 16 kHz signals: voiced speech-like, noise (quiet and full scale), a sweep, overload, silence. */
function signals(): Record<string, Int16Array> {
  const rng = new FakeRng(722);
  const n = 16000 * 2;
  const voiced = new Int16Array(n);
  let phase = 0;
  let y1 = 0;
  let y2 = 0;
  for (let i = 0; i < n; i++) {
    phase += (120 + 30 * Math.sin((2 * Math.PI * i) / 16000)) / 16000;
    const pulse = phase >= 1 ? ((phase -= 1), 8000) : 0;
    const v = pulse + 1.8 * Math.cos((2 * Math.PI * 700) / 16000) * 0.97 * y1 - 0.97 * 0.97 * y2;
    y2 = y1;
    y1 = v;
    voiced[i] = Math.max(-32768, Math.min(32767, Math.round(v * (0.3 + 0.7 * Math.abs(Math.sin(i / 1400))))));
  }
  const noise = Int16Array.from({ length: n }, (_, i) => ((rng.uint32() & 0xffff) - 32768) * (i < n / 2 ? 0.05 : 1));
  const sweep = Int16Array.from({ length: n }, (_, i) => Math.round(30000 * Math.sin((2 * Math.PI * (50 * i + (7900 * i * i) / (2 * n))) / 16000)));
  const square = Int16Array.from({ length: 8000 }, (_, i) => (Math.floor(i / 13) % 2 === 0 ? 32767 : -32768));
  return { voiced, noise, sweep, square, silence: new Int16Array(4000) };
}

describe('native G.722 (C port) against the TypeScript reference', () => {
  beforeAll(() => {
    mkdirSync(bin, { recursive: true });
    const src = join(root, 'native', 'media-path', 'src');
    execFileSync('cc', ['-O2', '-std=gnu11', '-Wall', '-Wextra', '-Werror', `-I${src}`, '-o', driver, join(root, 'test', 'integration', 'media', 'g722-driver.c'), join(src, 'g722.c')], { stdio: 'pipe' });
  });

  for (const [name, pcm] of Object.entries(signals())) {
    it(`encodes and decodes "${name}" to the same octets and samples as the TypeScript codec`, () => {
      const ts = new Uint8Array(pcm.length >> 1);
      new G722Encoder().encode(pcm, ts);
      const c = run('encode', bytesOf(pcm));
      expect(c.length).toBe(ts.length);
      expect(Buffer.from(c).equals(Buffer.from(ts)), `first difference at octet ${c.findIndex((v, i) => v !== ts[i])}`).toBe(true);
      const tsPcm = new Int16Array(ts.length * 2);
      new G722Decoder().decode(ts, tsPcm);
      const cPcm = pcmOf(run('decode', ts));
      expect(cPcm.length).toBe(tsPcm.length);
      expect(cPcm.findIndex((v, i) => v !== tsPcm[i]), 'first differing sample').toBe(-1);
    });
  }

  it('decodes 64,000 random code words (every 8-bit code, in any order) to the same samples', () => {
    const rng = new FakeRng(64);
    const codes = Uint8Array.from({ length: 64000 }, () => rng.uint32() & 0xff);
    const tsPcm = new Int16Array(codes.length * 2);
    new G722Decoder().decode(codes, tsPcm);
    const cPcm = pcmOf(run('decode', codes));
    expect(cPcm.length).toBe(tsPcm.length);
    expect(cPcm.findIndex((v, i) => v !== tsPcm[i]), 'first differing sample').toBe(-1);
    // The signal is not trivially silent (the check would pass on two codecs that output zeros).
    expect(tsPcm.some((v) => Math.abs(v) > 1000)).toBe(true);
  });
});
