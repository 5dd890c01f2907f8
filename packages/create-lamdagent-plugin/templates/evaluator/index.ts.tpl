import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CORE_API_VERSION, definePlugin, z, type Evaluator } from '@lamdagent/core';

// Replace the metric with yours. This one scores the toy world's models (model.json = { "w": number[] })
// against a task's `options.target`, one item per coordinate; a real evaluator generates answers with
// the model folder and scores a dataset (docs/plugins.md).
const Task = z.object({ target: z.array(z.number()).min(1) });

export const evaluator: Evaluator = {
  name: '__NAME__',
  async evaluate(model, task, ctx) {
    const opts = Task.safeParse(task.options);
    if (!opts.success) throw new Error(`task ${task.name}: options.target must be a non-empty number array`);
    const file = path.join(String(model.value), 'model.json');
    const { w } = z.object({ w: z.array(z.number()) }).parse(JSON.parse(readFileSync(file, 'utf8')));
    const items = opts.data.target.map((t, i) => ({ item: i, score: 1 / (1 + Math.abs((w[i] ?? 0) - t)) }));
    mkdirSync(ctx.outDir, { recursive: true });
    const itemsPath = path.join(ctx.outDir, `${task.name}.${ctx.split}.jsonl`);
    writeFileSync(itemsPath, items.map((x) => JSON.stringify(x)).join('\n') + '\n');
    const score = (items.reduce((a, x) => a + x.score, 0) / items.length) * task.max;
    return { task: task.name, metric: task.metric, score, split: ctx.split, n: items.length, itemsPath };
  },
};

export default definePlugin({
  name: '__PKG__',
  version: '0.1.0',
  apiVersion: CORE_API_VERSION,
  provides: { evaluators: ['__NAME__'] },
  register(r) {
    r.evaluator({ name: '__NAME__', description: 'closeness to a target, per coordinate', create: () => evaluator });
  },
});
