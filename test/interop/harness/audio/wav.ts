/**
 * Reads and writes PCM WAV files (RIFF/WAVE, `fmt ` + `data` chunks; 16-bit integer PCM, or
 * WAVE_FORMAT_EXTENSIBLE with PCM) as Float32 samples in [-1, 1), for checking what peers
 * recorded. Tolerates a `data` size of 0 or beyond the file end (a writer that was killed
 * before it fixed the header) by reading to the end of the file.
 */
import { readFileSync, writeFileSync } from 'node:fs';

export interface WavAudio {
  readonly sampleRate: number;
  readonly channels: number;
  /** One Float32Array per channel. */
  readonly channelData: readonly Float32Array[];
  /** Frames (samples per channel). */
  readonly length: number;
  readonly durationSeconds: number;
}

export function parseWav(bytes: Buffer): WavAudio {
  if (bytes.length < 12 || bytes.toString('ascii', 0, 4) !== 'RIFF' || bytes.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error('not a RIFF/WAVE file');
  }
  let offset = 12;
  let format: { audioFormat: number; channels: number; sampleRate: number; bits: number } | undefined;
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString('ascii', offset, offset + 4);
    const size = bytes.readUInt32LE(offset + 4);
    const body = offset + 8;
    if (id === 'fmt ') {
      let audioFormat = bytes.readUInt16LE(body);
      if (audioFormat === 0xfffe && size >= 26) audioFormat = bytes.readUInt16LE(body + 24); // extensible: sub-format GUID
      format = { audioFormat, channels: bytes.readUInt16LE(body + 2), sampleRate: bytes.readUInt32LE(body + 4), bits: bytes.readUInt16LE(body + 14) };
    } else if (id === 'data') {
      if (format === undefined) throw new Error('WAV data chunk before fmt chunk');
      if (format.audioFormat !== 1 || format.bits !== 16) throw new Error(`unsupported WAV format ${format.audioFormat}/${format.bits}-bit (want PCM 16-bit)`);
      const end = size === 0 || body + size > bytes.length ? bytes.length : body + size;
      const frames = Math.floor((end - body) / (2 * format.channels));
      const channelData = Array.from({ length: format.channels }, () => new Float32Array(frames));
      for (let i = 0; i < frames; i++) {
        for (let c = 0; c < format.channels; c++) channelData[c]![i] = bytes.readInt16LE(body + (i * format.channels + c) * 2) / 32768;
      }
      return { sampleRate: format.sampleRate, channels: format.channels, channelData, length: frames, durationSeconds: frames / format.sampleRate };
    }
    offset = body + size + (size % 2);
  }
  throw new Error('WAV file without a data chunk');
}

export function readWav(path: string): WavAudio {
  return parseWav(readFileSync(path));
}

/** Mono 16-bit PCM WAV bytes from Float32 samples (clipped to [-1, 1)). */
export function encodeWav(samples: Float32Array, sampleRate: number): Buffer {
  const out = Buffer.alloc(44 + samples.length * 2);
  out.write('RIFF', 0, 'ascii');
  out.writeUInt32LE(36 + samples.length * 2, 4);
  out.write('WAVE', 8, 'ascii');
  out.write('fmt ', 12, 'ascii');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20);
  out.writeUInt16LE(1, 22);
  out.writeUInt32LE(sampleRate, 24);
  out.writeUInt32LE(sampleRate * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'ascii');
  out.writeUInt32LE(samples.length * 2, 40);
  for (let i = 0; i < samples.length; i++) {
    const v = Math.max(-1, Math.min(32767 / 32768, samples[i]!));
    out.writeInt16LE(Math.round(v * 32768), 44 + i * 2);
  }
  return out;
}

export function writeWav(path: string, samples: Float32Array, sampleRate: number): void {
  writeFileSync(path, encodeWav(samples, sampleRate));
}
