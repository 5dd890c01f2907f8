import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { withDataDir } from './config-data-dir.js';
import { PaperConfigSchema, StudyConfigSchema, type StudyConfigInput, type StudyConfigParsed } from './config-schema.js';
import { ConfigError, type ConfigIssue } from './errors.js';

export interface LoadedConfig {
  /** Absolute path of the config file. */
  file: string;
  /** Its folder: relative paths inside resolve from here. */
  dir: string;
  format: 'native' | 'paper';
  config: StudyConfigParsed;
  /** Keys that were accepted but ignored (paper format extras). */
  warnings: string[];
  /** Problems found while reading the config that `assemble` reports with its own (all at once). */
  deferred?: ConfigIssue[];
}

/** `a.b[2].c` from a zod issue path. */
export function formatPath(p: readonly PropertyKey[]): string {
  let out = '';
  for (const seg of p) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}

export function zodIssues(error: z.ZodError, prefix: readonly PropertyKey[] = []): ConfigIssue[] {
  return error.issues.map((i) => ({ path: formatPath([...prefix, ...i.path]), message: i.message }));
}

/** Parse YAML or JSON text (JSON is read by the YAML parser, so the paper's trailing commas pass). */
export function parseConfigText(file: string, text: string): unknown {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      file,
      doc.errors.map((e) => ({
        path: e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '',
        message: e.message.split('\n')[0] ?? e.message,
      })),
    );
  }
  try {
    return doc.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (e) {
    // An alias without its anchor, or aliases expanding past the limit (found by fuzzing).
    throw new ConfigError(file, [{ path: '', message: (e as Error).message.split('\n')[0] ?? String(e) }]);
  }
}

function isPaperFormat(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && ('total_timesteps' in raw || 'action_types' in raw || 'eval_tasks' in raw);
}

/** The paper's controller names this loader knows (case-insensitive), and the policy each becomes. */
export const PAPER_CONTROLLERS = ['LaMDAgent_gpt', 'LaMDAgent_openai', 'LaMDAgent_ollama', 'random'] as const;

/** Map the paper's controller names to a policy; undefined for a name it does not know. */
function paperPolicy(controller: string, model: string | undefined): StudyConfigInput['policy'] | undefined {
  const c = controller.toLowerCase();
  if (c === 'random' || c === 'lamdagent_random' || c === 'random_controller') return 'random';
  if (c === 'lamdagent_ollama' || c === 'ollama') return { name: 'llm', options: { provider: 'ollama', model: model ?? 'qwen2.5:7b' } };
  if (c === 'lamdagent_gpt' || c === 'lamdagent_openai' || c === 'lamdagent' || c === 'gpt' || c === 'openai')
    return { name: 'llm', options: { provider: 'openai', model: model ?? 'gpt-4o-2024-08-06' } };
  return undefined;
}

/** Native config paths renamed to the paper's keys, so errors in a paper config name the keys it has. */
const PAPER_NAMES: [string, string][] = [
  ['budget.iterations', 'total_timesteps'],
  ['policy', 'controller'],
  ['actions', 'action_types'],
  ['tasks', 'eval_tasks'],
  ['aggregation', 'score_aggregation'],
];

/** `aggregation.options` -> `score_aggregation.options`, `tasks[1]` -> `eval_tasks[1]`. */
export function paperPath(p: string): string {
  for (const [native, paper] of PAPER_NAMES) {
    if (p === native || p.startsWith(`${native}.`) || p.startsWith(`${native}[`)) return paper + p.slice(native.length);
  }
  return p;
}

/**
 * Remove `//` and `/* *\/` comments from JSON text (outside strings), keeping line numbers: configs
 * copied from papers and editors carry them, and YAML would read them as keys.
 */
export function stripJsonComments(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (inString) {
      out += ch;
      if (ch === '\\') out += text[++i] ?? '';
      else if (ch === '"') inString = false;
    } else if (ch === '"') {
      inString = true;
      out += ch;
    } else if (ch === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (ch === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      out += text.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop - 1;
    } else out += ch;
  }
  return out;
}

const PAPER_KEYS = new Set([
  'seed',
  'total_timesteps',
  'controller',
  'controller_model',
  'objects',
  'action_types',
  'eval_tasks',
  'score_aggregation',
  'eval_data',
]);

/** Convert a validated paper config into the native format. */
export function fromPaperConfig(raw: unknown, file: string): { input: StudyConfigInput; warnings: string[]; issues: ConfigIssue[] } {
  const parsed = PaperConfigSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(file, zodIssues(parsed.error));
  const p = parsed.data;
  const policy = paperPolicy(p.controller, p.controller_model);
  const issues: ConfigIssue[] = policy
    ? []
    : [{ path: 'controller', message: `unknown controller "${p.controller}" (known: ${PAPER_CONTROLLERS.join(', ')}; or use the native format's policy:)` }];
  const warnings = Object.keys(p)
    .filter((k) => !PAPER_KEYS.has(k))
    .map((k) => `${k}: not part of the paper's format; ignored`);
  return {
    input: {
      seed: p.seed,
      budget: { iterations: p.total_timesteps },
      policy: policy ?? 'random',
      objects: p.objects,
      actions: p.action_types,
      tasks: p.eval_tasks,
      aggregation: p.score_aggregation,
      // The data folder of the evaluation files (`<eval_data>/<task>/validation.*`, `test.*`).
      ...(p.eval_data !== undefined ? withDataDir({ evaluators: {} }, p.eval_data) : {}),
    },
    warnings,
    issues,
  };
}

/** Validate an in-memory config (native or paper format). `file` names it in errors. */
export function parseConfig(raw: unknown, file: string): LoadedConfig {
  const abs = path.resolve(file);
  let input: unknown = raw;
  let warnings: string[] = [];
  let deferred: ConfigIssue[] = [];
  let format: LoadedConfig['format'] = 'native';
  if (isPaperFormat(raw)) {
    ({ input, warnings, issues: deferred } = fromPaperConfig(raw, abs));
    format = 'paper';
  }
  const res = StudyConfigSchema.safeParse(input);
  if (!res.success) {
    const issues = zodIssues(res.error);
    throw new ConfigError(abs, [...deferred, ...(format === 'paper' ? issues.map((i) => ({ ...i, path: paperPath(i.path) })) : issues)]);
  }
  return { file: abs, dir: path.dirname(abs), format, config: res.data, warnings, ...(deferred.length ? { deferred } : {}) };
}

/** Read and validate a config file. Errors name the file, the path inside it and what was expected. */
export function loadConfig(file: string): LoadedConfig {
  const abs = path.resolve(file);
  let text: string;
  try {
    text = readFileSync(abs, 'utf8');
  } catch (e) {
    throw new ConfigError(abs, [{ path: '', message: `cannot read: ${(e as NodeJS.ErrnoException).code ?? String(e)}` }]);
  }
  // JSON (the paper's format) may carry // comments; YAML has its own (#) and no JSON comment syntax.
  const jsonLike = /\.json$/i.test(abs) || /^\s*(\/\/|\/\*|\{)/.test(text);
  return parseConfig(parseConfigText(abs, jsonLike ? stripJsonComments(text) : text), abs);
}
