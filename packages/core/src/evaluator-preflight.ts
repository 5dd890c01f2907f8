import type { ConfigIssue } from './errors.js';
import type { TaskSpec } from './evaluator.js';
import type { JsonValue } from './json.js';
import type { PreflightContext } from './policy.js';
import type { Registry } from './registry.js';

/**
 * Each evaluator's own checks of the tasks it scores (data files exist and parse, task names it knows), run with
 * the config's validation before anything is written. Evaluators without `preflight`, or with invalid options
 * (reported elsewhere), are skipped.
 */
export function evaluatorPreflight(
  tasks: readonly TaskSpec[],
  evaluatorOptions: Readonly<Record<string, Record<string, JsonValue>>>,
  registry: Registry,
  ctx: PreflightContext,
): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const name of new Set(tasks.map((t) => t.evaluator))) {
    if (!registry.has('evaluator', name)) continue;
    const f = registry.evaluatorFactory(name);
    if (!f.preflight) continue;
    const raw = evaluatorOptions[name] ?? {};
    const parsed = f.optionsSchema ? f.optionsSchema.safeParse(raw) : { success: true as const, data: raw };
    if (!parsed.success) continue;
    for (const p of f.preflight(parsed.data, { ...ctx, scorers: ctx.scorers ?? registry.scorerCatalog(), tasks: tasks.filter((t) => t.evaluator === name) }))
      issues.push(p);
  }
  return issues;
}
