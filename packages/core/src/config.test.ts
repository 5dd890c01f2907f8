import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemble } from './assemble.js';
import { registerBuiltins } from './builtins.js';
import { loadConfig, parseConfig } from './config-load.js';
import { studyConfigJsonSchema } from './config-schema.js';
import { ConfigError } from './errors.js';
import { loadPlugins } from './plugins.js';
import { Registry } from './registry.js';
import { makeToyWorld, TOY_PLUGIN } from '../test-fixtures/toy-world.js';

function writeTmp(name: string, text: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cfg-'));
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (e) {
    if (ConfigError.isInstance(e)) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

/** The paper's Figure 11, verbatim (including its trailing comma). */
const FIGURE_11 = `{
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
  "score_aggregation": "mean"
}`;

describe('config loading', () => {
  it("loads the paper's Figure 11 config as it is", () => {
    const file = writeTmp('paper.json', FIGURE_11);
    const c = loadConfig(file);
    expect(c.format).toBe('paper');
    expect(c.config.seed).toBe(42);
    expect(c.config.budget.iterations).toBe(100);
    expect(c.config.policy).toEqual({ name: 'llm', options: { provider: 'openai', model: 'gpt-4o-2024-11-20' } });
    expect(c.config.actions['ties_merging']).toEqual(['base_models', 'models', 'models', 'ties_weights', 'ties_density']);
    expect(c.config.tasks).toEqual([
      ['gsm8k', 'acc'],
      ['commonsenseqa', 'acc'],
      ['trivia_qa_w_context', 'acc'],
    ]);
    expect(c.config.aggregation).toBe('mean');
  });

  it('names the file, the path and the expectation for each problem', () => {
    const cases: [string, RegExp][] = [
      ['seed: "x"\nobjects: {}\nactions: {}\ntasks: [[a, acc]]\n', /seed: Invalid input: expected number, received string/],
      ['objects: {}\nactions: {}\ntasks: []\n', /tasks: Too small: expected array to have >=1 items/],
      ['objects: {}\nactions: {}\ntasks: [[a, acc]]\nbudget: { iterations: 0 }\n', /budget\.iterations: Too small: expected number to be >0/],
      ['objects: {}\nactions: {}\ntasks: [[a, acc]]\nbudget: { iteration: 3 }\n', /budget: Unrecognized key: "iteration"/],
      ['objects: {}\nactions: { sft: { slot: [a] } }\ntasks: [[a, acc]]\n', /actions\.sft/],
      ['objects:\n  a: [1\n', /line 3, column 1: Flow sequence/],
    ];
    for (const [text, re] of cases) {
      const file = writeTmp('bad.yaml', text);
      const e = configError(() => loadConfig(file));
      expect(e.message).toContain(file);
      expect(e.message).toMatch(re);
      expect(e.exitCode).toBe(2);
    }
  });

  it('reports a missing file clearly', () => {
    const e = configError(() => loadConfig('/nonexistent/study.yaml'));
    expect(e.message).toMatch(/\/nonexistent\/study\.yaml: invalid config[\s\S]*cannot read: ENOENT/);
  });

  it('generates a JSON Schema of the native format', () => {
    const s = studyConfigJsonSchema() as { properties: Record<string, unknown>; required?: string[] };
    expect(Object.keys(s.properties)).toEqual(expect.arrayContaining(['seed', 'budget', 'policy', 'objects', 'actions', 'tasks', 'aggregation', 'executor']));
    expect(s.required).toEqual(expect.arrayContaining(['objects', 'actions', 'tasks']));
  });
});

describe('assembly against plugins', () => {
  async function registry(): Promise<Registry> {
    const r = new Registry();
    await registerBuiltins(r);
    await loadPlugins(r, { configured: [TOY_PLUGIN], fromDir: '/', discover: false });
    return r;
  }

  it('infers object types from slots, expands repeated slots, and marks merge inputs distinct and ordered by their weights', async () => {
    const w = makeToyWorld();
    const a = assemble(loadConfig(w.configPath), await registry());
    expect(a.kindTypes.get('models')).toBe('model');
    expect(a.kindTypes.get('datasets')).toBe('dataset');
    expect(a.kindTypes.get('weights')).toBe('json');
    const ties = a.bindings.find((b) => b.name === 'ties_merging')!;
    expect(ties.definition.type).toBe('ties');
    expect(ties.slotNames).toEqual(['base_model', 'models', 'models', 'weights', 'density']);
    // The weights slot holds one value per model, so the models keep the order chosen (not unordered).
    expect(ties.unordered).toEqual([]);
    expect(ties.weighted).toEqual([{ positions: [1, 2], paramsAt: 3 }]);
    expect(a.objects.find((o) => o.id === 'models/0')!.value).toBe(path.join(w.dir, 'models/base'));
    expect(a.tasks.map((t) => t.alpha)).toEqual([1, 1]);
  });

  it('passes runnerParams to the binding and into the action key', async () => {
    const w = makeToyWorld();
    const r = await registry();
    const withParams = parseConfig(
      {
        objects: { models: ['models/base'], datasets: ['data/a.json'], lr: [0.5] },
        actions: { sft: { slots: ['models', 'datasets', 'lr'], runnerParams: { command: ['train', '{outputDir}'] } } },
        tasks: [{ name: 'ta', evaluator: 'toy' }],
      },
      w.configPath,
    );
    const plain = parseConfig(
      {
        objects: { models: ['models/base'], datasets: ['data/a.json'], lr: [0.5] },
        actions: { sft: ['models', 'datasets', 'lr'] },
        tasks: [{ name: 'ta', evaluator: 'toy' }],
      },
      w.configPath,
    );
    const a = assemble(withParams, r);
    const b = assemble(plain, r);
    expect(a.bindings[0]!.runnerParams).toEqual({ command: ['train', '{outputDir}'] });
    const { ObjectPool } = await import('./pool.js');
    const { ActionSpace } = await import('./space.js');
    const keyOf = (x: typeof a): string => new ActionSpace(new ObjectPool(x.objects), x.bindings, () => '1').at(0).key;
    expect(keyOf(a)).not.toBe(keyOf(b));
  });

  it('collects every resolution problem with its path', async () => {
    const w = makeToyWorld();
    const raw = {
      objects: { models: ['models/base', 'models/missing'], datasets: ['data/a.json'], lr: ['fast'] },
      actions: { sft: ['models', 'datasets', 'lr'], dpo: ['models'], ties: ['models', 'models'], bad: { type: 'sft', slots: ['models', 'nope', 'lr'] } },
      tasks: [{ name: 'ta', evaluator: 'nosuch' }],
      policy: 'clever',
    };
    const r = await registry();
    const e = configError(() => assemble(parseConfig(raw, w.configPath), r));
    expect(e.message).toContain(w.configPath);
    expect(e.message).toContain('actions.dpo: unknown action type "dpo" (known: sft, ties)');
    expect(e.message).toContain(
      'actions.ties: ties takes slots (base_model, models×2+, weights, density): models repeated 2 or more times; got 2 slots in all',
    );
    expect(e.message).toContain('actions.bad.slots[1]: no object list "nope" in objects');
    expect(e.message).toMatch(/objects\.models\[1\]: model models\/missing not found/);
    expect(e.message).toContain('objects.lr[0]: expected a number, got "fast"');
    expect(e.message).toContain('tasks[0].evaluator: no evaluator "nosuch"');
    expect(e.message).toContain('policy: no policy "clever" (known: random, random-type, greedy)');
  });

  it('accepts one path per value (null: naming convention) or one path for a one-value list; wrong shapes name the file and field', async () => {
    const w = makeToyWorld();
    const r = await registry();
    const base = { actions: { sft: ['models', 'datasets', 'lr'] }, tasks: [{ name: 'ta', evaluator: 'toy' }] };
    const ok = {
      ...base,
      objects: { models: ['models/base'], datasets: { values: ['data/a.json', 'data/b.json'], scales: { 2: ['big/a.json', null] } }, lr: [0.5] },
    };
    expect(() => assemble(parseConfig(ok, w.configPath), r)).not.toThrow();
    const bad = {
      ...base,
      objects: {
        models: { values: ['models/base'], scales: { 2: 'big/base' } },
        datasets: { values: ['data/a.json', 'data/b.json'], scales: { 2: ['big/a.json'], 4: 'big/all.json' } },
        lr: [0.5],
      },
    };
    const e = configError(() => assemble(parseConfig(bad, w.configPath), r));
    expect(e.message).toContain(w.configPath);
    expect(e.message).toContain('objects.models.scales: only datasets declare scaled variants; these are model objects');
    expect(e.message).toContain('objects.datasets.scales.2: has 1 paths for 2 values');
    expect(e.message).toContain('objects.datasets.scales.4: a single path needs a list of one value; this list has 2');
    const badKey = configError(() =>
      parseConfig({ ...ok, objects: { ...ok.objects, datasets: { values: ['data/a.json'], scales: { half: 'x.json' } } } }, w.configPath),
    );
    expect(badKey.message).toContain(w.configPath);
    expect(badKey.message).toMatch(/objects\.datasets/);
  });
});

describe('committed JSON Schema', () => {
  it('schema/lamdagent.schema.json matches the zod schema (regenerate with `npx lamdagent schema > schema/lamdagent.schema.json`)', async () => {
    const { readFileSync } = await import('node:fs');
    const { fileURLToPath } = await import('node:url');
    const file = fileURLToPath(new URL('../../../schema/lamdagent.schema.json', import.meta.url));
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(studyConfigJsonSchema());
  });
});
