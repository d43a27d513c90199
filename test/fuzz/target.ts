/**
 * A fuzz target (DESIGN.md rule 5): a parser, its seeds, how to mutate them, and the property
 * every input must satisfy: the parser returns a value or a typed error from its closed union,
 * never throws, never hangs, and (where a serializer exists) the value serializes and parses
 * back equal. `check` throws (usually a PropertyFailure) when the property does not hold.
 */
import { isDeepStrictEqual } from 'node:util';
import type { MutatorOptions } from './mutator.js';
import type { Rand } from './rand.js';

export interface FuzzTarget {
  /** Also the corpus folder: test/corpus/<name>/ (seeds, and crashers/ for every failure found). */
  readonly name: string;
  /** What is fuzzed, for the listing (`--list`). */
  readonly description: string;
  /** One-time preparation (keys, certificates) before seeds or checks are used. */
  readonly setup?: () => Promise<void>;
  /** Seed inputs: the corpus, RFC vectors and captures. Called after setup. */
  seeds(): Uint8Array[];
  /** Mutator options for the shared mutator; ignored when `mutate` is given. */
  readonly mutator?: MutatorOptions;
  /** A target-specific mutator (e.g. one that keeps a valid header); default: the shared one. */
  readonly mutate?: (seed: Uint8Array, r: Rand, seeds: readonly Uint8Array[]) => Uint8Array;
  /** The property for one input. `r` drives any extra choices (chunking). May be async. */
  check(input: Uint8Array, r: Rand): void | Promise<void>;
}

/** The parser broke its contract (as opposed to throwing by itself). */
export class PropertyFailure extends Error {
  override readonly name = 'PropertyFailure';
}

export function fail(message: string): never {
  throw new PropertyFailure(message);
}

export function assert(condition: boolean, message: string | (() => string)): asserts condition {
  if (!condition) fail(typeof message === 'string' ? message : message());
}

/** Deep equality for round trips (Uint8Array contents compared, Buffers as Uint8Arrays). */
export function assertEqual(actual: unknown, expected: unknown, what: string): void {
  if (!isDeepStrictEqual(plain(actual), plain(expected))) {
    fail(`${what}: ${short(actual)} !== ${short(expected)}`);
  }
}

/** Plain-data view (typed arrays as number arrays) for equality. */
export function plain(v: unknown): unknown {
  if (v instanceof Uint8Array || v instanceof Int16Array) return Array.from(v);
  if (Array.isArray(v)) return v.map(plain);
  if (v instanceof Map) return [...v.entries()].map(plain);
  // Like vitest's toEqual: a key holding undefined is the same as no key.
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, plain(x)]));
  return v;
}

function short(v: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(plain(v)) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 300 ? `${s.slice(0, 300)}…` : s;
}

/** Latin-1 view of bytes (every octet one char): how the SIP/SDP parsers see a byte string. */
export function latin1(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
}

/** UTF-8 view (lone bytes become U+FFFD), for parsers that take JS strings of decoded text. */
export function utf8(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');
}
