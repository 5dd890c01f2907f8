// A synthetic landscape for policy tests: in-process, milliseconds per study. The same ActionSpace,
// ObjectPool and PolicyContext as a real study (select with an rng seeded by the study seed and the
// trial index, produced models with provenance), rewards from a known function of the pipeline.
import { ActionSpace, ObjectPool, type Action, type ActionBinding, type InitialScore, type Policy, type PoolObject, type TrialRecord } from '@lamdagent/core';
import { Rng } from '@lamdagent/core/kit';
import type { JsonValue } from '@lamdagent/core';

const model = (name: string): PoolObject => ({ id: `models/${name}`, kind: 'models', type: 'model', name, value: `/m/${name}`, digest: `d-${name}` });
const value = (kind: string, type: string, i: number, v: JsonValue): PoolObject => ({
  id: `${kind}/${i}`,
  kind,
  type,
  name: `${kind}${i}`,
  value: v,
  digest: `d-${kind}${i}`,
});

const binding = (name: string, kinds: string[], unordered: number[][] = []): ActionBinding => ({
  name,
  definition: { type: name, description: name, runner: 'r', slots: kinds.map((k, i) => ({ name: `${k}${i}`, type: k === 'models' ? 'model' : 'json' })) },
  kinds,
  slotNames: kinds.map((k, i) => `${k}${i}`),
  unordered,
  params: {},
  produces: 'models',
  runner: 'r',
  runnerParams: {},
});

/** Initial rewards; sft(spec3, data3, lr1) is the one obvious winner (0.95); everything else stays under 0.5. */
export const INITIAL: Record<string, number> = { base: 0.1, spec1: 0.2, spec2: 0.25, spec3: 0.4 };
const GAIN = [0.02, 0.03, 0.05, 0.08];
const LR = [0.5, 1];
export const WINNER = 'sft(spec3,data3,lr1)';

export interface SimWorld {
  pool: ObjectPool;
  space: ActionSpace;
  reward(a: Action): number;
  describe(a: Action): string;
}

/** `fidelity`: each dataset also has a low-fidelity variant (`/d/i.0.25x.json`, ids data/4..7) whose step gains half as much (same ranking). */
export function simWorld(opts: { singleAction?: boolean; fidelity?: boolean } = {}): SimWorld {
  const pool = new ObjectPool();
  const quality = new Map<string, number>();
  if (opts.singleAction) {
    pool.add(model('base'));
    quality.set('models/base', INITIAL['base']!);
    pool.add(value('data', 'dataset', 0, '/d/0'));
    pool.add(value('lr', 'number', 0, 0.01));
  } else {
    for (const [n, r] of Object.entries(INITIAL)) {
      pool.add(model(n));
      quality.set(`models/${n}`, r);
    }
    for (let i = 0; i < 4; i++) pool.add(value('data', 'dataset', i, `/d/${i}.json`));
    if (opts.fidelity) for (let i = 0; i < 4; i++) pool.add(value('data', 'dataset', 4 + i, `/d/${i}.0.25x.json`));
    for (let i = 0; i < 2; i++) pool.add(value('lr', 'number', i, LR[i]!));
  }
  const bindings = [binding('sft', ['models', 'data', 'lr'])];
  if (!opts.singleAction) bindings.push(binding('ties', ['models', 'models'], [[0, 1]]));
  const space = new ActionSpace(pool, bindings, () => '1');
  const describe = (a: Action): string => `${a.name}(${a.inputs.map((o) => o.name).join(',')})`;
  return {
    pool,
    space,
    describe,
    reward(a) {
      if (describe(a) === WINNER) return 0.95;
      const q = a.inputs.filter((o) => o.type === 'model').map((o) => quality.get(o.id) ?? 0);
      if (a.name === 'ties') return Math.min(0.49, (q[0]! + q[1]!) / 2 - 0.02);
      const d = Number(a.inputs[1]!.id.split('/')[1]);
      const lr = Number(a.inputs[2]!.id.split('/')[1]);
      const gain = d >= 4 ? 0.5 * (GAIN[d - 4] ?? 0) : (GAIN[d] ?? 0);
      return Math.min(0.49, q[0]! + gain * (LR[lr] ?? 1) - 0.01 * depthOf(a.inputs[0]!));
    },
  };

  function depthOf(o: PoolObject): number {
    return o.provenance ? 1 + Math.max(0, ...o.provenance.inputs.map((id) => (pool.get(id)?.type === 'model' ? depthOf(pool.get(id)!) : 0))) : 0;
  }
}

