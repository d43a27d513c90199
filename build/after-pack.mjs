// electron-builder afterPack hook (electron-builder.yml `afterPack`): runs on the unpacked app,
// after app.asar and app.asar.unpacked are written and before the fuses are flipped and the app
// is signed, so every change here is covered by the signature. It makes the native addons load
// from where the packaged app looks for them, on the user's machine rather than on the build
// machine; test/packaging/electron-builder-dir.test.ts checks each point on a real --dir build.
// Only files in app.asar.unpacked are changed: Electron reads a file the asar header marks
// `unpacked` straight from app.asar.unpacked (lib/node/asar-fs-wrapper.ts: copyFileOut, no
// integrity check; that check covers the packed files and the header, which stay as written).
//
// 1. naudiodon's addon is linked with an absolute RUNPATH to the build machine's
//    node_modules/naudiodon/build/Release, where its bundled libportaudio.so.2 sits. The library is
//    packaged beside the addon, so the RUNPATH becomes `$ORIGIN` (patchelf). Afterwards no ELF file
//    in app.asar.unpacked may keep an absolute RUNPATH/RPATH: the build fails if one does.
// 2. @discordjs/opus (Node-API) is located at run time by node-pre-gyp under
//    prebuild/{node_abi}-napi-v{n}-{platform}-{arch}-{libc}-{libc_version}/: under Electron
//    node_abi is `electron-vXX.Y` (not the `node-vNNN` that `npm ci` built) and libc_version is the
//    user's glibc, so the packaged binary would never be found. The binary is ABI-stable (Node-API),
//    so the packaged package.json's binary.module_path names the folder it was built in, literally
//    but for the {napi_build_version} placeholder node-pre-gyp requires.
// 3. naudiodon requires segfault-handler, a NAN addon: built against Node's ABI by `npm ci`, it
//    cannot load in Electron (NODE_MODULE_VERSION differs) and would take naudiodon down with it;
//    and all it does is install a SIGSEGV handler that writes crash.log into the current folder,
//    which for an installed app is not ours to write. Electron has its own crash reporter. The
//    packaged copy is replaced by a no-op with the same API (its native files are excluded in
//    electron-builder.yml `files`).
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** electron-builder's Arch enum values (builder-util) by name. */
const ARCH_NAMES = ['ia32', 'x64', 'armv7l', 'arm64', 'universal'];

/** @param {string} dir @returns {string[]} every file below dir */
function walk(dir) {
  /** @type {string[]} */
  const files = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...walk(p));
    else if (entry.isFile()) files.push(p);
  }
  return files;
}

/** @param {string} file */
function isElf(file) {
  const head = Buffer.alloc(4);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, head, 0, 4, 0);
  } finally {
    closeSync(fd);
  }
  return head.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
}

/**
 * Writes `file` as a new file. electron-builder may hard-link packaged files to their sources
 * (USE_HARD_LINKS=true), and writing through such a link would change the build machine's
 * node_modules: so the old name is unlinked first.
 * @param {string} file @param {string | Buffer} content
 */
function replaceFile(file, content) {
  const { mode } = statSync(file);
  rmSync(file);
  writeFileSync(file, content, { mode });
}

