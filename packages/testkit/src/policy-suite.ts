import { isDeepStrictEqual } from 'node:util';
import type { Action, Factory, FactoryContext, JsonValue, Policy, PolicyContext, TrialRecord } from '@lamdagent/core';
import { Rng } from '@lamdagent/core/kit';
import { fail, registerChecks, type Check } from './check.js';
import { allActions, scriptedOutcome, scriptedTrial, toyActionSpace } from './policy-space.js';

export interface PolicyCapabilities {
  /** Never picks an action that is running (in `pending`). Default true; core's `random` baselines declare false. */
  avoidsPending?: boolean;
  /** Never picks an action already tried (complete, failed or cached) while an untried one exists, unless it says why in `fallback`. Default true. */
  avoidsTried?: boolean;
}

export interface PolicySuiteOptions {
  /** Options the factory is created with (parsed by its `optionsSchema`). Default `{}`. */
  options?: unknown;
  capabilities?: PolicyCapabilities;
  /** Trials per simulated study. Default 10. */
  iterations?: number;
}

const factoryContext = (seed: number): FactoryContext => ({
  configDir: process.cwd(),
  seed,
  env: {},
  generationBackend: () => Promise.reject(new Error('no generation backend in policy conformance')),
});

export async function createPolicy(factory: Factory<Policy, unknown>, options: unknown, seed: number): Promise<Policy> {
  const o = factory.optionsSchema ? factory.optionsSchema.parse(options ?? {}) : (options ?? {});
  return factory.create(o, factoryContext(seed));
}

export interface Simulation {
  keys: string[];
  fallbacks: (string | undefined)[];
  /** The state `observe` returned after each trial (undefined when none). */
  states: (JsonValue | undefined)[];
}

/**
 * Drive a policy through a scripted study in the toy space, the way the study loop does: select (rng
 * seeded by seed and iteration), a scripted outcome (repeats are cached; some actions fail; completed
 * ones add a produced model to the pool), observe. `policyAt(i)` gives the policy for trial i (so a
 * test can swap in a restored one). Throws when a selection is not an action of the space.
 */
export async function simulatePolicy(
  policyAt: (i: number, prev: Simulation) => Policy | Promise<Policy>,
  seed: number,
  iterations: number,
): Promise<Simulation> {
  const { pool, space } = toyActionSpace();
  const history: TrialRecord[] = [];
  const sim: Simulation = { keys: [], fallbacks: [], states: [] };
  const firstIndex = new Map<string, number>();
  for (let i = 0; i < iterations; i++) {
    const policy = await policyAt(i, sim);
    const ctx = (stream: number): PolicyContext => ({
      iteration: i,
      space,
      pool: pool.all(),
      history: [...history],
      pending: [],
      rng: new Rng(seed, i, stream),
      signal: new AbortController().signal,
    });
    const sel = await policy.select(ctx(0));
    assertInSpace(policy.name, sel.action, allActions(space));
    sim.keys.push(sel.action.key);
    sim.fallbacks.push(sel.fallback);
    const first = firstIndex.get(sel.action.key);
    let rec: TrialRecord;
    if (first !== undefined) {
      const prior = history[first]!;
      rec = scriptedTrial(i, sel.action, { state: 'cached', cachedFrom: first, ...(prior.reward !== undefined ? { reward: prior.reward } : {}) });
    } else {
      firstIndex.set(sel.action.key, i);
      const o = scriptedOutcome(sel.action.key);
      rec = scriptedTrial(i, sel.action, o.fails ? { state: 'failed' } : { state: 'complete', reward: o.reward });
      if (!o.fails) pool.add({ id: `t${i}`, kind: 'models', type: 'model', name: `0--${i}--0`, value: `/toy/out/t${i}`, digest: sel.action.key });
    }
    history.push(rec);
    const obs = await policy.observe?.(rec, ctx(1));
    sim.states.push(obs ? obs.state : undefined);
  }
  return sim;
}

function assertInSpace(name: string, action: Action, actions: readonly Action[]): void {
  const match = actions.find((a) => a.key === action.key);
  if (!match) fail(`policy ${name}`, `returned action ${action.name} (${action.key.slice(0, 12)}) that is not in the space`);
  if (match.inputs.map((o) => o.id).join() !== action.inputs.map((o) => o.id).join())
    fail(`policy ${name}`, `returned action ${action.name} whose inputs differ from the space's action of that key`);
}

