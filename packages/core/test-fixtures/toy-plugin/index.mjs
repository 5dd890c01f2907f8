// A toy plugin used by core's tests: models are JSON vectors, training moves them toward a dataset's
// target, merging averages them, and the evaluator scores closeness to a task's target. Plain JS that
// imports nothing from core: it exercises the plugin contract exactly as a third-party package would.
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const readVec = (p) => JSON.parse(readFileSync(path.join(p, 'model.json'), 'utf8')).w;
const writeVec = (dir, w) => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'model.json'), JSON.stringify({ w }));
};
const sleep = (ms, signal) =>
  new Promise((res, rej) => {
    const t = setTimeout(res, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        rej(signal.reason);
      },
      { once: true },
    );
  });
const record = (spec) => {
  const log = process.env.TOY_EXEC_LOG;
  if (log) appendFileSync(log, `${spec.actionKey} ${spec.jobId}${spec.smoke ? ' smoke' : ''}\n`);
};

const trainRunner = {
  name: 'toy-train',
  version: '1',
  async run(spec, ctx) {
    record(spec);
    const [model, dataset, lr] = spec.inputs;
    const data = JSON.parse(readFileSync(dataset.value, 'utf8'));
    if (data.fail === 'throw') throw new Error('dataset is broken');
    if (data.fail === 'exit') process.exit(3);
    if (data.fail === 'hang') await sleep(60_000, ctx.signal);
    if (data.fail === 'noresult') process.exit(0);
    if (data.fail === 'smoke' && spec.smoke) throw new Error('smoke check failed: bad tokenizer');
    // busyMs: a job deaf to SIGTERM (it never yields to the event loop; only SIGKILL ends it), as a stuck trainer may be.
    if (spec.params.busyMs) for (const end = Date.now() + Number(spec.params.busyMs); Date.now() < end;);
    await sleep(Number(spec.params.sleepMs ?? 0), ctx.signal);
    // deafMs: an async job that ignores the abort signal (its timer keeps an in-process study alive).
    if (spec.params.deafMs) await sleep(Number(spec.params.deafMs));
    const w = readVec(model.value).map((x, i) => x + lr.value * (data.target[i] - x));
    writeVec(spec.outputDir, w);
    ctx.log(`trained to ${w}`);
    return { metrics: { steps: 1 } };
  },
};

const mergeRunner = {
  name: 'toy-merge',
  version: '1',
  async run(spec) {
    record(spec);
    const models = spec.inputs.filter((i) => i.slot === 'models').map((i) => readVec(i.value));
    const w = models[0].map((_, j) => models.reduce((a, m) => a + m[j], 0) / models.length);
    writeVec(spec.outputDir, w);
    return {};
  },
};

export default {
  name: 'toy-plugin',
  version: '1.0.0',
  apiVersion: 1,
  provides: { actionTypes: ['sft', 'ties'], runners: ['toy-train', 'toy-merge'], evaluators: ['toy'] },
  register(r) {
    r.actionType({
      type: 'sft',
      description: 'move a model toward a dataset target',
      slots: [
        { name: 'model', type: 'model' },
        { name: 'dataset', type: 'dataset' },
        { name: 'learning_rate', type: 'number' },
      ],
      runner: 'toy-train',
      smoke: { params: { sleepMs: 0 } },
    });
    r.actionType({
      type: 'ties',
      aliases: ['ties_merging'],
      description: 'average models',
      slots: [
        { name: 'base_model', type: 'model' },
        { name: 'models', type: 'model', repeat: { min: 2 } },
        { name: 'weights', type: 'json', perPosition: 'models' },
        { name: 'density', type: 'number', check: (v) => (typeof v === 'number' && v > 0 && v <= 1 ? undefined : `density must be in (0, 1], got ${v}`) },
      ],
      runner: 'toy-merge',
    });
    r.runner(trainRunner);
    r.runner(mergeRunner);
    r.evaluator({
      name: 'toy',
      // A task's target must be three numbers: known before the first trial.
      preflight: (_options, ctx) =>
        (ctx.tasks ?? []).flatMap((task, i) =>
          task.options.target === undefined || (Array.isArray(task.options.target) && task.options.target.length === 3)
            ? []
            : [{ path: `tasks[${i}].options.target`, message: 'expected 3 numbers' }],
        ),
      // Options from config `evaluators: { toy: { scale } }` multiply every score.
      create: (options) => ({
        name: 'toy',
        async evaluate(model, task, ctx) {
          if (options?.fail) throw new Error('toy evaluator broke');
          const w = readVec(model.value);
          const target = task.options.target;
          const d = Math.sqrt(w.reduce((a, x, i) => a + (x - target[i]) ** 2, 0));
          const log = process.env.TOY_EVAL_LOG;
          if (log) appendFileSync(log, `${process.pid} ${task.name} ${ctx.split}\n`);
          ctx.log(`toy ${task.name}: distance ${d}`);
          const closeness = Math.max(0, 1 - d) * (options?.scale ?? 1);
          // Task option `items: N`: N right/wrong items (item i right when the i-th golden-ratio point is below the
          // closeness), their per-item results in ctx.outDir, `itemScores` for the interval, and ctx.slice honoured.
          const total = task.options.items;
          if (typeof total !== 'number') return { task: task.name, metric: task.metric, score: closeness, split: ctx.split, n: 1 };
          const n = ctx.slice !== undefined && ctx.slice < 1 ? Math.min(total, Math.ceil(ctx.slice * total)) : total;
          const itemScores = Array.from({ length: n }, (_, i) => (((i + 1) * 0.6180339887498949) % 1 < closeness ? 1 : 0));
          mkdirSync(ctx.outDir, { recursive: true });
          const itemsPath = path.join(ctx.outDir, `${task.name}.${ctx.split}.jsonl`);
          writeFileSync(itemsPath, itemScores.map((x, i) => JSON.stringify({ item: i, correct: x === 1 })).join('\n') + '\n');
          const score = itemScores.reduce((a, b) => a + b, 0) / n;
          return { task: task.name, metric: task.metric, score, split: ctx.split, n, total, itemsPath, itemScores };
        },
      }),
    });
  },
};
