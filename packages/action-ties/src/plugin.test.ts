import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CORE_API_VERSION,
  JobSpecSchema,
  PluginManifestSchema,
  type ActionTypeDefinition,
  type JobInput,
  type JsonValue,
  type PluginRegistry,
  type Runner,
  type RunnerContext,
} from '@lamdagent/core';
import { encodeFromFloat32, openCheckpoint } from '@lamdagent/safetensors';
import plugin, { createMethodRunner, getMergeMethod, MergeOptionsError, mergeTensors, readMethodJob, tiesActionType } from './index.js';

const createMergeRunner = (m: string): Runner => createMethodRunner(getMergeMethod(m));
import { ARCH, floatValues, writeModel } from './test-models.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'action-ties-plugin-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function collect(): { registry: PluginRegistry; actionTypes: ActionTypeDefinition[]; runners: Runner[] } {
  const actionTypes: ActionTypeDefinition[] = [];
  const runners: Runner[] = [];
  const none = (): void => undefined;
  const registry: PluginRegistry = {
    actionType: (d) => actionTypes.push(d),
    runner: (r) => runners.push(r),
    policy: none,
    executor: none,
    evaluator: none,
    aggregator: none,
    generationBackend: none,
    observer: none,
    scorer: none,
  };
  return { registry, actionTypes, runners };
}

describe('plugin', () => {
  it('is a valid manifest for this core and registers what it declares', async () => {
    expect(PluginManifestSchema.safeParse(plugin).success).toBe(true);
    expect(plugin.apiVersion).toBe(CORE_API_VERSION);
    expect(plugin.name).toBe('@lamdagent/action-ties');
    const { registry, actionTypes, runners } = collect();
    await plugin.register(registry);
    expect(actionTypes.map((a) => a.type)).toEqual(plugin.provides.actionTypes);
    expect(runners.map((r) => r.name)).toEqual(plugin.provides.runners);
    expect(new Set(runners.map((r) => r.version))).toEqual(new Set(['2']));
    for (const a of actionTypes) expect(runners.map((r) => r.name)).toContain(a.runner);
  });

  it('declares the ties action type of the paper: base_model, models (2 or more), weights, density', () => {
    expect(tiesActionType.type).toBe('ties');
    expect(tiesActionType.aliases).toEqual(['ties_merging']);
    expect(tiesActionType.runner).toBe('ties-ts');
    expect(tiesActionType.slots).toMatchObject([
      { name: 'base_model', type: 'model' },
      { name: 'models', type: 'model', repeat: { min: 2 } },
      { name: 'weights', type: 'json' },
      { name: 'density', type: 'number' },
    ]);
  });

  it('validates params with defaults and refuses unknown keys', () => {
    const schema = tiesActionType.paramsSchema;
    expect(schema?.parse({})).toEqual({});
    expect(schema?.parse({ lambda: 0.5, normalize: false, maxShardSizeMb: 100 })).toEqual({ lambda: 0.5, normalize: false, maxShardSizeMb: 100 });
    expect(schema?.safeParse({ lamda: 2 }).success).toBe(false);
    expect(schema?.safeParse({ normalize: 'yes' }).success).toBe(false);
    expect(schema?.safeParse({ maxShardSizeMb: 0 }).success).toBe(false);
  });
});

function input(slot: string, type: string, value: JsonValue, i: number): JobInput {
  return { slot, id: `${slot}/${i}`, name: `${slot}-${i}`, type, value, digest: `d${i}` };
}

function jobSpec(inputs: JobInput[], params: Record<string, JsonValue>, outputDir: string) {
  return JobSpecSchema.parse({
    schemaVersion: 1,
    jobId: 'job-1',
    actionKey: 'k',
    action: 'ties_merging',
    actionType: 'ties',
    runner: 'ties-ts',
    runnerVersion: '1',
    inputs,
    params,
    outputDir,
    jobDir: join(outputDir, '..', 'job'),
    seed: 0,
    resources: {},
  });
}

function context(): RunnerContext & { logs: string[]; fractions: number[] } {
  const logs: string[] = [];
  const fractions: number[] = [];
  return {
    logs,
    fractions,
    signal: new AbortController().signal,
    log: (line) => logs.push(line),
    progress: (p) => {
      if (p.fraction !== undefined) fractions.push(p.fraction);
    },
  };
}

