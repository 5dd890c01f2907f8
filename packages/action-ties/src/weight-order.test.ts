import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ActionSpace, assemble, ConfigError, JobSpecSchema, ObjectPool, parseConfig, Registry, registerBuiltins, type RunnerContext } from '@lamdagent/core';
import { openCheckpoint } from '@lamdagent/safetensors';
import plugin from './index.js';
import { ARCH, floatValues, writeModel } from './test-models.js';

// Regression: a merge's models used to be put in digest order before the action was built, so
// `ties(base, A, B, [0.7, 0.3])` could run as `(base, B, A)` and give 0.7 to the wrong model.

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'action-ties-order-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const context = (): RunnerContext => ({ signal: new AbortController().signal, log: () => undefined, progress: () => undefined });

async function world(
  weights: number[][],
): Promise<{ space: ActionSpace; registry: Registry; assembly: ReturnType<typeof assemble>; vals: Map<string, Map<string, Float32Array>> }> {
  const base = floatValues(ARCH, 1);
  const vals = new Map<string, Map<string, Float32Array>>([['base', base]]);
  // Many models, so that for some pair the digest order differs from the order chosen below.
  for (const [i, name] of ['m0', 'm1', 'm2', 'm3'].entries()) {
    const v = floatValues(ARCH, 10 + i, base);
    vals.set(name, v);
    await writeModel(join(dir, name), ARCH, v);
  }
  await writeModel(join(dir, 'base'), ARCH, base);
  const loaded = parseConfig(
    {
      seed: 1,
      objects: { base_models: ['base'], models: ['m0', 'm1', 'm2', 'm3'], weights: weights, density: [0.5] },
      actions: {
        linear: { type: 'linear', slots: ['models', 'models', 'weights'] },
        ties: { type: 'ties', slots: ['base_models', 'models', 'models', 'weights', 'density'] },
      },
      tasks: [{ name: 'none', evaluator: 'never-called' }],
    },
    join(dir, 'study.yaml'),
  );
  const registry = new Registry();
  await registerBuiltins(registry);
  await plugin.register(registry.forPlugin(plugin.name));
  // The study's evaluation is not part of this test; a task needs an evaluator to name.
  registry.forPlugin('test').evaluator({
    name: 'never-called',
    description: 'unused',
    create: () => ({ name: 'never-called', evaluate: () => Promise.reject(new Error('not called')) }),
  });
  const assembly = assemble(loaded, registry, {});
  const pool = new ObjectPool();
  for (const o of assembly.objects) pool.add(o);
  return { space: new ActionSpace(pool, assembly.bindings, () => '1'), registry, assembly, vals };
}

describe('merge weights go to the models they were chosen for', () => {
  it('keeps the chosen order of the models when the weights differ, and runs the merge that way', async () => {
    const { space, registry, assembly, vals } = await world([[1, 0]]);
    expect(assembly.bindings.map((x) => x.name)).toEqual(['linear', 'ties']);
    const b = space.bindings.findIndex((x) => x.name === 'linear');
    const models = space.candidates(b, 0);
    const w = space.candidates(b, 2)[0]!;
    // Both orders of every pair are distinct actions; the one asked for is the one built.
    for (const x of models) {
      for (const y of models) {
        if (x === y) continue;
        const a = space.make(b, [x, y, w]);
        expect(a.inputs.slice(0, 2).map((o) => o.name)).toEqual([x.name, y.name]);
        expect(a.key).not.toBe(space.make(b, [y, x, w]).key);
      }
    }
    // Every ordered pair is a candidate: 4 * 3 of them.
    expect(space.countFor(b)).toBe(12);
    // Pick a pair whose digest order is the reverse of the order chosen, and run it for real.
    const [first, second] = [...models].sort((p, q) => (p.digest < q.digest ? 1 : -1));
    const action = space.make(b, [first!, second!, w]);
    const binding = assembly.bindings[b]!;
    // The job's inputs, slot by slot, as the study builds them from the action.
    const spec = JobSpecSchema.parse({
      schemaVersion: 1,
      jobId: 't0000',
      actionKey: action.key,
      action: action.name,
      actionType: action.type,
      runner: binding.runner,
      runnerVersion: '1',
      inputs: action.inputs.map((o, i) => ({ slot: binding.slotNames[i]!, id: o.id, name: o.name, type: o.type, value: o.value, digest: o.digest })),
      params: action.params,
      outputDir: join(dir, 'out'),
      jobDir: join(dir, 'job'),
      seed: 0,
      resources: {},
    });
    expect(spec.inputs.filter((i) => i.slot === 'models').map((i) => i.name)).toEqual([first!.name, second!.name]);
    const runner = registry.runner('linear-ts');
    await runner.run(spec, context());
    // Weights [1, 0] with normalize: the merge is the first chosen model exactly.
    const out = (await openCheckpoint(join(dir, 'out')))!;
    const t = 'model.layers.0.self_attn.q_proj.weight';
    expect(Array.from(await out.readFloat32(t))).toEqual(Array.from(vals.get(first!.name)!.get(t)!));
  });

  it('still treats equal weights as one merge whatever the order (no merge is run twice)', async () => {
    const { space } = await world([[0.5, 0.5]]);
    const b = space.bindings.findIndex((x) => x.name === 'ties');
    const [base] = space.candidates(b, 0);
    const [x, y] = space.candidates(b, 1);
    const [w] = space.candidates(b, 3);
    const [d] = space.candidates(b, 4);
    // ties(base, x, y) and ties(base, y, x) with equal weights are the same action.
    expect(space.make(b, [base!, x!, y!, w!, d!]).key).toBe(space.make(b, [base!, y!, x!, w!, d!]).key);
    const lb = space.bindings.findIndex((q) => q.name === 'linear');
    const k1 = space.make(lb, [x!, y!, w!]);
    const k2 = space.make(lb, [y!, x!, w!]);
    expect(k1.key).toBe(k2.key);
    expect(k1.inputs.map((o) => o.id)).toEqual(k2.inputs.map((o) => o.id));
  });

  it('refuses a weights list that does not match the number of models, naming the object', async () => {
    await expect(world([[0.7, 0.2, 0.1]])).rejects.toThrow(ConfigError);
    await expect(world([[0.7, 0.2, 0.1]])).rejects.toThrow(/objects\.weights\[0\].*expected 2 values, got 3/);
  });
});
