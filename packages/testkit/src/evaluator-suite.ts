import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { TaskResultSchema, type Evaluator, type PoolObject, type Split, type TaskSpec } from '@lamdagent/core';
import { fail, registerChecks, type Check } from './check.js';

export interface EvaluatorCapabilities {
  /** Writes per-item results (JSON lines, one per scored item) and names the file in `itemsPath`. Default true. */
  perItem?: boolean;
}

export interface EvaluatorSuiteOptions {
  /** A fresh evaluator (e.g. `factory.create(options, ctx)`). */
  create(): Evaluator | Promise<Evaluator>;
  /** A fixture model (a pool object whose value is the model folder). */
  model(): PoolObject | Promise<PoolObject>;
  /** A task it can score (its options point at fixture data). */
  task: TaskSpec;
  /** A task whose data is bad (a missing file, a malformed row): must be a rejected Error naming the problem. */
  badTask?: TaskSpec;
  capabilities?: EvaluatorCapabilities;
}

/** The evaluator checks, framework-free (see `evaluatorConformance`). */
export function evaluatorChecks(opts: EvaluatorSuiteOptions): Check[] {
  const caps = { perItem: true, ...opts.capabilities };
  const score = async (task: TaskSpec, split: Split, model?: PoolObject) => {
    const ev = await opts.create();
    const outDir = mkdtempSync(path.join(tmpdir(), 'lamdagent-eval-'));
    const r = await ev.evaluate(model ?? (await opts.model()), task, { signal: new AbortController().signal, split, outDir, seed: 1, log: () => undefined });
    return { ev, r, outDir };
  };
  const checks: Check[] = [
    {
      name: 'scores a fixture model on both splits: a valid result, finite, within [0, max]',
      async run() {
        for (const split of ['validation', 'test'] as const) {
          const { ev, r } = await score(opts.task, split);
          const who = `evaluator ${ev.name}`;
          if (!TaskResultSchema.safeParse(r).success) fail(who, 'result does not validate as a TaskResult');
          if (r.task !== opts.task.name || r.split !== split) fail(who, `result names task ${r.task} split ${r.split}, expected ${opts.task.name} ${split}`);
          if (!Number.isFinite(r.score) || r.score < 0 || r.score > opts.task.max) fail(who, `score ${r.score} is outside [0, ${opts.task.max}]`);
        }
      },
    },
    {
      name: 'is deterministic: the same model and task score the same',
      async run() {
        const a = await score(opts.task, 'validation');
        const b = await score(opts.task, 'validation');
        if (a.r.score !== b.r.score) fail(`evaluator ${a.ev.name}`, `scored ${a.r.score} then ${b.r.score}`);
      },
    },
    {
      name: 'a missing model is a rejected Error with a message (not a score)',
      async run() {
        const m = await opts.model();
        const missing: PoolObject = { ...m, id: 'missing', value: '/nonexistent/lamdagent-testkit/model' };
        await expectRejects(() => score(opts.task, 'validation', missing), 'missing model');
      },
    },
  ];
  if (opts.badTask) {
    const bad = opts.badTask;
    checks.push({
      name: 'bad task data is a clear error',
      async run() {
        await expectRejects(() => score(bad, 'validation'), 'bad task data');
      },
    });
  }
  if (caps.perItem)
    checks.push({
      name: 'writes per-item results (JSON lines, n of them) into its outDir',
      async run() {
        const { ev, r, outDir } = await score(opts.task, 'validation');
        const who = `evaluator ${ev.name}`;
        if (!r.itemsPath) fail(who, 'result has no itemsPath');
        const file = path.resolve(outDir, r.itemsPath);
        if (!existsSync(file)) fail(who, `itemsPath ${file} does not exist`);
        const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
        for (const l of lines) JSON.parse(l);
        if (r.n !== undefined && lines.length !== r.n) fail(who, `n is ${r.n} but ${file} holds ${lines.length} items`);
      },
    });
  return checks;
}

async function expectRejects(f: () => Promise<unknown>, what: string): Promise<void> {
  try {
    await f();
  } catch (e) {
    if (!(e instanceof Error) || !e.message) fail('evaluator', `${what}: threw a non-Error or an empty message`);
    return;
  }
  fail('evaluator', `${what}: gave a score instead of an error`);
}

/** Register the evaluator conformance suite (vitest). */
export function evaluatorConformance(name: string, opts: EvaluatorSuiteOptions): void {
  registerChecks(`evaluator conformance: ${name}`, evaluatorChecks(opts));
}
