import { fileURLToPath } from 'node:url';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { assemble, loadConfig, runStudy, withDataDir, Registry, registerBuiltins, loadPlugins } from '@lamdagent/core';
import { describe, expect, it } from 'vitest';

// The embedded world's shipped tiny base model, by path: @lamdagent/world dev-depends on this package
// (its tests score with these scorers), so depending back on it would make a build cycle.
const SHIPPED_BASE_MODEL = fileURLToPath(new URL('../../world/assets/base-model/', import.meta.url));

const PACKAGES = resolve(import.meta.dirname, '../..');
const DATA = resolve(import.meta.dirname, '../fixtures/benchmarks');
/** Plugins by folder (their built entries), so the study finds them from a temporary config folder. */
const PLUGINS = ['action-sft', 'action-ties', 'eval-suites'].map((p) => join(PACKAGES, p));

/** The paper's Figure 11 config, its paths and keys as published, plus our `eval_data` key. */
function figure11(evalData: string | undefined): string {
  return `{
  "seed": 42,
  "total_timesteps": 100,
  "controller": "LaMDAgent_gpt",
  "controller_model": "gpt-4o-2024-11-20",
  "objects": {
    "base_models": ["models/gemma-2-2b"],
    "models": ["models/gemma-2-2b--gsm8k_1k", "models/gemma-2-2b--commonsense_qa_1k", "models/gemma-2-2b--trivia_qa_1k_w_context", "models/gemma-2-2b"],
    "sft_dataset": ["data/sft_formatted/gsm8k_1k", "data/sft_formatted/commonsense_qa_1k", "data/sft_formatted/trivia_qa_1k_w_context", "data/sft_formatted/gsm1k_cqa1k_tqa1k"],
    "sft_lr": [0.000001],
    "ties_weights": [[0.5, 0.5]],
    "ties_density": [0.5],
  },
  "action_types": {
    "sft": ["models", "sft_dataset", "sft_lr"],
    "ties_merging": ["base_models", "models", "models", "ties_weights", "ties_density"]
  },
  "eval_tasks": [["gsm8k", "acc"], ["commonsenseqa", "acc"], ["trivia_qa_w_context", "acc"]],
  "score_aggregation": "mean"${evalData === undefined ? '' : `,\n  "eval_data": "${evalData}"`}
}
`;
}

/** A folder laid out as Figure 11 expects: models (the world's shipped tiny base model) and SFT data files. */
function paperFolder(evalData: string | undefined): string {
  const dir = mkdtempSync(join(tmpdir(), 'lamdagent-figure11-'));
  for (const m of ['gemma-2-2b', 'gemma-2-2b--gsm8k_1k', 'gemma-2-2b--commonsense_qa_1k', 'gemma-2-2b--trivia_qa_1k_w_context']) {
    cpSync(SHIPPED_BASE_MODEL, join(dir, 'models', m), { recursive: true });
  }
  mkdirSync(join(dir, 'data/sft_formatted'), { recursive: true });
  const sft = [
    { prompt: 'q: 2 + 3 a:', completion: ' 5' },
    { prompt: 'q: 4 + 1 a:', completion: ' 5' },
  ];
  for (const d of ['gsm8k_1k', 'commonsense_qa_1k', 'trivia_qa_1k_w_context', 'gsm1k_cqa1k_tqa1k']) {
    writeFileSync(join(dir, 'data/sft_formatted', d), sft.map((x) => JSON.stringify(x)).join('\n') + '\n');
  }
  writeFileSync(join(dir, 'figure11.json'), figure11(evalData));
  return dir;
}

async function registryFor(configFile: string): Promise<Registry> {
  const registry = new Registry();
  await registerBuiltins(registry);
  await loadPlugins(registry, { configured: PLUGINS, fromDir: dirname(configFile), discover: false });
  return registry;
}

describe("the paper's Figure 11 config with a data folder", () => {
  it('runs a study end to end with the random policy, scoring the published-schema fixtures', async () => {
    const dir = paperFolder(DATA);
    const s = await runStudy({
      configPath: join(dir, 'figure11.json'),
      outDir: join(dir, 'study'),
      overrides: { policy: 'random', iterations: 3, plugins: PLUGINS },
    });
    expect(s.trials).toHaveLength(3);
    for (const t of s.trials) {
      expect(t.state, JSON.stringify(t.error)).toBe('complete');
      expect(Object.keys(t.scores).sort()).toEqual(['commonsenseqa', 'gsm8k', 'trivia_qa_w_context']);
      for (const v of Object.values(t.scores)) expect(v).toBeGreaterThanOrEqual(0);
    }
  }, 300_000);

  it('validate: the data folder must hold every task and split; --data-dir gives it to a config without eval_data', async () => {
    const dir = paperFolder(undefined);
    // The policy is random here: the llm policy's plugin is not loaded in this test.
    const read = loadConfig(join(dir, 'figure11.json'));
    const loaded = { ...read, config: { ...read.config, policy: 'random' } };
    const registry = await registryFor(loaded.file);
    const ok = { ...loaded, config: withDataDir(loaded.config, DATA) };
    expect(() => assemble(ok, registry, { skipDigests: true })).not.toThrow();

    const partial = join(dir, 'partial');
    cpSync(join(DATA, 'gsm8k'), join(partial, 'gsm8k'), { recursive: true });
    mkdirSync(join(partial, 'commonsenseqa'), { recursive: true });
    writeFileSync(join(partial, 'commonsenseqa/validation.jsonl'), '{"id": "1", "question": "q?", "answerKey": "A"}\n');
    const bad = { ...loaded, config: withDataDir(loaded.config, partial) };
    let message = '';
    try {
      assemble(bad, registry, { skipDigests: true });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/commonsenseqa\/validation\.jsonl:1: commonsenseqa: choices: missing/);
    expect(message).toMatch(/no test\.jsonl, \.json, \.parquet, \.arrow or test\/ folder in .*commonsenseqa/);
    expect(message).toMatch(/no folder .*trivia_qa_w_context/);
  });

  it('an unknown task name lists the presets', async () => {
    const dir = paperFolder(DATA);
    writeFileSync(join(dir, 'figure11.json'), figure11(DATA).replace('["gsm8k", "acc"]', '["gsm8k_typo", "acc"]'));
    const read = loadConfig(join(dir, 'figure11.json'));
    const loaded = { ...read, config: { ...read.config, policy: 'random' } };
    const registry = await registryFor(loaded.file);
    expect(() => assemble(loaded, registry, { skipDigests: true })).toThrow(/"gsm8k_typo" is not a preset task \(known: gsm8k, commonsenseqa, /);
  });
});
