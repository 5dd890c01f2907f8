import type { Executor, Factory, JsonValue, Policy, PolicyContext, Runner, Selection } from '@lamdagent/core';
import { InProcessExecutor } from '@lamdagent/core/kit';
import { describe, expect, it } from 'vitest';
import { findCheck } from './check.js';
import { executorChecks } from './executor-suite.js';
import { allActions } from './policy-space.js';
import { policyChecks } from './policy-suite.js';
import { runnerChecks } from './runner-suite.js';
import { toySftRunner, writeToyModel } from './toy-plugin.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

// Each suite is proven by a deliberately broken plugin it must catch.

const factory = (name: string, make: () => Policy): Factory<Policy, unknown> => ({ name, create: make });

/** Picks uniformly among actions not tried and not pending (a correct baseline to break from). */
function untried(ctx: PolicyContext): Selection {
  const busy = new Set([...ctx.history.map((t) => t.action.key), ...ctx.pending.map((a) => a.key)]);
  const free = allActions(ctx.space).filter((a) => !busy.has(a.key));
  return { action: ctx.rng.pick(free.length ? free : allActions(ctx.space)), ...(free.length ? {} : { fallback: 'all tried' }) };
}

describe('the policy suite catches broken policies', () => {
  it('passes a correct policy', async () => {
    for (const c of policyChecks(factory('ok', () => ({ name: 'ok', select: async (ctx) => untried(ctx) })))) await c.run();
  });

  it('a policy that re-picks tried actions', async () => {
    const p = factory('repicker', () => ({
      name: 'repicker',
      // Prefers what already worked: the best tried action again (ignores that it would be cached).
      select: async (ctx) => {
        const done = ctx.history.filter((t) => t.state !== 'failed');
        const best = done.sort((a, b) => (b.reward ?? 0) - (a.reward ?? 0))[0];
        const again = best && allActions(ctx.space).find((a) => a.key === best.action.key);
        return again ? { action: again } : untried(ctx);
      },
    }));
    await expect(findCheck(policyChecks(p), /never picks a tried/).run()).rejects.toThrow(/re-picked a tried action|repeated a tried action/);
  });

  it('a policy that ignores pending', async () => {
    const p = factory('no-pending', () => ({ name: 'no-pending', select: async (ctx) => untried({ ...ctx, pending: [] }) }));
    await expect(findCheck(policyChecks(p), /pending/).run()).rejects.toThrow(/picked a pending action/);
  });

  it('a policy whose restore loses its state', async () => {
    // Its choice depends on a memory (a counter of observed trials) that `restore` drops.
    const p = factory('amnesiac', () => {
      let seen = 0;
      return {
        name: 'amnesiac',
        select: async (ctx) => {
          const busy = new Set([...ctx.history.map((t) => t.action.key), ...ctx.pending.map((a) => a.key)]);
          const free = allActions(ctx.space).filter((a) => !busy.has(a.key));
          return { action: free[seen % free.length]! };
        },
        observe: async () => ({ state: { seen: ++seen } as JsonValue }),
        restore: () => undefined,
      };
    });
    await expect(findCheck(policyChecks(p), /restore/).run()).rejects.toThrow(/state was lost/);
  });

  it('a policy that returns an action outside the space', async () => {
    const p = factory('forger', () => ({
      name: 'forger',
      select: async (ctx) => {
        const a = untried(ctx).action;
        return { action: { ...a, key: `${a.key}-forged` } };
      },
    }));
    await expect(findCheck(policyChecks(p), /only actions of the space/).run()).rejects.toThrow(/not in the space/);
  });

  it('a policy that is not deterministic by seed', async () => {
    const p = factory('wall-clock', () => ({
      name: 'wall-clock',
      select: async (ctx) => {
        const all = allActions(ctx.space);
        return { action: all[Math.floor(Math.random() * all.length)]! };
      },
    }));
    await expect(findCheck(policyChecks(p, { capabilities: { avoidsTried: false, avoidsPending: false } }), /deterministic/).run()).rejects.toThrow(
      /same seed chose different actions/,
    );
  });
});

describe('the runner suite catches broken runners', () => {
  const fixture = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'broken-runner-'));
    writeToyModel(path.join(dir, 'm'), [0, 0, 0]);
    writeFileSync(path.join(dir, 'd.json'), JSON.stringify({ target: [1, 0, 0] }));
    return {
      runner: 'x',
      inputs: [
        { slot: 'model', type: 'model', value: path.join(dir, 'm') },
        { slot: 'dataset', type: 'dataset', value: path.join(dir, 'd.json') },
        { slot: 'learning_rate', type: 'number', value: 0.5 },
      ],
    };
  };
  it('a runner that writes no model', async () => {
    const lazy: Runner = { name: 'lazy', version: '1', run: async () => ({ metrics: { steps: 1 } }) };
    await expect(findCheck(runnerChecks(lazy, { good: fixture }), /runs a job/).run()).rejects.toThrow(/wrote nothing into outputDir/);
  });
  it('a runner whose output is not a Hugging Face model folder (default loadModel)', async () => {
    await expect(findCheck(runnerChecks(toySftRunner, { good: fixture }), /runs a job/).run()).rejects.toThrow(/no config.json/);
  });
  it('a runner that succeeds on bad inputs', async () => {
    const careless: Runner = {
      name: 'careless',
      version: '1',
      run: async (spec) => (writeToyModel(spec.outputDir, [0]), {}),
    };
    await expect(findCheck(runnerChecks(careless, { good: fixture, loadModel: () => undefined }), /bad inputs/).run()).rejects.toThrow(
      /succeeded on bad inputs/,
    );
  });
  it('a runner that is not deterministic', async () => {
    const noisy: Runner = { name: 'noisy', version: '1', run: async (spec) => (writeToyModel(spec.outputDir, [Math.random()]), {}) };
    await expect(findCheck(runnerChecks(noisy, { good: fixture, loadModel: () => undefined }), /deterministic/).run()).rejects.toThrow(/different files/);
  });
});

describe('the executor suite catches broken executors', () => {
  it('an executor that throws for a failed job', async () => {
    const throwing: Executor = {
      name: 'throwing',
      async submit(spec, ctx, onStarted) {
        const m = await new InProcessExecutor().submit(spec, ctx, onStarted);
        if (m.status !== 'completed') throw new Error(m.error?.message ?? 'failed');
        return m;
      },
    };
    await expect(findCheck(executorChecks({ create: () => throwing }), /runner error/).run()).rejects.toThrow(/submit threw/);
  });
  it('an executor that ignores cancellation', async () => {
    // It drops the study's abort signal (and imposes its own 1 s limit), so a cancelled job ends as a timeout.
    const deaf: Executor = {
      name: 'deaf',
      submit: (spec, ctx, onStarted) =>
        new InProcessExecutor().submit(
          { ...spec, resources: { ...spec.resources, timeLimitSec: 1 } },
          { ...ctx, signal: new AbortController().signal },
          onStarted,
        ),
    };
    await expect(findCheck(executorChecks({ create: () => deaf }), /cancellation/).run()).rejects.toThrow(/status timeout, expected cancelled/);
  });
  it('an executor that loses the runner output', async () => {
    const forgetful: Executor = {
      name: 'forgetful',
      submit: async (spec, ctx, onStarted) => new InProcessExecutor().submit({ ...spec, outputDir: `${spec.outputDir}-elsewhere` }, ctx, onStarted),
    };
    await expect(findCheck(executorChecks({ create: () => forgetful }), /completes a job/).run()).rejects.toThrow(
      /artifact .* is not outputDir|missing from outputDir/,
    );
  });
});
