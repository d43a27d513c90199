/**
 * `npm run bench -- NAME [ARGS...]` runs bench/NAME.bench.ts. Each benchmark prints JSON lines
 * with its figures (and, where a peer exists, the peer measured in the same run); DESIGN.md rule 14.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''));

const [name, ...args] = process.argv.slice(2);
if (name === undefined || !available.includes(name)) {
  process.stderr.write(`usage: npm run bench -- NAME [ARGS]\navailable: ${available.join(', ') || '(none)'}\n`);
  process.exit(name === undefined ? 0 : 2);
}
const mod = (await import(pathToFileURL(join(here, `${name}.bench.ts`)).href)) as {
  default: (args: string[]) => Promise<void>;
};
await mod.default(args);
