import { UsageError } from '@lamdagent/core';
import { z } from 'zod';

/** Options of the `surrogate` policy (config `policy: { name: surrogate, options: {...} }`). */
export const SurrogateOptionsSchema = z
  .object({
    /** How to choose among the candidates: expected improvement over the best reward so far, or a Thompson sample (one tree of the forest). */
    acquisition: z.enum(['ei', 'thompson']).default('ei'),
    /**
     * The first trials, before the surrogate is fitted: `cover` tries every action type and every value of
     * its non-model slots (each dataset, each hyperparameter value) once, applied to the best-scored model;
     * `random` leaves them to `initialRandom` random-type trials only.
     */
    initialDesign: z.enum(['cover', 'random']).default('cover'),
    /** Trials chosen at random-type before the surrogate is fitted, after the covering design (it needs at least 2 observed trials; initial models' scores enter as parent rewards). */
    initialRandom: z.number().int().min(0).max(1000).default(2),
    /** Trees of the forest. */
    trees: z.number().int().min(1).max(500).default(32),
    /** Smallest number of observations in a leaf. */
    minLeaf: z.number().int().min(1).max(50).default(2),
    /** Deepest split. */
    maxDepth: z.number().int().min(1).max(32).default(8),
    /** Share of the features tried at each split. */
    featureFraction: z.number().gt(0).max(1).default(0.6),
    /** Candidates scored per choice: every untried action when the space has at most this many, else a balanced sample plus children of the best models. */
    candidates: z.number().int().min(1).max(100000).default(1024),
    /** Best models whose children are always among the candidates. */
    parents: z.number().int().min(0).max(100).default(5),
    /** Exploration margin of expected improvement (reward units). */
    xi: z.number().min(0).max(1).default(0.01),
    /** Floor of the predictive standard deviation (reward units), so an untried region keeps some chance. */
    minSd: z.number().min(0).max(1).default(0.01),
  })
  .strict();
export type SurrogateOptions = z.infer<typeof SurrogateOptionsSchema>;

/** Options of the `evolution` policy. */
export const EvolutionOptionsSchema = z
  .object({
    /** Models alive (the most recent scored ones; initial models first): older ones age out (regularized evolution). */
    population: z.number().int().min(2).max(10000).default(16),
    /** Members drawn per tournament; the best of them is the parent. */
    tournament: z.number().int().min(1).max(1000).default(4),
    /** Chance of a random-type action instead of a child. */
    explore: z.number().min(0).max(1).default(0.1),
    /** Chance that a merge's second model is another tournament winner (crossover) instead of a random one. */
    crossover: z.number().min(0).max(1).default(0.5),
    /** Chance that a produced parent is varied instead of extended: the action that made it, with one input changed (a point mutation of its last step). */
    vary: z.number().min(0).max(1).default(0.5),
    /** Draws per choice before giving up on finding an untried child. */
    maxTries: z.number().int().min(1).max(100000).default(64),
  })
  .strict()
  .refine((o) => o.tournament <= o.population, { message: 'tournament must not exceed population', path: ['tournament'] });
export type EvolutionOptions = z.infer<typeof EvolutionOptionsSchema>;

/** A schema whose issues name the policy and the option (`surrogate policy, option trees: ...`), at the same paths. */
export function namedOptions<O>(policy: string, schema: z.ZodType<O>): z.ZodType<O> {
  return z.unknown().transform((value, ctx) => {
    const r = schema.safeParse(value ?? {});
    if (r.success) return r.data;
    for (const i of r.error.issues) {
      const at = i.path.map(String).join('.');
      const what = i.code === 'unrecognized_keys' ? `unknown option${i.keys.length > 1 ? 's' : ''} ${i.keys.join(', ')}` : i.message;
      ctx.addIssue({ code: 'custom', path: i.path, message: `${policy} policy${at ? `, option ${at}` : ''}: ${what}` });
    }
    return z.NEVER;
  }) as unknown as z.ZodType<O>;
}

/** Parse a policy's options (constructor use): a UsageError naming the policy and each bad option. */
export function parsePolicyOptions<O>(policy: string, schema: z.ZodType<O>, value: unknown): O {
  const r = namedOptions(policy, schema).safeParse(value);
  if (!r.success) throw new UsageError(r.error.issues.map((i) => i.message).join('; '));
  return r.data;
}

/** Options of the `halving` policy (multi-fidelity). */
export const HalvingOptionsSchema = z
  .object({
    /**
     * Low-fidelity variants, by object name: `{ "arith-250": "arith-1k" }` (the first is a smaller sample
     * of the second, same pool list). Files named `x.0.25x.jsonl` beside `x.jsonl` pair up without this.
     */
    low: z.record(z.string(), z.string()).default({}),
    /** Screens (low-fidelity trials) per rung of successive halving. */
    screens: z.number().int().min(2).max(1000).default(6),
    /** Keep the best 1/eta of each rung: they are run again at full fidelity. */
    eta: z.number().int().min(2).max(100).default(3),
    /** Full-fidelity models alive for parent selection (as `evolution`). */
    population: z.number().int().min(2).max(10000).default(16),
    /** Members drawn per tournament. */
    tournament: z.number().int().min(1).max(1000).default(3),
    /** Draws per choice before giving up on finding an untried screen. */
    maxTries: z.number().int().min(1).max(100000).default(64),
  })
  .strict()
  .refine((o) => o.tournament <= o.population, { message: 'tournament must not exceed population', path: ['tournament'] });
export type HalvingOptions = z.infer<typeof HalvingOptionsSchema>;
