import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../test/fakes/fake-clock.js';
import type { Clock } from '../../base/clock.js';
import { resampleAll } from '../../media/audio/resampler.js';
import { FileAudioPort } from './file-audio-port.js';
import { NullAudioPort } from './null-audio-port.js';
import { encodeWav, parseWav } from './wav-format.js';

const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'softphone-audio-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('file audio backend', () => {
  it('plays a WAV as the microphone in real time on the clock, looping, in exact frames', async () => {
    const dir = tempDir();
    const input = join(dir, 'in.wav');
    writeFileSync(input, encodeWav(8000, Int16Array.from({ length: 400 }, (_, i) => i)));
    const clock = new FakeClock();
    const port = new FileAudioPort({ clock, inputPath: input });
    const opened = await port.openCapture({ sampleRate: 8000, frameSamples: 160 });
    if (!opened.ok) throw new Error(opened.error.message);
    const stream = opened.value;
    const got: number[][] = [];
    stream.onFrame((f) => got.push([...f]));
    stream.start();
    clock.advance(19);
    expect(got).toHaveLength(0);
    clock.advance(1);
    expect(got).toHaveLength(1);
    clock.advance(1000 - 20);
    expect(got).toHaveLength(50); // 50 frames per second, no more, no less
    const flat = got.flat();
    expect(flat.slice(0, 400)).toEqual([...Array(400).keys()]);
    expect(flat.slice(400, 800)).toEqual([...Array(400).keys()]); // looped
    stream.dispose();
    expect(clock.pendingTimers).toBe(0);
  });

  it('catches up when timers fire late without exceeding real time, and counts long stalls as glitches', async () => {
    const fake = new FakeClock();
    // A clock whose timers fire only after `lateMs`, like a busy event loop.
    const lateClock = (lateMs: number): Clock => ({
      now: () => fake.now(),
      monotonic: () => fake.monotonic(),
      setTimer: (_ms, cb) => fake.setTimer(lateMs, cb),
      setInterval: (_ms, cb) => fake.setInterval(lateMs, cb),
    });
    const late = await new NullAudioPort(lateClock(100)).openCapture({ sampleRate: 16000, frameSamples: 320 });
    const stalled = await new NullAudioPort(lateClock(500)).openCapture({ sampleRate: 16000, frameSamples: 320 });
    if (!late.ok || !stalled.ok) throw new Error('open');
    late.value.start();
    stalled.value.start();
    fake.advance(1000);
    expect(late.value.stats()).toMatchObject({ frames: 50, glitches: 0 }); // 5 frames per late tick
    expect(stalled.value.stats()).toMatchObject({ frames: 20, glitches: 30 }); // at most 10 per tick, rest skipped
    late.value.dispose();
    stalled.value.dispose();
    expect(fake.pendingTimers).toBe(0);
  });

  it('converts an input file at another rate with the injected resampler, and refuses without one', async () => {
    const dir = tempDir();
    const input = join(dir, 'in44.wav');
    writeFileSync(input, encodeWav(44100, Int16Array.from({ length: 44100 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 44100)))));
    const clock = new FakeClock();
    const refuse = await new FileAudioPort({ clock, inputPath: input }).openCapture({ sampleRate: 16000, frameSamples: 320 });
    expect(!refuse.ok && refuse.error.code).toBe('audio-format-unsupported');
    const port = new FileAudioPort({ clock, inputPath: input, loop: false, resample: (pcm, from, to) => resampleAll(pcm, from, to) });
    const opened = await port.openCapture({ sampleRate: 16000, frameSamples: 320 });
    if (!opened.ok) throw new Error(opened.error.message);
    let energy = 0;
    let frames = 0;
    opened.value.onFrame((f) => {
      frames++;
      for (const v of f) energy += v * v;
    });
    opened.value.start();
    clock.advance(2000);
    expect(frames).toBe(100);
    expect(energy / (16000 * 2)).toBeGreaterThan(0.4 * (8000 * 8000) / 2 / 2); // ~1 s of tone, then silence
    opened.value.dispose();
  });

  it('records the far end to a valid WAV, finalized on dispose; a second recorder on the same file is refused', async () => {
    const dir = tempDir();
    const output = join(dir, 'out.wav');
    const clock = new FakeClock();
    const port = new FileAudioPort({ clock, outputPath: output });
    const opened = await port.openPlayback({ sampleRate: 16000, frameSamples: 320 });
    if (!opened.ok) throw new Error(opened.error.message);
    const second = await port.openPlayback({ sampleRate: 16000, frameSamples: 320 });
    expect(!second.ok && second.error.code).toBe('audio-open-failed');
    let k = 0;
    opened.value.setSource((out) => out.fill(k++));
    opened.value.start();
    clock.advance(3000);
    opened.value.dispose();
    const wav = parseWav(new Uint8Array(readFileSync(output)));
    expect(wav.ok).toBe(true);
    if (!wav.ok) return;
    expect(wav.value.sampleRate).toBe(16000);
    expect(wav.value.samples.length).toBe(150 * 320);
    expect(wav.value.samples[0]).toBe(0);
    expect(wav.value.samples[149 * 320]).toBe(149);
    expect(clock.pendingTimers).toBe(0);
  });

  it('reports missing or malformed input files as typed errors', async () => {
    const dir = tempDir();
    const clock = new FakeClock();
    const missing = await new FileAudioPort({ clock, inputPath: join(dir, 'nope.wav') }).openCapture({ sampleRate: 8000, frameSamples: 160 });
    expect(!missing.ok && missing.error.code).toBe('audio-open-failed');
    writeFileSync(join(dir, 'bad.wav'), 'not a wav file at all');
    const bad = await new FileAudioPort({ clock, inputPath: join(dir, 'bad.wav') }).openCapture({ sampleRate: 8000, frameSamples: 160 });
    expect(!bad.ok && bad.error.code).toBe('audio-format-unsupported');
    const wrongId = await new FileAudioPort({ clock }).openCapture({ deviceId: 'portaudio:x', sampleRate: 8000, frameSamples: 160 });
    expect(!wrongId.ok && wrongId.error.code).toBe('audio-device-not-found');
  });
});
