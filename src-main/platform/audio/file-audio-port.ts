/**
 * The file audio backend (CLI `--play` / `--record`, headless use, tests): a WAV file plays as
 * the microphone (looped, or silence after its end) and the far end is recorded to a WAV file,
 * both paced in real time by the injected Clock. Files at another sample rate than the stream
 * are converted once when opened, by the injected whole-buffer resampler.
 *
 * The recorder appends to the file in batches with synchronous writes (a few hundred bytes per
 * 20 ms: microseconds) and fixes the RIFF sizes when the stream is disposed, so a recording is a
 * valid WAV even if the process dies later.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Clock } from '../../base/clock.js';
import { Emitter } from '../../base/event.js';
import { err, ok, type Result } from '../../base/result.js';
import type { AudioDeviceError, AudioDeviceInfo, AudioDevicePort, AudioStreamOptions, CaptureStream, PlaybackStream } from '../../media/audio/audio-port.js';
import { ClockPacedCapture, ClockPacedPlayback } from './clock-paced-streams.js';
import { parseWav, wavHeader } from './wav-format.js';

/** Converts a whole buffer between rates (media/audio/resampler.ts `resampleAll`). */
export type WholeBufferResampler = (pcm: Int16Array, fromRate: number, toRate: number) => Promise<Int16Array>;

export interface FileAudioPortOptions {
  readonly clock: Clock;
  /** WAV file used as the microphone; undefined = silence. */
  readonly inputPath?: string;
  /** WAV file the playback stream records to; undefined = discard. */
  readonly outputPath?: string;
  /** Loop the input file (default true); otherwise silence after its end. */
  readonly loop?: boolean;
  /** Needed when the input file's rate differs from the requested stream rate. */
  readonly resample?: WholeBufferResampler;
}

export const FILE_INPUT_ID = 'file:input';
export const FILE_OUTPUT_ID = 'file:output';

export class FileAudioPort implements AudioDevicePort {
  readonly backend = 'file';
  private readonly changes = new Emitter<readonly AudioDeviceInfo[]>();
  readonly onDevicesChanged = this.changes.event;
  private recording = false;

  constructor(private readonly options: FileAudioPortOptions) {}

  listDevices(): Promise<Result<readonly AudioDeviceInfo[], AudioDeviceError>> {
    const base = { hostApi: 'file', defaultSampleRate: 48000, isDefaultInput: false, isDefaultOutput: false, maxInputChannels: 0, maxOutputChannels: 0 };
    return Promise.resolve(
      ok([
        { ...base, id: FILE_INPUT_ID, name: this.options.inputPath === undefined ? 'Silence' : basename(this.options.inputPath), maxInputChannels: 1, isDefaultInput: true },
        { ...base, id: FILE_OUTPUT_ID, name: this.options.outputPath === undefined ? 'Discard' : basename(this.options.outputPath), maxOutputChannels: 1, isDefaultOutput: true },
      ]),
    );
  }

  async openCapture(options: AudioStreamOptions): Promise<Result<CaptureStream, AudioDeviceError>> {
    if (options.deviceId !== undefined && options.deviceId !== FILE_INPUT_ID) return notFound(options.deviceId);
    let samples: Int16Array = new Int16Array(0);
    const path = this.options.inputPath;
    if (path !== undefined) {
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await readFile(path));
      } catch (e) {
        return err({ code: 'audio-open-failed', message: `cannot read ${path}`, detail: { cause: String(e) } });
      }
      const wav = parseWav(bytes);
      if (!wav.ok) return err({ code: 'audio-format-unsupported', message: `${path}: ${wav.error.message}`, detail: { cause: wav.error.code } });
      samples = wav.value.samples;
      if (wav.value.sampleRate !== options.sampleRate) {
        if (this.options.resample === undefined) {
          return err({ code: 'audio-format-unsupported', message: `${path} is ${wav.value.sampleRate} Hz, stream wants ${options.sampleRate} Hz and no resampler was given` });
        }
        samples = await this.options.resample(samples, wav.value.sampleRate, options.sampleRate);
      }
    }
    const loop = this.options.loop ?? true;
    let pos = 0;
    const produce = (out: Int16Array): void => {
      out.fill(0);
      if (samples.length === 0) return;
      let o = 0;
      while (o < out.length) {
        if (pos >= samples.length) {
          if (!loop) return;
          pos = 0;
        }
        const n = Math.min(out.length - o, samples.length - pos);
        out.set(samples.subarray(pos, pos + n), o);
        pos += n;
        o += n;
      }
    };
    return ok(new ClockPacedCapture(this.options.clock, { ...options, deviceId: FILE_INPUT_ID }, produce));
  }

  openPlayback(options: AudioStreamOptions): Promise<Result<PlaybackStream, AudioDeviceError>> {
    if (options.deviceId !== undefined && options.deviceId !== FILE_OUTPUT_ID) return Promise.resolve(notFound(options.deviceId));
    const path = this.options.outputPath;
    if (path === undefined) return Promise.resolve(ok(new ClockPacedPlayback(this.options.clock, { ...options, deviceId: FILE_OUTPUT_ID }, () => undefined)));
    if (this.recording) return Promise.resolve(err({ code: 'audio-open-failed', message: `${path} is already being recorded` }));
    let recorder: WavRecorder;
    try {
      recorder = new WavRecorder(path, options.sampleRate);
    } catch (e) {
      return Promise.resolve(err({ code: 'audio-open-failed', message: `cannot write ${path}`, detail: { cause: String(e) } }));
    }
    this.recording = true;
    const stream = new ClockPacedPlayback(
      this.options.clock,
      { ...options, deviceId: FILE_OUTPUT_ID },
      (frame) => recorder.append(frame),
      () => {
        recorder.close();
        this.recording = false;
      },
    );
    return Promise.resolve(ok(stream));
  }

  dispose(): void {
    this.changes.dispose();
  }
}

function notFound(id: string): Result<never, AudioDeviceError> {
  return err({ code: 'audio-device-not-found', message: `no file audio device ${id}`, detail: { deviceId: id } });
}

/** Mono 16-bit WAV written incrementally; sizes patched on close. */
export class WavRecorder {
  private readonly fd: number;
  private readonly pending: Uint8Array;
  private pendingBytes = 0;
  private dataBytes = 0;
  private closed = false;
  /** Byte view of the last frame array appended (streams reuse one array: no view per frame). */
  private frameView: { frame: Int16Array; bytes: Uint8Array } | undefined;

  constructor(
    readonly path: string,
    private readonly sampleRate: number,
    batchBytes = 8192,
  ) {
    this.fd = openSync(path, 'w');
    this.pending = new Uint8Array(batchBytes);
    writeSync(this.fd, wavHeader(sampleRate, 0));
  }

  append(frame: Int16Array): void {
    if (this.closed) return;
    let view = this.frameView;
    if (view?.frame !== frame) {
      view = { frame, bytes: new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength) };
      this.frameView = view;
    }
    const bytes = view.bytes;
    if (this.pendingBytes + bytes.length > this.pending.length) this.flush();
    if (bytes.length > this.pending.length) {
      writeSync(this.fd, bytes);
    } else {
      this.pending.set(bytes, this.pendingBytes);
      this.pendingBytes += bytes.length;
    }
    this.dataBytes += bytes.length;
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    writeSync(this.fd, wavHeader(this.sampleRate, this.dataBytes), 0, 44, 0);
    closeSync(this.fd);
  }

  private flush(): void {
    if (this.pendingBytes === 0) return;
    writeSync(this.fd, this.pending, 0, this.pendingBytes);
    this.pendingBytes = 0;
  }
}
