/**
 * A stub of an unpacked Electron distribution for Linux, for `electron-builder --dir` with
 * `electronDist` pointing at it (the real binary cannot be downloaded here, and packaging does
 * not need it to run).
 *
 * What electron-builder 26 does with an unpacked `electronDist` on Linux
 * (app-builder-lib/out/electron/ElectronFramework.js `unpack`, `beforeCopyExtraFiles`,
 * `cleanupAfterUnpack`; platformPackager.js `addElectronFuses`): copies the folder as is into
 * linux-unpacked, renames `electron` to the executable name, renames `LICENSE` to
 * `LICENSE.electron.txt` next to `LICENSES.chromium.html`, writes resources/app.asar (+ .unpacked)
 * and the extra resources into `resources/`, then flips the fuses in the executable with
 * @electron/fuses, which looks for the fuse sentinel followed by the wire version, the wire length
 * and one state byte per fuse. So the stub is a shell script that carries such a wire, with the
 * states Electron 45 ships with ('1' on, '0' off), so that every fuse the configuration sets is
 * seen to change.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** @electron/fuses' sentinel (node_modules/@electron/fuses/dist/constants.js). */
export const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';

/**
 * Electron 45's default fuse wire, by FuseV1Options index: RunAsNode on, cookie encryption off,
 * NODE_OPTIONS on, --inspect on, embedded ASAR integrity off, only-load-from-ASAR off,
 * browser-process V8 snapshot off, file: protocol extra privileges on.
 */
export const ELECTRON_DEFAULT_FUSES = '10110001';

/** Creates the stub in `dir` (which must not exist or be empty) and returns `dir`. */
export function createStubElectronDist(dir: string, electronVersion: string): string {
  mkdirSync(join(dir, 'resources'), { recursive: true });
  mkdirSync(join(dir, 'locales'), { recursive: true });
  const wire = Buffer.concat([
    Buffer.from(`#!/bin/sh\n# stub Electron ${electronVersion} for packaging tests: fuse wire follows\n# ${FUSE_SENTINEL}`, 'latin1'),
    Buffer.from([0x01, ELECTRON_DEFAULT_FUSES.length]),
    Buffer.from(`${ELECTRON_DEFAULT_FUSES}\nexit 0\n`, 'latin1'),
  ]);
  writeFileSync(join(dir, 'electron'), wire);
  chmodSync(join(dir, 'electron'), 0o755);
  writeFileSync(join(dir, 'chrome-sandbox'), '');
  writeFileSync(join(dir, 'locales', 'en-US.pak'), '');
  writeFileSync(join(dir, 'LICENSE'), 'stub Electron license\n');
  writeFileSync(join(dir, 'LICENSES.chromium.html'), '<!-- stub -->\n');
  writeFileSync(join(dir, 'version'), `${electronVersion}\n`);
  return dir;
}
