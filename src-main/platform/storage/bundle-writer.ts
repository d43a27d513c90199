/**
 * Writes the diagnostics bundle (services/diagnostics) as a zip into a folder (the user-data
 * folder's `diagnostics/`), adding what only the platform knows: the operating system, CPU and
 * memory. Written to a temporary name and renamed, mode 0600.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { arch, cpus, freemem, release, totalmem, type as osType, version as osVersion } from 'node:os';
import { join } from 'node:path';
import type { BundleFile, BundleWriter } from '../../services/diagnostics/diagnostics-service.js';
import { buildZip } from './zip-writer.js';

export class ZipBundleWriter implements BundleWriter {
  constructor(private readonly dir: string) {}

  system(): Record<string, unknown> {
    return {
      os: osType(),
      release: release(),
      version: osVersion(),
      arch: arch(),
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? null,
      memoryMiB: Math.round(totalmem() / 1048576),
      freeMemoryMiB: Math.round(freemem() / 1048576),
      node: process.versions.node,
      electron: process.versions['electron'] ?? null,
      chrome: process.versions['chrome'] ?? null,
      uptimeSeconds: Math.round(process.uptime()),
    };
  }

  async write(baseName: string, files: readonly BundleFile[], when: Date): Promise<{ path: string; bytes: number }> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const zip = buildZip(
      files.map((f) => ({ name: `${baseName}/${f.name}`, data: Buffer.from(f.content, 'utf8') })),
      when,
    );
    const path = join(this.dir, `${baseName}.zip`);
    const tmp = `${path}.tmp-${process.pid}`;
    await writeFile(tmp, zip, { mode: 0o600 });
    await rename(tmp, path);
    return { path, bytes: zip.length };
  }
}
