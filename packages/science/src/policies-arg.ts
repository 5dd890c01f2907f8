import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError, type JsonValue } from '@lamdagent/core';

/** A policy under comparison: a registered name, its options, and the label its studies are filed under. */
export interface PolicySpec {
  label: string;
  name: string;
  options: Record<string, JsonValue>;
}

function one(item: string, cwd: string, where: string): PolicySpec {
  const i = item.indexOf(':');
  if (i < 0) return { label: item, name: item, options: {} };
  const name = item.slice(0, i);
  const file = path.resolve(cwd, item.slice(i + 1));
  if (!existsSync(file)) throw new UsageError(`${where}: options file of policy ${name} not found: ${file}`);
  let options: unknown;
  try {
    options = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`${file}: policy options are not JSON (${(e as Error).message})`);
  }
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new UsageError(`${file}: policy options must be a JSON object`);
  return { label: `${name}-${path.basename(file).replace(/\.json$/, '')}`, name, options: options as Record<string, JsonValue> };
}

/**
 * `--policies random,random-type,greedy,llm:opts.json` or `--policies @FILE` (one per line, `#` comments).
 * Labels must be distinct: they name the study folders.
 */
export function parsePolicies(arg: string, cwd: string): PolicySpec[] {
  let items: string[];
  let where = '--policies';
  if (arg.startsWith('@')) {
    const file = path.resolve(cwd, arg.slice(1));
    if (!existsSync(file)) throw new UsageError(`--policies: file not found: ${file}`);
    where = file;
    items = readFileSync(file, 'utf8')
      .split('\n')
      .map((l) => l.replace(/#.*/, '').trim())
      .filter(Boolean);
  } else
    items = arg
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  if (items.length === 0) throw new UsageError(`${where}: no policy given`);
  const specs = items.map((s) => one(s, cwd, where));
  const seen = new Set<string>();
  for (const s of specs) {
    if (!/^[A-Za-z0-9._-]+$/.test(s.label)) throw new UsageError(`${where}: policy label "${s.label}" may only use letters, digits, '.', '_' and '-'`);
    if (seen.has(s.label)) throw new UsageError(`${where}: policy ${s.label} is listed twice`);
    seen.add(s.label);
  }
  return specs;
}
