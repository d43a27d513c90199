import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const corpusRoot = fileURLToPath(new URL('../corpus/', import.meta.url));

/**
 * Fuzz seeds and every crasher ever found for a parser target (DESIGN.md rule 5):
 * test/corpus/<target>/*.hex (hex text, whitespace and #-comments ignored) and *.bin (raw).
 */
export function loadCorpus(target: string): Uint8Array[] {
  const dir = join(corpusRoot, target);
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return [];
  }
  const out: Uint8Array[] = [];
  for (const name of names) {
    const path = join(dir, name);
    if (name.endsWith('.bin')) out.push(new Uint8Array(readFileSync(path)));
    else if (name.endsWith('.hex')) {
      for (const line of readFileSync(path, 'utf8').split('\n')) {
        const clean = line.replace(/#.*/, '').replace(/\s+/g, '');
        if (clean.length > 0) out.push(new Uint8Array(Buffer.from(clean, 'hex')));
      }
    }
  }
  return out;
}