export interface SimRun {
  actions: Action[];
  rewards: number[];
  fallbacks: (string | undefined)[];
  /** 1-based trial at which the winner was first produced (undefined: never). */
  found?: number;
  /** The policy's observe state after each trial (a resume restores the last one journaled). */
  states: (JsonValue | undefined)[];
}

/**
 * Runs `iterations` trials of a policy on a fresh world: ask (select with the trial's seeded rng), a
 * cached trial when the action ran before, else a produced model with the landscape's reward, tell
 * (observe). `pending(i)` lists actions shown as running at trial i; `initial: false` hides initial scores.
 */
export async function simulate(
  make: () => Policy | Promise<Policy>,
  seed: number,
  iterations: number,
  o: {
    from?: { run: SimRun; at: number };
    pending?: (i: number, w: SimWorld) => Action[];
    initial?: boolean;
    world?: () => SimWorld;
    untilFound?: boolean;
  } = {},
): Promise<SimRun> {
  const w = (o.world ?? simWorld)();
  const policy = await make();
  const history: TrialRecord[] = [];
  const initial: InitialScore[] =
    o.initial === false
      ? []
      : w.pool.all().flatMap((m) => (m.type === 'model' ? [{ id: m.id, name: m.name, digest: m.digest, scores: {}, reward: INITIAL[m.name]! }] : []));
  const out: SimRun = { actions: [], rewards: [], fallbacks: [], states: [] };
  const byKey = new Map<string, TrialRecord>();
  const apply = (i: number, a: Action): TrialRecord => {
    const prev = byKey.get(a.key);
    const ref = { name: a.name, type: a.type, key: a.key, inputs: a.inputs.map((x) => ({ id: x.id, name: x.name, kind: x.kind })), params: {} };
    const base = { index: i, action: ref, startedAt: '', durations: {}, metrics: {}, scores: {} };
    if (prev)
      return {
        ...base,
        state: 'cached',
        cachedFrom: prev.index,
        ...(prev.produced ? { produced: prev.produced } : {}),
        ...(prev.reward !== undefined ? { reward: prev.reward } : {}),
      };
    const reward = w.reward(a);
    w.pool.add({
      id: `t${i}`,
      kind: 'models',
      type: 'model',
      name: `0--${i}--0`,
      value: `/t/${i}`,
      digest: `a:${a.key}`,
      provenance: { trial: i, actionKey: a.key, action: a.name, inputs: a.inputs.map((x) => x.id) },
    });
    const t: TrialRecord = { ...base, state: 'complete', produced: { id: `t${i}`, name: `0--${i}--0`, path: `/t/${i}` }, reward };
    byKey.set(a.key, t);
    return t;
  };
  const start = o.from?.at ?? 0;
  // A resume: the journal's trials are replayed into the pool and history, then the policy's last state restored.
  for (let i = 0; i < start; i++) {
    const a = o.from!.run.actions[i]!;
    const rebuilt = w.space.make(
      w.space.bindings.findIndex((b) => b.name === a.name),
      a.inputs.map((x) => w.pool.get(x.id)!),
    );
    const t = apply(i, rebuilt);
    history.push(t);
    out.actions.push(rebuilt);
    out.rewards.push(t.reward ?? 0);
    out.fallbacks.push(o.from!.run.fallbacks[i]);
    out.states.push(o.from!.run.states[i]);
  }
  const last = out.states.filter((x) => x !== undefined).at(-1);
  if (last !== undefined) policy.restore?.(last);
  for (let i = start; i < iterations; i++) {
    const ctx = {
      iteration: i,
      space: w.space,
      pool: w.pool.all(),
      history: [...history],
      pending: o.pending?.(i, w) ?? [],
      initial,
      rng: new Rng(seed, i),
      signal: new AbortController().signal,
    };
    const sel = await policy.select(ctx);
    const t = apply(i, sel.action);
    history.push(t);
    out.actions.push(sel.action);
    out.rewards.push(t.reward ?? 0);
    out.fallbacks.push(sel.fallback);
    if (out.found === undefined && w.describe(sel.action) === WINNER) out.found = i + 1;
    const obs = await policy.observe?.(t, { ...ctx, history: [...history], rng: new Rng(seed, i, 1) });
    out.states.push(obs ? obs.state : undefined);
    if (o.untilFound && out.found !== undefined) break;
  }
  if (out.found === undefined) {
    const at = out.actions.findIndex((a) => w.describe(a) === WINNER);
    if (at >= 0) out.found = at + 1;
  }
  return out;
}
