import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ActionBinding } from './action-type.js';
import { explicitType, resolveBindings } from './assemble-bindings.js';
import type { LoadedConfig } from './config-load.js';
import { paperPath } from './config-load.js';
import { checkDuplicateNames, objectPath } from './preflight-names.js';
import { preflightObjects } from './preflight-objects.js';
import { DigestCache } from './digest.js';
import { valueDigest } from './kit/digest.js';
import { ConfigError, type ConfigIssue } from './errors.js';
import type { TaskSpec } from './evaluator.js';
import { resolveTasksAndFactories, type ObserverUse } from './assemble-tasks.js';
import { makeFactoryContext } from './factories.js';
import type { JsonValue } from './json.js';
import type { ObjectType, PoolObject } from './objects.js';
import type { FactoryContext } from './policy.js';
import type { Registry } from './registry.js';

/** A config resolved against the registered plugins: everything a study needs, validated. */
export interface Assembly {
  loaded: LoadedConfig;
  bindings: ActionBinding[];
  tasks: TaskSpec[];
  objects: PoolObject[];
  kindTypes: Map<string, ObjectType>;
  factoryContext: FactoryContext;
  policy: { name: string; options: Record<string, JsonValue> };
  executor: { name: string; options: Record<string, JsonValue> };
  aggregation: { name: string; options: Record<string, JsonValue> };
  /** Options per evaluator name (config `evaluators:`), validated by each evaluator's schema. */
  evaluators: Record<string, Record<string, JsonValue>>;
  /** Observers the config turns on (`observers:`), options validated. */
  observers: ObserverUse[];
}

export interface AssembleOptions {
  digests?: DigestCache;
  /** Skip content digests (for `validate`, which only checks). */
  skipDigests?: boolean;
  policyOverride?: string;
  env?: Readonly<Record<string, string | undefined>>;
}

/** Resolve a validated config against the registry. All problems are reported together, each with its path. */
export function assemble(loaded: LoadedConfig, registry: Registry, opts: AssembleOptions = {}): Assembly {
  const cfg = loaded.config;
  const issues: ConfigIssue[] = [...(loaded.deferred ?? [])];

  const { bindings, kindTypes, perPositionChecks } = resolveBindings(cfg, registry, issues);

  // Objects: resolve paths, name them, digest them.
  const objects: PoolObject[] = [];
  const digests = opts.digests ?? new DigestCache();
  for (const [kind, raw] of Object.entries(cfg.objects)) {
    const values = Array.isArray(raw) ? raw : raw.values;
    const names = Array.isArray(raw) ? undefined : raw.names;
    const type: ObjectType = kindTypes.get(kind) ?? explicitType(cfg, kind) ?? 'json';
    kindTypes.set(kind, type);
    if (names && names.length !== values.length)
      issues.push({ path: `objects.${kind}.names`, message: `has ${names.length} names for ${values.length} values` });
    const scales = Array.isArray(raw) ? undefined : raw.scales;
    if (scales && type !== 'dataset')
      issues.push({ path: `objects.${kind}.scales`, message: `only datasets declare scaled variants; these are ${type} objects` });
    for (const [k, s] of Object.entries(scales ?? {})) {
      if (Array.isArray(s) ? s.length !== values.length : values.length !== 1)
        issues.push({
          path: `objects.${kind}.scales.${k}`,
          message: Array.isArray(s)
            ? `has ${s.length} paths for ${values.length} values (one per value; null for the x.${k}x naming convention)`
            : `a single path needs a list of one value; this list has ${values.length} (give one path per value)`,
        });
    }
    values.forEach((v, i) => {
      const at = `objects.${kind}${Array.isArray(raw) ? '' : '.values'}[${i}]`;
      let value: JsonValue = v;
      let digest = '';
      let name = names?.[i];
      if (type === 'model' || type === 'dataset') {
        if (typeof v !== 'string') {
          issues.push({ path: at, message: `expected a path to a ${type} (string), got ${JSON.stringify(v)}` });
          return;
        }
        value = path.resolve(loaded.dir, v);
        if (!existsSync(value)) {
          issues.push({ path: at, message: `${type} ${v} not found (looked at ${value})` });
          return;
        }
        if (!opts.skipDigests) digest = digests.pathDigest(value);
        name ??= path.basename(v).replace(/\.(jsonl|json)$/, '');
      } else {
        if (type === 'number' && typeof v !== 'number') issues.push({ path: at, message: `expected a number, got ${JSON.stringify(v)}` });
        digest = valueDigest(v);
        name ??= typeof v === 'string' ? v : JSON.stringify(v);
      }
      objects.push({ id: `${kind}/${i}`, kind, type, name, value, digest });
    });
  }
  // One value per position: a weights list must have as many entries as the action merges models.
  for (const c of perPositionChecks) {
    const raw = cfg.objects[c.kind];
    if (!raw) continue;
    (Array.isArray(raw) ? raw : raw.values).forEach((v, i) => {
      if (Array.isArray(v) && v.length !== c.times) {
        issues.push({
          path: `objects.${c.kind}${Array.isArray(raw) ? '' : '.values'}[${i}]`,
          message: `${c.where} takes one ${c.slot} value per ${c.of} position: expected ${c.times} values, got ${v.length} (${JSON.stringify(v)})`,
        });
      }
    });
  }
  digests.save();
  checkDuplicateNames(cfg.objects, objects, issues);
  preflightObjects(bindings, objects, (o) => objectPath(cfg.objects, o), issues, {
    runner: (name) => (registry.has('runner', name) ? registry.runner(name) : undefined),
    defaultRunner: (def) => registry.defaultRunner(def),
  });

  // Tasks, policy, executor, aggregation and evaluator options.
  const { tasks, policy, executor, aggregation, evaluators, observers } = resolveTasksAndFactories(cfg, registry, opts.policyOverride, issues, {
    configDir: loaded.dir,
    env: opts.env ?? process.env,
  });

  if (issues.length)
    throw new ConfigError(
      loaded.file,
      loaded.format === 'paper' ? issues.map((i) => ({ ...i, path: i.path === 'controller' ? i.path : paperPath(i.path) })) : issues,
    );
  const factoryContext = makeFactoryContext(registry, loaded.dir, cfg.seed, opts.env ?? process.env);
  return { loaded, bindings, tasks, objects, kindTypes, factoryContext, policy, executor, aggregation, evaluators, observers };
}
