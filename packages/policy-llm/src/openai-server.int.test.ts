import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runStudy } from '@lamdagent/core';
import { afterAll, describe, expect, it } from 'vitest';
import { agentModelOrSkip } from './testing/agent-model.js';
import { type AgentServer, agentPython, startAgentServer } from './testing/agent-server.js';
import { SECRET } from './testing/helpers.js';
import { makeToyStudy } from './testing/toy-study.js';

const model = agentModelOrSkip('real OpenAI-compatible server test');
const python = agentPython();
if (model && !python) {
  const why = 'real OpenAI-compatible server test: the agent venv (xllamacpp) is missing; run `bash scripts/ci/agent-llm.sh`';
  if (process.env['CI'] === 'true') throw new Error(`${why} (CI=true: this is a failure, not a skip)`);
  process.stderr.write(`SKIP ${why}\n`);
}
// One trial (one constrained objects answer, one memory update): the prebuilt server is portable, not fast.
const ITERATIONS = 1;

let server: AgentServer | undefined;
afterAll(async () => {
  await server?.stop();
});

describe('the openai provider against a real OpenAI-compatible server (llama.cpp, Gemma 3 270M)', () => {
  it.runIf(model !== undefined && python !== undefined)(
    'runs a short toy study with json_schema answers: no crash, no fallback, the key never journaled',
    async () => {
      server = await startAgentServer(python as string, model as string, { apiKey: SECRET, ctx: 4096, threads: 2 });
      // Short prompt templates: this test is about the wire protocol and the server's json_schema, and
      // the prebuilt (portable, un-tuned) server is slow on 2 cores; the embedded test uses the full prompts.
      const prompts = { type: 'type.txt', objects: 'objects.txt', memory: 'memory.txt' };
      const options = {
        provider: 'openai',
        model: 'gemma-3-270m',
        baseURL: server.baseURL,
        apiKeyEnv: 'AGENT_KEY',
        maxOutputTokens: 32,
        timeoutMs: 1_800_000,
        maxRetries: 0,
        prompts,
      };
      const { dir, configPath } = makeToyStudy({ name: 'llm', options }, ITERATIONS);
      writeFileSync(path.join(dir, 'type.txt'), 'Choose the next post-training action type:\n{{action_types}}\nAnswer with its number.');
      writeFileSync(
        path.join(dir, 'objects.txt'),
        'Action {{action_type}}. Choose one candidate per input ({{positions}}):\n{{object_lists}}\nAnswer with the indices.',
      );
      writeFileSync(path.join(dir, 'memory.txt'), 'Latest result: {{new_result}}\nWrite one short lesson.');
      const outDir = path.join(dir, 'study');
      const summary = await runStudy({ configPath, outDir, env: { AGENT_KEY: SECRET } });
      expect(summary.trials).toHaveLength(ITERATIONS);
      const answers = summary.trials.flatMap((t) => t.policy?.answers ?? []);
      expect(answers.length).toBeGreaterThanOrEqual(ITERATIONS);
      // The server honoured json_schema (no refusal); every answer is a candidate, without random fallback.
      expect(answers.filter((a) => a.refused !== undefined)).toEqual([]);
      expect(summary.trials.map((t) => t.policy?.fallback ?? 'ok')).toEqual(summary.trials.map(() => 'ok'));
      for (const a of answers) expect(a).toMatchObject({ constrained: true });
      // Token counts are the server's own.
      const usage = summary.trials.flatMap((t) => t.policy?.usage ?? []);
      expect(usage.length).toBeGreaterThan(0);
      expect(usage.every((u) => u.inputTokens > 20 && u.outputTokens > 0)).toBe(true);
      // The key reached the server (it refuses requests without it) but no journal or transcript.
      const files = [path.join(outDir, 'journal.jsonl')];
      for (const j of readdirSync(path.join(outDir, 'jobs'))) {
        for (const f of readdirSync(path.join(outDir, 'jobs', j))) if (f.startsWith('transcript-')) files.push(path.join(outDir, 'jobs', j, f));
      }
      for (const f of files) if (existsSync(f)) expect(readFileSync(f, 'utf8')).not.toContain(SECRET);
    },
    30 * 60_000,
  );
});
