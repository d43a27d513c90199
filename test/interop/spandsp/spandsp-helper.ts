/**
 * Builds and runs spandsp-codec-helper.c against Debian's libspandsp (libspandsp-dev) into
 * test/interop/bin/ (gitignored). When the library is missing the caller skips with a loud
 * message, except under CI=true where it must fail (DESIGN.md rule 12).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const source = join(here, 'spandsp-codec-helper.c');
const binDir = join(here, '..', 'bin');
const helper = join(binDir, 'spandsp-codec-helper');

export type SpandspMode = 'g722-encode' | 'g722-decode' | 'ulaw-encode' | 'ulaw-decode' | 'alaw-encode' | 'alaw-decode';

/** Compiles the helper; returns why it could not, or undefined on success. */
export function buildSpandspHelper(): string | undefined {
  if (!existsSync('/usr/include/spandsp/g722.h')) return 'header /usr/include/spandsp/g722.h not found (Debian package libspandsp-dev)';
  try {
    mkdirSync(binDir, { recursive: true });
    execFileSync('cc', ['-O2', '-Wall', '-o', helper, source, '-lspandsp'], { stdio: 'pipe' });
    return undefined;
  } catch (e) {
    return `cc -lspandsp failed: ${(e as { stderr?: Buffer }).stderr?.toString() ?? String(e)}`;
  }
}

export function announceSkip(reason: string): void {
  console.warn(
    `\n${'!'.repeat(78)}\n!! spandsp codec interop SKIPPED: ${reason}\n!! Install the Debian package libspandsp-dev (apt-get install -y libspandsp-dev) to run it.\n${'!'.repeat(78)}\n`,
  );
}

export function spandsp(mode: SpandspMode, input: Uint8Array): Uint8Array {
  const r = spawnSync(helper, [mode], { input, maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`spandsp-codec-helper ${mode} exited ${r.status}: ${r.stderr.toString()}`);
  return new Uint8Array(r.stdout.buffer, r.stdout.byteOffset, r.stdout.byteLength);
}

export function asInt16(bytes: Uint8Array): Int16Array {
  const copy = new Uint8Array(bytes.length - (bytes.length % 2));
  copy.set(bytes.subarray(0, copy.length));
  return new Int16Array(copy.buffer);
}

export function asBytes(pcm: Int16Array): Uint8Array {
  return new Uint8Array(pcm.buffer, pcm.byteOffset, pcm.byteLength);
}
