import { parseArgs } from 'node:util';
import { UsageError } from '@lamdagent/core';

export type ArgOptions = NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>;

/** `--iterations -1` as `--iterations=-1`: a negative number after an option that takes a value is its value (then checked), not an option. */
export function joinNegativeValues(argv: readonly string[], options: ArgOptions): string[] {
  const takesValue = new Set<string>();
  for (const [name, o] of Object.entries(options)) {
    if (o.type !== 'string') continue;
    takesValue.add(`--${name}`);
    if (o.short) takesValue.add(`-${o.short}`);
  }
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = argv[i + 1];
    if (takesValue.has(a) && next !== undefined && /^-\d/.test(next)) {
      out.push(a.startsWith('--') ? `${a}=${next}` : `${a}${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** Parse a command's arguments (strict; `-h/--help` always known); a bad option is a UsageError (exit 2). */
export function parse(argv: string[], options: ArgOptions): ReturnType<typeof parseArgs> {
  try {
    return parseArgs({
      args: joinNegativeValues(argv, options),
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new UsageError(`${(e as Error).message}\nSee lamdagent --help.`);
  }
}

/** An integer option, or undefined when absent; anything else is a UsageError naming the option. */
export function intOpt(v: unknown, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new UsageError(`--${name} expects an integer, got ${String(v)}`);
  return n;
}
