// Builds the media path's packet fuzzer (packet_fuzzer.c, a unity build of ../src/media_path.c)
// in its two forms, and runs the standalone one. Used by run.mjs (the command line) and by
// test/fuzz/native-media-path.test.ts (CI). See README.md in this folder.
//
//  - 'libfuzzer':  clang -fsanitize=fuzzer,address,undefined: coverage-guided (libFuzzer's main);
//  - 'standalone': cc (gcc) -fsanitize=address,undefined with standalone_driver.c: seeded
//                  mutations without coverage, what CI runs (CI has gcc, not clang).
//
// Node-API is referenced by media_path.c but must never be called: the harness object's
// undefined napi_* symbols (nm -u) get generated stubs that abort (napi_stubs.c), so a new
// Node-API call in media_path.c needs no edit here. napi_call_threadsafe_function is defined by
// the harness itself (it checks the events the leg hands to JS).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const fuzzDir = dirname(fileURLToPath(import.meta.url));
export const corpusDir = join(fuzzDir, 'corpus');
const srcDir = join(fuzzDir, '..', 'src');
const repoRoot = join(fuzzDir, '..', '..', '..');
const portAudioInclude = join(repoRoot, 'node_modules', 'naudiodon', 'portaudio', 'include');
const portAudioLib = join(repoRoot, 'node_modules', 'naudiodon', 'build', 'Release', 'libportaudio.so.2');

/** Node's headers: beside the running binary (official builds, nvm), else Debian's (as ../index.js). */
export function nodeHeaders() {
  const candidates = [join(dirname(process.execPath), '..', 'include', 'node'), '/usr/include/node'];
  return candidates.find((d) => existsSync(join(d, 'node_api.h')));
}

function which(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'pipe' }).status === 0;
}

const mediaPathDir = join(fuzzDir, '..');
const gypBuild = join(mediaPathDir, 'build', 'Release');
const speexdsp = join(repoRoot, 'native', 'speexdsp-aec');
const notBuilt = 'the native media path is not built (its static libraries in build/Release come from npm ci: run npm rebuild @softphone/media-path)';

/**
 * The libraries media_path.c needs beyond libc and Node-API, read from its #includes, with the
 * flags of each: the same vendored libsrtp2, libopus and speexdsp the addon is linked with (the
 * static libraries node-gyp built from deps/, uninstrumented), and naudiodon's PortAudio.
 */
