import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CORE_API_VERSION, definePlugin, z, type Evaluator, type PluginManifest, type Runner } from '@lamdagent/core';
import { jobInputs } from '@lamdagent/core/kit';

/**
 * The toy world's plugin, a public test double: models are folders holding `model.json` (`{ w: number[] }`),
 * `toy-sft` moves a model toward a dataset's `target`, `toy-merge` averages models, `toy-wmerge` adds
 * weighted task vectors to a base model, and the `toy` evaluator scores closeness to a task's `target`
 * (`testTarget` on the test split, when given). Every part of a study does real (tiny) work in
 * milliseconds, so policies, executors and stores are tested without a GPU.
 *
 * - A dataset is a JSON file `{ "target": [...] }`, or JSON lines of them (a union of datasets: it trains
 *   toward their mean target). A record `{ "fail": "why" }` makes the runner fail (as a failed trial).
 * - `toy-sft` params: `sleepMs` (a slow job, ended early by cancellation), `noise` (a seeded offset of
 *   up to ±noise/2 per weight, so the job seed matters as in real training) and `epochs` (default 1: each
 *   moves the learning-rate fraction of the rest of the way to the target). It declares a smoke run.
 * - With `LAMDAGENT_TOY_LOG` set, every runner appends its job's action key to that file (tests of caches
 *   and replays count what really ran).
 */
export const toyModelFile = 'model.json';

const Vec = z.object({ w: z.array(z.number()) });
/** Read a toy model folder's weight vector; throws naming the file when it is not a toy model. */
export function readToyModel(dir: string): number[] {
  const file = path.join(dir, toyModelFile);
  const res = Vec.safeParse(JSON.parse(readFileSync(file, 'utf8')));
  if (!res.success) throw new Error(`${file}: not a toy model (${res.error.issues[0]?.message ?? 'bad shape'})`);
  return res.data.w;
}
/** Write a toy model folder. */
export function writeToyModel(dir: string, w: readonly number[]): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, toyModelFile), JSON.stringify({ w }));
}

const Dataset = z.object({ target: z.array(z.number()).optional(), fail: z.string().optional() });
const SftParams = z.object({ sleepMs: z.number().int().min(0).default(0), noise: z.number().min(0).default(0), epochs: z.number().positive().default(1) });

/** A dataset's target: one JSON record, or JSON lines of them (their mean). Throws on a `fail` record. */
function readTarget(file: string): number[] {
  const text = readFileSync(file, 'utf8');
  let records: unknown[];
  try {
    records = [JSON.parse(text)];
  } catch {
    records = text
      .split('\n')
      .filter((l) => l.trim())
      .map((l, i) => {
        try {
          return JSON.parse(l) as unknown;
        } catch {
          throw new Error(`dataset ${file}: line ${i + 1} is not JSON`);
        }
      });
  }
  const rows = records.map((r, i) => {
    const d = Dataset.safeParse(r);
    if (!d.success) throw new Error(`dataset ${file}: record ${i + 1}: ${d.error.issues[0]?.message ?? 'bad shape'}`);
    if (d.data.fail) throw new Error(`dataset ${file}: ${d.data.fail}`);
    return d.data.target ?? [];
  });
  const n = Math.max(0, ...rows.map((t) => t.length));
  return Array.from({ length: n }, (_, i) => rows.reduce((a, t) => a + (t[i] ?? 0), 0) / rows.length);
}

/** Append the job's action key to `LAMDAGENT_TOY_LOG`, when it is set. */
function noteJob(spec: { actionKey: string }): void {
  const log = process.env['LAMDAGENT_TOY_LOG'];
  if (log) appendFileSync(log, `${spec.actionKey}\n`);
}

/** Wait `ms`, or reject with the signal's reason when it aborts first. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'))), { once: true });
  });
}

export const toySftRunner: Runner = {
  name: 'toy-sft',
  version: '1',
  async run(spec, ctx) {
    const { model, dataset, learning_rate } = jobInputs(spec, z.object({ model: z.string(), dataset: z.string(), learning_rate: z.number() }));
    noteJob(spec);
    const target = readTarget(dataset);
    const { sleepMs, noise, epochs } = SftParams.parse(spec.params);
    if (sleepMs) await sleep(sleepMs, ctx.signal);
    const offset = ((spec.seed % 1000) / 1000 - 0.5) * noise;
    // Each epoch moves the learning-rate fraction of the rest of the way: 1 - (1 - lr)^epochs in all.
    const step = 1 - (1 - learning_rate) ** epochs;
    const w = readToyModel(model).map((x, i) => x + step * ((target[i] ?? 0) - x) + offset);
    writeToyModel(spec.outputDir, w);
    ctx.log(`trained to [${w.join(', ')}]`);
    return { metrics: { steps: 1 } };
  },
};

export const toyMergeRunner: Runner = {
  name: 'toy-merge',
  version: '1',
  async run(spec) {
    noteJob(spec);
    const { models } = jobInputs(spec, z.object({ models: z.array(z.string()).min(2) }));
    const ws = models.map(readToyModel);
    writeToyModel(
      spec.outputDir,
      ws[0]!.map((_, j) => ws.reduce((a, m) => a + m[j]!, 0) / ws.length),
    );
    return {};
  },
};

/** `base + Σ weights[k] · (models[k] − base)`: task arithmetic on toy models. */
export const toyWeightedMergeRunner: Runner = {
  name: 'toy-wmerge',
  version: '1',
  async run(spec) {
    noteJob(spec);
    const { base_model, models, weights } = jobInputs(
      spec,
      z.object({ base_model: z.string(), models: z.array(z.string()).min(2), weights: z.array(z.number()) }),
    );
    if (weights.length !== models.length) throw new Error(`job ${spec.jobId}: ${weights.length} weights for ${models.length} models`);
    const base = readToyModel(base_model);
    const ws = models.map(readToyModel);
    writeToyModel(
      spec.outputDir,
      base.map((b, j) => b + ws.reduce((a, m, k) => a + weights[k]! * ((m[j] ?? 0) - b), 0)),
    );
    return {};
  },
};

