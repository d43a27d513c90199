// Loader of the native media path (src/media_path.c; issue 16). `npm ci` builds it: this
// package's install script runs node-gyp on binding.gyp, which compiles the addon and the
// libraries it needs from the vendored sources in deps/ (no system library, no -dev package).
// Node-API 8 keeps the binary ABI-stable: the same build loads in Node and in Electron.
// CommonJS, so that every loader can require it: the app's main bundle, the CLI's ESM bundle
// (createRequire), tsx in tests and benches.
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS loader of a native addon: require() is its whole point */
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const here = __dirname;
const binary = join(here, 'build', 'Release', 'media_path.node');
const rebuild = 'npm rebuild @softphone/media-path';

/** The newest modification time of the addon's own sources (absent in a packaged app: 0). */
function newestSource() {
  const dir = join(here, 'src');
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const f of readdirSync(dir)) if (/\.[ch]$/.test(f)) newest = Math.max(newest, statSync(join(dir, f)).mtimeMs);
  return newest;
}

/** Why the addon cannot be loaded here, or undefined. */
function mediaPathProblem() {
  if (process.platform !== 'linux') return `the native media path builds on Linux only so far (this is ${process.platform}): the TypeScript media path serves calls here`;
  if (!existsSync(binary)) return `the native media path is not built (${binary} is missing): run ${rebuild}`;
  // A stale binary is never loaded: after an edit of src/, the build must be redone.
  if (newestSource() > statSync(binary).mtimeMs) return `the native media path build is older than its sources in ${join(here, 'src')}: run ${rebuild}`;
  return undefined;
}

let loaded;

/** The addon; throws with the reason when it cannot be loaded here. */
function loadMediaPath() {
  if (loaded !== undefined) return loaded;
  const problem = mediaPathProblem();
  if (problem !== undefined) throw new Error(`native media path: ${problem}`);
  loaded = require(binary);
  return loaded;
}

module.exports = { mediaPathProblem, loadMediaPath };
