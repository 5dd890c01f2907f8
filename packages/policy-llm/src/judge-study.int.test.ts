import { execFile, execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { JournalRecordSchema, runStudy } from '@lamdagent/core';
import { SHIPPED_BASE_MODEL } from '@lamdagent/world';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeOpenAI, type FakeServer } from './testing/index.js';

const PACKAGES = resolve(import.meta.dirname, '../..');
/** The MT-Bench fixture (FastChat question.jsonl schema) of @lamdagent/eval-suites: two questions. */
const DATA = join(PACKAGES, 'eval-suites/fixtures/benchmarks');
const PLUGINS = [join(PACKAGES, 'action-sft'), join(PACKAGES, 'eval-suites')];
const CLI = join(PACKAGES, 'cli/bin/lamdagent.js');
const servers: FakeServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

describe("the judge's tokens in the study's costs (llm-judge with a fake judge server)", () => {
  it('are journaled per trial, count toward budget.costUsd, and show apart from the agent in `lamdagent costs`', async () => {
    // Every rating costs 300 + 4 tokens; at $1000 per million tokens a trial's two ratings cost $0.608.
    const server = await startFakeOpenAI(() => ({ reply: '{"choice": 7}', usage: { input: 300, output: 4 } }));
    servers.push(server);
    const dir = mkdtempSync(join(tmpdir(), 'lamdagent-judge-study-'));
    cpSync(SHIPPED_BASE_MODEL, join(dir, 'models/base'), { recursive: true });
    mkdirSync(join(dir, 'data'));
    writeFileSync(join(dir, 'data/sft.jsonl'), `${JSON.stringify({ prompt: 'Write a line.', completion: ' A line.' })}\n`);
    writeFileSync(
      join(dir, 'study.yaml'),
      `seed: 0
budget: { iterations: 4, costUsd: 0.5 }
policy: random
discoverPlugins: false
scoreInitialModels: false
objects:
  models: { values: [models/base], names: [base] }
  sft_dataset: { values: [data/sft.jsonl], names: [lines] }
  sft_lr: [0.002, 0.001]
actions:
  sft: { slots: [models, sft_dataset, sft_lr], params: { epochs: 1, batchSize: 1 } }
evaluators:
  llm-judge:
    judge: { provider: openai, model: judge-model, baseURL: '${server.url}/v1', prices: { inputPerMTok: 1000, outputPerMTok: 1000 } }
    dataDir: ${JSON.stringify(DATA)}
    maxNewTokens: 8
tasks:
  - { name: mt_bench, evaluator: llm-judge, metric: score, max: 10 }
aggregation: mean
executor: inprocess
`,
    );
    const s = await runStudy({ configPath: join(dir, 'study.yaml'), outDir: join(dir, 'study'), overrides: { plugins: PLUGINS } });
    // The judge's $0.608 for the first trial is over the $0.5 budget: the study stops there.
    expect(s.stopReason).toBe('cost budget reached ($0.5)');
    expect(s.trials).toHaveLength(1);
    const t = s.trials[0]!;
    expect(t.state, JSON.stringify(t.error)).toBe('complete');
    expect(t.scores).toEqual({ mt_bench: 7 });
    expect(t.evaluationUsage).toEqual([{ task: 'mt_bench', model: 'judge-model', inputTokens: 600, outputTokens: 8, requests: 2, costUsd: 0.608 }]);
    expect(t.intervals).toEqual({ mt_bench: { lo: 7, hi: 7 } }); // both ratings 7
    expect(server.requests).toHaveLength(2);
    const journaled = readFileSync(join(dir, 'study/journal.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JournalRecordSchema.parse(JSON.parse(l)))
      .find((r) => r.kind === 'trial-end');
    expect(journaled?.kind === 'trial-end' && journaled.trial.evaluationUsage).toEqual(t.evaluationUsage);

    const costs = JSON.parse(execFileSync(process.execPath, [CLI, 'costs', join(dir, 'study'), '--json'], { encoding: 'utf8' })) as {
      agent: unknown[];
      judge: unknown[];
      total: Record<string, number>;
    };
    expect(costs.agent).toEqual([]);
    expect(costs.judge).toEqual([
      { task: 'mt_bench', split: 'validation', model: 'judge-model', evaluations: 1, requests: 2, inputTokens: 600, outputTokens: 8, costUsd: 0.608 },
    ]);
    expect(costs.total).toMatchObject({ inputTokens: 0, costUsd: 0, judgeInputTokens: 600, judgeOutputTokens: 8, judgeCostUsd: 0.608, allCostUsd: 0.608 });
    const text = execFileSync(process.execPath, [CLI, 'costs', join(dir, 'study')], { encoding: 'utf8' });
    expect(text).toMatch(/Judge usage/);
    expect(text).toContain('Cost: agent $0.000 + judge $0.608 = $0.608');

    // The top model scored on the test split (`lamdagent table --evaluate`): the judge's tokens journaled with the
    // `evaluate` record, with each task's interval, and counted apart (split test) in the costs.
    // (The fixture's test questions are its validation ones: without the rating cache the judge is asked again.)
    rmSync(join(dir, '.lamdagent/judge-ratings.jsonl'));
    // Asynchronously: the fake judge server answers from this process.
    await promisify(execFile)(process.execPath, [CLI, 'table', join(dir, 'study'), '--evaluate', '-k', '1'], { encoding: 'utf8' });
    const evaluate = readFileSync(join(dir, 'study/journal.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JournalRecordSchema.parse(JSON.parse(l)))
      .find((r) => r.kind === 'evaluate');
    expect(evaluate?.kind === 'evaluate' && evaluate.split).toBe('test');
    const testRequests = server.requests.length - 2;
    expect(testRequests).toBeGreaterThan(0);
    expect(evaluate?.kind === 'evaluate' && evaluate.evaluationUsage).toEqual([
      {
        task: 'mt_bench',
        model: 'judge-model',
        inputTokens: expect.any(Number),
        outputTokens: 4 * testRequests,
        requests: testRequests,
        costUsd: expect.any(Number),
      },
    ]);
    expect(evaluate?.kind === 'evaluate' && evaluate.intervals).toEqual({ mt_bench: { lo: 7, hi: 7 } });
    const after = JSON.parse(execFileSync(process.execPath, [CLI, 'costs', join(dir, 'study'), '--json'], { encoding: 'utf8' })) as {
      judge: { split: string; requests: number; costUsd: number }[];
      total: Record<string, number>;
    };
    const testRow = after.judge.find((j) => j.split === 'test');
    expect(testRow).toMatchObject({ requests: testRequests });
    expect(after.total['judgeCostUsd']).toBeCloseTo(0.608 + testRow!.costUsd, 9);
  }, 300_000);
});
