import {
  ActionSpace,
  CORE_API_VERSION,
  ObjectPool,
  PluginManifestSchema,
  Registry,
  registerBuiltins,
  registerPlugin,
  type ActionBinding,
  type ActionTypeDefinition,
  type PluginManifest,
  type PoolObject,
} from '@lamdagent/core';
import { Rng } from '@lamdagent/core/kit';
import { describe, expect, it } from 'vitest';

export interface ConformanceOptions {
  /** Options to create each policy/executor/evaluator/aggregator factory with (by name). Default `{}`. */
  factoryOptions?: Record<string, unknown>;
  /** Factories that cannot be created without external resources (an API key, a server): skipped by name. */
  skipCreate?: string[];
  /** A reference answer each scorer accepts (by name), for the check that an empty reply scores inside its range. Default `"x"`. */
  scorerReferences?: Record<string, string | number | (string | number)[]>;
}

async function freshRegistry(plugin: PluginManifest): Promise<Registry> {
  const r = new Registry();
  // Plugins may rely on core's built-ins (aggregators, executors); core itself is registered once.
  if (plugin.name !== '@lamdagent/core') await registerBuiltins(r);
  await registerPlugin(r, plugin, plugin.name);
  return r;
}

/** A small pool and space for each action type, with objects of the slot types. */
function tinySpace(def: ActionTypeDefinition): { pool: ObjectPool; space: ActionSpace } {
  const pool = new ObjectPool();
  const kinds: string[] = [];
  const slotNames: string[] = [];
  def.slots.forEach((s) => {
    const n = s.repeat ? Math.max(2, s.repeat.min) : 1;
    for (let j = 0; j < n; j++) {
      kinds.push(`k_${s.name}`);
      slotNames.push(s.name);
    }
    if (!pool.ofKind(`k_${s.name}`).length) {
      for (let i = 0; i < n + 1; i++) {
        const o: PoolObject = {
          id: `k_${s.name}/${i}`,
          kind: `k_${s.name}`,
          type: s.type,
          name: `${s.name}${i}`,
          value: s.type === 'number' ? i + 1 : `/tmp/${s.name}${i}`,
          digest: `${s.name}${i}`,
        };
        pool.add(o);
      }
    }
  });
  const rep = def.slots.find((s) => s.repeat && !s.repeat.ordered);
  const unordered = rep ? [slotNames.map((n, i) => (n === rep.name ? i : -1)).filter((i) => i >= 0)] : [];
  const binding: ActionBinding = {
    name: def.type,
    definition: def,
    kinds,
    slotNames,
    unordered,
    params: {},
    produces: `k_${def.slots[0]!.name}`,
    runner: def.runner,
    runnerParams: {},
  };
  return { pool, space: new ActionSpace(pool, [binding], () => '1') };
}

/**
 * Register vitest suites that check a plugin against the contract every LaMDAgent plugin honours
 * (the pattern of LangChain's standard integration tests). Call it from a `*.test.ts` in the plugin:
 *
 *   import plugin from './index.js';
 *   import { pluginConformance } from '@lamdagent/testkit';
 *   pluginConformance(plugin);
 */
