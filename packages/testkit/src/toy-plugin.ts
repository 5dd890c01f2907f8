import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CORE_API_VERSION, definePlugin, z, type Evaluator, type PluginManifest, type Runner } from '@lamdagent/core';
import { jobInputs } from '@lamdagent/core/kit';

/**
 * The toy world's plugin, a public test double: models are folders holding `model.json` (`{ w: number[] }`),
 * `toy-sft` moves a model toward a dataset's `target`, `toy-merge` averages models, and the `toy`
 * evaluator scores closeness to a task's `target`. Every part of a study does real (tiny) work in
 * milliseconds, so policies, executors and stores are tested without a GPU. A dataset `{ "fail": "throw" }`
 * makes the runner fail (as a failed trial). `toy-sft` takes an optional param `sleepMs` (a slow job, ended
 * early by cancellation) and declares a smoke run (the study's fail-fast validation).
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
const SftParams = z.object({ sleepMs: z.number().int().min(0).default(0) });

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
    const data = Dataset.parse(JSON.parse(readFileSync(dataset, 'utf8')));
    if (data.fail) throw new Error(`dataset ${dataset}: ${data.fail}`);
    const { sleepMs } = SftParams.parse(spec.params);
    if (sleepMs) await sleep(sleepMs, ctx.signal);
    const w = readToyModel(model).map((x, i) => x + learning_rate * ((data.target?.[i] ?? 0) - x));
    writeToyModel(spec.outputDir, w);
    ctx.log(`trained to [${w.join(', ')}]`);
    return { metrics: { steps: 1 } };
  },
};

export const toyMergeRunner: Runner = {
  name: 'toy-merge',
  version: '1',
  async run(spec) {
    const { models } = jobInputs(spec, z.object({ models: z.array(z.string()).min(2) }));
    const ws = models.map(readToyModel);
    writeToyModel(
      spec.outputDir,
      ws[0]!.map((_, j) => ws.reduce((a, m) => a + m[j]!, 0) / ws.length),
    );
    return {};
  },
};

const TaskOptions = z.object({ target: z.array(z.number()) });
export const toyEvaluator: Evaluator = {
  name: 'toy',
  async evaluate(model, task, ctx) {
    const opts = TaskOptions.safeParse(task.options);
    if (!opts.success) throw new Error(`task ${task.name}: options.target must be a number array`);
    if (typeof model.value !== 'string') throw new Error(`model ${model.id} has no path`);
    const w = readToyModel(model.value);
    const d = Math.sqrt(opts.data.target.reduce((a, t, i) => a + ((w[i] ?? 0) - t) ** 2, 0));
    const score = Math.max(0, 1 - d);
    const itemsPath = path.join(ctx.outDir, `${task.name}.${ctx.split}.jsonl`);
    mkdirSync(ctx.outDir, { recursive: true });
    writeFileSync(itemsPath, `${JSON.stringify({ item: 0, score, distance: d })}\n`);
    return { task: task.name, metric: task.metric, score, split: ctx.split, n: 1, itemsPath };
  },
};

export const toyPlugin: PluginManifest = definePlugin({
  name: 'testkit-toy',
  version: '1.0.0',
  apiVersion: CORE_API_VERSION,
  description: 'the toy world (JSON-vector models) for tests',
  provides: { actionTypes: ['toy-sft', 'toy-merge'], runners: ['toy-sft', 'toy-merge'], evaluators: ['toy'] },
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
    r.runner(toySftRunner);
    r.runner(toyMergeRunner);
    r.evaluator({ name: 'toy', description: 'closeness to a task target', create: () => toyEvaluator });
  },
});
