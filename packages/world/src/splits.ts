import { Rng } from '@lamdagent/core/kit';
import { GENERATORS, WORLD_TASKS } from './skills/index.js';
import type { WorldItem, WorldTaskName } from './types.js';

export type SplitName = 'train' | 'validation' | 'test';

export interface SplitSizes {
  trainSize: number;
  valSize: number;
  testSize: number;
}

/** Draws `n` items whose prompts are new (not in `seen`), adding them to `seen`. */
function drawUnique(task: WorldTaskName, rng: Rng, n: number, seen: Set<string>): WorldItem[] {
  const out: WorldItem[] = [];
  const maxAttempts = 100 * n + 1000;
  for (let attempt = 0; out.length < n; attempt++) {
    if (attempt >= maxAttempts) {
      throw new RangeError(`world task ${task}: could only draw ${out.length} distinct items of ${n} requested`);
    }
    const item = GENERATORS[task](rng);
    if (seen.has(item.prompt)) continue;
    seen.add(item.prompt);
    out.push(item);
  }
  return out;
}

/**
 * The splits of one task. Test is drawn first, then validation, then train (in-distribution tasks
 * only), each from its own seeded stream and never repeating an earlier prompt: the test split
 * depends only on the seed and its size, and no prompt is in two splits.
 */
export function drawSplits(task: WorldTaskName, seed: number, sizes: SplitSizes): Partial<Record<SplitName, WorldItem[]>> {
  const seen = new Set<string>();
  const test = drawUnique(task, Rng.labelled(seed, task, 'test'), sizes.testSize, seen);
  const validation = drawUnique(task, Rng.labelled(seed, task, 'validation'), sizes.valSize, seen);
  if (WORLD_TASKS[task].ood) return { validation, test };
  const train = drawUnique(task, Rng.labelled(seed, task, 'train'), sizes.trainSize, seen);
  return { train, validation, test };
}