const TaskOptions = z.object({ target: z.array(z.number()), testTarget: z.array(z.number()).optional(), items: z.number().int().min(2).optional() });

/**
 * Item `i`'s right/wrong for a model of closeness `score` (items > 1): right when the `i`-th point of a golden-ratio
 * sequence is below the closeness, so about a `score` fraction of any first slice is right, deterministically.
 */
export const toyItemRight = (i: number, score: number): boolean => ((i + 1) * 0.6180339887498949) % 1 < score;

/**
 * The toy evaluator: closeness `max(0, 1 - distance)` of the model to the task's target (`testTarget` on the test
 * split). With task option `items: N`, N right/wrong items instead (`toyItemRight`), the score their mean, the
 * per-item results in the items file and `itemScores` (so core journals a bootstrap interval), and `ctx.slice`
 * honoured (the first `ceil(slice * N)` items: early stopping).
 */
export const toyEvaluator: Evaluator = {
  name: 'toy',
  async evaluate(model, task, ctx) {
    const opts = TaskOptions.safeParse(task.options);
    if (!opts.success) throw new Error(`task ${task.name}: options.target must be a number array`);
    if (typeof model.value !== 'string') throw new Error(`model ${model.id} has no path`);
    const w = readToyModel(model.value);
    const target = ctx.split === 'test' ? (opts.data.testTarget ?? opts.data.target) : opts.data.target;
    const d = Math.sqrt(target.reduce((a, t, i) => a + ((w[i] ?? 0) - t) ** 2, 0));
    const closeness = Math.max(0, 1 - d);
    const itemsPath = path.join(ctx.outDir, `${task.name}.${ctx.split}.jsonl`);
    mkdirSync(ctx.outDir, { recursive: true });
    const total = opts.data.items;
    if (total === undefined) {
      writeFileSync(itemsPath, `${JSON.stringify({ item: 0, score: closeness, distance: d })}\n`);
      return { task: task.name, metric: task.metric, score: closeness, split: ctx.split, n: 1, itemsPath };
    }
    const n = ctx.slice !== undefined && ctx.slice < 1 ? Math.min(total, Math.ceil(ctx.slice * total)) : total;
    const itemScores = Array.from({ length: n }, (_, i) => (toyItemRight(i, closeness) ? 1 : 0));
    writeFileSync(itemsPath, itemScores.map((x, i) => JSON.stringify({ item: i, correct: x === 1 })).join('\n') + '\n');
    const score = itemScores.reduce((a: number, b) => a + b, 0) / n;
    return { task: task.name, metric: task.metric, score, split: ctx.split, n, total, itemsPath, itemScores };
  },
};

export const toyPlugin: PluginManifest = definePlugin({
  name: 'testkit-toy',
  version: '1.0.0',
  apiVersion: CORE_API_VERSION,
  description: 'the toy world (JSON-vector models) for tests',
  provides: { actionTypes: ['toy-sft', 'toy-merge', 'toy-wmerge'], runners: ['toy-sft', 'toy-merge', 'toy-wmerge'], evaluators: ['toy'] },
  register(r) {
    r.actionType({
      type: 'toy-sft',
      description: 'move a toy model toward a dataset target',
      slots: [
        { name: 'model', type: 'model' },
        { name: 'dataset', type: 'dataset' },
        { name: 'learning_rate', type: 'number' },
      ],
      runner: 'toy-sft',
      smoke: { params: { sleepMs: 0 } },
    });
    r.actionType({
      type: 'toy-merge',
      description: 'average toy models',
      slots: [{ name: 'models', type: 'model', repeat: { min: 2 } }],
      runner: 'toy-merge',
    });
    r.actionType({
      type: 'toy-wmerge',
      description: 'add weighted task vectors (model − base) of toy models to the base',
      slots: [
        { name: 'base_model', type: 'model' },
        { name: 'models', type: 'model', repeat: { min: 2 } },
        { name: 'weights', type: 'json' },
      ],
      runner: 'toy-wmerge',
    });
    r.runner(toySftRunner);
    r.runner(toyMergeRunner);
    r.runner(toyWeightedMergeRunner);
    r.evaluator({ name: 'toy', description: 'closeness to a task target', create: () => toyEvaluator });
  },
});
