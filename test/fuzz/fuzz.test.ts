/**
 * CI's fuzz run (DESIGN.md rule 5, issue 15 acceptance 2): every target of the registry with at
 * least 100,000 mutated inputs, after replaying its kept crashers and seeds. One test per target;
 * the first failure fails the test with the seed, the input index and the input as hex (save it
 * to test/corpus/<target>/crashers/ to keep it forever, or run `npm run fuzz -- --target NAME`,
 * which saves it). FUZZ_RUNS and FUZZ_SEED override the count and the seed.
 */
import { describe, expect, it } from 'vitest';
import { toHexPreview } from './mutator.js';
import { runTarget, type FuzzFailure } from './engine.js';
import { FUZZ_TARGETS } from './registry.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 100_000);
const SEED = Number(process.env.FUZZ_SEED ?? 15) >>> 0;

describe('fuzz targets (typed errors only, round trips hold, nothing throws or hangs)', () => {
  for (const target of FUZZ_TARGETS) {
    it(`${target.name}: ${RUNS.toLocaleString('en')} mutated inputs plus seeds and crashers — ${target.description}`, async () => {
      let failure: FuzzFailure | undefined;
      const stats = await runTarget(target, { runs: RUNS, seed: SEED, stopAtFirst: true, onFailure: (f) => (failure = f) });
      if (failure !== undefined) {
        throw new Error(`${target.name} failed on input ${failure.index} of seed ${failure.seed}: ${failure.error}\ninput (hex): ${toHexPreview(failure.input)}`);
      }
      expect(stats.failures).toBe(0);
      expect(stats.inputs).toBeGreaterThanOrEqual(RUNS + stats.seeds);
    }, 900_000);
  }
});
