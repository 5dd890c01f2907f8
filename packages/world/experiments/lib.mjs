import { generate, sequenceLogProbs, sft, TinyLM } from '@lamdagent/tinylm';
import { drawSplits, WORLD_TASKS, completionFor } from '@lamdagent/world';
export function correct(task, prediction, answer) {
  const golds = Array.isArray(answer) ? answer : [answer];
  switch (WORLD_TASKS[task].scorer) {
    case 'numeric':
      return golds.includes((prediction.match(/\d+/g) ?? []).at(-1) ?? '');
    case 'choice':
      return golds.includes([...prediction.matchAll(/\[\[([A-Z])\]\]/g)].at(-1)?.[1] ?? '');
    case 'exact':
      return golds.some((g) => g.toLowerCase() === prediction.trim().replace(/[.,]$/, '').toLowerCase());
  }
}
export async function acc(model, task, items) {
  const outs = await generate(
    model,
    items.map((i) => i.prompt),
    { maxNewTokens: Number(process.env.MAXNEW ?? WORLD_TASKS[task].maxNewTokens), stop: ['\n'] },
  );
  const ok = outs.filter((o, k) => correct(task, o, [items[k].answer, ...(items[k].aliases ?? [])]));
  return { acc: ok.length / items.length, outs };
}
export { generate, sequenceLogProbs, sft, TinyLM, drawSplits, completionFor };
