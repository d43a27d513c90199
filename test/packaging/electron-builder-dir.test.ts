/**
 * `electron-builder --dir --linux` on the real configuration, offline, with `electronDist` pointed
 * at a stub Electron (issue 14, acceptance 4, second half). The unpacked app is then read the way
 * the packaged app reads itself: the asar's header and files, app.asar.unpacked, the bundled
 * provisioning file, and the native addons resolved from the main bundle by the same require()
 * calls the app makes. Needs `npm run build` first (npm test runs it) and patchelf
 * (scripts/pretest.mjs installs it).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractAll, extractFile, getRawHeader, listPackage, statFile } from '@electron/asar';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOffline } from './offline-command.js';
import type { OfflineRun } from './offline-command.js';
import { createStubElectronDist } from './stub-electron-dist.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const electronVersion = (JSON.parse(readFileSync(join(root, 'node_modules/electron/package.json'), 'utf8')) as { version: string }).version;

/** The asar's view of a file: present, and whether Electron reads it from app.asar.unpacked. */
function asarEntry(asar: string, path: string): { unpacked: boolean } | null {
  try {
    const entry = statFile(asar, path) as { unpacked?: boolean; files?: unknown };
    if ('files' in entry) return null;
    return { unpacked: entry.unpacked === true };
  } catch {
    return null;
  }
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.isFile() ? [join(dir, e.name)] : []));
}

function isElf(file: string): boolean {
  return readFileSync(file).subarray(0, 4).equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
}

