import { LamdagentError, Registry, registerBuiltins, registerPlugin } from '@lamdagent/core';
import { pluginConformance } from '@lamdagent/testkit';
import { describe, expect, it } from 'vitest';
import plugin, { EvolutionPolicy, SurrogatePolicy } from './index.js';
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
    const r = await simulate(() => new SurrogatePolicy({ initialRandom: 2 }), 4, 6, { world: flat, initial: false });
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