/** The policy checks, framework-free (see `policyConformance`). */
export function policyChecks(factory: Factory<Policy, unknown>, opts: PolicySuiteOptions = {}): Check[] {
  const caps = { avoidsPending: true, avoidsTried: true, ...opts.capabilities };
  const n = opts.iterations ?? 10;
  const make = (seed: number): Promise<Policy> => createPolicy(factory, opts.options, seed);
  const who = `policy ${factory.name}`;
  const checks: Check[] = [
    {
      name: 'returns only actions of the space (over a simulated study)',
      async run() {
        for (const seed of [1, 2, 3]) {
          const p = await make(seed);
          await simulatePolicy(() => p, seed, n);
        }
      },
    },
    {
      name: 'is deterministic by seed',
      async run() {
        const a = await make(5);
        const b = await make(5);
        const ra = await simulatePolicy(() => a, 5, n);
        const rb = await simulatePolicy(() => b, 5, n);
        if (!isDeepStrictEqual(ra.keys, rb.keys)) fail(who, 'two runs with the same seed chose different actions');
      },
    },
    {
      name: 'state survives observe → restore (a restored policy chooses as the original)',
      async run() {
        const probe = await make(9);
        if (!probe.observe) return;
        const k = Math.max(2, Math.floor(n / 2));
        const straight = await make(9);
        const a = await simulatePolicy(() => straight, 9, n);
        for (const s of a.states)
          if (s !== undefined && !isDeepStrictEqual(JSON.parse(JSON.stringify(s)), s))
            fail(who, 'observe returned a state that does not survive JSON (the journal)');
        const before = await make(9);
        let restored: Policy | undefined;
        const b = await simulatePolicy(
          async (i, sim) => {
            if (i < k) return before;
            if (!restored) {
              restored = await make(9);
              const last = sim.states
                .slice(0, k)
                .reverse()
                .find((s) => s !== undefined);
              if (last !== undefined) {
                if (!restored.restore) fail(who, 'observe returns state but the policy has no restore');
                restored.restore(JSON.parse(JSON.stringify(last)) as JsonValue);
              }
            }
            return restored;
          },
          9,
          n,
        );
        if (!isDeepStrictEqual(a.keys, b.keys))
          fail(who, `after restore at trial ${k} it chose differently (${a.keys.findIndex((x, i) => x !== b.keys[i])}th trial): its state was lost`);
      },
    },
  ];
  if (caps.avoidsPending)
    checks.push({
      name: 'never picks a running (pending) action',
      async run() {
        for (const seed of [1, 2, 3, 4, 5]) {
          const { pool, space } = toyActionSpace();
          const all = allActions(space);
          const free = all[seed % all.length]!;
          const sel = await (
            await make(seed)
          ).select({
            iteration: 0,
            space,
            pool: pool.all(),
            history: [],
            pending: all.filter((a) => a.key !== free.key),
            rng: new Rng(seed, 0, 0),
            signal: new AbortController().signal,
          });
          if (sel.action.key !== free.key) fail(who, `picked a pending action (${sel.action.name}) while ${free.name} was free`);
        }
      },
    });
  if (caps.avoidsTried)
    checks.push({
      name: 'never picks a tried (complete, failed or cached) action on purpose while an untried one exists',
      async run() {
        for (const seed of [1, 2, 3, 4, 5]) {
          const { pool, space } = toyActionSpace();
          const all = allActions(space);
          const untried = all[(seed * 3) % all.length]!;
          const history = all
            .filter((a) => a.key !== untried.key)
            .map((a, i) => scriptedTrial(i, a, i % 3 === 1 ? { state: 'failed' } : { state: 'complete', reward: 0.1 * (i % 7) }));
          const sel = await (
            await make(seed)
          ).select({
            iteration: history.length,
            space,
            pool: pool.all(),
            history,
            pending: [],
            rng: new Rng(seed, history.length, 0),
            signal: new AbortController().signal,
          });
          if (sel.action.key !== untried.key && !sel.fallback)
            fail(who, `re-picked a tried action (${sel.action.name}) while ${untried.name} was untried, without a fallback reason`);
        }
        const p = await make(11);
        const sim = await simulatePolicy(() => p, 11, n);
        const seen = new Set<string>();
        sim.keys.forEach((k, i) => {
          if (seen.has(k) && !sim.fallbacks[i]) fail(who, `trial ${i} repeated a tried action without a fallback reason`);
          seen.add(k);
        });
      },
    });
  return checks;
}

/** Register the policy conformance suite (vitest). */
export function policyConformance(factory: Factory<Policy, unknown>, opts: PolicySuiteOptions = {}): void {
  registerChecks(`policy conformance: ${factory.name}`, policyChecks(factory, opts));
}
