/**
 * Which media path the faces choose (SOFTPHONE_MEDIA_PATH), what happens when the addon is not
 * there, and the port's device names and WAV files. The loader is faked here; the real addon is
 * loaded by test/integration/media/native-*.test.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeMediaPathAddon } from '../../../test/fakes/fake-media-path.js';
import { mediaPathChoice, nativeMediaPath, openNativeMediaPath, type MediaPathPackage } from './native-media-path.js';
import { encodeWav } from './wav-format.js';

const dir = mkdtempSync(join(tmpdir(), 'native-media-path-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const loaded = (addon = new FakeMediaPathAddon()): (() => MediaPathPackage) => () => ({ mediaPathProblem: () => undefined, loadMediaPath: () => addon });
const missing = (): MediaPathPackage => ({
  mediaPathProblem: () => 'the native media path is not built: run npm rebuild @softphone/media-path',
  loadMediaPath: () => {
    throw new Error('not built');
  },
});

describe('SOFTPHONE_MEDIA_PATH', () => {
  it('is auto when absent or empty, takes native and typescript in any case, and names the choices for anything else', () => {
    expect(mediaPathChoice({})).toEqual({ ok: true, value: 'auto' });
    expect(mediaPathChoice({ SOFTPHONE_MEDIA_PATH: ' ' })).toEqual({ ok: true, value: 'auto' });
    expect(mediaPathChoice({ SOFTPHONE_MEDIA_PATH: 'Native' })).toEqual({ ok: true, value: 'native' });
    expect(mediaPathChoice({ SOFTPHONE_MEDIA_PATH: 'typescript' })).toEqual({ ok: true, value: 'typescript' });
    const bad = mediaPathChoice({ SOFTPHONE_MEDIA_PATH: 'fast' });
    expect(!bad.ok && bad.error).toBe('SOFTPHONE_MEDIA_PATH=fast is not one of auto, native, typescript');
  });

  it('auto: the native path where the addon loads, else the TypeScript engine with the reason; native: a missing addon is an error; typescript never loads it', () => {
    const addon = new FakeMediaPathAddon();
    const native = openNativeMediaPath('auto', loaded(addon));
    expect(native.ok && native.value.kind === 'native' && native.value.path.addon).toBe(addon);
    expect(openNativeMediaPath('auto', missing)).toEqual({ ok: true, value: { kind: 'typescript', why: 'the native media path is not built: run npm rebuild @softphone/media-path' } });
    expect(openNativeMediaPath('native', missing)).toEqual({ ok: false, error: 'the native media path is not built: run npm rebuild @softphone/media-path' });
    const throwing = (): MediaPathPackage => {
      throw new Error("Cannot find module '@softphone/media-path'");
    };
    const auto = openNativeMediaPath('auto', throwing);
    expect(auto.ok && auto.value.kind === 'typescript' && auto.value.why).toMatch(/could not be loaded: Cannot find module/);
    let asked = false;
    expect(
      openNativeMediaPath('typescript', () => {
        asked = true;
        return missing();
      }),
    ).toEqual({ ok: true, value: { kind: 'typescript', why: 'SOFTPHONE_MEDIA_PATH=typescript' } });
    expect(asked, 'typescript does not even look for the addon').toBe(false);
  });
});

describe('the port over the addon', () => {
  it('resolves the audio port ids (hostApi:name, #2 for a second device of the same name) to the PortAudio names', () => {
    const addon = new FakeMediaPathAddon();
    addon.deviceList = [
      { name: 'USB Headset', hostApi: 'ALSA', inputs: 1, outputs: 2, defaultRate: 48000 },
      { name: 'USB Headset', hostApi: 'ALSA', inputs: 1, outputs: 2, defaultRate: 48000 },
      { name: 'default', hostApi: 'ALSA', inputs: 32, outputs: 32, defaultRate: 44100 },
    ];
    const resolve = nativeMediaPath(addon).deviceResolver();
    expect(resolve('ALSA:USB Headset')).toBe('USB Headset');
    // The addon opens devices by name, so a second device of the same name resolves to that name
    // (PortAudio's first of it): a limit noted in media/call/README.md.
    expect(resolve('ALSA:USB Headset#2')).toBe('USB Headset');
    expect(resolve('ALSA:default')).toBe('default');
    expect(resolve('ALSA:Unplugged')).toBeUndefined();
  });

  it('reads a WAV file, says plainly why it cannot, and writes the recording back as a WAV file', () => {
    const path = nativeMediaPath(new FakeMediaPathAddon());
    const wav = join(dir, 'tone.wav');
    writeFileSync(wav, encodeWav(16000, Int16Array.from([0, 1000, -1000, 0])));
    const read = path.readAudioFile(wav);
    expect(read.ok && read.value.sampleRate).toBe(16000);
    expect(read.ok && [...read.value.samples]).toEqual([0, 1000, -1000, 0]);
    const absent = path.readAudioFile(join(dir, 'absent.wav'));
    expect(!absent.ok && absent.error).toMatch(/absent\.wav cannot be read \(ENOENT\)/);
    writeFileSync(join(dir, 'junk.wav'), 'not a wav');
    expect(path.readAudioFile(join(dir, 'junk.wav')).ok).toBe(false);
    path.writeAudioFile(join(dir, 'out.wav'), 8000, Int16Array.from([5, -5]));
    const back = path.readAudioFile(join(dir, 'out.wav'));
    expect(back.ok && back.value.sampleRate).toBe(8000);
    expect(back.ok && [...back.value.samples]).toEqual([5, -5]);
  });
});
