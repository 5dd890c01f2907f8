// Mergeable specialists (issue 14; opt-in): a shared multi-skill "primer" and one light specialist per
// skill trained from it, so that a merge of two specialists of different skills can beat both parents
// (the shipped 16-epoch specialists, trained from the pretrained base, cannot be merged: README,
// "Mergeable specialists").
import { z } from 'zod';
import type { SftExample, SkillName } from './types.js';

/** SFT of the primer: the base model on the first `perSkill` examples of each skill's train set. */
export const MERGEABLE_PRIMER_DEFAULTS = { perSkill: 300, epochs: 2, learningRate: 2e-3, batchSize: 8 } as const;
/** SFT of each light specialist: the primer on its skill's whole train set. */
export const MERGEABLE_SPECIALIST_DEFAULTS = { epochs: 1, learningRate: 1e-3, batchSize: 8 } as const;

export const MergeableOptionsSchema = z
  .object({
    primer: z
      .object({
        perSkill: z.number().int().min(1).default(MERGEABLE_PRIMER_DEFAULTS.perSkill),
        epochs: z.number().positive().default(MERGEABLE_PRIMER_DEFAULTS.epochs),
        learningRate: z.number().positive().default(MERGEABLE_PRIMER_DEFAULTS.learningRate),
        batchSize: z.number().int().min(1).default(MERGEABLE_PRIMER_DEFAULTS.batchSize),
      })
      .strict()
      .default(MERGEABLE_PRIMER_DEFAULTS),
    specialist: z
      .object({
        epochs: z.number().positive().default(MERGEABLE_SPECIALIST_DEFAULTS.epochs),
        learningRate: z.number().positive().default(MERGEABLE_SPECIALIST_DEFAULTS.learningRate),
        batchSize: z.number().int().min(1).default(MERGEABLE_SPECIALIST_DEFAULTS.batchSize),
      })
      .strict()
      .default(MERGEABLE_SPECIALIST_DEFAULTS),
  })
  .strict();
export type MergeableOptions = z.input<typeof MergeableOptionsSchema>;
export type ResolvedMergeableOptions = z.output<typeof MergeableOptionsSchema>;

export const MERGEABLE_FORMAT = 'lamdagent-world-mergeable/1';

/** What the variant wrote (absolute paths): the primer (the merges' base) and the light specialists. */
export interface MergeableModels {
  primer: string;
  specialists: Record<SkillName, string>;
}

/** SFT seed of the primer for a world seed. */
export function primerSeed(worldSeed: number): number {
  return 7 + 31 * worldSeed;
}

/** SFT seed of a specialist, shipped or light: `world seed * 31 + skill index`. */
export function lightSpecialistSeed(worldSeed: number, skillIndex: number): number {
  return worldSeed * 31 + skillIndex;
}

/** The primer's examples: the first `perSkill` of each skill's set, skills in order (the SFT shuffles them). */
export function primerExamples(sets: readonly (readonly SftExample[])[], perSkill: number): SftExample[] {
  return sets.flatMap((s) => s.slice(0, perSkill));
}