describe('ties-ts runner', () => {
  async function models(): Promise<{ base: string; a: string; b: string }> {
    const baseValues = floatValues(ARCH, 1);
    const base = join(dir, 'base');
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    await writeModel(base, ARCH, baseValues);
    await writeModel(a, ARCH, floatValues(ARCH, 2, baseValues));
    await writeModel(b, ARCH, floatValues(ARCH, 3, baseValues));
    return { base, a, b };
  }

  it('merges the models of a job spec into its output folder and reports metrics', async () => {
    const { base, a, b } = await models();
    const outputDir = join(dir, 'out');
    await mkdir(outputDir);
    const spec = jobSpec(
      [
        input('base_model', 'model', base, 0),
        input('models', 'model', a, 1),
        input('models', 'model', b, 2),
        input('weights', 'json', [0.5, 0.5], 3),
        input('density', 'number', 0.5, 4),
      ],
      { lambda: 1.2, normalize: true },
      outputDir,
    );
    const ctx = context();
    const outcome = await createMergeRunner('ties').run(spec, ctx);
    expect(outcome.metrics).toMatchObject({ tensors: 7, tensorsMerged: 6, tensorsCopied: 1, bytes: 1776 });
    expect(outcome.metrics?.mbPerSec).toBeGreaterThan(0);
    expect(ctx.fractions.at(-1)).toBe(1);
    expect(ctx.logs.join('\n')).toMatch(/ties: wrote model\.safetensors/);
    expect((await readdir(outputDir)).sort()).toEqual([
      'config.json',
      'generation_config.json',
      'model.safetensors',
      'tokenizer.json',
      'tokenizer_config.json',
    ]);

    const [o, bc, ac, bbc] = await Promise.all([outputDir, base, a, b].map((p) => openCheckpoint(p)));
    const name = 'model.layers.0.mlp.up_proj.weight';
    const want = mergeTensors({ method: 'ties', weights: [0.5, 0.5], density: 0.5, lambda: 1.2 }, await bc!.readFloat32(name), [
      await ac!.readFloat32(name),
      await bbc!.readFloat32(name),
    ]);
    expect(Buffer.from(await o!.readBytes(name)).equals(Buffer.from(encodeFromFloat32(want, 'F32')))).toBe(true);
    await Promise.all([o, bc, ac, bbc].map((c) => c!.close()));
  });

  it('reads task_arithmetic and linear jobs by slot, in order', () => {
    const ta = jobSpec(
      [
        input('base_model', 'model', '/m/base', 0),
        input('models', 'model', '/m/a', 1),
        input('models', 'model', '/m/b', 2),
        input('weights', 'json', [1, 2], 3),
      ],
      { lambda: 0.5 },
      '/out',
    );
    expect(readMethodJob(getMergeMethod('task_arithmetic'), ta)).toEqual({
      request: {
        method: 'task_arithmetic',
        base: '/m/base',
        models: [
          { path: '/m/a', params: { weight: 1 } },
          { path: '/m/b', params: { weight: 2 } },
        ],
        params: { lambda: 0.5 },
        seed: 0,
      },
      maxShardBytes: undefined,
    });
    const lin = jobSpec(
      [input('models', 'model', '/m/a', 0), input('models', 'model', '/m/b', 1), input('weights', 'json', [1, 2], 2)],
      { maxShardSizeMb: 2.5 },
      '/out',
    );
    expect(readMethodJob(getMergeMethod('linear'), lin)).toEqual({
      request: {
        method: 'linear',
        models: [
          { path: '/m/a', params: { weight: 1 } },
          { path: '/m/b', params: { weight: 2 } },
        ],
        params: {},
        seed: 0,
      },
      maxShardBytes: 2_500_000,
    });
  });

  it('refuses job values of the wrong kind with an error naming the input', async () => {
    const ins = (weights: JsonValue, density: JsonValue, model: JsonValue = '/m/a'): JobInput[] => [
      input('base_model', 'model', '/m/base', 0),
      input('models', 'model', model, 1),
      input('models', 'model', '/m/b', 2),
      input('weights', 'json', weights, 3),
      input('density', 'number', density, 4),
    ];
    const bad: [JobInput[], Record<string, JsonValue>, RegExp][] = [
      [ins({ a: 1 }, 0.5), {}, /input weights \(weights-3\) must be an array of numbers/],
      [ins([1, 1], '0.5'), {}, /input density \(density-4\) must be a number/],
      [ins([1, 1], 0.5, 'relative/path'), {}, /input models \(models-1\) must be an absolute path/],
      [ins([1, 1], 0.5), { lambda: 'x' }, /invalid ties params: lambda/],
      [ins([1, 1], 0.5).slice(0, 2), {}, /missing input weights/],
    ];
    for (const [inputs, params, message] of bad) {
      expect(() => readMethodJob(getMergeMethod('ties'), jobSpec(inputs, params, '/out'))).toThrow(message);
    }
    // Checked when the merge starts: one weight per model, density in (0, 1].
    const runner = createMergeRunner('ties');
    await expect(runner.run(jobSpec(ins([1, 1, 1], 0.5), {}, join(dir, 'o1')), context())).rejects.toThrow(/3 weight value\(s\) for 2 model\(s\)/);
    await expect(runner.run(jobSpec(ins([1, 1], 0), {}, join(dir, 'o2')), context())).rejects.toThrow(MergeOptionsError);
  });
});
