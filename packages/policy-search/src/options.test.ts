import { LamdagentError, Registry, registerBuiltins, registerPlugin } from '@lamdagent/core';
import { pluginConformance } from '@lamdagent/testkit';
import { describe, expect, it } from 'vitest';
import plugin, { EvolutionPolicy, Fidelity, HalvingPolicy, SurrogatePolicy } from './index.js';
import { simulate, simWorld } from './landscape.test-util.js';

pluginConformance(plugin);

describe('options', () => {
  it('bad options name the policy and the option (constructor: a usage error, exit 2)', () => {
    const e = (() => {
      try {
        new SurrogatePolicy({ trees: 0, acquisition: 'ucb', nope: 1 });
      } catch (err) {
        return err as LamdagentError;
      }
      throw new Error('no error');
    })();
    expect(e).toBeInstanceOf(LamdagentError);
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain('surrogate policy, option trees:');
    expect(e.message).toContain('surrogate policy, option acquisition:');
    expect(e.message).toContain('surrogate policy: unknown option nope');
    expect(() => new EvolutionPolicy({ population: 4, tournament: 5 })).toThrow(/evolution policy, option tournament: tournament must not exceed population/);
  });

  it('through the registered factory, issues keep their path inside the options (config: policy.options.<name>)', async () => {
    const r = new Registry();
    await registerBuiltins(r);
    await registerPlugin(r, plugin, plugin.name);
    const res = r.policyFactory('evolution').optionsSchema!.safeParse({ explore: 2 });
    expect(res.success).toBe(false);
    expect(res.error!.issues[0]!.path).toEqual(['explore']);
    expect(res.error!.issues[0]!.message).toMatch(/^evolution policy, option explore: /);
    expect(r.policyFactory('surrogate').optionsSchema!.parse({})).toMatchObject({ acquisition: 'ei', trees: 32, initialRandom: 2 });
  });
});

describe('fallbacks (journaled with the trial as the selection fallback)', () => {
  it('a space with one action type and one candidate: the surrogate takes it without a model, then says nothing is left', async () => {
    const r = await simulate(() => new SurrogatePolicy({ initialRandom: 0 }), 1, 2, { world: () => simWorld({ singleAction: true }) });
    expect(r.fallbacks[0]).toMatch(/^surrogate: one untried action left/);
    // Trial 1: the sft of trial 0's model is new; the space has two actions, one taken.
    expect(r.actions[1]!.key).not.toBe(r.actions[0]!.key);
  });

  it('when no initial model is scored and rewards do not vary, the surrogate says it has no model', async () => {
    const flat = () => {
      const w = simWorld();
      return { ...w, reward: () => 0.3 };
    };
    const r = await simulate(() => new SurrogatePolicy({ initialDesign: 'random', initialRandom: 2 }), 4, 6, { world: flat, initial: false });
    expect(r.fallbacks.slice(0, 2)).toEqual([undefined, undefined]);
    expect(r.fallbacks.slice(2).every((f) => /^surrogate: no model \(\d+ observation\(s\) whose rewards do not vary\)/.test(f ?? ''))).toBe(true);
  });

  it('evolution with every action taken repeats one and says so', async () => {
    const r = await simulate(() => new EvolutionPolicy({ maxTries: 4 }), 2, 1, {
      world: () => simWorld({ singleAction: true }),
      pending: (_i, w) => [w.space.at(0)],
    });
    expect(r.fallbacks[0]).toMatch(/^evolution: no untried action found in 4 draws/);
  });
});

describe('halving', () => {
  it('without low-fidelity variants it chooses as evolution and says so; bad pairs name the option', async () => {
    const r = await simulate(() => new HalvingPolicy(), 3, 3);
    const e = await simulate(() => new EvolutionPolicy({ population: 16, tournament: 3 }), 3, 3);
    expect(r.actions.map((a) => a.key)).toEqual(e.actions.map((a) => a.key));
    expect(r.fallbacks.every((f) => /^halving: no low-fidelity dataset variant/.test(f ?? ''))).toBe(true);
    await expect(simulate(() => new HalvingPolicy({ low: { nosuch: 'data0' } }), 3, 1)).rejects.toThrow(/halving policy, option low: no object named nosuch/);
  });

  it('pairs variants by file name (x.0.25x.json beside x.json) or by name; screens then promotes the best of each rung', async () => {
    const w = simWorld({ fidelity: true });
    const f = new Fidelity(w.pool.all(), {});
    expect(f.size).toBe(4);
    expect(f.fullOf('data/7')).toBe('data/3');
    expect(f.lowOf('data/3')).toBe('data/7');
    expect(new Fidelity(simWorld().pool.all(), { data1: 'data0' }).fullOf('data/1')).toBe('data/0');
    const r = await simulate(() => new HalvingPolicy({ screens: 3, eta: 3 }), 8, 12, { world: () => simWorld({ fidelity: true }) });
    const low = (a: { inputs: { id: string }[] }): boolean => a.inputs.some((o) => f.isLow(o.id));
    const screens = r.actions.map((a, i) => ({ a, i })).filter((x) => low(x.a));
    expect(screens.length).toBeGreaterThanOrEqual(3);
    // After the first rung of 3 screens, its best screen's full-fidelity run comes next.
    const rung = screens.slice(0, 3);
    const best = rung.reduce((x, y) => (r.rewards[y.i]! > r.rewards[x.i]! ? y : x));
    const next = r.actions[rung[2]!.i + 1]!;
    expect(low(next)).toBe(false);
    expect(next.inputs.map((o) => f.fullOf(o.id))).toEqual(best.a.inputs.map((o) => f.fullOf(o.id)));
  });
});
