import type { EvalContext, Evaluator, FactoryContext, PoolObject, TaskResult, TaskSpec } from '@lamdagent/core';
import { objectPath } from '@lamdagent/core';
import { writeFileAtomic } from '@lamdagent/core/kit';
import { mkdir } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { TaskOptionsError } from './errors.js';
import { LlmJudge, type JudgeChat } from './judge-llm.js';
import { findSplitData } from './loaders/data-dir.js';
import { loadBenchmarkItems } from './loaders/load.js';
import { cutAtStop } from './suite.js';

/**
 * Builds the judge's chat provider from its options: `createJudgeChat` of `@lamdagent/policy-llm` (the agent's
 * providers). `costUsd` prices the judge's tokens (absent: free, e.g. a local model).
 */
export type JudgeChatFactory = (
  options: unknown,
  env: Readonly<Record<string, string | undefined>>,
  baseDir: string,
) => { chat: JudgeChat; model: string; costUsd?: (inputTokens: number, outputTokens: number) => number };

/** The package whose `createJudgeChat` gives the judge its providers: an optional peer dependency of this one. */
export const JUDGE_PROVIDERS_PACKAGE = '@lamdagent/policy-llm';

/** The `llm-judge` evaluator's options (config `evaluators: { llm-judge: {...} }`). */
export const JudgeEvaluatorOptionsSchema = z
  .object({
    /** The judge's provider: `{provider: openai|ollama|llama-cpp, model, ...}` as `createJudgeChat` takes it. */
    judge: z.record(z.string(), z.unknown()).optional(),
    /** Generation backend of the evaluated model (default `tiny`). */
    backend: z.string().min(1).default('tiny'),
    backendOptions: z.record(z.string(), z.unknown()).optional(),
    /** Answer length (MT-Bench answers are long). */
    maxNewTokens: z.number().int().min(1).default(512),
    batchSize: z.number().int().min(1).default(16),
    /** Data folder of `<task>/validation.*` and `<task>/test.*` (relative: from the config's folder). */
    dataDir: z.string().min(1).optional(),
    /** Ratings cache (JSON lines; relative: from the config's folder). */
    cacheFile: z.string().min(1).default('.lamdagent/judge-ratings.jsonl'),
    /** Replies asked per item before the evaluation fails. */
    attempts: z.number().int().min(1).default(3),
    constrained: z.boolean().default(true),
  })
  .strict();
export type JudgeEvaluatorOptions = z.input<typeof JudgeEvaluatorOptionsSchema>;

const TaskSchema = z
  .object({
    data: z
      .object({ validation: z.string().min(1).optional(), test: z.string().min(1).optional() })
      .strict()
      .optional(),
    format: z.string().min(1).default('mt_bench'),
    limit: z.number().int().min(1).optional(),
    stop: z.array(z.string().min(1)).default([]),
  })
  .strict();

/**
 * The `llm-judge` evaluator's checks at config validation (before anything runs or is written): a judge is configured,
 * and its providers' package is installed. `resolvePackage` finds a package from here (tests replace it).
 */
export function judgePreflight(
  options: { judge?: Record<string, unknown> | undefined },
  resolvePackage: (name: string) => string = (name) => import.meta.resolve(name),
): { path: string; message: string }[] {
  const issues: { path: string; message: string }[] = [];
  if (options.judge === undefined) issues.push({ path: 'evaluators.llm-judge.judge', message: 'missing: {provider: openai|ollama|llama-cpp, model, ...}' });
  try {
    resolvePackage(JUDGE_PROVIDERS_PACKAGE);
  } catch {
    issues.push({
      path: 'evaluators.llm-judge',
      message: `the judge's providers come from ${JUDGE_PROVIDERS_PACKAGE}, which is not installed: npm install ${JUDGE_PROVIDERS_PACKAGE} (an optional peer dependency of @lamdagent/eval-suites)`,
    });
  }
  return issues;
}

/**
 * `createJudgeChat` of `@lamdagent/policy-llm`, loaded when the judge first rates. The evaluator plugin does not
 * depend on the policy plugin: `@lamdagent/policy-llm` is an optional peer dependency, needed only by studies that use
 * `llm-judge`; without it the error says what to install. `load` is the module loader (tests replace it).
 */
