/**
 * The port of the native media path (native/media-path, the `@softphone/media-path` addon): what
 * the media layer needs from it, handed in by the composition (platform/audio/native-media-path.ts
 * loads the real addon; tests may hand in test/fakes/fake-media-path.ts).
 *
 * The addon's own types describe the per-leg calls (open, start, update, rekey, stats...); this
 * file adds what a call needs around them that is I/O: the device-name lookup and the file audio
 * of the headless faces (--play/--record WAV files).
 */
import type { Result } from '../../base/result.js';

export type { MediaPathAddon, MediaPathLeg, MediaPathStats, MediaPathStream, MediaPathSuite } from '@softphone/media-path';
import type { MediaPathAddon } from '@softphone/media-path';

/** Mono PCM from a file (a WAV at any rate; the native thread converts it to the codec's). */
export interface PcmFile {
  readonly sampleRate: number;
  readonly samples: Int16Array;
}

export interface NativeMediaPath {
  readonly addon: MediaPathAddon;
  /**
   * Resolves a device id of the TypeScript audio port (`hostApi:name`, `#2`... for duplicates) to
   * the PortAudio name the addon opens, over the addon's device list now (undefined: not there).
   */
  deviceResolver(): (id: string) => string | undefined;
  /** Reads a call's audio file (`--play`); the error is a sentence for the user. */
  readAudioFile(path: string): Result<PcmFile, string>;
  /** Writes what a call played (`--record`) as a WAV file. */
  writeAudioFile(path: string, sampleRate: number, samples: Int16Array): void;
}
