import { completionFor, WORLD_TASKS } from './skills/index.js';
import type { Rng } from '@lamdagent/core/kit';
import type { EvalItem, PreferenceExample, SftExample, WorldItem, WorldTaskName } from './types.js';

export function toSft(task: WorldTaskName, item: WorldItem): SftExample {
  return { prompt: item.prompt, completion: completionFor(task, item.answer) };
}

export function toEval(task: WorldTaskName, item: WorldItem, id: string): EvalItem {
  const answer = item.aliases && item.aliases.length > 0 ? [item.answer, ...item.aliases] : item.answer;
  return {
    id,
    prompt: item.prompt,
    answer,
    ...(WORLD_TASKS[task].scorer === 'choice' && item.choices ? { choices: item.choices } : {}),
  };
}

/** A preference pair: the correct completion against one of the item's plausible wrong answers. */
export function toPreference(task: WorldTaskName, item: WorldItem, rng: Rng): PreferenceExample {
  const rejected = rng.pick(item.wrong);
  return { prompt: item.prompt, chosen: completionFor(task, item.answer), rejected: completionFor(task, rejected) };
}

/** JSON lines text (one record per line, trailing newline). */
export function jsonl(records: readonly object[]): string {
  return records.map((r) => JSON.stringify(r)).join('\n') + (records.length > 0 ? '\n' : '');
}
