import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Registry, registerPlugin, type FactoryContext, type PoolObject, type TaskSpec } from '@lamdagent/core';
import { evaluatorConformance } from '@lamdagent/testkit';
import { TinyLM } from '@lamdagent/tinylm';
import plugin from './index.js';

// testkit's behavioural evaluator suite on the `suite` evaluator, through the plugin's registration and
// its real `tiny` backend: a small GPT-2 (Hugging Face layout) answers a four-item numeric task. The
// model is untrained, so the score is whatever it is; the suite checks the contract (a valid result on
// both splits, determinism, per-item results, a missing model and malformed data as clear errors).
const dir = mkdtempSync(path.join(tmpdir(), 'suite-conformance-'));
const modelDir = path.join(dir, 'model');
const tiny = await TinyLM.init({ nEmbd: 16, nLayer: 1, nHead: 2, nPositions: 32 }, 5);
await tiny.save(modelDir);
tiny.dispose();

const items = [1, 2, 3, 4].map((n) => JSON.stringify({ id: `q${n}`, prompt: `Q: ${n} and ${n}? A:`, answer: String(2 * n) }));
writeFileSync(path.join(dir, 'val.jsonl'), `${items.join('\n')}\n`);
writeFileSync(path.join(dir, 'test.jsonl'), `${items.slice(0, 2).join('\n')}\n`);
writeFileSync(path.join(dir, 'bad.jsonl'), `${items[0]}\n{"id": "q2", "prompt": \n`);

const registry = new Registry();
await registerPlugin(registry, plugin);
const ctx: FactoryContext = {
  configDir: dir,
  seed: 0,
  env: {},
  generationBackend: async (name, options) => {
    const f = registry.generationBackendFactory(name);
    return f.create(f.optionsSchema ? f.optionsSchema.parse(options ?? {}) : (options ?? {}), ctx);
  },
};
const factory = registry.evaluatorFactory('suite');
const task = (name: string, data: Record<string, string>): TaskSpec => ({
  name,
  evaluator: 'suite',
  metric: 'acc',
  max: 1,
  alpha: 1,
  inReward: true,
  options: { data, scorer: 'numeric', maxNewTokens: 4 },
});

evaluatorConformance('suite (tiny backend)', {
  create: () => factory.create(factory.optionsSchema!.parse({ backend: 'tiny' }), ctx),
  model: (): PoolObject => ({ id: 'models/0', kind: 'models', type: 'model', name: 'tiny', value: modelDir, digest: 'd' }),
  task: task('arith', { validation: 'val.jsonl', test: 'test.jsonl' }),
  badTask: task('broken', { validation: 'bad.jsonl', test: 'bad.jsonl' }),
});
