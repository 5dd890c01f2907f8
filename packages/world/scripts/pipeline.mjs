/**
 * Runs one probe pipeline on a tiny model, outside a study: the step runner of scripts/tools-probe.mjs
 * and experiments/tools/probe.mjs. Steps (comma-separated): `sft:<dataset>@<lr>x<epochs>` (batch 8,
 * seed 1), `dpo:<pairs>@<lr>` (beta 0.1, batch 8), `ties:<w>` (TIES of the model's task vector against
 * `baseDir`, weight w, density 0.5, not normalized), `lin:<w>` (w × model + (1 − w) × base), `save:<dir>`.
 * Returns the resulting model (the input model is disposed when a merge replaces it) and the training seconds.
 */
import { gradeJudge, scoreToolCall } from '@lamdagent/eval-suites';
import { dpo, generate, sft, TinyLM } from '@lamdagent/tinylm';
import { join } from 'node:path';

let merges = 0;

/**
 * @param {TinyLM} model
 * @param {string} pipeline
 * @param {{ sftRows: (name: string) => object[], preferenceRows: (name: string) => object[], warmup: number, baseDir: string, tmp: string }} o
 */
export async function runPipeline(model, pipeline, o) {
  let seconds = 0;
  for (const step of pipeline.split(',').filter(Boolean)) {
    const [kind, spec = ''] = step.split(':');
    const [name, hp = ''] = spec.split('@');
    const [lr, epochs] = hp.split('x');
    if (kind === 'sft') {
      const m = await sft(model, o.sftRows(name), { learningRate: Number(lr || 1e-3), epochs: Number(epochs || 1), batchSize: 8, seed: 1, warmup: o.warmup });
      seconds += m.seconds;
    } else if (kind === 'dpo') {
      const reference = model.clone();
      const m = await dpo(model, reference, o.preferenceRows(name), { learningRate: Number(lr || 1e-3), epochs: 1, batchSize: 8, seed: 1, beta: 0.1 });
      reference.dispose();
      seconds += m.seconds;
    } else if (kind === 'ties' || kind === 'lin') {
      // The sibling package's build (world does not depend on action-ties; merges are for probes only).
      const { mergeCheckpoints } = await import(new URL('../../action-ties/dist/index.js', import.meta.url).href);
      const w = Number(spec || 1);
      const dir = join(o.tmp, `m${merges++}`);
      await model.save(join(dir, 'in'));
      const merge =
        kind === 'ties'
          ? { merge: { method: 'ties', weights: [w], density: 0.5, normalize: false }, base: o.baseDir, models: [join(dir, 'in')] }
          : { merge: { method: 'linear', weights: [w, 1 - w] }, base: o.baseDir, models: [join(dir, 'in'), o.baseDir] };
      await mergeCheckpoints({ ...merge, outputDir: join(dir, 'out'), threads: 0 });
      model.dispose();
      model = await TinyLM.load(join(dir, 'out'));
    } else if (kind === 'save') {
      await model.save(spec);
    } else throw new Error(`unknown step ${step} (sft:, dpo:, ties:, lin: or save:)`);
  }
  return { model, seconds };
}

/**
 * Scores a model on tool_call items (`{prompt, answer}`, exact call, 64 new tokens) and instruct items
 * (the rule-based judge, 40 new tokens), greedy: the replies, which tool calls were right, the tool_call
 * accuracy and the mean judge grade.
 * @param {TinyLM} model
 * @param {{ prompt: string, answer: string }[]} tools
 * @param {{ prompt: string, answer: string }[]} inst
 */
export async function scoreTools(model, tools, inst) {
  const toolReplies = await generate(
    model,
    tools.map((x) => x.prompt),
    { maxNewTokens: 64, stop: ['\n'] },
  );
  const instReplies = await generate(
    model,
    inst.map((x) => x.prompt),
    { maxNewTokens: 40, stop: ['\n'] },
  );
  const ok = tools.map((x, i) => scoreToolCall(toolReplies[i], x.answer));
  const tool = ok.filter(Boolean).length / tools.length;
  const judge = inst.reduce((s, x, i) => s + gradeJudge(instReplies[i], x.answer), 0) / inst.length;
  return { toolReplies, instReplies, ok, tool, judge };
}
