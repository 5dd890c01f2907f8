import {
  ActionSpace,
  ObjectPool,
  type Action,
  type ActionBinding,
  type ActionTypeDefinition,
  type JsonValue,
  type PoolObject,
  type TrialRecord,
} from '@lamdagent/core';
import { sha256 } from '@lamdagent/core/kit';
import { toyPlugin } from './toy-plugin.js';

/** The toy action space a policy is checked in: toy-sft (2 models × 3 datasets × 1 lr) and toy-merge (pairs of models); it grows with produced models. */
export function toyActionSpace(): { pool: ObjectPool; space: ActionSpace } {
  const pool = new ObjectPool();
  const add = (o: Omit<PoolObject, 'digest'>): void => pool.add({ ...o, digest: sha256(o.id) });
  for (let i = 0; i < 2; i++) add({ id: `models/${i}`, kind: 'models', type: 'model', name: `model${i}`, value: `/toy/models/${i}` });
  for (let i = 0; i < 3; i++) add({ id: `datasets/${i}`, kind: 'datasets', type: 'dataset', name: `data${i}`, value: `/toy/data/${i}.json` });
  add({ id: 'lr/0', kind: 'lr', type: 'number', name: '0.5', value: 0.5 });
  const defs: ActionTypeDefinition[] = [];
  toyPlugin.register({
    actionType: (d) => defs.push(d),
    runner: () => undefined,
    policy: () => undefined,
    executor: () => undefined,
    evaluator: () => undefined,
    aggregator: () => undefined,
    generationBackend: () => undefined,
    observer: () => undefined,
    scorer: () => undefined,
  });
  const sft = defs.find((d) => d.type === 'toy-sft')!;
  const merge = defs.find((d) => d.type === 'toy-merge')!;
  const bindings: ActionBinding[] = [
    {
      name: 'toy-sft',
      definition: sft,
      kinds: ['models', 'datasets', 'lr'],
      slotNames: ['model', 'dataset', 'learning_rate'],
      unordered: [],
      params: {},
      produces: 'models',
      runner: 'toy-sft',
    },
    {
      name: 'toy-merge',
      definition: merge,
      kinds: ['models', 'models'],
      slotNames: ['models', 'models'],
      unordered: [[0, 1]],
      params: {},
      produces: 'models',
      runner: 'toy-merge',
    },
  ];
  return { pool, space: new ActionSpace(pool, bindings, () => '1') };
}

/** Every action of the space now (it is small). */
export function allActions(space: ActionSpace): Action[] {
  return Array.from({ length: space.count() }, (_, i) => space.at(i));
}

/** A finished trial record for `action` (a scripted outcome), as a study would journal it. */
export function scriptedTrial(
  index: number,
  action: Action,
  outcome: { state: 'complete' | 'failed' | 'cached'; reward?: number; cachedFrom?: number },
): TrialRecord {
  const now = new Date(Date.UTC(2026, 0, 1, 0, 0, index)).toISOString();
  return {
    index,
    state: outcome.state,
    action: {
      name: action.name,
      type: action.type,
      key: action.key,
      inputs: action.inputs.map((i) => ({ id: i.id, name: i.name, kind: i.kind })),
      params: action.params as Record<string, JsonValue>,
    },
    ...(outcome.state !== 'failed'
      ? { produced: { id: `t${outcome.cachedFrom ?? index}`, name: `0--${outcome.cachedFrom ?? index}--0`, path: `/toy/out/t${index}` } }
      : {}),
    scores: outcome.reward !== undefined ? { ta: outcome.reward } : {},
    ...(outcome.reward !== undefined ? { reward: outcome.reward } : {}),
    startedAt: now,
    endedAt: now,
    durations: {},
    ...(outcome.state === 'failed' ? { error: { type: 'RunnerError', message: 'scripted failure' } } : {}),
    ...(outcome.cachedFrom !== undefined ? { cachedFrom: outcome.cachedFrom } : {}),
    metrics: {},
  };
}

/** A deterministic scripted reward in [0, 1) per action key; about one action in six fails. */
export function scriptedOutcome(key: string): { fails: boolean; reward: number } {
  const h = parseInt(sha256(key).slice(0, 8), 16);
  return { fails: h % 6 === 0, reward: (h % 1000) / 1000 };
}
