import type { EvalContext, Evaluator, FactoryContext, GenerationBackend, PoolObject, TaskResult, TaskSpec } from '@lamdagent/core';
import { objectPath } from '@lamdagent/core';
import { writeFileAtomic } from '@lamdagent/core/kit';
import { mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { loadBenchmarkItems, type BenchmarkItem } from './loaders/index.js';
import { TaskOptionsError } from './errors.js';
import type { Gold } from './scorers/index.js';
import { resolveTask, scorerFor } from './task-options.js';

/** The `suite` evaluator's own options (from config); tasks may override backend and length. */
export const SuiteEvaluatorOptionsSchema = z
  .object({
    /** Default generation backend for tasks that name none. */
    backend: z.string().min(1).default('tiny'),
    backendOptions: z.record(z.string(), z.unknown()).optional(),
    /** Default generation length for tasks without one (and without a preset). */
    maxNewTokens: z.number().int().min(1).default(32),
    /** Prompts handed to the backend per call (progress is logged and the abort signal checked between calls). */
    batchSize: z.number().int().min(1).default(64),
    /** Data folder of `<task>/validation.*` and `<task>/test.*` for tasks without `data` paths (relative: from the config's folder). */
    dataDir: z.string().min(1).optional(),
  })
  .strict();
export type SuiteEvaluatorOptions = z.input<typeof SuiteEvaluatorOptionsSchema>;

/** One line of the per-item results file. */
export interface ItemResult {
  id: string;
  prompt: string;
  /** The generated text, cut at the first stop sequence. */
  prediction: string;
  /** What the scorer read from the prediction (final number, choice letter, normalized answer). */
  extracted: string | null;
  gold: Gold;
  /** Pass/fail scorers: whether the prediction is right. */
  correct?: boolean;
  /** Graded scorers (`judge`): the item's grade. */
  score?: number;
  choices?: string[];
}

/** The text before the first stop sequence. */
export function cutAtStop(text: string, stop: readonly string[]): string {
  let end = text.length;
  for (const s of stop) {
    const i = text.indexOf(s);
    if (i >= 0 && i < end) end = i;
  }
  return text.slice(0, end);
}

function fileSafe(name: string): string {
  return name.replace(/[^\w.-]+/g, '_');
}

async function writeJsonlAtomically(file: string, records: readonly object[]): Promise<void> {
  writeFileAtomic(file, records.map((r) => JSON.stringify(r)).join('\n') + '\n', { durable: false });
}

/**
 * The `suite` evaluator: generates answers for a task's split with a generation backend, scores them
 * with the task's scorer (numeric, choice, exact), writes per-item results into `ctx.outDir` and
 * returns the accuracy (for a graded scorer such as `judge`, the mean grade).
 */
export function createSuiteEvaluator(options: SuiteEvaluatorOptions, factoryCtx: FactoryContext): Evaluator {
  const parsed = SuiteEvaluatorOptionsSchema.safeParse(options ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TaskOptionsError('(all)', `evaluator suite options.${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  const opts = parsed.data;
  const backends = new Map<string, Promise<GenerationBackend>>();
  const datasets = new Map<string, { mtimeMs: number; size: number; items: BenchmarkItem[] }>();
  /** Texts generated for the last model evaluated, per task and split: a larger slice generates only the rest. */
  const generated = new Map<string, string[]>();
  let lastModel: string | undefined;

  function backendFor(name: string, backendOptions: Record<string, unknown> | undefined): Promise<GenerationBackend> {
    const key = `${name}\u0000${JSON.stringify(backendOptions ?? null)}`;
    let b = backends.get(key);
    if (!b) {
      b = factoryCtx.generationBackend(name, backendOptions);
      b.catch(() => backends.delete(key));
      backends.set(key, b);
    }
    return b;
  }

  async function dataset(path: string, format: string): Promise<BenchmarkItem[]> {
    const s = await stat(path).catch(() => undefined);
    const key = `${format}\u0000${path}`;
    const cached = datasets.get(key);
    if (s && cached && cached.mtimeMs === s.mtimeMs && cached.size === s.size) return cached.items;
    const items = await loadBenchmarkItems(path, format);
    if (s) datasets.set(key, { mtimeMs: s.mtimeMs, size: s.size, items });
    return items;
  }

  return {
    name: 'suite',
    async evaluate(model: PoolObject, task: TaskSpec, ctx: EvalContext): Promise<TaskResult> {
      const t = resolveTask(task, ctx.split, factoryCtx.configDir, {
        backend: opts.backend,
        backendOptions: opts.backendOptions,
        maxNewTokens: opts.maxNewTokens,
        ...(opts.dataDir !== undefined ? { dataDir: opts.dataDir } : {}),
        ...(factoryCtx.scorers ? { scorers: factoryCtx.scorers } : {}),
      });
      const { scorer, options: scorerOptions } = scorerFor(t, factoryCtx.scorers);
      const all = await dataset(t.dataPath, t.format);
      const splitItems = t.limit === undefined ? all : all.slice(0, t.limit);
      // Early stopping (issue 19): only the first slice of the items; what an earlier slice generated is reused.
      const take = ctx.slice !== undefined && ctx.slice < 1 ? Math.min(splitItems.length, Math.ceil(ctx.slice * splitItems.length)) : splitItems.length;
      const items = splitItems.slice(0, take);
      const backend = await backendFor(t.backend, t.backendOptions);
      const modelPath = objectPath(model);

      if (lastModel !== modelPath) {
        generated.clear();
        lastModel = modelPath;
      }
      const genKey = `${t.name}\u0000${t.split}\u0000${t.dataPath}\u0000${t.backend}\u0000${t.maxNewTokens}`;
      const predictions: string[] = (generated.get(genKey) ?? []).slice(0, items.length);
      for (let i = predictions.length; i < items.length; i += opts.batchSize) {
        if (ctx.signal.aborted) throw ctx.signal.reason;
        const batch = items.slice(i, i + opts.batchSize).map((it) => it.prompt);
        const texts = await backend.generate(modelPath, batch, { maxNewTokens: t.maxNewTokens, stop: t.stop, signal: ctx.signal });
        if (texts.length !== batch.length) {
          throw new Error(`task ${t.name}: backend ${backend.name} returned ${texts.length} texts for ${batch.length} prompts`);
        }
        predictions.push(...texts.map((x) => cutAtStop(x, t.stop)));
        if (items.length > opts.batchSize) ctx.log(`task ${t.name} (${t.split}): generated ${predictions.length}/${items.length}`);
      }

      // Kept only between the slices of one early-stopping sequence; a full evaluation ends it.
      if (take === splitItems.length) generated.delete(genKey);
      else if ((generated.get(genKey)?.length ?? 0) < predictions.length) generated.set(genKey, [...predictions]);
      const builtin = scorer.builtin;
      const grade = builtin?.grade;
      const def = scorer.definition;
      const [lo, hi] = scorer.range;
      const results: ItemResult[] = items.map((item, i) => {
        const prediction = predictions[i] ?? '';
        const common = { id: item.id, prompt: item.prompt, prediction, gold: item.answer };
        const tail = item.choices ? { choices: item.choices } : {};
        if (builtin) {
          return {
            ...common,
            extracted: builtin.extract(prediction) ?? null,
            ...(grade ? { score: grade(prediction, item.answer) } : { correct: builtin.score(prediction, item.answer) }),
            ...tail,
          };
        }
        const value = def.score(
          prediction,
          item.answer,
          { id: item.id, prompt: item.prompt, ...(item.choices ? { choices: item.choices } : {}) },
          scorerOptions,
        );
        if (typeof value !== 'number' || !Number.isFinite(value) || value < lo || value > hi) {
          throw new TaskOptionsError(t.name, `scorer ${t.scorer} returned ${String(value)} for item ${item.id}, outside its range [${lo}, ${hi}]`);
        }
        return { ...common, extracted: def.extract?.(prediction, scorerOptions) ?? null, score: value, ...tail };
      });
      const values = results.map((r) => r.score ?? (r.correct ? 1 : 0));
      const passFail = builtin !== undefined && !grade;
      const total = values.reduce((a, b) => a + b, 0);
      const score = items.length === 0 ? 0 : total / items.length;

      await mkdir(ctx.outDir, { recursive: true });
      const itemsPath = join(ctx.outDir, `${fileSafe(t.name)}.${t.split}.jsonl`);
      await writeJsonlAtomically(itemsPath, results);
      ctx.log(
        passFail
          ? `task ${t.name} (${t.split}, ${t.scorer}): ${total}/${items.length} correct, ${t.metric} ${score.toFixed(4)}`
          : `task ${t.name} (${t.split}, ${t.scorer}): mean grade ${score.toFixed(3)} over ${items.length} items (range ${lo} to ${hi})`,
      );
      return {
        task: t.name,
        metric: t.metric,
        score,
        split: t.split,
        n: items.length,
        total: splitItems.length,
        // The scorer's declared item range: early stopping bounds graded tasks with it.
        range: [lo, hi],
        itemsPath,
        itemScores: values,
      };
    },
  };
}
