/**
 * `npm run bench -- codecs`: CPU cost per 20 ms frame of each codec (encode + decode), as JSON
 * lines. Peer figure: libspandsp's G.722 through the C helper of test/interop (when built).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createOpusCodecFactory } from '../src-main/media/codecs/opus-codec.js';
import type { CodecFactory } from '../src-main/protocol/codec/codec.js';
import { createBaseCodecRegistry } from '../src-main/protocol/codec/codec-registry.js';

function measure(factory: CodecFactory, frames: number): { encodeMs: number; decodeMs: number } {
  const codec = factory.create();
  const pcm = Int16Array.from({ length: codec.frameSamples * 50 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / codec.sampleRate) + 500 * Math.sin(i)));
  const frame = (k: number): Int16Array => pcm.subarray((k % 50) * codec.frameSamples, ((k % 50) + 1) * codec.frameSamples);
  for (let k = 0; k < 200; k++) codec.decode(codec.encode(frame(k)));
  const payloads: Uint8Array[] = [];
  const t0 = performance.now();
  for (let k = 0; k < frames; k++) payloads.push(codec.encode(frame(k)));
  const t1 = performance.now();
  for (const p of payloads) codec.decode(p);
  const t2 = performance.now();
  codec.dispose();
  return { encodeMs: (t1 - t0) / frames, decodeMs: (t2 - t1) / frames };
}

export default async function run(args: string[]): Promise<void> {
  const frames = Number(args[0] ?? 5000);
  const registry = createBaseCodecRegistry();
  const opus = createOpusCodecFactory();
  if (opus.ok) registry.register(opus.value);
  for (const factory of registry.all()) {
    const { encodeMs, decodeMs } = measure(factory, frames);
    process.stdout.write(
      `${JSON.stringify({
        bench: 'codecs',
        codec: factory.descriptor.encodingName,
        frames,
        encodeMsPerFrame: +encodeMs.toFixed(4),
        decodeMsPerFrame: +decodeMs.toFixed(4),
        cpuPctOfOneCorePerCall: +(((encodeMs + decodeMs) / 20) * 100).toFixed(3),
      })}\n`,
    );
  }
  const peer = spandspG722(frames);
  if (peer !== undefined) process.stdout.write(`${JSON.stringify({ bench: 'codecs', codec: 'G722', peer: 'libspandsp 0.0.6 (C helper, process start subtracted)', frames, encodeAndDecodeMsPerFrame: +peer.toFixed(4), cpuPctOfOneCorePerCall: +((peer / 20) * 100).toFixed(3) })}\n`);
  await Promise.resolve();
}

/** libspandsp G.722 encode+decode per 20 ms frame, via test/interop's helper if it was built. */
function spandspG722(frames: number): number | undefined {
  const helper = new URL('../test/interop/bin/spandsp-codec-helper', import.meta.url).pathname;
  if (!existsSync(helper)) return undefined;
  const pcm = Buffer.from(Int16Array.from({ length: frames * 320 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 16000) + 500 * Math.sin(i))).buffer);
  const time = (mode: string, input: Buffer): { ms: number; out: Buffer } => {
    const t0 = performance.now();
    const r = spawnSync(helper, [mode], { input, maxBuffer: 1 << 28 });
    return { ms: performance.now() - t0, out: r.stdout };
  };
  const startup = Math.min(time('g722-encode', Buffer.alloc(640)).ms, time('g722-encode', Buffer.alloc(640)).ms);
  const enc = time('g722-encode', pcm);
  const dec = time('g722-decode', enc.out);
  return (enc.ms + dec.ms - 2 * startup) / frames;
}
