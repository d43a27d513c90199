/**
 * Which real peers (Debian packages) an interop test needs, and what happens when one is
 * missing: a LOUD skip naming the package to install, except under `CI=true`, where nothing may
 * skip (DESIGN.md rule 12) and the test file fails instead.
 *
 *   const peers = requirePeers(['kamailio', 'baresip']);
 *   describe.skipIf(!peers.available)('calls through Kamailio', () => { ... });
 */
import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export type PeerName = 'kamailio' | 'baresip' | 'sipp' | 'stunnel' | 'sox' | 'openssl' | 'espeak-ng' | 'pulseaudio';

interface PeerSpec {
  /** Debian package(s) that provide it. */
  readonly packages: readonly string[];
  /** Returns a description of what is missing, or null when present. */
  readonly probe: (env: NodeJS.ProcessEnv) => string | null;
}

/** Absolute path of an executable found on PATH (or in the sbin directories), or null. */
export function findExecutable(name: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const dirs = [...(env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const dir of dirs) {
    if (dir === '') continue;
    const p = join(dir, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // next
    }
  }
  return null;
}

/** Kamailio's module directory (multiarch on Debian), or null. */
export function kamailioModuleDir(): string | null {
  const candidates: string[] = [];
  try {
    for (const d of readdirSync('/usr/lib')) candidates.push(join('/usr/lib', d, 'kamailio/modules'));
  } catch {
    // no /usr/lib
  }
  candidates.push('/usr/lib/kamailio/modules', '/usr/local/lib64/kamailio/modules', '/usr/local/lib/kamailio/modules');
  return candidates.find((d) => existsSync(join(d, 'tm.so'))) ?? null;
}

export const BARESIP_MODULE_DIR = '/usr/lib/baresip/modules';
/** Modules the baresip harness loads. */
export const BARESIP_MODULES = ['account', 'menu', 'ctrl_tcp', 'srtp', 'aufile', 'ausine', 'aubridge', 'sndfile', 'g711', 'g722', 'opus'] as const;

/** baresip and sipp run with the loopback bind shim (loopback-bind-shim.ts), built with cc. */
const ccProblem = (env: NodeJS.ProcessEnv): string | null =>
  findExecutable('cc', env) === null && findExecutable('gcc', env) === null ? 'no C compiler for the loopback bind shim (cc)' : null;

const exe =
  (name: string) =>
  (env: NodeJS.ProcessEnv): string | null =>
    findExecutable(name, env) === null ? `${name} not on PATH` : null;

const PEERS: Record<PeerName, PeerSpec> = {
  kamailio: {
    packages: ['kamailio', 'kamailio-tls-modules'],
    probe: (env) => {
      if (findExecutable('kamailio', env) === null) return 'kamailio not on PATH';
      const dir = kamailioModuleDir();
      if (dir === null) return 'Kamailio modules directory not found';
      return existsSync(join(dir, 'tls.so')) ? null : `Kamailio TLS module missing (${join(dir, 'tls.so')})`;
    },
  },
  baresip: {
    packages: ['baresip', 'gcc'],
    probe: (env) => {
      if (findExecutable('baresip', env) === null) return 'baresip not on PATH';
      const cc = ccProblem(env);
      if (cc !== null) return cc;
      const missing = BARESIP_MODULES.filter((m) => !existsSync(join(BARESIP_MODULE_DIR, `${m}.so`)));
      return missing.length === 0 ? null : `baresip modules missing in ${BARESIP_MODULE_DIR}: ${missing.join(', ')}`;
    },
  },
  sipp: { packages: ['sip-tester', 'gcc'], probe: (env) => exe('sipp')(env) ?? ccProblem(env) },
  stunnel: {
    packages: ['stunnel4'],
    probe: (env) => (findExecutable('stunnel4', env) === null && findExecutable('stunnel', env) === null ? 'stunnel4 not on PATH' : null),
  },
  sox: { packages: ['sox'], probe: exe('sox') },
  openssl: { packages: ['openssl'], probe: exe('openssl') },
  'espeak-ng': { packages: ['espeak-ng'], probe: exe('espeak-ng') },
  pulseaudio: {
    packages: ['pulseaudio', 'libasound2-plugins'],
    probe: (env) => {
      if (findExecutable('pulseaudio', env) === null) return 'pulseaudio not on PATH';
      return alsaPulsePlugin() === null ? 'the ALSA pulse plugin (libasound_module_pcm_pulse.so) is missing' : null;
    },
  },
};

/** The ALSA `pulse` PCM plugin (libasound2-plugins), multiarch on Debian, or null. */
export function alsaPulsePlugin(): string | null {
  const candidates: string[] = [];
  try {
    for (const d of readdirSync('/usr/lib')) candidates.push(join('/usr/lib', d, 'alsa-lib/libasound_module_pcm_pulse.so'));
  } catch {
    // no /usr/lib
  }
  candidates.push('/usr/lib/alsa-lib/libasound_module_pcm_pulse.so');
  return candidates.find((p) => existsSync(p)) ?? null;
}

export interface PeerCheck {
  /** True when every requested peer is installed: run the tests. */
  readonly available: boolean;
  /** What is missing, one line each, with the Debian package to install. */
  readonly missing: readonly string[];
  /** The Debian packages to `apt-get install`. */
  readonly packages: readonly string[];
}

/** Checks without side effects (no banner, no throw). */
export function checkPeers(names: readonly PeerName[], env: NodeJS.ProcessEnv = process.env): PeerCheck {
  const missing: string[] = [];
  const packages = new Set<string>();
  for (const name of names) {
    const spec = PEERS[name];
    const problem = spec.probe(env);
    if (problem !== null) {
      missing.push(`${name}: ${problem} (Debian package: ${spec.packages.join(' + ')})`);
      for (const p of spec.packages) packages.add(p);
    }
  }
  return { available: missing.length === 0, missing, packages: [...packages] };
}

/**
 * The one gate for interop tests. All present: `{available: true}`. Something missing: prints a
 * banner naming the Debian packages and returns `{available: false}` so the caller skips - or,
 * with `CI=true` in the environment, throws, which fails the test file (nothing may skip in CI).
 */
export function requirePeers(names: readonly PeerName[], env: NodeJS.ProcessEnv = process.env): PeerCheck {
  const check = checkPeers(names, env);
  if (check.available) return check;
  const banner = '*'.repeat(78);
  const text = [
    banner,
    `INTEROP PEERS MISSING - these tests need real Debian peers:`,
    ...check.missing.map((m) => `  - ${m}`),
    `Install: sudo apt-get install ${check.packages.join(' ')}`,
    banner,
  ].join('\n');
  if (env.CI === 'true') {
    throw new Error(`CI=true: interop peers missing, failing instead of skipping.\n${text}`);
  }
  console.warn(`\n${text}\n*** SKIPPING these interop tests ***\n`);
  return check;
}
