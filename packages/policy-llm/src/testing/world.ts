import { createHash } from 'node:crypto';
import {
  type Action,
  type ActionBinding,
  ActionSpace,
  type ActionTypeDefinition,
  ObjectPool,
  type PolicyContext,
  type PoolObject,
  type TrialRecord,
} from '@lamdagent/core';
import { Rng } from '@lamdagent/core/kit';

/** A small Experiment-2-like world for tests and the token benchmark: SFT and TIES over a growing pool. */
const digest = (s: string): string => createHash('sha256').update(s).digest('hex');

export const SFT: ActionTypeDefinition = {
  type: 'sft',
  description: 'Supervised fine-tuning of a model on a dataset.',
  slots: [
    { name: 'model', type: 'model' },
    { name: 'dataset', type: 'dataset' },
    { name: 'learning_rate', type: 'number' },
  ],
  runner: 'fake',
};

export const TIES: ActionTypeDefinition = {
  type: 'ties',
  aliases: ['ties_merging'],
  description: 'TIES merging of two models relative to a base model.',
  slots: [
    { name: 'base_model', type: 'model' },
    { name: 'model', type: 'model', repeat: { min: 2, max: 2 } },
    { name: 'ties_weights', type: 'json' },
    { name: 'ties_density', type: 'number' },
  ],
  runner: 'fake',
};

export const BINDINGS: ActionBinding[] = [
  {
    name: 'sft',
    definition: SFT,
    kinds: ['models', 'sft_dataset', 'sft_lr'],
    slotNames: ['model', 'dataset', 'learning_rate'],
    unordered: [],
    params: {},
    produces: 'models',
    runner: 'fake',
  },
  {
    name: 'ties_merging',
    definition: TIES,
    kinds: ['base_models', 'models', 'models', 'ties_weights', 'ties_density'],
    slotNames: ['base_model', 'model', 'model', 'ties_weights', 'ties_density'],
    unordered: [[1, 2]],
    params: {},
    produces: 'models',
    runner: 'fake',
  },
];

export const EXP2_DATASETS = [
  'Toolbench react10p',
  'Toolbench tflan 60p r10r5u7',
  'Toolbench tflan cot 30p',
  'Agent instruct react',
  'Agent instruct tflan',
  'Toolbench instruct j1s1 3k',
  'Toolbench negative',
  'ToolACE',
  'WizardLM',
];

function obj(kind: string, n: number, type: string, name: string, value: PoolObject['value']): PoolObject {
  return { id: `${kind}/${n}`, kind, type, name, value, digest: digest(`${kind}/${name}`) };
}

export interface World {
  pool: ObjectPool;
  space: ActionSpace;
  history: TrialRecord[];
}

export function makeWorld(datasets: readonly string[] = EXP2_DATASETS): World {
  const pool = new ObjectPool([
    obj('base_models', 0, 'model', 'gemma-2-2b-it', '/models/gemma-2-2b-it'),
    obj('models', 0, 'model', 'gemma-2-2b-it', '/models/gemma-2-2b-it'),
    ...datasets.map((d, i) => obj('sft_dataset', i, 'dataset', d, `/data/${d.replace(/\s+/g, '_')}`)),
    obj('sft_lr', 0, 'number', '1e-06', 1e-6),
    obj('ties_weights', 0, 'json', '[0.5, 0.5]', [0.5, 0.5]),
    obj('ties_density', 0, 'number', '0.5', 0.5),
  ]);
  return { pool, space: new ActionSpace(pool, BINDINGS, () => '1'), history: [] };
}

/** Records a finished trial of `action` and, unless it failed, adds its produced model `0--<trial>--0`. */
export function finishTrial(
  w: World,
  action: Action,
  result: { reward?: number; scores?: Record<string, number>; error?: TrialRecord['error']; state?: TrialRecord['state'] },
): TrialRecord {
  const index = w.history.length;
  const state = result.state ?? (result.error ? 'failed' : 'complete');
  const rec: TrialRecord = {
    index,
    state,
    action: {
      name: action.name,
      type: action.type,
      key: action.key,
      inputs: action.inputs.map((o) => ({ id: o.id, name: o.name, kind: o.kind })),
      params: action.params,
    },
    scores: result.scores ?? {},
    startedAt: new Date(0).toISOString(),
    durations: {},
    metrics: {},
  };
  if (result.reward !== undefined) rec.reward = result.reward;
  if (result.error) rec.error = result.error;
  if (state === 'complete') {
    const produced: PoolObject = {
      id: `t${index}`,
      kind: 'models',
      type: 'model',
      name: `0--${index}--0`,
      value: `/study/artifacts/t${index}`,
      digest: digest(`t${index}:${action.key}`),
      provenance: { trial: index, actionKey: action.key, action: action.name, inputs: action.inputs.map((o) => o.id) },
    };
    w.pool.add(produced);
    rec.produced = { id: produced.id, name: produced.name, path: String(produced.value) };
  }
  w.history.push(rec);
  return rec;
}

export function contextFor(w: World, opts: { pending?: Action[]; seed?: number; signal?: AbortSignal } = {}): PolicyContext {
  const iteration = w.history.length;
  return {
    iteration,
    space: w.space,
    pool: w.pool.all(),
    history: [...w.history],
    pending: opts.pending ?? [],
    rng: new Rng(opts.seed ?? 42, iteration),
    signal: opts.signal ?? new AbortController().signal,
  };
}

/** Index of a candidate by name for one position (for scripting answers). */
export function indexOf(w: World, binding: number, position: number, name: string): number {
  const i = w.space.candidates(binding, position).findIndex((o) => o.name === name);
  if (i < 0) throw new RangeError(`${name} is not a candidate for position ${position}`);
  return i;
}
