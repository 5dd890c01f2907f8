// A toy plugin for the study integration test: models are JSON vectors, SFT moves a model toward a
// dataset's target, merging averages models, and the evaluator scores closeness to a task's target.
// Plain JS importing nothing from core, as a third-party plugin would be.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const readVec = (p) => JSON.parse(readFileSync(path.join(p, 'model.json'), 'utf8')).w;
const writeVec = (dir, w) => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'model.json'), JSON.stringify({ w }));
};

export default {
  name: 'policy-llm-toy',
  version: '1.0.0',
  apiVersion: 1,
  provides: { actionTypes: ['sft', 'ties'], runners: ['toy-train', 'toy-merge'], evaluators: ['toy'] },
  register(r) {
    r.actionType({
      type: 'sft',
      description: 'Move a model toward a dataset target.',
      slots: [
        { name: 'model', type: 'model' },
        { name: 'dataset', type: 'dataset' },
        { name: 'learning_rate', type: 'number' },
      ],
      runner: 'toy-train',
    });
    r.actionType({
      type: 'ties',
      aliases: ['ties_merging'],
      description: 'Average models.',
      slots: [
        { name: 'base_model', type: 'model' },
        { name: 'models', type: 'model', repeat: { min: 2, max: 2 } },
        { name: 'weights', type: 'json' },
        { name: 'density', type: 'number' },
      ],
      runner: 'toy-merge',
    });
    r.runner({
      name: 'toy-train',
      version: '1',
      async run(spec, ctx) {
        const [model, dataset, lr] = spec.inputs;
        const data = JSON.parse(readFileSync(dataset.value, 'utf8'));
        if (data.fail) throw new Error(`dataset ${dataset.name} is broken: ${data.fail}`);
        const w = readVec(model.value).map((x, i) => x + lr.value * (data.target[i] - x));
        writeVec(spec.outputDir, w);
        ctx.log(`trained to ${w}`);
        return { metrics: { steps: 1 } };
      },
    });
    r.runner({
      name: 'toy-merge',
      version: '1',
      async run(spec) {
        const models = spec.inputs.filter((i) => i.slot === 'models').map((i) => readVec(i.value));
        writeVec(
          spec.outputDir,
          models[0].map((_, j) => models.reduce((a, m) => a + m[j], 0) / models.length),
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
          const t = task.options.target;
          const d = Math.sqrt(w.reduce((a, x, i) => a + (x - t[i]) ** 2, 0));
          return { task: task.name, metric: task.metric, score: Math.max(0, 1 - d), split: ctx.split, n: 1 };
        },
      }),
    });
  },
};
