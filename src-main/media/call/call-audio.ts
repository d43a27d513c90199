/**
 * Where a call's sound comes from and goes to. The engine asks a `CallAudioProvider` once per call;
 * the composition root decides what backs it (media may not build platform adapters itself):
 *
 *  - the CLI and tests: `fileAudioProvider` - `audio.playFile` loops a WAV as the microphone and
 *    `audio.recordFile` records the decoded far end (FileAudioPort), no files = NullAudioPort;
 *  - the Electron app: `deviceAudioProvider` over one shared NaudiodonAudioPort with the devices
 *    the user picked (read at call start, so a settings change applies to the next call).
 *
 * Example (composition root):
 *   const audio = fileAudioProvider({
 *     file: (f) => new FileAudioPort({ clock, inputPath: f.playFile, outputPath: f.recordFile, resample: resampleAll }),
 *     none: () => new NullAudioPort(clock),
 *   });
 */
import { err, ok, type Result } from '../../base/result.js';
import type { AudioDevicePort } from '../audio/audio-port.js';
import type { EchoCancellerFactory } from '../audio/echo-canceller.js';
import type { CallAudioOptions, MediaFailure } from '../call-media.js';

export interface CallAudioRequest {
  readonly callId: string;
  readonly audio: CallAudioOptions | undefined;
}

export interface CallAudio {
  readonly port: AudioDevicePort;
  /** Dispose `port` when the call ends (true for per-call file ports, false for a shared sound card). */
  readonly owned: boolean;
  readonly captureDeviceId?: string;
  readonly playbackDeviceId?: string;
  /**
   * Rate to open the streams at. Undefined: the codec's own rate (file and null backends, no
   * resampling); a sound card gives its native rate (e.g. 48000) and the pipeline resamples.
   */
  readonly sampleRate?: number;
  /** Capture only (no playback stream), e.g. a headless call that records nothing. */
  readonly playback?: boolean;
  /**
   * Acoustic echo cancellation between this call's speaker and microphone (sound cards; a
   * file or null port has no acoustic path). Undefined: none.
   */
  readonly echoCanceller?: EchoCancellerFactory;
  /** Initial microphone and speaker volume in dB (default 0). */
  readonly inputGainDb?: number;
  readonly outputGainDb?: number;
}

export interface CallAudioProvider {
  open(request: CallAudioRequest): Result<CallAudio, MediaFailure>;
}

export interface FileAudioFactories {
  /** A port that plays `playFile` (looped) as the microphone and records to `recordFile`. */
  file(files: { readonly playFile?: string; readonly recordFile?: string }): AudioDevicePort;
  /** A silent microphone and a discarding speaker. */
  none(): AudioDevicePort;
}

/** Files when the call names any, else silence: what the CLI (`--play`, `--record`) and tests use. */
export function fileAudioProvider(make: FileAudioFactories): CallAudioProvider {
  return {
    open({ audio }) {
      const files = {
        ...(audio?.playFile === undefined ? {} : { playFile: audio.playFile }),
        ...(audio?.recordFile === undefined ? {} : { recordFile: audio.recordFile }),
      };
      const port = files.playFile === undefined && files.recordFile === undefined ? make.none() : make.file(files);
      return ok({ port, owned: true });
    },
  };
}

export interface DeviceSelection {
  readonly captureDeviceId?: string;
  readonly playbackDeviceId?: string;
  /** Device rate; default 48000. */
  readonly sampleRate?: number;
  /** Cancel the speaker's echo in the microphone (default true when a canceller is available). */
  readonly echoCancellation?: boolean;
  /** Microphone and speaker volume in dB (default 0). */
  readonly inputGainDb?: number;
  readonly outputGainDb?: number;
}

/**
 * One shared sound-card port (not disposed by calls) with the devices chosen now, and the echo
 * canceller when there is one and the selection does not turn it off. Calls that ask for files
 * get them from `files` when given, else are refused (bad-config).
 */
export function deviceAudioProvider(port: AudioDevicePort, selection: () => DeviceSelection, files?: FileAudioFactories, echoCanceller?: EchoCancellerFactory): CallAudioProvider {
  return {
    open(request) {
      if (request.audio?.playFile !== undefined || request.audio?.recordFile !== undefined) {
        if (files === undefined) return err({ code: 'bad-config', message: 'file audio was requested but this build has no file audio backend' });
        return fileAudioProvider(files).open(request);
      }
      const s = selection();
      return ok({
        port,
        owned: false,
        sampleRate: s.sampleRate ?? 48000,
        ...(echoCanceller === undefined || s.echoCancellation === false ? {} : { echoCanceller }),
        ...(s.inputGainDb === undefined ? {} : { inputGainDb: s.inputGainDb }),
        ...(s.outputGainDb === undefined ? {} : { outputGainDb: s.outputGainDb }),
        ...(s.captureDeviceId === undefined ? {} : { captureDeviceId: s.captureDeviceId }),
        ...(s.playbackDeviceId === undefined ? {} : { playbackDeviceId: s.playbackDeviceId }),
      });
    },
  };
}
