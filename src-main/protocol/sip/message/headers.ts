/**
 * The header section of a message (RFC 3261 §7.3): an ordered list of fields as on the wire, plus
 * parsed values cached per header kind. The raw fields are the source of truth: serialization writes
 * them back byte for byte, and any change through append/prepend/set/remove drops the cached values.
 *
 * Values are byte strings (see byte-string.ts); for ASCII, the usual case, they are plain strings.
 * `getText` decodes UTF-8; `append`/`set` accept text and encode it.
 */
import type { AuthValue } from './auth-header.js';
import { byteStringToText, textToByteString } from './byte-string.js';
import { isToken } from './char-classes.js';
import type { CSeq } from './cseq.js';
import { canonicalHeaderName, headerKey } from './header-names.js';
import { H, HEADER_KINDS, HEADER_KIND_LIST, HeaderFailure, type HeaderKind } from './header-kinds.js';
import type { NameAddr } from './name-addr.js';
import type { RetryAfter } from './retry-after.js';
import type { MediaType } from './token-list.js';
import type { Via } from './via.js';

export interface HeaderField {
  /** The name as written (compact forms stay compact). */
  readonly name: string;
  /** Lower-case long-form key. */
  readonly key: string;
  /** Unfolded value (byte string). */
  readonly value: string;
}

const NO_VIAS: readonly Via[] = [];
const UNSET = Symbol('unset');
const KIND_COUNT = HEADER_KIND_LIST.length;
const NO_ADDRS: readonly NameAddr[] = [];

export class SipHeaders implements Iterable<HeaderField> {
  private names: string[];
  private keys: string[];
  private values: string[];
  /** Parsed values by HeaderKind.index; UNSET until parsed (undefined = absent). */
  private cache: unknown[] | undefined = undefined;

  /** Fields as [name, value] pairs (values are text; compact and long names are kept as given). */
  constructor(fields: Iterable<readonly [string, string]> = []) {
    this.names = [];
    this.keys = [];
    this.values = [];
    for (const [n, v] of fields) this.append(n, v);
  }

  /** Adopts parser-built arrays without copying (the parser has validated names). @internal */
  static adopt(names: string[], keys: string[], values: string[]): SipHeaders {
    const h = new SipHeaders();
    h.names = names;
    h.keys = keys;
    h.values = values;
    return h;
  }

  get size(): number {
    return this.names.length;
  }

  *[Symbol.iterator](): Iterator<HeaderField> {
    for (let i = 0; i < this.names.length; i++) yield { name: this.names[i]!, key: this.keys[i]!, value: this.values[i]! };
  }

  /** @internal Direct read access for the serializer (no per-field objects). */
  rawFields(): { readonly names: readonly string[]; readonly keys: readonly string[]; readonly values: readonly string[] } {
    return { names: this.names, keys: this.keys, values: this.values };
  }

  has(name: string): boolean {
    return this.keys.includes(headerKey(name));
  }

  /** Number of fields with this name. */
  count(name: string): number {
    const key = headerKey(name);
    let n = 0;
    for (const k of this.keys) if (k === key) n++;
    return n;
  }

  /** The first value (byte string), or undefined. */
  get(name: string): string | undefined {
    const i = this.keys.indexOf(headerKey(name));
    return i < 0 ? undefined : this.values[i];
  }

  /** The first value decoded as UTF-8 text. */
  getText(name: string): string | undefined {
    const v = this.get(name);
    return v === undefined ? undefined : byteStringToText(v);
  }

  /** Values of every field with this name, in order (byte strings; comma lists are not split). */
  getAll(name: string): string[] {
    return this.valuesOf(headerKey(name));
  }

  /** Appends a field; `value` is text (encoded as UTF-8). */
  append(name: string, value: string): this {
    return this.appendRaw(name, textToByteString(value));
  }

  /** Appends a field whose value is already a byte string (e.g. copied from another message's `get`). */
  appendRaw(name: string, value: string): this {
    const key = checkField(name, value);
    this.names.push(name);
    this.keys.push(key);
    this.values.push(value);
    this.invalidate(key);
    return this;
  }

  /** Inserts before the first field with the same name (or first of all): Via and Route order matters. Value is text. */
  prepend(name: string, value: string): this {
    const key = checkField(name, value);
    let at = this.keys.indexOf(key);
    if (at < 0) at = 0;
    this.names.splice(at, 0, name);
    this.keys.splice(at, 0, key);
    this.values.splice(at, 0, textToByteString(value));
    this.invalidate(key);
    return this;
  }

  /** Replaces every field with this name by one field (at the position of the first), or appends. Value is text. */
  set(name: string, value: string): this {
    const key = checkField(name, value);
    const first = this.keys.indexOf(key);
    if (first < 0) return this.append(name, value);
    this.values[first] = textToByteString(value);
    this.names[first] = name;
    for (let i = this.keys.length - 1; i > first; i--) if (this.keys[i] === key) this.removeAt(i);
    this.invalidate(key);
    return this;
  }

  /**
   * Replaces every field with this name by `values` (byte strings), placed where the first one was
   * (or appended): for rewriting Via or Route without moving them.
   */
  setAllRaw(name: string, values: readonly string[]): this {
    const key = headerKey(name);
    let at = this.keys.indexOf(key);
    for (const v of values) checkField(name, v);
    if (at < 0) at = this.keys.length;
    for (let i = this.keys.length - 1; i >= 0; i--) if (this.keys[i] === key) this.removeAt(i);
    at = Math.min(at, this.keys.length);
    this.names.splice(at, 0, ...values.map(() => name));
    this.keys.splice(at, 0, ...values.map(() => key));
    this.values.splice(at, 0, ...values);
    this.invalidate(key);
    return this;
  }