function requirePatchelf() {
  try {
    execFileSync('patchelf', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error('afterPack: patchelf is needed to make native addon RUNPATHs relative (Debian/Ubuntu: apt-get install patchelf)');
  }
}

/** @param {string} file @returns {string} the RUNPATH (or RPATH), '' if none */
function printRpath(file) {
  return execFileSync('patchelf', ['--print-rpath', file], { encoding: 'utf8' }).trim();
}

/** Step 1: naudiodon's RUNPATH to $ORIGIN, then no absolute RUNPATH anywhere. */
function relativizeRunpaths(unpacked) {
  requirePatchelf();
  const release = join(unpacked, 'node_modules/naudiodon/build/Release');
  const addon = join(release, 'naudiodon.node');
  if (!existsSync(addon)) throw new Error(`afterPack: ${addon} is missing (is naudiodon built? run npm ci)`);
  if (!existsSync(join(release, 'libportaudio.so.2'))) throw new Error(`afterPack: libportaudio.so.2 is not beside ${addon}`);
  // patchelf rewrites in place: never through a hard link into the build machine's node_modules.
  if (statSync(addon).nlink > 1) replaceFile(addon, readFileSync(addon));
  execFileSync('patchelf', ['--set-rpath', '$ORIGIN', addon]);
  const absolute = [];
  for (const file of walk(unpacked)) {
    if (!isElf(file)) continue;
    const rpath = printRpath(file);
    if (rpath.split(':').some((p) => p.startsWith('/'))) absolute.push(`${relative(unpacked, file)}: ${rpath}`);
  }
  if (absolute.length > 0) throw new Error(`afterPack: absolute RUNPATH left in the package:\n  ${absolute.join('\n  ')}`);
}

/**
 * Step 2: @discordjs/opus's binary found at a path that does not depend on the runtime's ABI name or
 * libc version. The folder keeps its name: app.asar's header lists every unpacked file, and Electron
 * resolves a path under app.asar only if the header has it.
 */
function stableOpusPath(unpacked, platform, arch) {
  const pkgDir = join(unpacked, 'node_modules/@discordjs/opus');
  const prebuild = join(pkgDir, 'prebuild');
  const pattern = new RegExp(`-napi-v\\d+-${platform}-${arch}(-|$)`);
  const built = existsSync(prebuild) ? readdirSync(prebuild).filter((d) => pattern.test(d) && existsSync(join(prebuild, d, 'opus.node'))) : [];
  if (built.length !== 1) {
    throw new Error(`afterPack: expected one @discordjs/opus build for ${platform}-${arch} in ${prebuild}, found ${built.length} (${built.join(', ')})`);
  }
  const pkgFile = join(pkgDir, 'package.json');
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8'));
  // node-pre-gyp insists on the {napi_build_version} placeholder (it evaluates to the version built).
  pkg.binary.module_path = `./prebuild/${built[0].replace(/-napi-v\d+-/, '-napi-v{napi_build_version}-')}/`;
  replaceFile(pkgFile, `${JSON.stringify(pkg, null, 2)}\n`);
}

const SEGFAULT_HANDLER_NOOP = `'use strict';
// Packaged no-op (build/after-pack.mjs, step 3): the real segfault-handler is a NAN addon that cannot
// load in Electron, and writing crash.log into the working folder is not wanted in an installed app.
const noop = () => undefined;
module.exports = { registerHandler: noop, printStackTrace: noop, causeSegfault: noop, causeAbort: noop, causeIllegalInstruction: noop };
`;

/** Step 3: segfault-handler → no-op. */
function noopSegfaultHandler(unpacked) {
  const dir = join(unpacked, 'node_modules/segfault-handler');
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`afterPack: ${dir} is missing (naudiodon requires it)`);
  const leftovers = walk(dir).filter((f) => f.endsWith('.node'));
  if (leftovers.length > 0) throw new Error(`afterPack: segfault-handler's native files should be excluded by electron-builder.yml files: ${leftovers.join(', ')}`);
  replaceFile(join(dir, 'index.js'), SEGFAULT_HANDLER_NOOP);
}

/** @param {{ appOutDir: string, electronPlatformName: string, arch: number, packager: { getResourcesDir(appOutDir: string): string } }} context */
export default async function afterPack(context) {
  const unpacked = join(context.packager.getResourcesDir(context.appOutDir), 'app.asar.unpacked');
  if (!existsSync(unpacked)) throw new Error(`afterPack: ${unpacked} is missing (asarUnpack in electron-builder.yml)`);
  const platform = context.electronPlatformName === 'mas' ? 'darwin' : context.electronPlatformName;
  const arch = ARCH_NAMES[context.arch] ?? String(context.arch);
  if (platform === 'linux') relativizeRunpaths(unpacked);
  stableOpusPath(unpacked, platform, arch);
  noopSegfaultHandler(unpacked);
}
