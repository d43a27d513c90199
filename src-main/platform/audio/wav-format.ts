/**
 * WAV (RIFF/WAVE) reading and writing for the file audio backend: PCM 8/16/24/32-bit integer,
 * 32-bit float and WAVE_FORMAT_EXTENSIBLE wrapping them, any channel count (mixed down to
 * mono). Written files are mono 16-bit PCM. Malformed files give typed errors, never throws.
 */
import { err, ok, type CodedError, type Result } from '../../base/result.js';

export interface WavAudio {
  readonly sampleRate: number;
  /** Channel count in the file (the samples are already mixed down to mono). */
  readonly channels: number;
  readonly samples: Int16Array;
}

export type WavErrorCode = 'wav-invalid' | 'wav-unsupported';
export type WavError = CodedError<WavErrorCode>;

const FORMAT_PCM = 1;
const FORMAT_FLOAT = 3;
const FORMAT_EXTENSIBLE = 0xfffe;

export function parseWav(bytes: Uint8Array): Result<WavAudio, WavError> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (o: number): string => String.fromCharCode(bytes[o]!, bytes[o + 1]!, bytes[o + 2]!, bytes[o + 3]!);
  if (bytes.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') return err({ code: 'wav-invalid', message: 'not a RIFF/WAVE file' });
  let fmt: { format: number; channels: number; rate: number; bits: number } | undefined;
  let data: Uint8Array | undefined;
  let o = 12;
  while (o + 8 <= bytes.length) {
    const id = tag(o);
    const size = view.getUint32(o + 4, true);
    const body = o + 8;
    const end = Math.min(bytes.length, body + size); // tolerate a truncated last chunk
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > bytes.length) return err({ code: 'wav-invalid', message: 'fmt chunk too short' });
      let format = view.getUint16(body, true);
      if (format === FORMAT_EXTENSIBLE && size >= 40 && body + 26 <= bytes.length) format = view.getUint16(body + 24, true);
      fmt = { format, channels: view.getUint16(body + 2, true), rate: view.getUint32(body + 4, true), bits: view.getUint16(body + 14, true) };
    } else if (id === 'data') {
      data = bytes.subarray(body, end);
    }
    o = body + size + (size % 2); // chunks are word aligned
  }
  if (fmt === undefined || data === undefined) return err({ code: 'wav-invalid', message: 'missing fmt or data chunk' });
  const { format, channels, rate, bits } = fmt;
  if (channels === 0 || rate === 0) return err({ code: 'wav-invalid', message: 'zero channels or sample rate' });
  const supported = (format === FORMAT_PCM && [8, 16, 24, 32].includes(bits)) || (format === FORMAT_FLOAT && bits === 32);
  if (!supported) return err({ code: 'wav-unsupported', message: `unsupported WAV encoding (format ${format}, ${bits} bits)`, detail: { format, bits } });
  const bytesPerSample = bits / 8;
  const frames = Math.floor(data.length / (bytesPerSample * channels));
  const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const read = (i: number): number => {
    const p = i * bytesPerSample;
    if (format === FORMAT_FLOAT) return dv.getFloat32(p, true) * 32768;
    switch (bits) {
      case 8:
        return (dv.getUint8(p) - 128) << 8;
      case 16:
        return dv.getInt16(p, true);
      case 24:
        return ((dv.getUint8(p) | (dv.getUint8(p + 1) << 8) | (dv.getInt8(p + 2) << 16)) >> 8) | 0;
      default:
        return dv.getInt32(p, true) / 65536;
    }
  };
  const samples = new Int16Array(frames);
  for (let f = 0; f < frames; f++) {
    let sum = 0;
    for (let c = 0; c < channels; c++) sum += read(f * channels + c);
    const v = Math.round(sum / channels);
    samples[f] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
  }
  return ok({ sampleRate: rate, channels, samples });
}

/** The 44-byte header of a mono 16-bit PCM WAV with `dataBytes` of samples. */
export function wavHeader(sampleRate: number, dataBytes: number): Uint8Array {
  const h = new Uint8Array(44);
  const v = new DataView(h.buffer);
  const put = (o: number, s: string): void => {
    for (let i = 0; i < 4; i++) h[o + i] = s.charCodeAt(i);
  };
  put(0, 'RIFF');
  v.setUint32(4, 36 + dataBytes, true);
  put(8, 'WAVE');
  put(12, 'fmt ');
  v.setUint32(16, 16, true);
  v.setUint16(20, FORMAT_PCM, true);
  v.setUint16(22, 1, true);
  v.setUint32(24, sampleRate, true);
  v.setUint32(28, sampleRate * 2, true);
  v.setUint16(32, 2, true);
  v.setUint16(34, 16, true);
  put(36, 'data');
  v.setUint32(40, dataBytes, true);
  return h;
}

/** A complete mono 16-bit WAV file. */
export function encodeWav(sampleRate: number, samples: Int16Array): Uint8Array {
  const out = new Uint8Array(44 + samples.length * 2);
  out.set(wavHeader(sampleRate, samples.length * 2), 0);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < samples.length; i++) dv.setInt16(44 + i * 2, samples[i]!, true);
  return out;
}
