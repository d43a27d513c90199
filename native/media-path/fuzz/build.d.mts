/** The media path's packet fuzzer builds (build.mjs). */

export type FuzzBuildKind = 'standalone' | 'libfuzzer';

/** This folder, and its seed corpus. */
export declare const fuzzDir: string;
export declare const corpusDir: string;

/** Node's headers (node_api.h), or undefined. */
export declare function nodeHeaders(): string | undefined;

/** The compiler of a build: clang ($FUZZ_CLANG) for libFuzzer, else cc ($CC). */
export declare function compilerFor(kind: FuzzBuildKind): string;

/** What is missing to build `kind` here (compiler, headers, sanitizer runtimes), or undefined. */
export declare function fuzzProblem(kind?: FuzzBuildKind): string | undefined;

export interface FuzzBuild {
  /** The executable. */
  readonly binary: string;
  /** The napi_* functions that got aborting stubs. */
  readonly stubs: readonly string[];
}

/** Builds `kind` into `outDir`; `selfCheck` compiles in the deliberately broken invariant (FUZZ_SELF_CHECK). */
export declare function buildFuzzer(options: { kind?: FuzzBuildKind; outDir: string; selfCheck?: boolean }): FuzzBuild;

/** The environment of a fuzz run (ASAN_OPTIONS, UBSAN_OPTIONS unless set). */
export declare function sanitizerEnv(): NodeJS.ProcessEnv;

/** The standalone driver's JSON line. */
export interface StandaloneResult {
  readonly inputs: number;
  readonly ms: number;
  readonly seed: number;
  readonly seeds: number;
  readonly maxLen: number;
}

export interface StandaloneRun {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly result: StandaloneResult | undefined;
}

/** Runs the standalone driver: `runs` inputs (the seeds first, then mutations), PRNG seed `seed`. */
export declare function runStandalone(options: {
  binary: string;
  runs: number;
  seed?: number;
  corpus?: readonly string[];
  maxLen?: number;
  crashDir?: string;
  timeoutMs?: number;
}): StandaloneRun;
