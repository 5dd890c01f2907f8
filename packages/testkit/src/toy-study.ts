import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { JsonValue } from '@lamdagent/core';
import { testkitModule } from './modules.js';
import { writeToyModel } from './toy-plugin.js';

/** Path of the module whose default export is the toy plugin (list it under a config's `plugins:`). */
export const TOY_PLUGIN_MODULE = testkitModule('toy-plugin-entry');

export interface ToyStudyOptions {
  /** Policy name, or `{ name, options }`. Default `random-type`. */
  policy?: string | { name: string; options: Record<string, JsonValue> };
  iterations?: number;
  seed?: number;
  /** Executor name or `{ name, options }`. Default `inprocess`. */
  executor?: string | { name: string; options: Record<string, JsonValue> };
  /** Further plugin module paths or package names to load (besides the toy plugin). */
  plugins?: string[];
  /** Dataset name → content: `{ target: number[] }`, or `{ fail: 'why' }` for a dataset the runner rejects. */
  datasets?: Record<string, { target?: number[]; fail?: string }>;
  /** Extra actions (merged over `toy-sft` and `toy-merge`), e.g. a third-party action type. */
  actions?: Record<string, JsonValue>;
  /** Extra config keys (merged last). */
  extra?: Record<string, JsonValue>;
}

export interface ToyStudy {
  dir: string;
  configPath: string;
}

/**
 * Write a toy-world study folder (a base model, datasets, the config `config.json`; not `study.json`, the name of a study folder's own state file) into a fresh temp folder. Every
 * part of the loop does real, tiny work: a 3-trial study runs in well under a second.
 */
export function makeToyStudy(opts: ToyStudyOptions = {}): ToyStudy {
  const dir = mkdtempSync(path.join(tmpdir(), 'lamdagent-toy-'));
  writeToyModel(path.join(dir, 'models', 'base'), [0, 0, 0]);
  const datasets = opts.datasets ?? { a: { target: [1, 0, 0] }, b: { target: [0, 1, 0] }, c: { target: [0, 0, 1] } };
  mkdirSync(path.join(dir, 'data'));
  for (const [name, d] of Object.entries(datasets)) writeFileSync(path.join(dir, 'data', `${name}.json`), JSON.stringify(d));
  const config = {
    seed: opts.seed ?? 7,
    budget: { iterations: opts.iterations ?? 3 },
    policy: opts.policy ?? 'random-type',
    plugins: [TOY_PLUGIN_MODULE, ...(opts.plugins ?? [])],
    discoverPlugins: false,
    executor: opts.executor ?? 'inprocess',
    objects: { models: ['models/base'], datasets: Object.keys(datasets).map((n) => `data/${n}.json`), lr: [0.5] },
    actions: { 'toy-sft': ['models', 'datasets', 'lr'], 'toy-merge': ['models', 'models'], ...(opts.actions ?? {}) },
    tasks: [
      { name: 'ta', evaluator: 'toy', options: { target: [1, 0, 0] } },
      { name: 'tb', evaluator: 'toy', options: { target: [0, 1, 0] } },
    ],
    ...(opts.extra ?? {}),
  };
  const configPath = path.join(dir, 'config.json');
  writeFileSync(configPath, JSON.stringify(config, null, 2));
  return { dir, configPath };
}
