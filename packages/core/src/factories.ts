import type { Aggregator } from './aggregator.js';
import type { Assembly } from './assemble.js';
import type { Evaluator, GenerationBackend, TaskSpec } from './evaluator.js';
import type { Executor } from './executor.js';
import type { JsonValue } from './json.js';
import type { FactoryContext, Policy } from './policy.js';
import type { Registry } from './registry.js';

/** What plugin factories receive: the config folder, the study seed, the environment, generation backends and policies by name. */
export function makeFactoryContext(registry: Registry, configDir: string, seed: number, env: Readonly<Record<string, string | undefined>>): FactoryContext {
  const ctx: FactoryContext = {
    configDir,
    seed,
    env,
    generationBackend: async (name: string, options?: unknown): Promise<GenerationBackend> => {
      const f = registry.generationBackendFactory(name);
      const o = f.optionsSchema ? f.optionsSchema.parse(options ?? {}) : options;
      return f.create(o, ctx);
    },
    scorers: registry.scorerCatalog(),
    policy: async (name: string, options?: unknown): Promise<Policy> => {
      const f = registry.policyFactory(name);
      const o = f.optionsSchema ? f.optionsSchema.parse(options ?? {}) : options;
      return f.create(o, ctx);
    },
  };
  return ctx;
}

/** Create the evaluators `tasks` name, each with its configured options. */
export async function createEvaluators(
  registry: Registry,
  tasks: readonly TaskSpec[],
  options: Record<string, Record<string, JsonValue>>,
  ctx: FactoryContext,
): Promise<Map<string, Evaluator>> {
  const evaluators = new Map<string, Evaluator>();
  for (const t of tasks) {
    if (evaluators.has(t.evaluator)) continue;
    const f = registry.evaluatorFactory(t.evaluator);
    const o = options[t.evaluator] ?? {};
    evaluators.set(t.evaluator, await f.create(f.optionsSchema ? f.optionsSchema.parse(o) : o, ctx));
  }
  return evaluators;
}

export interface StudyParts {
  policy: Policy;
  executor: Executor;
  aggregator: Aggregator;
  evaluators: Map<string, Evaluator>;
}

/** Instantiate the policy, executor, aggregator and evaluators an assembly names, except those `given`. */
export async function instantiate(a: Assembly, registry: Registry, given: Partial<StudyParts> = {}): Promise<StudyParts> {
  const ctx = a.factoryContext;
  return {
    policy: given.policy ?? (await registry.policyFactory(a.policy.name).create(a.policy.options, ctx)),
    executor: given.executor ?? (await registry.executorFactory(a.executor.name).create(a.executor.options, ctx)),
    aggregator: given.aggregator ?? (await registry.aggregatorFactory(a.aggregation.name).create(a.aggregation.options, ctx)),
    evaluators: given.evaluators ?? (await createEvaluators(registry, a.tasks, a.evaluators, ctx)),
  };
}
