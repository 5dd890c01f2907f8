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
  return doc.toJS({ maxAliasCount: 100 }) as unknown;
}

function isPaperFormat(raw: unknown): boolean {
  return typeof raw === 'object' && raw !== null && ('total_timesteps' in raw || 'action_types' in raw || 'eval_tasks' in raw);
}

/** Map the paper's controller names to a policy. */
function paperPolicy(controller: string, model: string | undefined): StudyConfigInput['policy'] {
  const c = controller.toLowerCase();
  if (c.includes('random')) return 'random';
  if (c.includes('ollama')) return { name: 'llm', options: { provider: 'ollama', model: model ?? 'qwen2.5:7b' } };
  return { name: 'llm', options: { provider: 'openai', model: model ?? 'gpt-4o-2024-08-06' } };
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
export function fromPaperConfig(raw: unknown, file: string): { input: StudyConfigInput; warnings: string[] } {
  const parsed = PaperConfigSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(file, zodIssues(parsed.error));
  const p = parsed.data;
  const warnings = Object.keys(p)
    .filter((k) => !PAPER_KEYS.has(k))
    .map((k) => `${k}: not part of the paper's format; ignored`);
  return {
    input: {
      seed: p.seed,
      budget: { iterations: p.total_timesteps },
      policy: paperPolicy(p.controller, p.controller_model),
      objects: p.objects,
      actions: p.action_types,
      tasks: p.eval_tasks,
      aggregation: p.score_aggregation,
      // The data folder of the evaluation files (`<eval_data>/<task>/validation.*`, `test.*`).
      ...(p.eval_data !== undefined ? withDataDir({ evaluators: {} }, p.eval_data) : {}),
    },
    warnings,
  };
}

/** Validate an in-memory config (native or paper format). `file` names it in errors. */
export function parseConfig(raw: unknown, file: string): LoadedConfig {
  const abs = path.resolve(file);
  let input: unknown = raw;
  let warnings: string[] = [];
  let format: LoadedConfig['format'] = 'native';
  if (isPaperFormat(raw)) {
    ({ input, warnings } = fromPaperConfig(raw, abs));
    format = 'paper';
  }
  const res = StudyConfigSchema.safeParse(input);
  if (!res.success) throw new ConfigError(abs, zodIssues(res.error));
  return { file: abs, dir: path.dirname(abs), format, config: res.data, warnings };
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
  return parseConfig(parseConfigText(abs, text), abs);
}
