import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { writeFileAtomic } from './atomic-file.js';

/**
 * RFC 5626 §4.1: one `+sip.instance` URN per installation, kept in the app's folder so the
 * registrar recognises this device across restarts. A read-only folder still gets a per-run id.
 * The file is one line (the URN, self-describing, so it needs no schema envelope), written
 * atomically (atomic-file.ts).
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
    await writeFileAtomic(file, `${id}\n`);
  } catch {
    // read-only folder: the id lives for this run only
  }
  return id;
}
