/**
 * The native media path's G.722 (native/media-path/src/g722.c, the C port that replaced
 * libspandsp there) is bit-exact with the app's TypeScript G.722, the reference (itself checked
 * bit-exact against libspandsp in test/interop/spandsp): the same PCM through both encoders gives
 * the same octets, the same octets through both decoders the same samples, for the signals the
 * spandsp cross-check uses (speech-like, noise, a sweep, overload, silence) and random codes
 * (every code word, in any order).
 * The C side is fed in chunks of varying size, so the state kept between packets is checked too.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { asBytes, asInt16 } from '../../interop/spandsp/spandsp-helper.js';
import { FakeRng } from '../../fakes/fake-rng.js';
import { g722Signals, tsG722Decode, tsG722Encode } from '../../support/g722-signals.js';

const root = join(import.meta.dirname, '..', '..', '..');
const bin = join(root, 'test', 'integration', 'bin');
const driver = join(bin, 'g722-driver');

function run(mode: 'encode' | 'decode', input: Uint8Array): Uint8Array {
  const r = spawnSync(driver, [mode], { input, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`g722-driver ${mode} exited ${String(r.status)}: ${r.stderr.toString()}`);
  return new Uint8Array(r.stdout.buffer, r.stdout.byteOffset, r.stdout.byteLength);
}

describe('native G.722 (C port) against the TypeScript reference', () => {
  beforeAll(() => {
    mkdirSync(bin, { recursive: true });
    const src = join(root, 'native', 'media-path', 'src');
    execFileSync('cc', ['-O2', '-std=gnu11', '-Wall', '-Wextra', '-Werror', `-I${src}`, '-o', driver, join(root, 'test', 'integration', 'media', 'g722-driver.c'), join(src, 'g722.c')], { stdio: 'pipe' });
  });

  for (const [name, pcm] of Object.entries(g722Signals())) {
    it(`encodes and decodes "${name}" to the same octets and samples as the TypeScript codec`, () => {
      const ts = tsG722Encode(pcm);
      const c = run('encode', asBytes(pcm));
      expect(c.length).toBe(ts.length);
      expect(Buffer.from(c).equals(Buffer.from(ts)), `first difference at octet ${c.findIndex((v, i) => v !== ts[i])}`).toBe(true);
      const tsPcm = tsG722Decode(ts);
      const cPcm = asInt16(run('decode', ts));
      expect(cPcm.length).toBe(tsPcm.length);
      expect(cPcm.findIndex((v, i) => v !== tsPcm[i]), 'first differing sample').toBe(-1);
    });
  }

  it('decodes 64,000 random code words (every 8-bit code, in any order) to the same samples', () => {
    const rng = new FakeRng(64);
    const codes = Uint8Array.from({ length: 64000 }, () => rng.uint32() & 0xff);
    const tsPcm = tsG722Decode(codes);
    const cPcm = asInt16(run('decode', codes));
    expect(cPcm.length).toBe(tsPcm.length);
    expect(cPcm.findIndex((v, i) => v !== tsPcm[i]), 'first differing sample').toBe(-1);
    // The signal is not trivially silent (the check would pass on two codecs that output zeros).
    expect(tsPcm.some((v) => Math.abs(v) > 1000)).toBe(true);
  });
});
