/**
 * Test audio for the peers, made with Debian's `sox` and `espeak-ng`, in the format baresip's
 * aufile source needs (S16LE, 48000 Hz, mono: see baresip-config.ts), plus a sox-based check of a
 * recording as a second opinion to tone-analysis.ts.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ToneOptions {
  readonly frequency: number;
  /** Default 30 s (baresip 1.0's aufile stops at the end of the file: make it outlast the call). */
  readonly seconds?: number;
  /** Default 48000. */
  readonly sampleRate?: number;
  /** Peak amplitude 0..1; default 0.5 (-6 dBFS peak, about -9 dBFS RMS). */
  readonly amplitude?: number;
}

/** Writes a sine tone WAV with sox (`sox -n -r 48000 -c 1 -b 16 out.wav synth 30 sine 1000 vol 0.5`). */
export async function generateToneWav(path: string, options: ToneOptions): Promise<string> {
  await run('sox', [
    '-n',
    '-r', String(options.sampleRate ?? 48_000),
    '-c', '1',
    '-b', '16',
    '-e', 'signed-integer',
    path,
    'synth', String(options.seconds ?? 30), 'sine', String(options.frequency),
    'vol', String(options.amplitude ?? 0.5),
  ]);
  return path;
}

/** Speech with espeak-ng, resampled by sox to 48000 Hz mono S16LE, padded/looped to `seconds`. */
export async function generateSpeechWav(path: string, text: string, seconds = 30): Promise<string> {
  const raw = `${path}.espeak.wav`;
  await run('espeak-ng', ['-w', raw, text]);
  await run('sox', [raw, '-r', '48000', '-c', '1', '-b', '16', '-e', 'signed-integer', path, 'repeat', '50', 'trim', '0', String(seconds)]);
  const { rm } = await import('node:fs/promises');
  await rm(raw, { force: true });
  return path;
}

export interface SoxStat {
  /** sox `stat`: "Rough frequency" (zero-crossing estimate), Hz. */
  readonly roughFrequency: number;
  /** sox `stat`: "RMS amplitude" (0..1). */
  readonly rmsAmplitude: number;
  /** sox `stat`: "Maximum amplitude". */
  readonly maxAmplitude: number;
  readonly seconds: number;
}

/** Runs `sox FILE -n trim START stat` and parses the figures (sox prints them on stderr). */
export async function soxStat(path: string, trimStartSeconds = 0.5): Promise<SoxStat> {
  const { stderr } = await run('sox', [path, '-n', 'trim', String(trimStartSeconds), 'stat']);
  const num = (label: string): number => {
    const m = new RegExp(`^${label}:\\s+(-?[0-9.e+-]+)`, 'm').exec(stderr);
    if (m?.[1] === undefined) throw new Error(`sox stat output without "${label}":\n${stderr}`);
    return Number(m[1]);
  };
  return {
    roughFrequency: num('Rough\\s+frequency'),
    rmsAmplitude: num('RMS\\s+amplitude'),
    maxAmplitude: num('Maximum\\s+amplitude'),
    seconds: num('Length \\(seconds\\)'),
  };
}
