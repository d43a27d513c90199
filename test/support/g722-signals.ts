/**
 * G.722 test material shared by the codec cross-checks (test/interop/spandsp: ours against
 * libspandsp; test/integration/media/native-g722.test.ts: the native path's C port against ours):
 * deterministic 16 kHz signals and the TypeScript reference codec run over a whole signal.
 */
import { G722Decoder, G722Encoder } from '../../src-main/protocol/codec/g722.js';
import { FakeRng } from '../fakes/fake-rng.js';

/** Deterministic test signals at 16 kHz: voiced speech-like, fricative noise, silence, overload. */
export function g722Signals(): Record<string, Int16Array> {
  const rng = new FakeRng(2024);
  const n = 16000 * 3;
  const voiced = new Int16Array(n);
  // Glottal pulse train with drifting pitch through three formant resonators, amplitude envelope.
  const formants = [700, 1220, 2600].map((f) => ({ f, bw: 90, y1: 0, y2: 0 }));
  let phase = 0;
  for (let i = 0; i < n; i++) {
    const pitch = 110 + 40 * Math.sin((2 * Math.PI * i) / 16000);
    phase += pitch / 16000;
    const pulse = phase >= 1 ? ((phase -= 1), 1) : 0;
    let x = pulse * 6000;
    let y = 0;
    for (const r of formants) {
      const rad = Math.exp((-Math.PI * r.bw) / 16000);
      const a1 = 2 * rad * Math.cos((2 * Math.PI * r.f) / 16000);
      const a2 = -rad * rad;
      const v = x + a1 * r.y1 + a2 * r.y2;
      r.y2 = r.y1;
      r.y1 = v;
      y += v;
      x = pulse * 3000;
    }
    const env = 0.3 + 0.7 * Math.abs(Math.sin((2 * Math.PI * i) / 9000));
    voiced[i] = Math.max(-32768, Math.min(32767, Math.round(y * env)));
  }
  const noise = Int16Array.from({ length: n }, (_, i) => ((rng.uint32() & 0xffff) - 32768) * (i < n / 2 ? 0.05 : 1));
  const sweep = Int16Array.from({ length: n }, (_, i) => Math.round(20000 * Math.sin((2 * Math.PI * (50 * i + (7900 * i * i) / (2 * n))) / 16000)));
  const square = Int16Array.from({ length: 8000 }, (_, i) => (Math.floor(i / 20) % 2 === 0 ? 32767 : -32768));
  return { voiced, noise, sweep, silence: new Int16Array(4000), square };
}

export function tsG722Encode(pcm: Int16Array): Uint8Array {
  const out = new Uint8Array(pcm.length >> 1);
  new G722Encoder().encode(pcm, out);
  return out;
}

export function tsG722Decode(codes: Uint8Array): Int16Array {
  const out = new Int16Array(codes.length * 2);
  new G722Decoder().decode(codes, out);
  return out;
}
