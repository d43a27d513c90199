// Loader of the native media path prototype (src/media_path.c; issue 16). It is not an npm
// dependency of the app yet: like the tests' C helpers, it is compiled on first use with the
// system C compiler against Node's own headers (Node-API 8: the same binary loads in Node and in
// Electron) and Debian's libsrtp2, into build/ under a name that carries the source's hash, so
// an edited source is rebuilt and a stale binary is never loaded.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** The sources, and the header they share: all of them go into the binary's name. */
const sources = ['media_path.c', 'rtcp.c'].map((f) => join(here, 'src', f));
const hashed = [...sources, join(here, 'src', 'rtcp.h')];

/**
 * PortAudio: the build naudiodon ships (the same library the app already loads for its sound
 * cards, so one PortAudio instance serves both), its header beside it.
 */
const repoRoot = join(here, '..', '..');
const portAudioInclude = join(repoRoot, 'node_modules', 'naudiodon', 'portaudio', 'include');
const portAudioLibDir = join(repoRoot, 'node_modules', 'naudiodon', 'build', 'Release');

/** Node's headers: beside the running binary (official builds, nvm), else Debian's. */
function nodeHeaders() {
  const candidates = [join(dirname(process.execPath), '..', 'include', 'node'), '/usr/include/node'];
  return candidates.find((d) => existsSync(join(d, 'node_api.h')));
}

function which(cmd) {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

/** What is missing to build the addon here, or undefined. */
export function mediaPathProblem() {
  if (process.platform !== 'linux') return `the native media path prototype builds on Linux only (this is ${process.platform})`;
  if (!which('cc')) return 'no C compiler (cc: Debian package gcc)';
  if (nodeHeaders() === undefined) return "no Node headers (node_api.h beside node or in /usr/include/node)";
  if (!existsSync('/usr/include/srtp2/srtp.h')) return 'no libsrtp2 headers (Debian package libsrtp2-dev)';
  if (!existsSync('/usr/include/speex/speex_resampler.h')) return 'no speexdsp headers (Debian package libspeexdsp-dev)';
  if (!existsSync('/usr/include/opus/opus.h')) return 'no libopus headers (Debian package libopus-dev)';
  if (!existsSync('/usr/include/spandsp/g722.h')) return 'no spandsp headers (Debian package libspandsp-dev)';
  if (!existsSync(join(portAudioInclude, 'portaudio.h')) || !existsSync(join(portAudioLibDir, 'libportaudio.so.2'))) return "no PortAudio from naudiodon (node_modules/naudiodon: run npm ci)";
  return undefined;
}

let loaded;

/** The addon (built first when needed); throws with the reason when it cannot be built here. */
export function loadMediaPath() {
  if (loaded !== undefined) return loaded;
  const problem = mediaPathProblem();
  if (problem !== undefined) throw new Error(`native media path: ${problem}`);
  const h = createHash('sha256');
  for (const f of hashed) h.update(readFileSync(f));
  const hash = h.digest('hex').slice(0, 12);
  const out = join(here, 'build', `media_path-${hash}.node`);
  if (!existsSync(out)) {
    mkdirSync(join(here, 'build'), { recursive: true });
    const tmp = `${out}.${process.pid}.tmp`;
    execFileSync(
      'cc',
      ['-O2', '-Wall', '-Wextra', '-Werror', '-std=gnu11', '-shared', '-fPIC', '-fvisibility=hidden', '-DNAPI_VERSION=8', '-DNODE_GYP_MODULE_NAME=media_path', `-I${nodeHeaders()}`, `-I${portAudioInclude}`, '-o', tmp, ...sources, '-lsrtp2', '-lspeexdsp', '-lopus', '-lspandsp', join(portAudioLibDir, 'libportaudio.so.2'), `-Wl,-rpath,${portAudioLibDir}`, '-lpthread', '-lm'],
      { stdio: 'pipe' },
    );
    renameSync(tmp, out); // atomic: a parallel test worker never loads a half-written file
  }
  loaded = createRequire(import.meta.url)(out);
  return loaded;
}
