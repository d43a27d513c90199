/**
 * Runs one target: first every kept crasher and every seed as is, then `runs` mutated inputs,
 * each from its own PRNG stream (seed, target, index) so a failure is reproducible alone.
 * An input that throws, breaks the property, or takes longer than `hangMs` is a failure; the
 * engine reports it (with the input) and goes on, so one run counts every failure.
 */
import { mutateBytes } from './mutator.js';
import { inputSeed, nameHash, Rand } from './rand.js';
import type { FuzzTarget } from './target.js';
import { crashers } from './corpus-files.js';

export interface FuzzFailure {
  readonly target: string;
  /** -1 for a kept crasher or seed replayed as is, else the index of the mutated input. */
  readonly index: number;
  readonly seed: number;
  readonly input: Uint8Array;
  readonly error: string;
}

export interface FuzzStats {
  readonly target: string;
  /** Inputs checked: replayed crashers and seeds plus mutated inputs. */
  readonly inputs: number;
  readonly failures: number;
  readonly slowestMs: number;
  readonly ms: number;
  readonly seed: number;
  readonly seeds: number;
  readonly crashers: number;
}

export interface RunOptions {
  readonly runs: number;
  readonly seed: number;
  /** One input slower than this is a failure (a hang in the making); default 2000 ms. */
  readonly hangMs?: number;
  /** Called for each failure as it happens. */
  readonly onFailure?: (f: FuzzFailure) => void;
  /** Stop at the first failure (tests). */
  readonly stopAtFirst?: boolean;
  /** Called every `progressEvery` mutated inputs (long runs). */
  readonly onProgress?: (done: number, failures: number) => void;
  readonly progressEvery?: number;
}

const prepared = new WeakMap<FuzzTarget, Promise<Uint8Array[]>>();

/** Setup and seeds of a target, once per process. */
export function prepare(target: FuzzTarget): Promise<Uint8Array[]> {
  let p = prepared.get(target);
  if (p === undefined) {
    p = (async () => {
      await target.setup?.();
      const seeds = target.seeds();
      if (seeds.length === 0) throw new Error(`fuzz target ${target.name} has no seeds`);
      return seeds;
    })();
    prepared.set(target, p);
  }
  return p;
}

function describeError(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}${e.stack === undefined ? '' : `\n${e.stack.split('\n').slice(1, 6).join('\n')}`}`;
  return `thrown non-Error: ${String(e)}`;
}

/** The input a mutated index produces (for reproducing one failure). */
export function mutatedInput(target: FuzzTarget, seeds: readonly Uint8Array[], runSeed: number, index: number): { input: Uint8Array; r: Rand } {
  const r = new Rand(inputSeed(runSeed, nameHash(target.name), index));
  const base = seeds[r.int(seeds.length)]!;
  const input = target.mutate !== undefined ? target.mutate(base, r, seeds) : mutateBytes(base, r, seeds, target.mutator);
  return { input, r };
}

export async function runTarget(target: FuzzTarget, options: RunOptions): Promise<FuzzStats> {
  const seeds = await prepare(target);
  const kept = crashers(target.name);
  const hangMs = options.hangMs ?? 2000;
  const started = performance.now();
  let inputs = 0;
  let failures = 0;
  let slowest = 0;
  let stop = false;

  const one = async (input: Uint8Array, r: Rand, index: number): Promise<void> => {
    inputs++;
    const t0 = performance.now();
    let error: string | undefined;
    try {
      const p = target.check(input, r);
      if (p !== undefined) await p;
    } catch (e) {
      error = describeError(e);
    }
    const dt = performance.now() - t0;
    if (dt > slowest) slowest = dt;
    if (error === undefined && dt > hangMs) error = `took ${dt.toFixed(0)} ms (limit ${hangMs} ms): a hang in the making`;
    if (error !== undefined) {
      failures++;
      options.onFailure?.({ target: target.name, index, seed: options.seed, input: Uint8Array.from(input), error });
      if (options.stopAtFirst === true) stop = true;
    }
  };

  for (const input of [...kept, ...seeds]) {
    await one(input, new Rand(inputSeed(options.seed, nameHash(target.name), -1)), -1);
    if (stop) break;
  }
  for (let i = 0; i < options.runs && !stop; i++) {
    const { input, r } = mutatedInput(target, seeds, options.seed, i);
    await one(input, r, i);
    if (options.onProgress !== undefined && (i + 1) % (options.progressEvery ?? 100_000) === 0) options.onProgress(i + 1, failures);
  }
  return {
    target: target.name,
    inputs,
    failures,
    slowestMs: Math.round(slowest * 100) / 100,
    ms: Math.round(performance.now() - started),
    seed: options.seed,
    seeds: seeds.length,
    crashers: kept.length,
  };
}
