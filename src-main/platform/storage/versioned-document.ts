/**
 * Every document the phone keeps on disk is an envelope with a schema version:
 *
 *     { "schema": 1, "data": <the document> }
 *
 * A file without the envelope is schema 0: what the phone wrote before versions existed (the
 * fixtures in test/fixtures/storage/v0/). Reading migrates step by step up to the current
 * version; the next write stores the current version. A file that does not parse, whose envelope
 * is malformed, or whose schema is newer than this build knows is moved aside as
 * `NAME.corrupt-<time>` (never overwritten, never deleted) and the caller starts from its default
 * and tells the person (`storage-corrupt`).
 */
import { readFile, rename, stat } from 'node:fs/promises';
import { writeFileAtomic } from './atomic-file.js';

export interface DocumentSpec {
  /** The schema version this build writes. */
  readonly version: number;
  /** Turns data of schema `from` into data of schema `from + 1`; throws if it cannot (the file is then set aside). */
  readonly migrate?: (from: number, data: unknown) => unknown;
}

export type DocumentRead =
  | { readonly kind: 'absent' }
  | { readonly kind: 'ok'; readonly data: unknown; readonly migratedFrom?: number }
  | { readonly kind: 'corrupt'; readonly movedTo: string | undefined; readonly reason: string };

/** Version 1 of every document today is the schema-0 document wrapped in the envelope. */
export const WRAP_V0: DocumentSpec = { version: 1, migrate: (_from, data) => data };

export function encodeDocument(version: number, data: unknown): string {
  return `${JSON.stringify({ schema: version, data }, null, 2)}\n`;
}

/** Parses a file's text into its current-version data, or says why it cannot. */
export function decodeDocument(text: string, spec: DocumentSpec): { ok: true; data: unknown; migratedFrom?: number } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch (e) {
    return { ok: false, reason: `not JSON: ${(e as Error).message}` };
  }
  let schema = 0;
  let data = json;
  if (isEnvelope(json)) {
    schema = json.schema;
    data = json.data;
  }
  if (schema > spec.version) return { ok: false, reason: `schema ${schema} is newer than this version of the app knows (${spec.version})` };
  const from = schema;
  try {
    for (; schema < spec.version; schema++) data = spec.migrate === undefined ? data : spec.migrate(schema, data);
  } catch (e) {
    return { ok: false, reason: `migration from schema ${schema} failed: ${(e as Error).message}` };
  }
  return from === spec.version ? { ok: true, data } : { ok: true, data, migratedFrom: from };
}

function isEnvelope(v: unknown): v is { schema: number; data: unknown } {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const keys = Object.keys(v);
  const s = (v as { schema?: unknown }).schema;
  return keys.length === 2 && keys.includes('data') && typeof s === 'number' && Number.isInteger(s) && s >= 1;
}

export async function readDocument(path: string, spec: DocumentSpec): Promise<DocumentRead> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return { kind: 'absent' };
    throw e;
  }
  const decoded = decodeDocument(text, spec);
  if (decoded.ok) return decoded.migratedFrom === undefined ? { kind: 'ok', data: decoded.data } : { kind: 'ok', data: decoded.data, migratedFrom: decoded.migratedFrom };
  return { kind: 'corrupt', reason: decoded.reason, movedTo: await setAside(path) };
}

export function writeDocument(path: string, spec: DocumentSpec, data: unknown): Promise<void> {
  return writeFileAtomic(path, encodeDocument(spec.version, data));
}

/**
 * Moves a damaged file to `NAME.corrupt-<ISO time>` (colons as '-' so the name is valid on
 * Windows too), adding `-2`, `-3`… rather than overwriting an earlier one. Undefined when the
 * file could not be moved (it is then left where it is).
 */
export async function setAside(path: string, now: Date = new Date()): Promise<string | undefined> {
  const base = `${path}.corrupt-${now.toISOString().replace(/:/g, '-')}`;
  for (let n = 1; n < 100; n++) {
    const target = n === 1 ? base : `${base}-${n}`;
    if (await exists(target)) continue;
    try {
      await rename(path, target);
      return target;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}