export async function policyLlmJudgeChat(load: (name: string) => Promise<unknown> = (name) => import(name)): Promise<JudgeChatFactory> {
  const name = JUDGE_PROVIDERS_PACKAGE;
  let mod: unknown;
  try {
    mod = await load(name);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const missing = (e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND') && e.message.includes(name);
    throw new TaskOptionsError(
      '(llm-judge)',
      missing
        ? `the llm-judge evaluator takes its judge providers from ${name}, which is not installed: npm install ${name} (an optional peer dependency of @lamdagent/eval-suites)`
        : `the llm-judge evaluator could not load ${name}: ${e.message}`,
    );
  }
  const f = (mod as { createJudgeChat?: unknown }).createJudgeChat;
  if (typeof f !== 'function') throw new TaskOptionsError('(llm-judge)', `${name} has no createJudgeChat export: update it to a version that has one`);
  return f as JudgeChatFactory;
}

/**
 * The `llm-judge` evaluator (MT-Bench turn 1): generates each question's answer with a backend, has the judge rate
 * it 1-10 and returns the mean rating (give the task `max: 10`, so its alpha is the paper's 1/10). Per-item results
 * and the judge's token counts are written into `ctx.outDir`; a reply without a rating after every attempt fails
 * the evaluation (a `JudgeError` naming the reply), never a score of 0.
 */
export function createJudgeEvaluator(
  input: JudgeEvaluatorOptions,
  factoryCtx: FactoryContext,
  chatFactory: () => Promise<JudgeChatFactory> = policyLlmJudgeChat,
): Evaluator {
  const opts = JudgeEvaluatorOptionsSchema.parse(input);
  const abs = (p: string): string => (isAbsolute(p) ? p : resolve(factoryCtx.configDir, p));
  let judge: Promise<{ judge: LlmJudge; model: string; costUsd: (i: number, o: number) => number }> | undefined;
  const judgeOnce = (): Promise<{ judge: LlmJudge; model: string; costUsd: (i: number, o: number) => number }> =>
    (judge ??= chatFactory().then((make) => {
      if (opts.judge === undefined)
        throw new TaskOptionsError('(llm-judge)', 'evaluators.llm-judge.judge is missing: {provider: openai|ollama|llama-cpp, model, ...}');
      const { chat, model, costUsd } = make(opts.judge, factoryCtx.env, factoryCtx.configDir);
      return {
        judge: new LlmJudge(chat, { model, attempts: opts.attempts, constrained: opts.constrained, cacheFile: abs(opts.cacheFile) }),
        model,
        costUsd: costUsd ?? (() => 0),
      };
    }));

  /** Answers generated for the last model evaluated, per task and split: a larger slice generates only the rest. */
  const generated = new Map<string, string[]>();
  return {
    name: 'llm-judge',
    async evaluate(model: PoolObject, task: TaskSpec, ctx: EvalContext): Promise<TaskResult> {
      const parsed = TaskSchema.safeParse(task.options);
      if (!parsed.success) throw new TaskOptionsError(task.name, `options: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      const o = parsed.data;
      let file = o.data?.[ctx.split];
      if (file === undefined && opts.dataDir !== undefined) {
        const found = findSplitData(abs(opts.dataDir), task.name, ctx.split);
        if (!('path' in found)) throw new TaskOptionsError(task.name, `data folder: ${found.missing}`);
        file = found.path;
      }
      if (file === undefined) throw new TaskOptionsError(task.name, `options.data.${ctx.split} is missing (or give the evaluator a dataDir)`);
      const all = await loadBenchmarkItems(abs(file), o.format);
      const splitItems = o.limit === undefined ? all : all.slice(0, o.limit);
      // Early stopping (issue 19): only the first slice of the questions; answers an earlier slice generated are reused.
      const take = ctx.slice !== undefined && ctx.slice < 1 ? Math.min(splitItems.length, Math.ceil(ctx.slice * splitItems.length)) : splitItems.length;
      const items = splitItems.slice(0, take);
      const backend = await factoryCtx.generationBackend(opts.backend, opts.backendOptions);
      const { judge: j, model: judgeModel, costUsd } = await judgeOnce();
      const before = { ...j.usage };

      const genKey = `${objectPath(model)}\n${task.name}\n${ctx.split}`;
      const answers: string[] = (generated.get(genKey) ?? []).slice(0, items.length);
      for (let i = answers.length; i < items.length; i += opts.batchSize) {
        if (ctx.signal.aborted) throw ctx.signal.reason;
        const batch = items.slice(i, i + opts.batchSize).map((it) => it.prompt);
        const texts = await backend.generate(objectPath(model), batch, { maxNewTokens: opts.maxNewTokens, stop: o.stop, signal: ctx.signal });
        answers.push(...texts.map((t) => cutAtStop(t, o.stop).trim()));
      }
      // Kept only between the slices of one early-stopping sequence; a full evaluation ends it.
      if (take === splitItems.length) generated.delete(genKey);
      else generated.set(genKey, [...answers]);
      const results = [];
      for (const [i, item] of items.entries()) {
        const answer = answers[i] ?? '';
        const r = await j.rate({ question: item.prompt, answer, reference: item.reference }, ctx.signal);
        results.push({ id: item.id, prompt: item.prompt, prediction: answer, rating: r.rating, cached: r.cached, category: item.category ?? null });
      }
      const score = results.length === 0 ? 0 : results.reduce((s, r) => s + r.rating, 0) / results.length;
      const usage = {
        inputTokens: j.usage.inputTokens - before.inputTokens,
        outputTokens: j.usage.outputTokens - before.outputTokens,
        requests: j.usage.requests - before.requests,
      };
      const cost = costUsd(usage.inputTokens, usage.outputTokens);
      await mkdir(ctx.outDir, { recursive: true });
      const stem = join(ctx.outDir, `${task.name.replace(/[^\w.-]+/g, '_')}.${ctx.split}`);
      writeFileAtomic(`${stem}.jsonl`, results.map((r) => JSON.stringify(r)).join('\n') + '\n', { durable: false });
      writeFileAtomic(`${stem}.judge.json`, JSON.stringify({ judge: opts.judge?.['model'] ?? null, usage: { ...usage, costUsd: cost } }, null, 2) + '\n', {
        durable: false,
      });
      ctx.log(
        `task ${task.name} (${ctx.split}, llm-judge): mean rating ${score.toFixed(3)} over ${results.length} items; judge tokens ${usage.inputTokens} in, ${usage.outputTokens} out`,
      );
      return {
        task: task.name,
        metric: task.metric,
        score,
        split: ctx.split,
        n: results.length,
        total: splitItems.length,
        // The judge's rating scale: early stopping bounds the mean rating with it.
        range: [1, 10],
        itemsPath: `${stem}.jsonl`,
        itemScores: results.map((r) => r.rating),
        // The judge's tokens for this evaluation: the study's costs count them apart from the agent's (`lamdagent costs`).
        usage: { model: judgeModel, ...usage, costUsd: cost },
      };
    },
  };
}
