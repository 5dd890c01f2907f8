import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { resumeStudy, runStudy } from '@lamdagent/core';
import { afterEach, describe, expect, it } from 'vitest';
import { makeAgent } from './testing/agent.js';
import { type FakeServer, lastUserMessage, startFakeOpenAI } from './testing/fake-server.js';
import { SECRET } from './testing/helpers.js';
import { makeToyStudy } from './testing/toy-study.js';

function makeStudyConfig(baseURL: string, iterations: number): { dir: string; configPath: string } {
  return makeToyStudy(
    { name: 'llm', options: { provider: 'openai', model: 'gpt-4o-2024-08-06', baseURL, apiKeyEnv: 'TEST_OPENAI_KEY', retryBaseMs: 5, timeoutMs: 5000 } },
    iterations,
  );
}

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('a whole study with the llm policy against a fake OpenAI server', () => {
  it('runs, journals usage and memory, keeps redacted transcripts, and resumes with its memory', async () => {
    server = await startFakeOpenAI(makeAgent());
    const { dir, configPath } = makeStudyConfig(`${server.url}/v1`, 6);
    const outDir = path.join(dir, 'study');
    const env = { TEST_OPENAI_KEY: SECRET };
    const summary = await runStudy({ configPath, outDir, env });
    expect(summary.trials).toHaveLength(6);
    expect(summary.trials.every((t) => t.policy?.policy === 'llm')).toBe(true);
    expect(summary.trials.filter((t) => t.policy?.fallback)).toEqual([]);
    expect(summary.trials.some((t) => t.state === 'complete')).toBe(true);
    // Usage per step, from the server's counts, priced from the built-in gpt-4o table.
    const steps = summary.trials.flatMap((t) => t.policy?.usage ?? []).map((u) => u.step);
    expect(steps).toContain('type');
    expect(steps).toContain('objects');
    const first = summary.trials[0]?.policy?.usage ?? [];
    expect(first[0]).toEqual({ step: 'objects', inputTokens: 900, outputTokens: 12, costUsd: (900 * 2.5 + 12 * 10) / 1e6 });

    // Memory updates are journaled (state + usage), one per finished trial.
    const journal = readFileSync(path.join(outDir, 'journal.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const observes = journal.filter((r) => r.kind === 'observe') as { state?: { memory: string; updates: number }; usage: { step: string }[] }[];
    expect(observes).toHaveLength(6);
    expect(observes.every((o) => o.usage[0]?.step === 'memory')).toBe(true);
    const lastMemory = observes[5]?.state?.memory ?? '';
    expect(lastMemory).toMatch(/^Lesson: latest was #5 /);
    expect(observes[5]?.state?.updates).toBe(6);

    // Transcripts per trial, with the retry, the rejected answer and the feedback, and no key.
    const jobs = readdirSync(path.join(outDir, 'jobs'));
    const transcripts = jobs.flatMap((j) =>
      readdirSync(path.join(outDir, 'jobs', j))
        .filter((f) => f.startsWith('transcript-'))
        .map((f) => readFileSync(path.join(outDir, 'jobs', j, f), 'utf8')),
    );
    expect(transcripts.length).toBeGreaterThanOrEqual(12);
    const all = transcripts.join('\n');
    expect(all).toContain('HTTP 429');
    expect(all).toContain('answer rejected: no answer found');
    expect(all).not.toContain(SECRET);
    expect(server.requests.every((r) => r.headers.authorization === `Bearer ${SECRET}`)).toBe(true);

    // Resume with a larger budget: the policy restores its memory and shows it to the agent.
    const before = server.requests.length;
    const resumed = await resumeStudy({ dir: outDir, iterations: 7, env });
    expect(resumed.trials).toHaveLength(7);
    const next = server.requests.slice(before).find((r) => lastUserMessage(r).includes('# Reflections'));
    expect(next && lastUserMessage(next)).toContain(lastMemory);
  });
});