const LIBRARIES = [
  { include: /#include\s*<portaudio\.h>/, cflags: [`-I${portAudioInclude}`], libs: [portAudioLib, `-Wl,-rpath,${dirname(portAudioLib)}`], files: [join(portAudioInclude, 'portaudio.h'), portAudioLib], missing: 'no PortAudio from naudiodon (node_modules/naudiodon: run npm ci)' },
  { include: /#include\s*<srtp\.h>/, cflags: [`-I${join(mediaPathDir, 'deps', 'libsrtp2', 'include')}`], libs: [join(gypBuild, 'srtp2.a')], files: [join(gypBuild, 'srtp2.a')], missing: notBuilt },
  { include: /#include\s*<speex\//, cflags: [`-I${join(speexdsp, 'deps', 'speexdsp', 'include')}`, `-I${join(speexdsp, 'src', 'config')}`], libs: [join(gypBuild, 'speexdsp.a')], files: [join(gypBuild, 'speexdsp.a')], missing: notBuilt },
  { include: /#include\s*<opus\.h>/, cflags: [`-I${join(mediaPathDir, 'deps', 'opus', 'include')}`], libs: [join(gypBuild, 'opus.a')], files: [join(gypBuild, 'opus.a')], missing: notBuilt },
];

function sourceNeeds() {
  const text = readFileSync(join(srcDir, 'media_path.c'), 'utf8');
  return LIBRARIES.filter((l) => l.include.test(text));
}

const SANITIZE = {
  libfuzzer: { compile: ['-fsanitize=fuzzer-no-link,address,undefined'], link: ['-fsanitize=fuzzer,address,undefined'] },
  // gcc's -fsanitize=undefined leaves float-cast-overflow out (clang's includes it).
  standalone: { compile: ['-fsanitize=address,undefined,float-cast-overflow'], link: ['-fsanitize=address,undefined,float-cast-overflow'] },
};

function flags(kind, selfCheck) {
  const needs = sourceNeeds();
  return {
    cflags: [
      '-g', process.env.FUZZ_OPT ?? '-O1', '-std=gnu11', '-Wall', '-Wextra', '-Werror', '-fno-omit-frame-pointer', '-fno-sanitize-recover=undefined',
      '-DNAPI_VERSION=8', '-DNODE_GYP_MODULE_NAME=media_path', `-I${nodeHeaders()}`,
      ...needs.flatMap((l) => l.cflags),
      ...(selfCheck ? ['-DFUZZ_SELF_CHECK'] : []),
      ...SANITIZE[kind].compile,
    ],
    link: SANITIZE[kind].link,
    libs: [...needs.flatMap((l) => l.libs), '-lpthread', '-lm'],
  };
}

/** The compiler of a build: clang for libFuzzer, else `cc` (or $CC). */
export function compilerFor(kind) {
  return kind === 'libfuzzer' ? (process.env.FUZZ_CLANG ?? 'clang') : (process.env.CC ?? 'cc');
}

/** What is missing to build `kind` here, or undefined. */
export function fuzzProblem(kind = 'standalone') {
  const cc = compilerFor(kind);
  if (process.platform !== 'linux') return `the media path fuzzer builds on Linux only (this is ${process.platform})`;
  if (!which(cc)) return kind === 'libfuzzer' ? `no ${cc} (Debian package clang)` : `no C compiler (${cc}: Debian package gcc)`;
  if (!which('nm')) return 'no nm (Debian package binutils)';
  if (nodeHeaders() === undefined) return 'no Node headers (node_api.h beside node or in /usr/include/node)';
  for (const lib of sourceNeeds()) if (!lib.files.every((f) => existsSync(f))) return lib.missing;
  // The sanitizers' runtimes (libasan, libubsan; libFuzzer for clang) must link and run.
  const dir = mkdtempSync(join(tmpdir(), 'media-path-fuzz-probe-'));
  try {
    const src = join(dir, 'probe.c');
    const exe = join(dir, 'probe');
    writeFileSync(src, kind === 'libfuzzer' ? '#include <stddef.h>\n#include <stdint.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n' : 'int main(void) { return 0; }\n');
    const built = spawnSync(cc, [...SANITIZE[kind].link, '-o', exe, src], { stdio: 'pipe' });
    if (built.status !== 0) return `the sanitizer runtimes do not link with ${cc} (${kind === 'libfuzzer' ? 'libFuzzer, ' : ''}ASan/UBSan: ${built.stderr.toString().trim().split('\n')[0] ?? ''})`;
    const ran = spawnSync(exe, kind === 'libfuzzer' ? ['-runs=1'] : [], { stdio: 'pipe' });
    if (ran.status !== 0) return `an ASan/UBSan binary built by ${cc} does not run here (${ran.stderr.toString().trim().split('\n')[0] ?? `status ${ran.status}`})`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return undefined;
}

function run(cmd, args, cwd) {
  try {
    execFileSync(cmd, args, { stdio: 'pipe', cwd });
  } catch (e) {
    const stderr = e && typeof e === 'object' && 'stderr' in e && e.stderr ? e.stderr.toString() : String(e);
    throw new Error(`${cmd} ${args.join(' ')}\n${stderr}`, { cause: e });
  }
}

/** Stubs for every napi_* function the harness object references and does not define. */
function napiStubs(object) {
  const out = execFileSync('nm', ['-u', object], { encoding: 'utf8' });
  const names = [...new Set(out.split('\n').map((l) => l.trim().split(/\s+/).pop() ?? '').filter((n) => /^napi_\w+$/.test(n)))].sort();
  const lines = [
    '/* Generated by build.mjs from `nm -u packet_fuzzer.o`: Node-API must never be called by the harness. */',
    '#include <stdio.h>',
    '#include <stdlib.h>',
    '',
    'static void napi_called(const char *name) {',
    '  fprintf(stderr, "\\n*** packet_fuzzer: Node-API %s was called ***\\n", name);',
    '  abort();',
    '}',
    '',
  ];
  for (const n of names) {
    // Old headers register the module from a static constructor: that one call is harmless.
    if (n === 'napi_module_register') lines.push(`void ${n}(void *module);`, `void ${n}(void *module) { (void)module; }`);
    else lines.push(`void ${n}(void);`, `void ${n}(void) { napi_called("${n}"); }`);
  }
  return { text: `${lines.join('\n')}\n`, names };
}

/**
 * Builds `kind` ('standalone' or 'libfuzzer') into `outDir`; `selfCheck` compiles in the
 * deliberately broken invariant (FUZZ_SELF_CHECK). Returns the binary's path and the stubs made.
 */
export function buildFuzzer({ kind = 'standalone', outDir, selfCheck = false }) {
  mkdirSync(outDir, { recursive: true });
  const cc = compilerFor(kind);
  const f = flags(kind, selfCheck);
  const suffix = `${kind}${selfCheck ? '-selfcheck' : ''}`;
  const object = join(outDir, `packet_fuzzer-${suffix}.o`);
  run(cc, ['-c', ...f.cflags, '-o', object, join(fuzzDir, 'packet_fuzzer.c')]);
  const stubs = napiStubs(object);
  const stubsFile = join(outDir, `napi_stubs-${suffix}.c`);
  writeFileSync(stubsFile, stubs.text);
  const binary = join(outDir, kind === 'libfuzzer' ? `packet_fuzzer-${suffix}` : `standalone_driver${selfCheck ? '-selfcheck' : ''}`);
  const sources = [join(srcDir, 'rtcp.c'), join(srcDir, 'g722.c'), stubsFile, ...(kind === 'standalone' ? [join(fuzzDir, 'standalone_driver.c')] : [])];
  run(cc, [...f.cflags, ...f.link, '-o', binary, object, ...sources, ...f.libs]);
  return { binary, stubs: stubs.names };
}

/** The environment of a fuzz run: leaks detected, every sanitizer report fatal, symbolised. */
export function sanitizerEnv() {
  return {
    ...process.env,
    // A 16 MB quarantine (not 256): fresh pages for every freed block cost more than an input does.
    ASAN_OPTIONS: process.env.ASAN_OPTIONS ?? 'detect_leaks=1:abort_on_error=0:symbolize=1:detect_stack_use_after_return=1:quarantine_size_mb=16',
    UBSAN_OPTIONS: process.env.UBSAN_OPTIONS ?? 'print_stacktrace=1:halt_on_error=1',
  };
}

/**
 * Runs the standalone driver: `runs` inputs (the seeds first, then mutations) from the corpus
 * folders, PRNG seed `seed`. Returns the exit status/signal, the output and the parsed JSON line.
 */
export function runStandalone({ binary, runs, seed = 1, corpus = [corpusDir], maxLen = 4096, crashDir, timeoutMs }) {
  const args = ['--runs', String(runs), '--seed', String(seed), '--max-len', String(maxLen), ...(crashDir ? ['--crash-dir', crashDir] : []), ...corpus];
  const r = spawnSync(binary, args, { env: sanitizerEnv(), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs });
  const line = r.stdout.split('\n').find((l) => l.startsWith('{'));
  let result;
  if (line !== undefined) {
    try {
      result = JSON.parse(line);
    } catch {
      result = undefined;
    }
  }
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, result };
}
