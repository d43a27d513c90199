import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';

/**
 * RFC 5626 §4.1: one `+sip.instance` URN per installation, kept in the app's folder so the
 * registrar recognises this device across restarts. A read-only folder still gets a per-run id.
 */
export async function loadInstanceId(dir: string): Promise<string> {
  const file = join(dir, 'instance-id');
  try {
    const id = (await readFile(file, 'utf8')).trim();
    if (/^urn:uuid:[0-9a-f-]{36}$/.test(id)) return id;
  } catch {
    // first run
  }
  const id = `urn:uuid:${randomUUID()}`;
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await writeFile(file, `${id}\n`, { mode: 0o600 });
  } catch {
    // read-only folder: the id lives for this run only
  }
  return id;
}
