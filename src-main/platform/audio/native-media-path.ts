/**
 * The NativeMediaPath port (media/native/media-path-port.ts) over the `@softphone/media-path`
 * addon (native/media-path: RTP/SRTP/RTCP, codecs, jitter buffer, pacing and sound cards on a
 * native thread per call, built by node-gyp on `npm ci` from vendored sources).
 *
 * Which media path serves calls (`SOFTPHONE_MEDIA_PATH`, read by the app and the CLI):
 *  - `auto` (default): the native path where the addon loads (Linux today), the TypeScript
 *    engine for every call it cannot do and everywhere it does not load;
 *  - `native`: the same, but a missing addon is an error at start (IT can insist on it);
 *  - `typescript`: the TypeScript engine for every call (the reference implementation; a way
 *    around a problem of the native path on one machine).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { err, ok, type Result } from '../../base/result.js';
import type * as MediaPathModule from '@softphone/media-path';
import type { MediaPathAddon, NativeMediaPath, PcmFile } from '../../media/native/media-path-port.js';
import { stableDeviceIds } from './device-list.js';
import { encodeWav, parseWav } from './wav-format.js';

export type MediaPathChoice = 'auto' | 'native' | 'typescript';

/** The loader of the addon package, as its index.d.ts declares it (tests hand in another). */
export type MediaPathPackage = Pick<typeof MediaPathModule, 'mediaPathProblem' | 'loadMediaPath'>;

/** require('@softphone/media-path') from here (works from the sources and from the bundles in out/). */
export const loadMediaPathPackage = (): MediaPathPackage => createRequire(import.meta.url)('@softphone/media-path') as MediaPathPackage;

/** The choice from the environment's SOFTPHONE_MEDIA_PATH (absent or empty: auto); an unknown value is an error. */
export function mediaPathChoice(env: Readonly<Record<string, string | undefined>>): Result<MediaPathChoice, string> {
  const v = (env['SOFTPHONE_MEDIA_PATH'] ?? '').trim().toLowerCase();
  if (v === '' || v === 'auto') return ok('auto');
  if (v === 'native' || v === 'typescript') return ok(v);
  return err(`SOFTPHONE_MEDIA_PATH=${env['SOFTPHONE_MEDIA_PATH'] ?? ''} is not one of auto, native, typescript`);
}

export type NativeMediaPathOutcome =
  /** The native path serves the calls it can do. */
  | { readonly kind: 'native'; readonly path: NativeMediaPath }
  /** Every call on the TypeScript engine; `why` for the log (the choice, or why the addon is not here). */
  | { readonly kind: 'typescript'; readonly why: string };

/**
 * The native media path for this choice, or why calls stay on the TypeScript engine. With
 * `native`, an addon that does not load is an error (the caller refuses to start).
 */
export function openNativeMediaPath(choice: MediaPathChoice, load: () => MediaPathPackage = loadMediaPathPackage): Result<NativeMediaPathOutcome, string> {
  if (choice === 'typescript') return ok({ kind: 'typescript', why: 'SOFTPHONE_MEDIA_PATH=typescript' });
  let addon: MediaPathAddon;
  try {
    const pkg = load();
    const problem = pkg.mediaPathProblem();
    if (problem !== undefined) return choice === 'native' ? err(problem) : ok({ kind: 'typescript', why: problem });
    addon = pkg.loadMediaPath();
  } catch (e) {
    const why = `the native media path could not be loaded: ${e instanceof Error ? e.message : String(e)}`;
    return choice === 'native' ? err(why) : ok({ kind: 'typescript', why });
  }
  return ok({ kind: 'native', path: nativeMediaPath(addon) });
}

/** The port over a loaded addon: device names from its own PortAudio list, WAV files through wav-format. */
export function nativeMediaPath(addon: MediaPathAddon): NativeMediaPath {
  return {
    addon,
    deviceResolver() {
      const list = addon.devices();
      const ids = stableDeviceIds(list);
      return (id) => {
        const i = ids.indexOf(id);
        return i < 0 ? undefined : list[i]!.name;
      };
    },
    readAudioFile(path): Result<PcmFile, string> {
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(readFileSync(path));
      } catch (e) {
        return err(`${path} cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
      }
      const wav = parseWav(bytes);
      return wav.ok ? ok({ sampleRate: wav.value.sampleRate, samples: wav.value.samples }) : err(`${path}: ${wav.error.message}`);
    },
    writeAudioFile(path, sampleRate, samples) {
      writeFileSync(path, encodeWav(sampleRate, samples));
    },
  };
}
