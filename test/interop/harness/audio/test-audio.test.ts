import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { requirePeers } from '../peers.js';
import { generateSpeechWav, generateToneWav, soxStat } from './test-audio.js';
import { analyseTone } from './tone-analysis.js';
import { readWav } from './wav.js';

const peers = requirePeers(['sox', 'espeak-ng']);

// Skips only without sox/espeak-ng (named loudly); under CI=true requirePeers throws instead.
describe.skipIf(!peers.available)('test audio made with sox and espeak-ng, in the format baresip aufile needs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'softphone-harness-audio-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('makes a 48 kHz mono 16-bit tone that both the FFT and sox measure at the asked frequency', async () => {
    const path = await generateToneWav(join(dir, 'tone.wav'), { frequency: 1000, seconds: 2 });
    const wav = readWav(path);
    expect([wav.sampleRate, wav.channels]).toEqual([48_000, 1]);
    expect(wav.durationSeconds).toBeCloseTo(2, 2);
    const t = analyseTone(wav);
    expect(Math.abs(t.dominantHz - 1000)).toBeLessThan(1);
    expect(t.peak).toBeCloseTo(0.5, 2);
    const stat = await soxStat(path);
    expect(Math.abs(stat.roughFrequency - 1000)).toBeLessThan(20);
    expect(stat.maxAmplitude).toBeCloseTo(0.5, 2);
  });

  it('makes speech at 48 kHz mono, looped to the asked length', async () => {
    const wav = readWav(await generateSpeechWav(join(dir, 'speech.wav'), 'one two three', 4));
    expect([wav.sampleRate, wav.channels]).toEqual([48_000, 1]);
    expect(wav.durationSeconds).toBeCloseTo(4, 1);
    expect(analyseTone(wav).rmsDbfs).toBeGreaterThan(-40);
  });
});