function rpathOf(file: string): string {
  const r = spawnSync('patchelf', ['--print-rpath', file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`patchelf --print-rpath ${file}: ${r.stderr}${r.error ? String(r.error) : ''}`);
  return r.stdout.trim();
}

/**
 * What each native addon the main bundle requires loads, relative to its package folder, as its
 * own loader finds it: naudiodon's index.js → bindings('naudiodon.node') → build/Release (and the
 * RUNPATH there → libportaudio.so.2); @softphone/speexdsp-aec's index.js → build/Release;
 * @softphone/media-path's index.js → build/Release (its RUNPATH, $ORIGIN → its own libportaudio.so.2);
 * @discordjs/opus's lib/index.js → node-pre-gyp find(package.json) → binary.module_path.
 */
const NATIVE_ADDONS = {
  naudiodon: ['build/Release/naudiodon.node', 'build/Release/libportaudio.so.2'],
  '@softphone/speexdsp-aec': ['build/Release/speexdsp_aec.node'],
  '@softphone/media-path': ['build/Release/media_path.node', 'build/Release/libportaudio.so.2'],
  '@discordjs/opus': ['<module_path>/opus.node'],
} as const;

describe('electron-builder --dir --linux with a stub Electron, offline', () => {
  let work: string;
  let run: OfflineRun;
  let appDir: string;
  let resources: string;
  let asar: string;
  let unpacked: string;
  let executable: string;

  beforeAll(() => {
    for (const f of ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html']) {
      if (!existsSync(join(root, f))) throw new Error(`${f} is missing: run \`npm run build\` first (npm test does)`);
    }
    work = mkdtempSync(join(tmpdir(), 'softphone-packaging-'));
    const dist = createStubElectronDist(join(work, 'electron-dist'), electronVersion);
    run = runOffline(
      process.execPath,
      [
        join(root, 'node_modules/electron-builder/cli.js'),
        '--dir',
        '--linux',
        `--${process.arch}`,
        '--config',
        'electron-builder.yml',
        `-c.electronDist=${dist}`,
        `-c.directories.output=${join(work, 'dist')}`,
      ],
      root,
    );
    console.log(`electron-builder --dir: exit ${String(run.status)} in ${run.seconds.toFixed(1)} s, offline by ${run.isolation}`);
    if (run.status !== 0) throw new Error(`electron-builder failed (exit ${String(run.status)}):\n${run.output}`);
    const unpackedDirs = readdirSync(join(work, 'dist')).filter((d) => d.startsWith('linux') && d.endsWith('unpacked'));
    expect(unpackedDirs).toHaveLength(1);
    appDir = join(work, 'dist', unpackedDirs[0]!);
    resources = join(appDir, 'resources');
    asar = join(resources, 'app.asar');
    unpacked = `${asar}.unpacked`;
    executable = join(appDir, 'secure-softphone');
  }, 150_000);

  afterAll(() => {
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  it('ran without network and did not download anything', () => {
    expect(run.status).toBe(0);
    expect(run.output).toContain('using custom unpacked Electron distribution');
    expect(run.output).not.toMatch(/download/i);
    expect(run.output).toContain('skipped dependencies rebuild');
    expect(existsSync(executable)).toBe(true);
  });

  it('bundles the provisioning file where the app reads it (process.resourcesPath/provisioning.json)', () => {
    expect(readFileSync(join(resources, 'provisioning.json'))).toEqual(readFileSync(join(root, 'build/provisioning.json')));
  });

  it('has the main bundle as the entry, and the preload and renderer where main looks for them', () => {
    const pkg = JSON.parse(extractFile(asar, 'package.json').toString('utf8')) as { main: string; desktopName?: string };
    expect(pkg.main).toBe('out/main/index.js');
    expect(pkg.desktopName).toBe('secure-softphone.desktop');
    const main = extractFile(asar, pkg.main).toString('utf8');
    // src-main/app/main.ts: join(import.meta.dirname, '../preload/index.cjs') and '../renderer/index.html'.
    for (const rel of ['../preload/index.cjs', '../renderer/index.html']) {
      expect(main).toContain(rel);
      expect(asarEntry(asar, posix.join(posix.dirname(pkg.main), rel))).toEqual({ unpacked: false });
    }
    // Every script and stylesheet the renderer's page loads is in the archive.
    const html = extractFile(asar, 'out/renderer/index.html').toString('utf8');
    const assets = [...html.matchAll(/(?:src|href)="\.\/([^"]+)"/g)].map((m) => posix.join('out/renderer', m[1]!));
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of assets) expect(asarEntry(asar, asset), asset).toEqual({ unpacked: false });
    const files = listPackage(asar, { isPack: false });
    expect(files.filter((f) => f.startsWith('/out/') && f.endsWith('.map'))).toEqual([]);
    expect(files.filter((f) => f.startsWith('/out/cli/'))).toEqual([]);
  });

  it('unpacks each native addon with its library, at the path its loader asks for, and every addon is Node-API', () => {
    const main = extractFile(asar, 'out/main/index.js').toString('utf8');
    const opusPkg = JSON.parse(readFileSync(join(unpacked, 'node_modules/@discordjs/opus/package.json'), 'utf8')) as { binary: { module_path: string } };
    // The folder `npm ci` built, not a template: node-pre-gyp's {node_abi} and {libc_version} differ
    // under Electron and on the user's machine; only {napi_build_version}, which it requires, is left.
    expect(opusPkg.binary.module_path).toMatch(/^\.\/prebuild\/[^{}]+-napi-v\{napi_build_version\}-[^{}]+\/$/);
    const napiBuild = (JSON.parse(readFileSync(join(root, 'node_modules/@discordjs/opus/package.json'), 'utf8')) as { binary: { napi_versions: number[] } }).binary.napi_versions;
    expect(napiBuild).toHaveLength(1);
    opusPkg.binary.module_path = opusPkg.binary.module_path.replace('{napi_build_version}', String(napiBuild[0]));
    for (const [name, files] of Object.entries(NATIVE_ADDONS)) {
      expect(main, `out/main/index.js requires ${name}`).toMatch(new RegExp(`\\(["']${name.replace('/', '\\/')}["']\\)`));
      for (const file of files) {
        const path = posix.join('node_modules', name, file.replace('<module_path>', opusPkg.binary.module_path));
        expect(asarEntry(asar, path), path).toEqual({ unpacked: true });
        expect(existsSync(join(unpacked, path)), `${path} in app.asar.unpacked`).toBe(true);
      }
    }
    // No native binary left inside the archive, where the OS loader cannot open it.
    const header = getRawHeader(asar).header as { files?: Record<string, unknown> };
    const packedBinaries: string[] = [];
    const visit = (node: { files?: Record<string, unknown> }, at: string): void => {
      for (const [key, child] of Object.entries(node.files ?? {})) {
        const entry = child as { files?: Record<string, unknown>; unpacked?: boolean };
        if (entry.files !== undefined) visit(entry, `${at}/${key}`);
        else if (/\.(node|so(\.\d+)*|dylib|dll)$/.test(key) && entry.unpacked !== true) packedBinaries.push(`${at}/${key}`);
      }
    };
    visit(header, '');
    expect(packedBinaries).toEqual([]);
    // Node-API addons only (an ABI-bound NAN addon would need a rebuild against Electron's headers,
    // which npmRebuild: false does not do): each exports napi_register_module_v1 or calls napi_module_register.
    const addons = walk(unpacked).filter((f) => f.endsWith('.node'));
    expect(addons.map((f) => relative(unpacked, f)).sort()).toEqual([
      'node_modules/@discordjs/opus/' + posix.join(opusPkg.binary.module_path, 'opus.node'),
      'node_modules/@softphone/media-path/build/Release/media_path.node',
      'node_modules/@softphone/speexdsp-aec/build/Release/speexdsp_aec.node',
      'node_modules/naudiodon/build/Release/naudiodon.node',
    ]);
    for (const addon of addons) {
      const bytes = readFileSync(addon);
      expect(bytes.includes('napi_register_module_v1') || bytes.includes('napi_module_register'), addon).toBe(true);
      expect(bytes.includes('node_register_module_v'), addon).toBe(false);
    }
    // naudiodon's segfault-handler (NAN) ships as the no-op from build/after-pack.mjs.
    expect(readFileSync(join(unpacked, 'node_modules/segfault-handler/index.js'), 'utf8')).toContain('Packaged no-op');
  });

  it("makes naudiodon's RUNPATH relative ($ORIGIN), so libportaudio.so.2 is found beside it; no absolute RUNPATH is left", () => {
    const addon = join(unpacked, 'node_modules/naudiodon/build/Release/naudiodon.node');
    expect(rpathOf(addon)).toBe('$ORIGIN');
    const ldd = spawnSync('ldd', [addon], { encoding: 'utf8' });
    const line = ldd.stdout.split('\n').find((l) => l.includes('libportaudio.so.2'));
    expect(line).toContain(`=> ${join(dirname(addon), 'libportaudio.so.2')}`);
    // The native media path is linked with $ORIGIN already and carries its own copy beside it.
    const mediaPath = join(unpacked, 'node_modules/@softphone/media-path/build/Release/media_path.node');
    expect(rpathOf(mediaPath)).toBe('$ORIGIN');
    const mediaLdd = spawnSync('ldd', [mediaPath], { encoding: 'utf8' });
    expect(mediaLdd.stdout.split('\n').find((l) => l.includes('libportaudio.so.2'))).toContain(`=> ${join(dirname(mediaPath), 'libportaudio.so.2')}`);
    // No vendored source, static library or object file of it is packaged.
    expect(walk(join(unpacked, 'node_modules/@softphone/media-path')).map((f) => relative(join(unpacked, 'node_modules/@softphone/media-path'), f)).filter((f) => /^(deps|src|fuzz)\/|\.(a|o)$/.test(f))).toEqual([]);
    const absolute = walk(unpacked)
      .filter(isElf)
      .map((f) => [relative(unpacked, f), rpathOf(f)] as const)
      .filter(([, rpath]) => rpath.split(':').some((p) => p.startsWith('/')));
    expect(absolute).toEqual([]);
    // The build machine's copy is untouched (patchelf ran on the package's own file).
    expect(rpathOf(join(root, 'node_modules/naudiodon/build/Release/naudiodon.node'))).not.toBe('$ORIGIN');
  });

  it('loads every native addon through the main bundle’s own require() calls, with Electron’s process.versions', () => {
    // Node reads no asar: extract it (unpacked files come from app.asar.unpacked, as Electron does),
    // then require the packages from out/main/index.js like the app's createRequire(import.meta.url).
    const extracted = join(work, 'extracted');
    extractAll(asar, extracted);
    const probe = `
      Object.defineProperty(process.versions, 'electron', { value: ${JSON.stringify(electronVersion)}, enumerable: true });
      const { createRequire } = require('node:module');
      const req = createRequire(${JSON.stringify(join(extracted, 'out/main/index.js'))});
      const naudiodon = req('naudiodon');
      const opus = req('@discordjs/opus');
      const aec = req('@softphone/speexdsp-aec');
      const mediaPath = req('@softphone/media-path');
      const { find } = req(req.resolve('@discordjs/node-pre-gyp', { paths: [req.resolve('@discordjs/opus')] }));
      console.log(JSON.stringify({
        naudiodon: typeof naudiodon.getDevices,
        opus: typeof opus.OpusEncoder,
        aec: typeof aec.create,
        mediaPathProblem: mediaPath.mediaPathProblem() ?? null,
        mediaPath: typeof mediaPath.loadMediaPath().open,
        opusBinary: find(req.resolve('@discordjs/opus/package.json')),
        loaded: Object.keys(require.cache).filter((p) => p.endsWith('.node')),
      }));`;
    const r = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8', env: { ...process.env, LD_LIBRARY_PATH: '' } });
    expect(r.status, r.stderr).toBe(0);
    const seen = JSON.parse(r.stdout.trim().split('\n').pop()!) as { naudiodon: string; opus: string; aec: string; mediaPath: string; mediaPathProblem: string | null; opusBinary: string; loaded: string[] };
    expect(seen).toMatchObject({ naudiodon: 'function', opus: 'function', aec: 'function', mediaPath: 'function', mediaPathProblem: null });
    expect(seen.opusBinary.startsWith(join(extracted, 'node_modules/@discordjs/opus/prebuild/'))).toBe(true);
    expect(statSync(seen.opusBinary).isFile()).toBe(true);
    expect(seen.loaded.every((p) => p.startsWith(extracted))).toBe(true);
    expect(seen.loaded).toHaveLength(4);
  });

  it('flips the fuses in the packaged executable', async () => {
    // @electron/fuses' FuseState (dist/constants.js, not exported from its index): '0' and '1'.
    const FuseState = { DISABLE: 0x30, ENABLE: 0x31 } as const;
    const wire = await getCurrentFuseWire(executable);
    const state = (fuse: FuseV1Options): unknown => (wire as unknown as Record<number, unknown>)[fuse];
    expect(state(FuseV1Options.RunAsNode)).toBe(FuseState.DISABLE);
    expect(state(FuseV1Options.EnableNodeOptionsEnvironmentVariable)).toBe(FuseState.DISABLE);
    expect(state(FuseV1Options.EnableNodeCliInspectArguments)).toBe(FuseState.DISABLE);
    expect(state(FuseV1Options.EnableCookieEncryption)).toBe(FuseState.ENABLE);
    expect(state(FuseV1Options.EnableEmbeddedAsarIntegrityValidation)).toBe(FuseState.ENABLE);
    expect(state(FuseV1Options.OnlyLoadAppFromAsar)).toBe(FuseState.ENABLE);
  });
});
