import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { assemble, buildRegistry, parseConfig, parseConfigText, UsageError, type Assembly, type JsonValue, type LoadedConfig } from '@lamdagent/core';
import { absolutize } from './replay.js';

/** Tasks scored on the test split only (e.g. out-of-distribution ones), assembled with a study's config. */
export interface TestOnlyTasks {
  file: string;
  assembly: Assembly;
  registry: Awaited<ReturnType<typeof buildRegistry>>['registry'];
}

/**
 * `--test-tasks FILE`: a YAML or JSON list of tasks in the config's `tasks:` format (or `{ tasks: [...] }`),
 * paths relative to FILE, scored on the test split only by `baselines` and `table --evaluate`, beside the
 * study's own tasks (which a study also scores on validation). A study that never scores them on the
 * validation split pays nothing for them per trial; the table shows them as starred columns.
 */
export async function loadTestTasks(loaded: LoadedConfig, file: string): Promise<TestOnlyTasks> {
  const abs = path.resolve(file);
  if (!existsSync(abs)) throw new UsageError(`--test-tasks ${abs}: file not found`);
  const raw = parseConfigText(abs, readFileSync(abs, 'utf8'));
  const list = Array.isArray(raw) ? raw : raw && typeof raw === 'object' && 'tasks' in raw ? (raw as { tasks: unknown }).tasks : undefined;
  if (!Array.isArray(list) || list.length === 0) throw new UsageError(`${abs}: expected a list of tasks (or { tasks: [...] }), as in a config's tasks:`);
  const own = new Set(loaded.config.tasks.map((t) => (Array.isArray(t) ? t[0] : t.name)));
  list.forEach((t, i) => {
    const name = Array.isArray(t) ? t[0] : (t as { name?: unknown })?.name;
    if (typeof name === 'string' && own.has(name)) throw new UsageError(`${abs}: tasks[${i}].name: "${name}" is already a task of ${loaded.file}`);
  });
  // The study's config with these tasks (counted toward a reward only so that it assembles; never aggregated).
  const fileKinds = new Set(Object.keys(loaded.config.objects));
  const cfg = absolutize(loaded.config, loaded.dir, fileKinds) as unknown as Record<string, JsonValue>;
  cfg['tasks'] = list.map((t) => (t && typeof t === 'object' && !Array.isArray(t) ? { ...(t as Record<string, JsonValue>), inReward: true } : t)) as JsonValue;
  const l2 = parseConfig(cfg, abs);
  const { registry } = await buildRegistry(l2);
  return { file: abs, assembly: assemble(l2, registry, { skipDigests: true }), registry };
}
