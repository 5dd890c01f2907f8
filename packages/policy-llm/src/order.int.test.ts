import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, resumeStudy, runStudy } from '@lamdagent/core';
import { makeToyStudy } from '@lamdagent/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { makeAgent } from './testing/agent.js';
import { type FakeServer, type RecordedRequest, startFakeOpenAI } from './testing/fake-server.js';
import { SECRET } from './testing/helpers.js';

const ITERATIONS = 6;
const env = { TEST_OPENAI_KEY: SECRET };

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/**
 * testkit's toy study with this plugin, without the failing dataset of the package's other toy study:
 * a failure's message names the study's temporary folder, and prompts must not differ between two
 * folders for runs to be compared prompt for prompt.
 */
function study(baseURL: string, seed: number, options: Record<string, string> = {}): { dir: string; configPath: string } {
  return makeToyStudy({
    policy: {
      name: 'llm',
      options: { provider: 'openai', model: 'gpt-4o-2024-08-06', baseURL, apiKeyEnv: 'TEST_OPENAI_KEY', retryBaseMs: 5, timeoutMs: 5000, ...options },
    },
    iterations: ITERATIONS,
    seed,
    plugins: [path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'index.ts')],
    datasets: { a: { target: [1, 0, 0] }, b: { target: [0, 1, 0] }, c: { target: [0, 0, 1] }, d: { target: [1, 1, 0] } },
  });
}

/** The prompt a request opened with (selection prompts list the candidates in their shown order). */
function firstPrompt(r: RecordedRequest): string {
  return (r.body as { messages: { content: string }[] }).messages[0]?.content ?? '';
}

const isSelection = (prompt: string): boolean => prompt.includes('# Action types') || prompt.includes('# Candidate lists');

/** A whole study at temperature 0 against a deterministic fake agent: its actions and selection prompts. */
async function uninterrupted(seed: number): Promise<{ keys: string[]; prompts: string[] }> {
  server = await startFakeOpenAI(makeAgent({ deterministic: true }));
  const { dir, configPath } = study(`${server.url}/v1`, seed);
  const summary = await runStudy({ configPath, outDir: path.join(dir, 'study'), env });
  expect(summary.trials.filter((t) => t.policy?.fallback)).toEqual([]);
  const out = { keys: summary.trials.map((t) => t.action.key), prompts: server.requests.map(firstPrompt).filter(isSelection) };
  await server.close();
  server = undefined;
  return out;
}

describe('seeded candidate order in whole studies', () => {
  it('two study seeds show the agent different orders and it chooses differently; one seed twice, the same', async () => {
    const a = await uninterrupted(7);
    const again = await uninterrupted(7);
    const b = await uninterrupted(8);
    expect(again).toEqual(a);
    expect(b.prompts[0]).not.toEqual(a.prompts[0]);
    expect(b.keys).not.toEqual(a.keys);
  });

  it('a study resumed after 3 of its 6 trials makes the same choices, from the same prompts, as one run straight through', async () => {
    const whole = await uninterrupted(9);
    server = await startFakeOpenAI(makeAgent({ deterministic: true }));
    const { dir, configPath } = study(`${server.url}/v1`, 9);
    const outDir = path.join(dir, 'study');
    const part = await runStudy({ configPath, outDir, env, overrides: { iterations: 3 } });
    expect(part.trials).toHaveLength(3);
    // A new policy (a new process would build one the same way) restores the memory from the journal and
    // draws trial 3's order from the seed and the trial index again.
    const resumed = await resumeStudy({ dir: outDir, env, iterations: ITERATIONS });
    expect(resumed.trials.filter((t) => t.policy?.fallback)).toEqual([]);
    expect(resumed.trials.map((t) => t.action.key)).toEqual(whole.keys);
    expect(server.requests.map(firstPrompt).filter(isSelection)).toEqual(whole.prompts);
  });

  it('a bad candidateOrder in a study config is refused before the study starts, naming the field; nothing is written', async () => {
    const { dir, configPath } = study('http://127.0.0.1:9/v1', 7, { candidateOrder: 'random' });
    const outDir = path.join(dir, 'study');
    const err = await runStudy({ configPath, outDir, env }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).exitCode).toBe(2);
    expect((err as Error).message).toContain('policy.options.candidateOrder: llm policy option candidateOrder must be "seeded" or "fixed", got "random"');
    expect(existsSync(outDir)).toBe(false);
  });
});
