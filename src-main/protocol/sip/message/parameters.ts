/**
 * Generic parameters: `*( SEMI generic-param )`, generic-param = token [ EQUAL gen-value ],
 * gen-value = token / host / quoted-string (RFC 3261 §25.1, §20). Names compare case-insensitively.
 * Values are kept as on the wire (byte strings; quoted strings keep their quotes) so that a header
 * serializes back exactly; `paramText` gives the unquoted value.
 */
import { GEN_VALUE, TOKEN } from './char-classes.js';
import { unquote, type Cursor } from './cursor.js';

export interface SipParam {
  readonly name: string;
  /** Raw value; null for a parameter without "=value" (e.g. `;lr`). */
  readonly value: string | null;
}

export type SipParams = readonly SipParam[];

/**
 * Parses `*( SEMI generic-param )` at the cursor into `out`. Stops (successfully) before anything
 * that is not `SWS ";"`. Returns false with c.error set on a malformed parameter.
 */
export function parseParams(c: Cursor, out: SipParam[]): boolean {
  while (c.sep(0x3b /* ; */)) {
    const name = c.take(TOKEN);
    if (name === '') {
      c.fail('empty parameter name');
      return false;
    }
    let value: string | null = null;
    if (c.sep(0x3d /* = */)) {
      if (c.peek() === 0x22) {
        const q = c.quoted();
        if (q === undefined) return false;
        value = q;
      } else {
        value = c.take(GEN_VALUE);
        if (value === '') {
          c.fail(`parameter ${name} has an empty value`);
          return false;
        }
      }
    }
    out.push({ name, value });
  }
  return true;
}

/** Returns the raw value of the first parameter named `name` (case-insensitive): null when valueless, undefined when absent. */
export function getParam(params: SipParams, name: string): string | null | undefined {
  const lower = name.toLowerCase();
  for (let i = 0; i < params.length; i++) {
    const p = params[i]!;
    if (p.name.length === lower.length && p.name.toLowerCase() === lower) return p.value;
  }
  return undefined;
}

export function hasParam(params: SipParams, name: string): boolean {
  return getParam(params, name) !== undefined;
}

/** The unquoted value of a parameter (undefined when absent or valueless). */
export function paramText(params: SipParams, name: string): string | undefined {
  const v = getParam(params, name);
  return v === null || v === undefined ? undefined : unquote(v);
}

/** Returns a copy with `name` set to `value` (replacing any same-named parameters, keeping order). */
export function withParam(params: SipParams, name: string, value: string | null): SipParam[] {
  const lower = name.toLowerCase();
  const out: SipParam[] = [];
  let replaced = false;
  for (const p of params) {
    if (p.name.toLowerCase() === lower) {
      if (!replaced) out.push({ name: p.name, value });
      replaced = true;
    } else out.push(p);
  }
  if (!replaced) out.push({ name, value });
  return out;
}

export function withoutParam(params: SipParams, name: string): SipParam[] {
  const lower = name.toLowerCase();
  return params.filter((p) => p.name.toLowerCase() !== lower);
}

/** `;name=value;flag` */
export function formatParams(params: SipParams): string {
  let out = '';
  for (const p of params) out += p.value === null ? `;${p.name}` : `;${p.name}=${p.value}`;
  return out;
}
