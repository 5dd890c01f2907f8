import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStudy, UsageError } from '@lamdagent/core';
import { compare, MANIFEST, parsePolicies, studyDirOf } from '@lamdagent/science';
import { makeToyStudy } from '@lamdagent/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_MEMORY_TEMPLATE } from './default-prompts.js';
import { makeAgent } from './testing/agent.js';
import { type FakeServer, type RecordedRequest, type ScriptStep, startFakeOpenAI } from './testing/fake-server.js';
import { SECRET } from './testing/helpers.js';

const THIS_PLUGIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'index.ts');
const MARKER = 'Notes kept for the comparison test.';

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** makeAgent's deterministic answers, given as the JSON object a server with structured output returns when the request asks for one. */
function structuredAgent(): (req: RecordedRequest, n: number) => ScriptStep {
  const agent = makeAgent({ deterministic: true });
  return (req, n) => {
    const step = agent(req, n);
    const rf = (req.body as { response_format?: { json_schema?: { schema?: { properties?: Record<string, unknown> } } } }).response_format;
    const names = Object.keys(rf?.json_schema?.schema?.properties ?? {});
    if (!('reply' in step) || names.length === 0) return step;
    const picks =
      /\[\[([\d, ]+)\]\]/
        .exec(step.reply ?? '')?.[1]
        ?.split(',')
        .map(Number) ?? [];
    return { ...step, reply: JSON.stringify(Object.fromEntries(names.map((n, i) => [n, picks[i] ?? 0]))) };
  };
}

/** A toy study whose config knows no `llm` policy, and two agent configs in a folder of their own. */
function setup(baseURL: string): { dir: string; configPath: string } {
  const { dir, configPath } = makeToyStudy({
    policy: 'random',
    iterations: 3,
    seed: 7,
    datasets: { a: { target: [1, 0, 0] }, b: { target: [0, 1, 0] }, c: { target: [0, 0, 1] }, broken: { fail: 'tokenizer mismatch' } },
  });
  const agents = path.join(dir, 'agents');
  mkdirSync(agents);
  // A memory template beside the agent configs: `prompts.memory` is relative to the options file, not the study config.
  writeFileSync(path.join(agents, 'memory.md'), `${MARKER}\n${DEFAULT_MEMORY_TEMPLATE}`);
  const common = { provider: 'openai', model: 'gpt-4o-2024-08-06', baseURL, apiKeyEnv: 'TEST_OPENAI_KEY', retryBaseMs: 5, timeoutMs: 5000 };
  // One as a policy config file (loadPolicyFile's shape), one as bare options.
  writeFileSync(path.join(agents, 'constrained.json'), JSON.stringify({ name: 'llm', options: { ...common, prompts: { memory: 'memory.md' } } }));
  writeFileSync(path.join(agents, 'free.json'), JSON.stringify({ ...common, constrain: false }));
  return { dir, configPath };
}

describe('lamdagent compare with LLM policies (a fake OpenAI-compatible server)', () => {
  it('compares one agent model with and without constraints against random over 2 seeds x 3 iterations', async () => {
    server = await startFakeOpenAI(structuredAgent());
    const { dir, configPath } = setup(`${server.url}/v1`);
    const arms = parsePolicies('random,llm:agents/constrained.json,llm:agents/free.json', dir).map((p) => ({ label: p.label, policy: p }));
    expect(arms.map((a) => a.label)).toEqual(['random', 'llm-constrained', 'llm-free']);
    // The relative template path became absolute, from the options file's folder.
    expect(arms[1]!.policy.options['prompts']).toEqual({ memory: path.join(dir, 'agents', 'memory.md') });
    expect(arms[1]!.policy.options['baseURL']).toBe(`${server.url}/v1`);

    const outDir = path.join(dir, 'cmp');
    const r = await compare({ configPath, arms, seeds: 2, iterations: 3, outDir, plugins: [THIS_PLUGIN], env: { TEST_OPENAI_KEY: SECRET } });
    expect(r.report.arms.map((a) => a.label)).toEqual(['random', 'llm-constrained', 'llm-free']);
    for (const a of r.report.arms) {
      expect(a.seeds.map((s) => s.seed)).toEqual([7, 8]);
      for (const s of a.seeds) expect(s.bestSoFar).toHaveLength(3);
    }
    for (const label of ['llm-constrained', 'llm-free']) expect(r.report.arms.find((a) => a.label === label)!.vsReference?.reference).toBe('random');

    for (const [label, constrained] of [
      ['llm-constrained', true],
      ['llm-free', false],
    ] as const)
      for (const seed of [7, 8]) {
        const trials = openStudy(studyDirOf(outDir, label, seed)).trials;
        expect(trials).toHaveLength(3);
        expect(trials.every((t) => t.policy?.policy === 'llm' && !t.policy.fallback)).toBe(true);
        const answers = trials.flatMap((t) => t.policy?.answers ?? []);
        expect(answers.length).toBeGreaterThanOrEqual(trials.length); // the type step is skipped while one type is possible
        // Valid without a fallback: first time, or after one retry (a JSON schema cannot exclude the tried tuples, and the
        // deterministic fake answers from the prompt, whose trial lines carry timings, so a pick may repeat a tried action).
        expect(answers.every((a) => (a.outcome === 'first' || a.outcome === 'retried') && Boolean(a.constrained) === constrained)).toBe(true);
        expect(answers.filter((a) => a.outcome === 'first').length).toBeGreaterThan(0);
      }
    // The constrained arm asked for structured output, the free one never did; only the first used the template beside it.
    const bodies = server.requests.map((q) => q.body as { response_format?: unknown; messages: { content: string }[] });
    const structured = bodies.filter((b) => b.response_format !== undefined);
    expect(structured.length).toBeGreaterThanOrEqual(2 * 3);
    expect(bodies.filter((b) => b.messages[0]?.content.startsWith(MARKER))).toHaveLength(2 * 3);
    // No key in the comparison's files.
    const manifest = readFileSync(path.join(outDir, MANIFEST), 'utf8');
    expect(manifest).not.toContain(SECRET);
    expect(JSON.parse(manifest).plugins).toEqual([THIS_PLUGIN]);
    expect(readFileSync(r.files.results, 'utf8')).not.toContain(SECRET);
    expect(r.text).toContain('llm-constrained');
  });

  it('refuses, before anything is written, an llm policy without its plugin and a policy file of another policy', async () => {
    const { dir, configPath } = setup('http://127.0.0.1:9/v1');
    const arms = parsePolicies('random,llm:agents/free.json', dir).map((p) => ({ label: p.label, policy: p }));
    const outDir = path.join(dir, 'cmp');
    await expect(compare({ configPath, arms, seeds: 1, iterations: 1, outDir })).rejects.toThrow(/unknown policy "llm"/);
    await expect(compare({ configPath, arms, seeds: 1, iterations: 1, outDir, plugins: ['@lamdagent/no-such-plugin'] })).rejects.toThrow(
      /--plugin @lamdagent\/no-such-plugin: .*not installed/,
    );
    expect(() => openStudy(studyDirOf(outDir, 'random', 7))).toThrow();
    writeFileSync(path.join(dir, 'agents', 'other.json'), JSON.stringify({ name: 'greedy', options: {} }));
    expect(() => parsePolicies('llm:agents/other.json', dir)).toThrow(UsageError);
    expect(() => parsePolicies('llm:agents/other.json', dir)).toThrow(/other\.json: name: the file configures policy "greedy", not llm/);
  });
});
