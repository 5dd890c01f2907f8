import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeToyWorld } from '../test-fixtures/toy-world.js';
import type { Action } from './action-type.js';
import { readJournal } from './journal.js';
import type { Policy, PolicyContext } from './policy.js';
import { runStudy } from './study-run.js';

/** A hostile or buggy policy: returns what `pick` makes of a genuine action. */
function policyReturning(pick: (genuine: Action, ctx: PolicyContext) => Action): Policy {
  return {
    name: 'hostile',
    async select(ctx) {
      return { action: pick(ctx.space.at(0), ctx) };
    },
  };
}

describe('core checks what a policy returns before running it', () => {
  it('rejects an action outside the space, an object not in the pool and a forged key; journals what the policy returned', async () => {
    const forgeries: ((a: Action) => Action)[] = [
      (a) => ({ ...a, name: 'rm_rf' }),
      (a) => ({ ...a, inputs: [{ ...a.inputs[0]!, id: 'models/99' }, ...a.inputs.slice(1)] }),
      (a) => ({ ...a, key: 'f'.repeat(64) }),
      (a) => ({ ...a, params: { sleepMs: 100000 } }),
    ];
    let n = 0;
    const w = makeToyWorld({ iterations: forgeries.length });
    const out = path.join(w.dir, 's');
    await runStudy({ configPath: w.configPath, outDir: out, services: { policy: policyReturning((a) => forgeries[n++]!(a)) } });
    const j = readJournal(path.join(out, 'journal.jsonl'));
    const trials = [...j.trials.values()].sort((a, b) => a.index - b.index);
    // the first forgery only renamed the genuine action: its key is the genuine one
    const genuine = trials[0]!.policy!.rejected!.returned.key;
    expect(trials.map((t) => t.policy?.rejected?.reason)).toEqual([
      'no action "rm_rf" in the space (have: sft, ties_merging)',
      'object "models/99" is not in the pool',
      `key ${'f'.repeat(64)} is not the content address of these inputs (${genuine})`,
      'params differ from the configured ones of sft',
    ]);
    expect(trials[0]!.policy!.rejected!.returned.name).toBe('rm_rf');
    expect(trials[0]!.policy!.fallback).toBe('policy returned an action core rejected: no action "rm_rf" in the space (have: sft, ties_merging)');
    // the trials ran valid actions instead
    for (const t of trials) expect(['sft', 'ties_merging']).toContain(t.action.name);
  });

  it('rejects an action that repeats one running right now (concurrency 2)', async () => {
    const w = makeToyWorld({ iterations: 4, concurrency: 2 });
    const out = path.join(w.dir, 's');
    await runStudy({ configPath: w.configPath, outDir: out, services: { policy: policyReturning((a, ctx) => ctx.pending[0] ?? a) } });
    const trials = [...readJournal(path.join(out, 'journal.jsonl')).trials.values()];
    const rejected = trials.filter((t) => t.policy?.rejected);
    expect(rejected.length).toBeGreaterThan(0);
    for (const t of rejected) expect(t.policy!.rejected!.reason).toBe('repeats an action that is running right now');
  });
});
