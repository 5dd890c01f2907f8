import type { ConfigIssue } from './errors.js';
import { zodIssues } from './config-load.js';
import type { StudyConfigParsed } from './config-schema.js';
import type { TaskSpec } from './evaluator.js';
import type { JsonValue } from './json.js';
import type { Factory } from './policy.js';
import type { Registry } from './registry.js';
import { evaluatorPreflight } from './evaluator-preflight.js';

type Named = { name: string; options: Record<string, JsonValue> };
/** An observer the config turns on, with its options and retry (observer.ts). */
export type ObserverUse = Named & { retry?: { attempts?: number | undefined; delayMs?: number | undefined } | undefined };

function named(v: string | Named): Named {
  return typeof v === 'string' ? { name: v, options: {} } : v;
}

/** The config's tasks, policy, executor, aggregation and evaluator options, checked against the registry; problems go to `issues`. */
export function resolveTasksAndFactories(
  cfg: StudyConfigParsed,
  registry: Registry,
  policyOverride: string | undefined,
  issues: ConfigIssue[],
  preflight: { configDir: string; env: Readonly<Record<string, string | undefined>> } = { configDir: '.', env: process.env },
): {
  tasks: TaskSpec[];
  policy: Named;
  executor: Named;
  aggregation: Named;
  evaluators: Record<string, Record<string, JsonValue>>;
  observers: ObserverUse[];
} {
  const tasks: TaskSpec[] = cfg.tasks.map((t, i) => {
    const base = Array.isArray(t) ? { name: t[0], evaluator: undefined, metric: t[1], max: 1, alpha: undefined, inReward: true, options: {} } : t;
    const evaluator = base.evaluator ?? 'suite';
    if (!registry.has('evaluator', evaluator))
      issues.push({
        path: `tasks[${i}]${Array.isArray(t) ? '' : '.evaluator'}`,
        message: `no evaluator "${evaluator}" (known: ${registry.names('evaluator').join(', ') || 'none: is @lamdagent/eval-suites installed?'})`,
      });
    return {
      name: base.name,
      evaluator,
      metric: base.metric,
      max: base.max,
      alpha: base.alpha ?? 1 / base.max,
      inReward: base.inReward,
      options: base.options,
    };
  });
  const dupTask = tasks.find((t, i) => tasks.findIndex((u) => u.name === t.name) !== i);
  if (dupTask) issues.push({ path: 'tasks', message: `task "${dupTask.name}" listed twice` });
  if (!tasks.some((t) => t.inReward)) issues.push({ path: 'tasks', message: 'at least one task must count toward the reward (inReward)' });

  // Policy, executor, aggregation: registered and options valid.
  const policy = policyOverride ? { name: policyOverride, options: {} } : named(cfg.policy);
  const executor = named(cfg.executor);
  const aggregation = named(cfg.aggregation);
  const checkFactory = (kind: 'policy' | 'executor' | 'aggregator' | 'observer', at: string, n: { name: string; options: Record<string, JsonValue> }): void => {
    if (!registry.has(kind, n.name)) {
      issues.push({ path: at, message: `no ${kind} "${n.name}" (known: ${registry.names(kind).join(', ') || 'none'})` });
      return;
    }
    const f = (
      kind === 'policy'
        ? registry.policyFactory(n.name)
        : kind === 'executor'
          ? registry.executorFactory(n.name)
          : kind === 'observer'
            ? registry.observerFactory(n.name)
            : registry.aggregatorFactory(n.name)
    ) as Factory<unknown, unknown>;
    if (f.optionsSchema) {
      const res = f.optionsSchema.safeParse(n.options);
      if (!res.success) issues.push(...zodIssues(res.error, [at, 'options']));
      else n.options = res.data as Record<string, JsonValue>;
      // Checks that need the config's folder (a model file named in the options), before anything is written.
      if (res.success && f.preflight) {
        for (const p of f.preflight(res.data, preflight)) issues.push({ path: [at, 'options', p.path].filter(Boolean).join('.'), message: p.message });
      }
    }
  };
  checkFactory('policy', 'policy', policy);
  checkFactory('executor', 'executor', executor);
  checkFactory('aggregator', 'aggregation', aggregation);
  const observers: ObserverUse[] = cfg.observers.map((o, i) => {
    const use: ObserverUse = typeof o === 'string' ? { name: o, options: {} } : { ...o };
    checkFactory('observer', `observers[${i}]`, use);
    return use;
  });

  // Evaluator options: only for evaluators that exist, checked by their own schema.
  const evaluators: Record<string, Record<string, JsonValue>> = {};
  for (const [name, options] of Object.entries(cfg.evaluators)) {
    if (!registry.has('evaluator', name)) {
      issues.push({ path: `evaluators.${name}`, message: `no evaluator "${name}" (known: ${registry.names('evaluator').join(', ') || 'none'})` });
      continue;
    }
    const schema = registry.evaluatorFactory(name).optionsSchema;
    const res = schema ? schema.safeParse(options) : undefined;
    if (res && !res.success) issues.push(...zodIssues(res.error, ['evaluators', name]));
    else evaluators[name] = options;
  }
  issues.push(...evaluatorPreflight(tasks, cfg.evaluators, registry, preflight));

  return { tasks, policy, executor, aggregation, evaluators, observers };
}
