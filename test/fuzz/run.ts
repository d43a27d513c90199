/**
 * `npm run fuzz`: runs every fuzz target (or those named) for N mutated inputs each and prints
 * one JSON line per target: {target, inputs, failures, slowestMs, ms, seed, seeds, crashers}.
 * Each failing input is saved to test/corpus/<target>/crashers/ (kept forever, replayed first on
 * every run) and printed as a JSON line with its seed, index and hex. Exit code 1 on any failure.
 *
 *   npm run fuzz                                 every target, 1,000,000 inputs each
 *   npm run fuzz -- --runs 10000 --target sip,sdp --target rtp --seed 42
 *   npm run fuzz -- --list
 */
import { parseArgs } from 'node:util';
import { toHexPreview } from './mutator.js';
import { runTarget, type FuzzFailure } from './engine.js';
import { saveCrasher } from './corpus-files.js';
import { FUZZ_TARGETS, findTargets } from './registry.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '1000000' },
    target: { type: 'string', multiple: true, default: [] },
    seed: { type: 'string' },
    'hang-ms': { type: 'string', default: '2000' },
    'max-saved': { type: 'string', default: '20' },
    list: { type: 'boolean', default: false },
  },
});

if (values.list) {
  for (const t of FUZZ_TARGETS) console.log(`${t.name.padEnd(20)} ${t.description}`);
  process.exit(0);
}

const runs = Number(values.runs);
if (!Number.isSafeInteger(runs) || runs < 0) throw new Error(`--runs must be a non-negative integer, not ${values.runs}`);
const seed = values.seed === undefined ? (Date.now() ^ (process.pid << 16)) >>> 0 : Number(values.seed) >>> 0;
const hangMs = Number(values['hang-ms']);
const maxSaved = Number(values['max-saved']);
const targets = findTargets(values.target.flatMap((t) => t.split(',')).map((t) => t.trim()).filter((t) => t !== ''));

let anyFailure = false;
for (const target of targets) {
  let saved = 0;
  const onFailure = (f: FuzzFailure): void => {
    anyFailure = true;
    const path = saved < maxSaved ? saveCrasher(f.target, f.input) : undefined;
    if (path !== undefined) saved++;
    console.log(JSON.stringify({ failure: f.target, index: f.index, seed: f.seed, reproduce: f.index >= 0 ? `npm run fuzz -- --target ${f.target} --seed ${f.seed} (input ${f.index})` : 'replayed from the corpus', savedTo: path ?? null, error: f.error.split('\n')[0], stack: f.error.split('\n').slice(1).map((l) => l.trim()), inputHex: toHexPreview(f.input) }));
  };
  const started = Date.now();
  const onProgress = (done: number, failures: number): void => {
    process.stderr.write(`${JSON.stringify({ progress: target.name, done, failures, ms: Date.now() - started })}\n`);
  };
  const stats = await runTarget(target, { runs, seed, hangMs, onFailure, onProgress });
  console.log(JSON.stringify(stats));
}
process.exit(anyFailure ? 1 : 0);
