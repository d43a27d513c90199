/**
 * The native media path's receive path under the packet fuzzer (native/media-path/fuzz/): the
 * gcc ASan/UBSan build of packet_fuzzer.c (a unity build of media_path.c) with its standalone
 * driver, run over the seed corpus and inputs mutated from it. Every input is a call leg set up as
 * js_start sets one up, then datagrams (raw, or SRTP-protected by the peer so that they pass
 * authentication), periods, reports, DTMF, updates and re-keys; after each record the harness
 * checks its invariants (each datagram in exactly one outcome counter, the jitter and DTMF
 * queues, the latches, the recording, the SRTP contexts) and aborts on a violation; ASan/UBSan
 * stop it on any memory error or undefined behaviour. The coverage-guided libFuzzer build (clang)
 * is not run here: `node native/media-path/fuzz/run.mjs libfuzzer` (README.md there has its figures).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFuzzer, corpusDir, fuzzProblem, runStandalone, type FuzzBuild } from '../../native/media-path/fuzz/build.mjs';

const problem = fuzzProblem('standalone');
const ci = process.env.CI === 'true';
if (problem !== undefined) process.stderr.write(`\n*** native media path fuzz tests SKIPPED: ${problem} ***\n\n`);
// Skips only where the harness cannot be built (not Linux, no cc, no node-gyp build of the addon, no Node headers,
// no ASan/UBSan runtime); never under CI=true, where a missing tool must fail the run.
const maybe = problem === undefined || ci ? describe : describe.skip;

/**
 * Inputs per run: 35,000, the seeds first and then mutations. Measured on the 2-core development
 * VM (gcc 12, -O1, ASan + UBSan, this corpus with its Opus and G.722 seeds): about 700 inputs/s, so
 * 50,000 took 71 s and 100,000 would take about 140 s; 35,000 take about 50 s, plus about 10 s for
 * the two builds (the budget: about a minute).
 */
const INPUTS = 35_000;
const SEED = 20261207;

maybe('native media path packet fuzzer (gcc, ASan/UBSan, standalone driver)', () => {
  let dir = '';
  let fuzzer: FuzzBuild | undefined;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'media-path-fuzz-'));
    fuzzer = buildFuzzer({ kind: 'standalone', outDir: dir });
  }, 120_000);

  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('never calls Node-API: every napi_* function media_path.c references is an aborting stub', () => {
    expect(fuzzer).toBeDefined();
    expect(fuzzer!.stubs).toContain('napi_get_cb_info');
    expect(fuzzer!.stubs, 'the event hand-over is the harness\'s own (it checks the events)').not.toContain('napi_call_threadsafe_function');
  });

  it(`runs ${INPUTS.toLocaleString('en')} inputs without a sanitizer report or a broken invariant`, () => {
    const seeds = readdirSync(corpusDir).filter((f) => f.endsWith('.bin')).length;
    expect(seeds, 'the seed corpus').toBeGreaterThanOrEqual(10);
    const run = runStandalone({ binary: fuzzer!.binary, runs: INPUTS, seed: SEED, crashDir: dir, timeoutMs: 240_000 });
    if (run.status !== 0) process.stderr.write(run.stderr.slice(-20_000));
    expect({ status: run.status, signal: run.signal }, `the driver's exit (its stderr is above)`).toEqual({ status: 0, signal: null });
    expect(run.result, `the driver's JSON line: ${run.stdout}`).toBeDefined();
    expect(run.result!.inputs).toBe(INPUTS);
    expect(run.result!.seeds).toBe(seeds);
    expect(run.result!.seed).toBe(SEED);
    process.stderr.write(`native media path fuzz: ${run.result!.inputs} inputs in ${run.result!.ms} ms (seed ${SEED})\n`);
  }, 300_000);

  it('fails the run when an invariant breaks (FUZZ_SELF_CHECK leaves not_rtp out of the conservation sum)', () => {
    const broken = buildFuzzer({ kind: 'standalone', outDir: join(dir, 'self-check'), selfCheck: true });
    const run = runStandalone({ binary: broken.binary, runs: 100, seed: SEED, timeoutMs: 60_000 });
    expect(run.status === 0 && run.signal === null, 'the deliberately broken harness must not pass').toBe(false);
    expect(run.stderr).toContain('INVARIANT VIOLATED');
    expect(run.stderr).toContain('every datagram ends in exactly one outcome counter');
    expect(run.stderr, 'the failing input is reported as hex').toMatch(/failed; hex: [0-9a-f]+/);
  }, 120_000);
});
