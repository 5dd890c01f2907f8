import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError, type JsonValue } from '@lamdagent/core';

/** A policy under comparison: a registered name, its options, and the label its studies are filed under. */
export interface PolicySpec {
  label: string;
  name: string;
  options: Record<string, JsonValue>;
}

/**
 * Relative paths in an options file resolve from that file's folder: every string value (at any depth)
 * that is a relative path naming an existing file or folder there becomes absolute, so the studies (run
 * from the config's folder, resumed from anywhere) find it. Other strings (model names, URLs) are kept.
 */
function absolutize(v: JsonValue, dir: string): JsonValue {
  if (typeof v === 'string') {
    if (v === '' || path.isAbsolute(v) || /^[a-z][a-z0-9+.-]*:/i.test(v)) return v;
    const p = path.resolve(dir, v);
    return existsSync(p) ? p : v;
  }
  if (Array.isArray(v)) return v.map((x) => absolutize(x, dir));
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, absolutize(x, dir)]));
  return v;
}

const isObject = (v: unknown): v is Record<string, JsonValue> => typeof v === 'object' && v !== null && !Array.isArray(v);

function one(item: string, cwd: string, where: string): PolicySpec {
  const i = item.indexOf(':');
  if (i < 0) return { label: item, name: item, options: {} };
  const name = item.slice(0, i);
  const file = path.resolve(cwd, item.slice(i + 1));
  if (!existsSync(file)) throw new UsageError(`${where}: options file of policy ${name} not found: ${file}`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`${file}: policy options are not JSON (${(e as Error).message})`);
  }
  if (!isObject(raw)) throw new UsageError(`${file}: policy options must be a JSON object`);
  // Either the options themselves, or a policy config `{ "name": ..., "options": { ... } }` (policy-llm's loadPolicyFile shape).
  let options: Record<string, JsonValue> = raw;
  const keys = Object.keys(raw).sort();
  if (keys.length === 2 && keys[0] === 'name' && keys[1] === 'options') {
    if (raw['name'] !== name) throw new UsageError(`${file}: name: the file configures policy ${JSON.stringify(raw['name'])}, not ${name} (${where})`);
    if (!isObject(raw['options'])) throw new UsageError(`${file}: options: must be a JSON object`);
    options = raw['options'];
  }
  return {
    label: `${name}-${path.basename(file).replace(/\.json$/, '')}`,
    name,
    options: absolutize(options, path.dirname(file)) as Record<string, JsonValue>,
  };
}

/**
 * `--policies random,random-type,greedy,llm:opts.json` or `--policies @FILE` (one per line, `#` comments).
 * `NAME:FILE` reads the policy's options from a JSON file: the options object, or `{ name, options }`;
 * the label is NAME-<file name without .json>. Labels must be distinct: they name the study folders.
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
