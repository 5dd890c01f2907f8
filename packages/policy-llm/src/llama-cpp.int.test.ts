import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, runStudy } from '@lamdagent/core';
import { describe, expect, it } from 'vitest';
import { loadedLlamaCppModels } from './providers/llama-cpp.js';
import { agentModelOrSkip } from './testing/agent-model.js';
import { makeToyStudy } from './testing/toy-study.js';

const model = agentModelOrSkip('llama-cpp study test');
const ITERATIONS = 4;

function journal(outDir: string): Record<string, unknown>[] {
  return readFileSync(path.join(outDir, 'journal.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('the llama-cpp provider', () => {
  it('rejects a missing model file before the study starts, naming the path, and writes nothing', async () => {
    const missing = '/nonexistent/agent.gguf';
    const { dir, configPath } = makeToyStudy({ name: 'llm', options: { provider: 'llama-cpp', model: missing } }, 1);
    const outDir = path.join(dir, 'study');
    const err = await runStudy({ configPath, outDir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).exitCode).toBe(2);
    expect((err as Error).message).toContain(`policy.options.model: model file ${missing} does not exist`);
    expect(existsSync(outDir)).toBe(false);
  });

  it.runIf(model !== undefined)(
    'runs a whole toy study where Gemma 3 270M chooses every action in-process, under a grammar: no crash, no fallback, every answer a candidate',
    async () => {
      const options = { provider: 'llama-cpp', model: model as string, contextSize: 4096, threads: 2, maxOutputTokens: 48 };
      const { dir, configPath } = makeToyStudy({ name: 'llm', options }, ITERATIONS);
      const outDir = path.join(dir, 'study');
      const summary = await runStudy({ configPath, outDir });
      expect(summary.trials).toHaveLength(ITERATIONS);
      expect(summary.trials.filter((t) => t.policy?.fallback)).toEqual([]);
      // Every answer was constrained and valid the first time: the grammar admits only candidates, never a
      // finished action, never a model merged with itself.
      const answers = summary.trials.flatMap((t) => t.policy?.answers ?? []);
      expect(answers.length).toBeGreaterThanOrEqual(ITERATIONS);
      for (const a of answers) expect(a).toMatchObject({ constrained: true, replies: 1, outcome: 'first' });
      // Token counts come from the model's own tokenizer; local models cost nothing.
      const usage = summary.trials.flatMap((t) => t.policy?.usage ?? []);
      expect(usage.every((u) => u.inputTokens > 100 && u.outputTokens > 0 && u.costUsd === 0)).toBe(true);
      // Memory updates ran (free text) and were journaled.
      const observes = journal(outDir).filter((r) => r.kind === 'observe');
      expect(observes).toHaveLength(ITERATIONS);
      // Selection replies in the transcripts are exactly the grammar's form.
      const jobs = readdirSync(path.join(outDir, 'jobs'));
      const replies = jobs
        .flatMap((j) => (existsSync(path.join(outDir, 'jobs', j, 'transcript-select.json')) ? [path.join(outDir, 'jobs', j, 'transcript-select.json')] : []))
        .flatMap((f) => JSON.parse(readFileSync(f, 'utf8')) as { role: string; content: string }[])
        .filter((e) => e.role === 'assistant');
      expect(replies.length).toBe(answers.length);
      for (const r of replies) expect(r.content).toMatch(/^\[\[\d+(, \d+)*\]\]$/);
      // The model was loaded once for the study and freed when it ended.
      expect(loadedLlamaCppModels()).toBe(0);
    },
    30 * 60_000,
  );
});