export function pluginConformance(plugin: PluginManifest, opts: ConformanceOptions = {}): void {
  describe(`plugin conformance: ${plugin.name}`, () => {
    it('has a valid manifest that targets this core API version', () => {
      expect(PluginManifestSchema.safeParse(plugin).success).toBe(true);
      expect(plugin.apiVersion).toBe(CORE_API_VERSION);
      expect(plugin.version).toMatch(/^\d+\.\d+\.\d+/);
    });

    it('registers exactly what it declares, and cannot be registered twice in one registry', async () => {
      const r = await freshRegistry(plugin);
      await expect(registerPlugin(r, plugin, plugin.name)).rejects.toThrow(/already provided by/);
    });

    it('declares usable action types: described slots, a registered runner, params defaults and smoke params that validate', async () => {
      const r = await freshRegistry(plugin);
      for (const name of plugin.provides.actionTypes ?? []) {
        const def = r.actionType(name);
        expect(def.description.length, `${name}.description`).toBeGreaterThan(0);
        expect(def.slots.length, `${name}.slots`).toBeGreaterThan(0);
        expect(new Set(def.slots.map((s) => s.name)).size, `${name} slot names unique`).toBe(def.slots.length);
        expect(def.slots.filter((s) => s.repeat).length, `${name}: at most one repeated slot`).toBeLessThanOrEqual(1);
        expect(r.has('runner', def.runner), `${name}.runner "${def.runner}" is registered`).toBe(true);
        if (def.paramsSchema) {
          expect(def.paramsSchema.safeParse({}).success, `${name}: params defaults`).toBe(true);
          if (def.smoke) expect(def.paramsSchema.safeParse(def.smoke.params).success, `${name}: smoke params`).toBe(true);
        }
        const { space } = tinySpace(def);
        expect(space.countFor(0)).toBeGreaterThan(0);
        for (const a of (plugin.provides.actionTypes ?? []).flatMap((t) => r.actionType(t).aliases ?? [])) expect(r.hasActionType(a)).toBe(true);
      }
    });

    it('versions its runners', async () => {
      const r = await freshRegistry(plugin);
      for (const name of plugin.provides.runners ?? []) {
        const runner = r.runner(name);
        expect(runner.version.length, `${name}.version`).toBeGreaterThan(0);
        expect(typeof runner.run).toBe('function');
      }
    });

    it('creates its factories from validated options', async () => {
      const r = await freshRegistry(plugin);
      const ctx = {
        configDir: process.cwd(),
        seed: 0,
        env: {},
        generationBackend: () => Promise.reject(new Error('no generation backend in conformance tests')),
      };
      const kinds = [
        ['policies', (n: string) => r.policyFactory(n)],
        ['executors', (n: string) => r.executorFactory(n)],
        ['evaluators', (n: string) => r.evaluatorFactory(n)],
        ['aggregators', (n: string) => r.aggregatorFactory(n)],
        ['generationBackends', (n: string) => r.generationBackendFactory(n)],
      ] as const;
      for (const [key, get] of kinds) {
        for (const name of plugin.provides[key] ?? []) {
          if (opts.skipCreate?.includes(name)) continue;
          const f = get(name);
          const raw = opts.factoryOptions?.[name] ?? {};
          const options = f.optionsSchema ? f.optionsSchema.parse(raw) : raw;
          const made = (await f.create(options, ctx)) as { name?: string };
          expect(made, `${key} ${name}`).toBeTruthy();
        }
      }
    });

    it('policies choose only among enumerated candidates', async () => {
      const r = await freshRegistry(plugin);
      for (const name of plugin.provides.policies ?? []) {
        if (opts.skipCreate?.includes(name)) continue;
        const f = r.policyFactory(name);
        const raw = opts.factoryOptions?.[name] ?? {};
        const policy = await f.create(f.optionsSchema ? f.optionsSchema.parse(raw) : raw, {
          configDir: process.cwd(),
          seed: 0,
          env: {},
          generationBackend: () => Promise.reject(new Error('none')),
        });
        const def: ActionTypeDefinition = {
          type: 'merge',
          description: 'test',
          runner: 'x',
          slots: [
            { name: 'models', type: 'model', repeat: { min: 2 } },
            { name: 'w', type: 'number' },
          ],
        };
        const { pool, space } = tinySpace(def);
        const sel = await policy.select({
          iteration: 0,
          space,
          pool: pool.all(),
          history: [],
          pending: [],
          rng: new Rng(1),
          signal: new AbortController().signal,
        });
        const keys = new Set(Array.from({ length: space.countFor(0) }, (_, i) => space.atFor(0, i).key));
        expect(keys.has(sel.action.key), `${name} picked an enumerated action`).toBe(true);
      }
    });

    it('scorers have a valid range and score a reply inside it', async () => {
      const r = await freshRegistry(plugin);
      for (const name of plugin.provides.scorers ?? []) {
        const d = r.scorer(name);
        const [lo, hi] = d.range ?? [0, 1];
        expect(Number.isFinite(lo) && Number.isFinite(hi) && lo < hi, `scorer ${name} range`).toBe(true);
        const options = d.optionsSchema ? d.optionsSchema.parse(opts.factoryOptions?.[name] ?? {}) : undefined;
        const s = d.score('', opts.scorerReferences?.[name] ?? 'x', { id: '0', prompt: 'Q:' }, options);
        expect(Number.isFinite(s) && s >= lo && s <= hi, `scorer ${name} scores an empty reply in [${lo}, ${hi}]`).toBe(true);
      }
    });

    it('aggregators return a finite reward that grows with the scores', async () => {
      const r = await freshRegistry(plugin);
      for (const name of plugin.provides.aggregators ?? []) {
        const agg = await r
          .aggregatorFactory(name)
          .create({}, { configDir: '.', seed: 0, env: {}, generationBackend: () => Promise.reject(new Error('none')) });
        const tasks = [{ name: 'a', evaluator: 'e', metric: 'acc', max: 1, alpha: 1, inReward: true, options: {} }];
        const lo = agg.aggregate([{ task: 'a', metric: 'acc', score: 0.2, split: 'validation' }], tasks);
        const hi = agg.aggregate([{ task: 'a', metric: 'acc', score: 0.8, split: 'validation' }], tasks);
        expect(Number.isFinite(lo)).toBe(true);
        expect(hi).toBeGreaterThan(lo);
      }
    });
  });
}
