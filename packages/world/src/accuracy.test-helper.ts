import { generate, TinyLM } from '@lamdagent/tinylm';
import { WORLD_TASKS } from './skills/index.js';
import type { WorldItem, WorldTaskName } from './types.js';

/** Minimal scorers for tests (the real ones live in @lamdagent/eval-suites, which this package does not depend on). */
export function isCorrect(task: WorldTaskName, prediction: string, golds: readonly string[]): boolean {
  switch (WORLD_TASKS[task].scorer) {
    case 'numeric':
      return golds.includes((prediction.match(/\d+/g) ?? []).at(-1) ?? '');
    case 'choice':
      return golds.includes([...prediction.matchAll(/\[\[([A-Z])\]\]/g)].at(-1)?.[1] ?? '');
    case 'exact':
      return golds.some((g) => g.toLowerCase() === prediction.trim().replace(/[.,]$/, '').toLowerCase());
  }
}

/** Greedy accuracy of the model in `modelDir` on `items` (answer plus aliases count). */
export async function accuracy(
  modelDir: string,
  task: WorldTaskName,
  items: readonly { prompt: string; answer: string | string[]; aliases?: string[] }[],
): Promise<number> {
  const model = await TinyLM.load(modelDir);
  try {
    const outs = await generate(
      model,
      items.map((i) => i.prompt),
      { maxNewTokens: WORLD_TASKS[task].maxNewTokens, stop: ['\n'] },
    );
    return (
      outs.filter((o, k) => {
        const item = items[k];
        if (!item) return false;
        const golds = [...(Array.isArray(item.answer) ? item.answer : [item.answer]), ...(item.aliases ?? [])];
        return isCorrect(task, o, golds);
      }).length / items.length
    );
  } finally {
    model.dispose();
  }
}

/**
 * The expected accuracy of a guesser that has the answer's form but not the skill: multiple choice,
 * the most frequent letter (about 1/3); arithmetic, the most frequent answer; reading, one of the
 * context's facts picked at random, its value answered (1/2: every context states two facts).
 */
export function guessRate(task: 'arith' | 'mc' | 'rc', items: readonly WorldItem[]): number {
  if (task === 'rc') {
    let sum = 0;
    for (const item of items) {
      const context = item.prompt.slice(0, item.prompt.indexOf(' Q: '));
      sum += 1 / Math.max(1, (context.match(/\./g) ?? []).length);
    }
    return sum / items.length;
  }
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item.answer, (counts.get(item.answer) ?? 0) + 1);
  return Math.max(...counts.values()) / items.length;
}

/**
 * Hoeffding's bound: a guesser with success rate p scores at least p + t on n independent items
 * with probability at most exp(-2 n t²). The margin t for which that probability is `delta`.
 */
export function hoeffdingMargin(n: number, delta: number): number {
  return Math.sqrt(Math.log(1 / delta) / (2 * n));
}
