/** A small, strict option parser for the CLI commands: `--name value`, `--flag`, repeated options. */
export interface OptionSpec {
  readonly [name: string]: 'string' | 'number' | 'boolean' | 'strings';
}

export type ParsedOptions<S extends OptionSpec> = {
  [K in keyof S]?: S[K] extends 'string' ? string : S[K] extends 'number' ? number : S[K] extends 'boolean' ? boolean : string[];
};

export function parseOptions<S extends OptionSpec>(args: readonly string[], spec: S): { ok: true; options: ParsedOptions<S>; rest: string[] } | { ok: false; error: string } {
  const options: Record<string, unknown> = {};
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) {
      rest.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
    const kind = spec[name];
    if (kind === undefined) return { ok: false, error: `unknown option --${name}` };
    if (kind === 'boolean') {
      options[name] = true;
      continue;
    }
    const value = eq > 0 ? a.slice(eq + 1) : args[++i];
    if (value === undefined) return { ok: false, error: `--${name} needs a value` };
    if (kind === 'number') {
      const n = Number(value);
      if (!Number.isFinite(n) || n < 0) return { ok: false, error: `--${name} must be a non-negative number` };
      options[name] = n;
    } else if (kind === 'strings') options[name] = [...((options[name] as string[] | undefined) ?? []), value];
    else options[name] = value;
  }
  return { ok: true, options: options as ParsedOptions<S>, rest };
}
