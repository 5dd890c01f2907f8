import type { PoolObject, TrialRecord } from '@lamdagent/core';
import { describe, expect, it } from 'vitest';
import plugin, { MlflowOptionsSchema, parentTrials, trialMetrics, trialParams } from './index.js';

const ref = {
  name: 'ties_merging',
  type: 'ties',
  key: 'k1',
  inputs: [
    { id: 'base_models/0', name: 'base', kind: 'base_models' },
    { id: 't3', name: '0--3--0', kind: 'models' },
    { id: 't5', name: '0--5--0', kind: 'models' },
    { id: 'w/0', name: '[0.5,0.5]', kind: 'ties_weights' },
    { id: 'd/0', name: '0.7', kind: 'ties_density' },
  ],
  params: { normalize: true },
};
const objects: Record<string, PoolObject> = {
  'w/0': { id: 'w/0', kind: 'ties_weights', type: 'json', name: '[0.5,0.5]', value: [0.5, 0.5], digest: 'x' },
  'd/0': { id: 'd/0', kind: 'ties_density', type: 'number', name: '0.7', value: 0.7, digest: 'x' },
  t3: { id: 't3', kind: 'models', type: 'model', name: '0--3--0', value: '/s/artifacts/t0003', digest: 'x' },
};

describe('what a run holds', () => {
  it('params: the action, every input by slot, hyperparameter values, fixed params', () => {
    const p = Object.fromEntries(trialParams(ref, { object: (id) => objects[id] }).map((x) => [x.key, x.value]));
    expect(p).toEqual({
      action: 'ties_merging',
      action_type: 'ties',
      'input.0.base_models': 'base',
      'input.1.models': '0--3--0',
      'input.2.models': '0--5--0',
      'input.3.ties_weights': '[0.5,0.5]',
      'hp.ties_weights': '[0.5,0.5]',
      'input.4.ties_density': '0.7',
      'hp.ties_density': '0.7',
      'param.normalize': 'true',
    });
    expect(parentTrials(ref)).toEqual([3, 5]);
  });

  it('metrics: per-task scores, reward, seconds, stage durations, agent tokens and cost, runner metrics (step = trial index)', () => {
    const t: TrialRecord = {
      index: 7,
      state: 'complete',
      action: ref,
      scores: { arith: 0.5, 'mc ood': 0.25 },
      reward: 0.375,
      startedAt: '2026-01-01T00:00:00.000Z',
      endedAt: '2026-01-01T00:00:02.500Z',
      durations: { execute: 2, evaluate: 0.25 },
      metrics: { finalLoss: 1.5 },
      policy: {
        policy: 'llm',
        usage: [
          { step: 'type', inputTokens: 100, outputTokens: 10, costUsd: 0.01 },
          { step: 'objects', inputTokens: 50, outputTokens: 5, costUsd: 0.02 },
        ],
      },
    };
    const m = Object.fromEntries(trialMetrics(t).map((x) => [x.key, x.value]));
    expect(m).toEqual({
      'score.arith': 0.5,
      'score.mc ood': 0.25,
      reward: 0.375,
      seconds: 2.5,
      'seconds.execute': 2,
      'seconds.evaluate': 0.25,
      'agent.input_tokens': 150,
      'agent.output_tokens': 15,
      'agent.cost_usd': 0.03,
      'runner.finalLoss': 1.5,
    });
    expect(trialMetrics(t).every((x) => x.step === 7 && x.timestamp === Date.parse('2026-01-01T00:00:02.500Z'))).toBe(true);
  });

  it('declares the mlflow observer and validates its options', () => {
    expect(plugin.provides).toEqual({ observers: ['mlflow'] });
    expect(() => MlflowOptionsSchema.parse({ trackingUri: 'not a url' })).toThrow();
    expect(() => MlflowOptionsSchema.parse({ tracking: 'x' })).toThrow(/Unrecognized key/);
    expect(MlflowOptionsSchema.parse({})).toEqual({ timeoutMs: 10_000 });
  });
});
