import type { ScorerCatalog, ScorerDefinition, ScorerReference } from '@lamdagent/core';
import { SCORERS } from './index.js';
import type { Gold, Scorer, ScorerName } from './types.js';

/** A built-in scorer as a plugin contribution: 1 or 0 for pass/fail rules, the grade for graded ones. */
export function builtinScorerDefinition(s: Scorer, description: string): ScorerDefinition {
  const grade = s.grade;
  return {
    name: s.name,
    description,
    range: s.range ?? [0, 1],
    score: grade
      ? (reply: string, reference: ScorerReference) => grade(reply, reference as Gold)
      : (reply, reference) => (s.score(reply, reference as Gold) ? 1 : 0),
    extract: (reply) => s.extract(reply),
  };
}

export const BUILTIN_SCORER_DESCRIPTIONS: Readonly<Record<ScorerName, string>> = {
  numeric: 'GSM8k: the final number of the reply, exact numeric match (1 or 0)',
  choice: 'CommonsenseQA: the last [[X]] names the choice (1 or 0)',
  exact: 'TriviaQA: normalized exact match against the aliases (1 or 0)',
  toolcall: 'ACEBench (normal): the reply is exactly the right function call, compared structurally (1 or 0)',
  judge: 'rule-based MT-Bench stand-in: a rubric of rules, graded 1 to 10',
};

/** A task's scoring rule: a built-in (by plain name) or one a plugin registered (plain or `plugin:name`). */
export interface ResolvedScorer {
  name: string;
  definition: ScorerDefinition;
  /** The built-in rule, when it is one: per-item results keep `correct` (pass/fail) or `score` (graded) as before. */
  builtin?: Scorer;
  range: readonly [number, number];
}

function isBuiltin(name: string): name is ScorerName {
  return Object.hasOwn(SCORERS, name);
}

/** Names a task may give in `options.scorer`: the built-ins and what plugins registered. */
export function knownScorerNames(catalog: ScorerCatalog | undefined): string[] {
  return [...new Set([...Object.keys(SCORERS), ...(catalog?.names() ?? [])])];
}

/** Why a scorer name cannot be used (unknown: the known names; ambiguous: the qualified names), or undefined. */
export function scorerProblem(name: string, catalog: ScorerCatalog | undefined): string | undefined {
  if (isBuiltin(name)) return undefined;
  const why = catalog?.problem(name);
  if (catalog && why?.includes('is provided by')) return why;
  if (catalog && why === undefined) return undefined;
  return `unknown scorer "${name}" (known: ${knownScorerNames(catalog).join(', ')}); a scorer from another plugin needs that plugin listed in plugins: or installed`;
}

/**
 * The scorer a name refers to. A plain built-in name (`numeric`, ...) is always the built-in; a plugin's
 * scorer of the same plain name is reached by its qualified name `plugin:name`.
 */
export function resolveScorer(name: string, catalog: ScorerCatalog | undefined): ResolvedScorer {
  if (isBuiltin(name)) {
    const s = SCORERS[name];
    return { name, definition: builtinScorerDefinition(s, BUILTIN_SCORER_DESCRIPTIONS[name]), builtin: s, range: s.range ?? [0, 1] };
  }
  const why = scorerProblem(name, catalog);
  if (why || !catalog) throw new TypeError(why ?? `unknown scorer "${name}"`);
  const definition = catalog.get(name);
  const range = definition.range ?? [0, 1];
  if (!(Number.isFinite(range[0]) && Number.isFinite(range[1]) && range[0] < range[1]))
    throw new TypeError(`scorer "${name}": range must be two finite numbers, low < high (got ${JSON.stringify(range)})`);
  return { name, definition, range };
}
