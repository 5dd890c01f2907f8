import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Registry, registerBuiltins, type PoolObject } from '@lamdagent/core';
import { aggregatorConformance } from './aggregator-suite.js';
import { evaluatorConformance } from './evaluator-suite.js';
import { executorConformance } from './executor-suite.js';
import { policyConformance } from './policy-suite.js';
import { runnerConformance } from './runner-suite.js';
import { readToyModel, toyEvaluator, toyMergeRunner, toySftRunner, toyWeightedMergeRunner, writeToyModel } from './toy-plugin.js';
import { writeFileSync } from 'node:fs';

// The behavioural suites run on core's own built-ins and on the toy world's plugin.
const core = new Registry();
await registerBuiltins(core);
const ctx = { configDir: '.', seed: 0, env: {}, generationBackend: () => Promise.reject(new Error('none')) };

policyConformance(core.policyFactory('greedy'));
// The paper's random baselines are uniform by design: they do not avoid running or tried actions.
policyConformance(core.policyFactory('random'), { capabilities: { avoidsPending: false, avoidsTried: false } });
policyConformance(core.policyFactory('random-type'), { capabilities: { avoidsPending: false, avoidsTried: false } });

executorConformance('inprocess', { create: () => core.executorFactory('inprocess').create({}, ctx) });
executorConformance('subprocess', {
  create: () => core.executorFactory('subprocess').create({ nodeArgs: [], killGraceMs: 500 }, ctx),
  capabilities: { isolatesProcess: true },
});

aggregatorConformance('mean', () => core.aggregatorFactory('mean').create({}, ctx));
aggregatorConformance('weighted-sum', () => core.aggregatorFactory('weighted-sum').create({}, ctx));

const fixtures = (): { model: string; other: string; data: string; bad: string } => {
  const dir = mkdtempSync(path.join(tmpdir(), 'toy-fixture-'));
  writeToyModel(path.join(dir, 'm'), [0, 0, 0]);
  writeToyModel(path.join(dir, 'o'), [1, 1, 0]);
  writeFileSync(path.join(dir, 'd.json'), JSON.stringify({ target: [1, 0, 0] }));
  writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ fail: 'tokenizer mismatch' }));
  return { model: path.join(dir, 'm'), other: path.join(dir, 'o'), data: path.join(dir, 'd.json'), bad: path.join(dir, 'bad.json') };
};
const loadToy = (dir: string): void => void readToyModel(dir);

runnerConformance(toySftRunner, {
  good: () => {
    const f = fixtures();
    return {
      runner: 'toy-sft',
      inputs: [
        { slot: 'model', type: 'model', value: f.model },
        { slot: 'dataset', type: 'dataset', value: f.data },
        { slot: 'learning_rate', type: 'number', value: 0.5 },
      ],
    };
  },
  bad: () => {
    const f = fixtures();
    return {
      runner: 'toy-sft',
      inputs: [
        { slot: 'model', type: 'model', value: f.model },
        { slot: 'dataset', type: 'dataset', value: f.bad },
        { slot: 'learning_rate', type: 'number', value: 0.5 },
      ],
    };
  },
  loadModel: loadToy,
});
runnerConformance(toyMergeRunner, {
  good: () => {
    const f = fixtures();
    return {
      runner: 'toy-merge',
      inputs: [
        { slot: 'models', type: 'model', value: f.model },
        { slot: 'models', type: 'model', value: f.other },
      ],
    };
  },
  loadModel: loadToy,
});
runnerConformance(toyWeightedMergeRunner, {
  good: () => {
    const f = fixtures();
    return {
      runner: 'toy-wmerge',
      inputs: [
        { slot: 'base_model', type: 'model', value: f.model },
        { slot: 'models', type: 'model', value: f.model },
        { slot: 'models', type: 'model', value: f.other },
        { slot: 'weights', type: 'json', value: [0.5, 0.7] },
      ],
    };
  },
  loadModel: loadToy,
});

const toyModel = (): PoolObject => {
  const f = fixtures();
  return { id: 'models/0', kind: 'models', type: 'model', name: 'm', value: f.other, digest: 'x' };
};
evaluatorConformance('toy', {
  create: () => toyEvaluator,
  model: toyModel,
  task: { name: 'ta', evaluator: 'toy', metric: 'closeness', max: 1, alpha: 1, inReward: true, options: { target: [1, 0, 0] } },
  badTask: { name: 'tb', evaluator: 'toy', metric: 'closeness', max: 1, alpha: 1, inReward: true, options: { target: 'not a vector' } },
});
