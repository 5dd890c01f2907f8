// A toy world for @lamdagent/science's tests: models are JSON vectors, `sft` moves one toward a
// dataset's target, `merge` averages two, the `toy` evaluator scores closeness to a task's target
// (another target on the test split). Plain JS, no import of core: a plugin as a third party writes it.
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const readVec = (p) => JSON.parse(readFileSync(path.join(p, 'model.json'), 'utf8')).w;
const writeVec = (dir, w) => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'model.json'), JSON.stringify({ w }));
};
const note = (spec) => process.env.SCIENCE_TOY_LOG && appendFileSync(process.env.SCIENCE_TOY_LOG, `${spec.actionKey}\n`);

export default {
  name: 'science-toy',
  version: '1.0.0',
  apiVersion: 1,
  provides: { actionTypes: ['sft', 'merge', 'wmerge'], runners: ['toy-sft', 'toy-merge', 'toy-wmerge'], evaluators: ['toy'] },
  register(r) {
    r.actionType({
      type: 'sft',
      description: 'move a model toward a dataset target',
      slots: [
        { name: 'model', type: 'model' },
        { name: 'dataset', type: 'dataset' },
      ],
      runner: 'toy-sft',
    });
    r.actionType({
      type: 'merge',
      description: 'average two models',
      slots: [{ name: 'models', type: 'model', repeat: { min: 2, max: 2 } }],
      runner: 'toy-merge',
    });
    r.runner({
      name: 'toy-sft',
      version: '1',
      async run(spec) {
        note(spec);
        const [model, dataset] = spec.inputs;
        // JSONL: one { target } per line; a union of datasets trains toward their mean target.
        const rows = readFileSync(dataset.value, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l).target);
        const target = rows[0].map((_, i) => rows.reduce((acc, t) => acc + t[i], 0) / rows.length);
        // A little seeded "training noise", so the job seed matters as in real training.
        const noise = ((spec.seed % 1000) / 1000 - 0.5) * 0.02;
        writeVec(
          spec.outputDir,
          readVec(model.value).map((x, i) => x + 0.5 * (target[i] - x) + noise),
        );
        return {};
      },
    });
    r.actionType({
      type: 'wmerge',
      description: 'weighted sum of models',
      slots: [
        { name: 'base_model', type: 'model' },
        { name: 'models', type: 'model', repeat: { min: 2, max: 2 } },
        { name: 'weights', type: 'json' },
      ],
      runner: 'toy-wmerge',
    });
    r.runner({
      name: 'toy-wmerge',
      version: '1',
      async run(spec) {
        note(spec);
        const ms = spec.inputs.filter((i) => i.slot === 'models').map((i) => readVec(i.value));
        const w = spec.inputs.find((i) => i.slot === 'weights').value;
        writeVec(
          spec.outputDir,
          ms[0].map((_, j) => ms.reduce((acc, m, k) => acc + w[k] * m[j], 0)),
        );
        return {};
      },
    });
    r.runner({
      name: 'toy-merge',
      version: '1',
      async run(spec) {
        note(spec);
        const [a, b] = spec.inputs.map((i) => readVec(i.value));
        writeVec(
          spec.outputDir,
          a.map((x, i) => (x + b[i]) / 2),
        );
        return {};
      },
    });
    r.evaluator({
      name: 'toy',
      create: () => ({
        name: 'toy',
        async evaluate(model, task, ctx) {
          const w = readVec(model.value);
          const target = ctx.split === 'test' ? (task.options.testTarget ?? task.options.target) : task.options.target;
          const d = Math.sqrt(w.reduce((a, x, i) => a + (x - target[i]) ** 2, 0));
          return { task: task.name, metric: task.metric, score: Math.max(0, 1 - d), split: ctx.split, n: 1 };
        },
      }),
    });
  },
};
