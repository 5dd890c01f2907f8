import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runStudy } from '@lamdagent/core';
import { makeToyStudy } from '@lamdagent/testkit';
import { describe, expect, it } from 'vitest';
import { agentModelOrSkip } from './testing/agent-model.js';

const model = agentModelOrSkip('hybrid (shortlist) study test');
const THIS_PLUGIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'index.ts');
const POLICY_SEARCH = fileURLToPath(import.meta.resolve('@lamdagent/policy-search'));
const ITERATIONS = 10;

describe('the LLM-plus-model hybrid in a real study', () => {
  it.runIf(model !== undefined)(
    "Gemma 3 270M chooses among the surrogate's proposals: constrained, valid the first time, every choice one of them",
    async () => {
      const options = {
        provider: 'llama-cpp',
        model: model as string,
        contextSize: 4096,
        threads: 1,
        maxOutputTokens: 48,
        memory: false,
        shortlist: { policy: 'surrogate', options: { initialRandom: 2 }, size: 4 },
      };
      const { dir, configPath } = makeToyStudy({
        policy: { name: 'llm', options },
        iterations: ITERATIONS,
        seed: 3,
        plugins: [THIS_PLUGIN, POLICY_SEARCH],
        datasets: { a: { target: [1, 0, 0] }, b: { target: [0, 1, 0] }, c: { target: [0, 0, 1] } },
      });
      const outDir = path.join(dir, 'study');
      const summary = await runStudy({ configPath, outDir });
      expect(summary.trials).toHaveLength(ITERATIONS);
      expect(summary.trials.filter((t) => t.policy?.fallback)).toEqual([]);
      const answers = summary.trials.flatMap((t) => t.policy?.answers ?? []);
      for (const a of answers) expect(a).toMatchObject({ constrained: true, replies: 1, outcome: 'first' });
      // The first trials: the surrogate's covering design, one proposal (taken without asking) until two
      // trials are observed; then the covering action and the forest's ranking, one shortlist answer each,
      // naming one of the proposals shown.
      const viaShortlist = summary.trials.filter((t) => t.policy?.answers?.some((a) => a.step === 'shortlist'));
      expect(viaShortlist.length).toBeGreaterThanOrEqual(3);
      const transcript = (t: (typeof summary.trials)[number]): { step: string; role: string; content: string }[] =>
        t.policy?.transcript
          ? (JSON.parse(readFileSync(path.join(outDir, t.policy.transcript), 'utf8')) as { step: string; role: string; content: string }[])
          : [];
      expect(transcript(summary.trials[0]!).some((e) => /^surrogate proposed one action: .*; taken$/.test(e.content))).toBe(true);
      for (const t of viaShortlist) {
        expect(existsSync(path.join(outDir, t.policy?.transcript ?? 'none'))).toBe(true);
        const entries = transcript(t);
        const prompt = entries.find((e) => e.step === 'shortlist' && e.role === 'user')?.content ?? '';
        const shown = [...prompt.matchAll(/^\[(\d+)\] (.+): (?:predicted reward -?\d|no prediction)/gm)].map((m) => m[2]);
        expect(shown.length).toBeGreaterThanOrEqual(2);
        const reply = entries.find((e) => e.step === 'shortlist' && e.role === 'assistant')?.content ?? '';
        const k = Number(/^\[\[(\d+)\]\]$/.exec(reply)?.[1]);
        expect(shown[k]).toBe(`${t.action.name}(${t.action.inputs.map((i) => i.name).join(', ')})`);
      }
    },
    30 * 60_000,
  );
});
