import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ActionBinding, WeightedGroup } from './action-type.js';
import type { LoadedConfig } from './config-load.js';
import { paperPath, zodIssues } from './config-load.js';
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
  const kindTypes = new Map<string, ObjectType>();
  const kindSource = new Map<string, string>();
  const explicitType = (kind: string): string | undefined => {
    const list = cfg.objects[kind];
    return list && !Array.isArray(list) ? list.type : undefined;
  };

  // Action bindings: resolve types, expand repeated slots, infer object types of the kinds they use.
  const bindings: ActionBinding[] = [];
  const perPositionChecks: { where: string; kind: string; slot: string; times: number; of: string }[] = [];
  for (const [name, raw] of Object.entries(cfg.actions)) {
    const where = `actions.${name}`;
    const a = Array.isArray(raw) ? { slots: raw } : raw;
    const typeName = (Array.isArray(raw) ? undefined : raw.type) ?? name;
    if (!registry.hasActionType(typeName)) {
      issues.push({
        path: Array.isArray(raw) ? where : `${where}.type`,
        message: `unknown action type "${typeName}" (known: ${registry.names('actionType').join(', ') || 'none: no action plugin loaded'})`,
      });
      continue;
    }
    const def = registry.actionType(typeName);
    const kinds = a.slots;
    const rep = def.slots.findIndex((s) => s.repeat);
    const slotNames: string[] = [];
    const slotTypes: ObjectType[] = [];
    const expected = def.slots.map((s) => (s.repeat ? `${s.name}×${s.repeat.min}+` : s.name)).join(', ');
    if (rep < 0) {
      if (kinds.length !== def.slots.length) {
        issues.push({
          path: `${where}${Array.isArray(raw) ? '' : '.slots'}`,
          message: `${def.type} takes ${def.slots.length} slots (${expected}), got ${kinds.length}`,
        });
        continue;
      }
      for (const s of def.slots) {
        slotNames.push(s.name);
        slotTypes.push(s.type);
      }
    } else {
      const r = def.slots[rep]!;
      const times = kinds.length - (def.slots.length - 1);
      if (times < r.repeat!.min || (r.repeat!.max !== undefined && times > r.repeat!.max)) {
        issues.push({
          path: `${where}${Array.isArray(raw) ? '' : '.slots'}`,
          message: `${def.type} takes slots (${expected}): ${r.name} repeated ${r.repeat!.min}${r.repeat!.max ? `-${r.repeat!.max}` : ' or more'} times; got ${kinds.length} slots in all`,
        });
        continue;
      }
      def.slots.forEach((s, i) => {
        const n = i === rep ? times : 1;
        for (let j = 0; j < n; j++) {
          slotNames.push(s.name);
          slotTypes.push(s.type);
        }
      });
    }
    let ok = true;
    kinds.forEach((kind, p) => {
      const at = `${where}${Array.isArray(raw) ? '' : '.slots'}[${p}]`;
      if (!(kind in cfg.objects)) {
        issues.push({ path: at, message: `no object list "${kind}" in objects (have: ${Object.keys(cfg.objects).join(', ')})` });
        ok = false;
        return;
      }
      const t = slotTypes[p]!;
      const ex = explicitType(kind);
      const prev = kindTypes.get(kind);
      if (ex && ex !== t) {
        issues.push({ path: at, message: `slot ${slotNames[p]} takes ${t} objects, but objects.${kind} is declared type ${ex}` });
        ok = false;
      } else if (prev && prev !== t) {
        issues.push({ path: at, message: `slot ${slotNames[p]} takes ${t} objects, but objects.${kind} already feeds ${kindSource.get(kind)} as ${prev}` });
        ok = false;
      } else {
        kindTypes.set(kind, t);
        kindSource.set(kind, `${where} ${slotNames[p]}`);
      }
    });
    // Unordered groups: from config, else the repeated slot's positions (unless ordered).
    let unordered: number[][] = [];
    if (!Array.isArray(raw) && raw.unordered) {
      raw.unordered.forEach((g, gi) => {
        if (g.some((p) => p >= kinds.length)) issues.push({ path: `${where}.unordered[${gi}]`, message: `positions must be below ${kinds.length}` });
        else if (new Set(g.map((p) => kinds[p])).size !== 1)
          issues.push({ path: `${where}.unordered[${gi}]`, message: 'an unordered group must use one object list' });
        else unordered.push([...g].sort((x, y) => x - y));
      });
    }
    // A slot carrying one value per position of the repeated slot (merge weights) keeps that slot's
    // positions in the order chosen: distinct, but not interchangeable.
    const weighted: WeightedGroup[] = [];
    const perPositionSlot = rep >= 0 ? def.slots.findIndex((s) => s.perPosition === def.slots[rep]!.name) : -1;
    const repeatedGroups = (): number[][] => {
      const positions = slotNames.map((s, i) => (s === def.slots[rep]!.name ? i : -1)).filter((i) => i >= 0);
      const groups = new Map<string, number[]>();
      for (const p of positions) groups.set(kinds[p]!, [...(groups.get(kinds[p]!) ?? []), p]);
      return [...groups.values()].filter((g) => g.length > 1);
    };
    if (perPositionSlot >= 0) {
      const paramsAt = slotNames.indexOf(def.slots[perPositionSlot]!.name);
      const times = slotNames.filter((s) => s === def.slots[rep]!.name).length;
      const clash = unordered.find((g) => g.some((p) => slotNames[p] === def.slots[rep]!.name));
      if (clash)
        issues.push({
          path: `${where}.unordered`,
          message: `positions ${clash.join(', ')} take one ${slotNames[paramsAt]} value each, so their order matters; they cannot be unordered`,
        });
      for (const g of repeatedGroups()) weighted.push({ positions: g, paramsAt });
      perPositionChecks.push({ where, kind: kinds[paramsAt]!, slot: slotNames[paramsAt]!, times, of: def.slots[rep]!.name });
    } else if (!(!Array.isArray(raw) && raw.unordered) && rep >= 0 && !def.slots[rep]!.repeat!.ordered) {
      unordered = repeatedGroups();
    }
    let params: Record<string, JsonValue> = (!Array.isArray(raw) && raw.params) || {};
    if (def.paramsSchema) {
      const res = def.paramsSchema.safeParse(params);
      if (!res.success) {
        issues.push(...zodIssues(res.error, ['actions', name, 'params']));
        ok = false;
      } else params = res.data;
    }
    const runner = (!Array.isArray(raw) && raw.runner) || registry.defaultRunner(def);
    if (!registry.has('runner', runner)) {
      issues.push({
        path: `${where}${Array.isArray(raw) ? '' : '.runner'}`,
        message: `no runner "${runner}" registered (known: ${registry.names('runner').join(', ') || 'none'})`,
      });
      ok = false;
    }
    let runnerParams: Record<string, JsonValue> = (!Array.isArray(raw) && raw.runnerParams) || {};
    if (registry.has('runner', runner)) {
      const schema = registry.runner(runner).paramsSchema;
      if (schema) {
        const res = schema.safeParse(runnerParams);
        if (!res.success) {
          issues.push(...zodIssues(res.error, ['actions', name, 'runnerParams']));
          ok = false;
        } else runnerParams = res.data;
      }
    }
    const produces = (!Array.isArray(raw) && raw.produces) || 'models';
    if (!(produces in cfg.objects)) {
      issues.push({
        path: `${where}${Array.isArray(raw) ? '' : '.produces'}`,
        message: `produced models join objects.${produces}, which does not exist; add it (it may be an empty list) or set produces:`,
      });
      ok = false;
    }
    if (ok)
      bindings.push({ name, definition: def, kinds, slotNames, unordered, ...(weighted.length ? { weighted } : {}), params, produces, runner, runnerParams });
  }
  for (const b of bindings) {
    const t = kindTypes.get(b.produces) ?? explicitType(b.produces);
    if (t && t !== 'model') issues.push({ path: `actions.${b.name}`, message: `produces models into objects.${b.produces}, which holds ${t} objects` });
    else kindTypes.set(b.produces, 'model');
  }

  // Objects: resolve paths, name them, digest them.
  const objects: PoolObject[] = [];
  const digests = opts.digests ?? new DigestCache();
  for (const [kind, raw] of Object.entries(cfg.objects)) {
    const values = Array.isArray(raw) ? raw : raw.values;
    const names = Array.isArray(raw) ? undefined : raw.names;
    const type: ObjectType = kindTypes.get(kind) ?? explicitType(kind) ?? 'json';
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