  /** Removes every field with this name; returns how many were removed. */
  remove(name: string): number {
    const key = headerKey(name);
    let n = 0;
    for (let i = this.keys.length - 1; i >= 0; i--) {
      if (this.keys[i] === key) {
        this.removeAt(i);
        n++;
      }
    }
    this.invalidate(key);
    return n;
  }

  /** Removes the first field with this name (e.g. the top Via at a proxy); false when none. */
  removeFirst(name: string): boolean {
    const key = headerKey(name);
    const i = this.keys.indexOf(key);
    if (i < 0) return false;
    this.removeAt(i);
    this.invalidate(key);
    return true;
  }

  clone(): SipHeaders {
    return SipHeaders.adopt(this.names.slice(), this.keys.slice(), this.values.slice());
  }

  /** The parsed value of a header kind: undefined when absent or malformed (see `problem`). */
  parsed<T>(kind: HeaderKind<T>): T | undefined {
    const r = this.parseCached(kind);
    return r instanceof HeaderFailure ? undefined : r;
  }

  /** Why a present header kind failed to parse, or undefined when absent or fine. */
  problem(kind: HeaderKind<unknown>): string | undefined {
    const r = this.parseCached(kind);
    return r instanceof HeaderFailure ? r.message : undefined;
  }

  /** @internal parse (cached) returning the failure object; undefined when absent. */
  parseCached<T>(kind: HeaderKind<T>): T | HeaderFailure | undefined {
    const cache = (this.cache ??= new Array<unknown>(KIND_COUNT).fill(UNSET));
    const hit = cache[kind.index];
    if (hit !== UNSET) return hit as T | HeaderFailure | undefined;
    const values = this.valuesOf(kind.key);
    const r = values.length === 0 ? undefined : kind.parse(values);
    cache[kind.index] = r;
    return r;
  }

  /** @internal the parser hands over what it parsed. */
  prime(kind: HeaderKind<unknown>, value: unknown): void {
    const cache = (this.cache ??= new Array<unknown>(KIND_COUNT).fill(UNSET));
    cache[kind.index] = value;
  }

  private invalidate(key: string): void {
    const kind = HEADER_KINDS.get(key);
    if (kind !== undefined && this.cache !== undefined) this.cache[kind.index] = UNSET;
  }

  /** Sets a header from a typed value and its formatted text, pre-filling the cache. */
  setTyped<T>(kind: HeaderKind<T>, value: T, formatted: readonly string[]): this {
    this.remove(kind.key);
    for (const f of formatted) this.appendRaw(canonicalHeaderName(kind.key), f);
    this.prime(kind, value);
    return this;
  }

  // Typed accessors for the headers transactions and dialogs use.
  via(): readonly Via[] {
    return this.parsed(H.via) ?? NO_VIAS;
  }
  topVia(): Via | undefined {
    return this.via()[0];
  }
  from(): NameAddr | undefined {
    return this.parsed(H.from);
  }
  to(): NameAddr | undefined {
    return this.parsed(H.to);
  }
  callId(): string | undefined {
    return this.parsed(H.callId);
  }
  cseq(): CSeq | undefined {
    return this.parsed(H.cseq);
  }
  /** Contact values; empty for the '*' wildcard (see isContactWildcard). */
  contact(): readonly NameAddr[] {
    const c = this.parsed(H.contact);
    return c === undefined || c === '*' ? NO_ADDRS : c;
  }
  isContactWildcard(): boolean {
    return this.parsed(H.contact) === '*';
  }
  contentLength(): number | undefined {
    return this.parsed(H.contentLength);
  }
  contentType(): MediaType | undefined {
    return this.parsed(H.contentType);
  }
  maxForwards(): number | undefined {
    return this.parsed(H.maxForwards);
  }
  expires(): number | undefined {
    return this.parsed(H.expires);
  }
  minExpires(): number | undefined {
    return this.parsed(H.minExpires);
  }
  retryAfter(): RetryAfter | undefined {
    return this.parsed(H.retryAfter);
  }
  route(): readonly NameAddr[] {
    return this.parsed(H.route) ?? NO_ADDRS;
  }
  recordRoute(): readonly NameAddr[] {
    return this.parsed(H.recordRoute) ?? NO_ADDRS;
  }
  wwwAuthenticate(): readonly AuthValue[] {
    return this.parsed(H.wwwAuthenticate) ?? [];
  }
  proxyAuthenticate(): readonly AuthValue[] {
    return this.parsed(H.proxyAuthenticate) ?? [];
  }
  authorization(): readonly AuthValue[] {
    return this.parsed(H.authorization) ?? [];
  }
  proxyAuthorization(): readonly AuthValue[] {
    return this.parsed(H.proxyAuthorization) ?? [];
  }

  private valuesOf(key: string): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.keys.length; i++) if (this.keys[i] === key) out.push(this.values[i]!);
    return out;
  }

  private removeAt(i: number): void {
    this.names.splice(i, 1);
    this.keys.splice(i, 1);
    this.values.splice(i, 1);
  }
}

const keyCache = new Map<string, string>();

/** Header names must be tokens and values single lines: no header injection through the API. */
function checkField(name: string, value: string): string {
  let key = keyCache.get(name);
  if (key === undefined) {
    if (!isToken(name)) throw new RangeError(`invalid header name: ${JSON.stringify(name)}`);
    key = headerKey(name);
    if (keyCache.size < 512) keyCache.set(name, key);
  }
  if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) throw new RangeError(`header value contains CR or LF: ${name}`);
  return key;
}
