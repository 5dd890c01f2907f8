import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeToyWorld } from '../test-fixtures/toy-world.js';
import { ConfigError } from './errors.js';
import { loadConfig } from './config-load.js';
import { assemble } from './assemble.js';
import { buildRegistry, runStudy } from './study-run.js';
import { modelFolderProblems, safetensorsHeaderProblem } from './kit/preflight.js';

async function issuesOf(configPath: string): Promise<string[]> {
  const loaded = loadConfig(configPath);
  const { registry } = await buildRegistry(loaded);
  try {
    assemble(loaded, registry, { skipDigests: true, env: {} });
  } catch (e) {
    if (ConfigError.isInstance(e)) return e.issues.map((i) => `${i.path}: ${i.message}`);
    throw e;
  }
  return [];
}

function safetensors(file: string, header: unknown, dataBytes = 0): void {
  const h = Buffer.from(JSON.stringify(header));
  const len = Buffer.alloc(8);
  len.writeBigUInt64LE(BigInt(h.length));
  writeFileSync(file, Buffer.concat([len, h, Buffer.alloc(dataBytes)]));
}

describe('preflight: everything knowable before the first trial', () => {
  it('reports slot values out of range, a file given as a model, bad evaluator options and duplicate names, all at once', async () => {
    const w = makeToyWorld({});
    writeFileSync(path.join(w.dir, 'data', 'x.jsonl'), '{}\n');
    mkdirSync(path.join(w.dir, 'other', 'base'), { recursive: true });
    writeFileSync(path.join(w.dir, 'other', 'base', 'model.json'), JSON.stringify({ w: [1, 1, 1] }));
    writeFileSync(
      w.configPath,
      readFileSync(w.configPath, 'utf8')
        .replace('\n  models: [models/base]', '\n  models: [models/base, data/x.jsonl, other/base]')
        .replace('density: [0.5]', 'density: [0.5, 1.5]')
        .replace('options: { target: [0, 1, 0] }', 'options: { target: [0, 1] }'),
    );
    const issues = await issuesOf(w.configPath);
    expect(issues).toEqual([
      'objects.models[2]: name "base" is already used by objects.base_models[0] ("' +
        path.join(w.dir, 'models/base') +
        '"), a different model; give distinct names with objects.models.names',
      'objects.models[1]: ' + path.join(w.dir, 'data/x.jsonl') + ': a file, not a model folder (a model is a folder with config.json and model.safetensors)',
      'objects.density[1]: density must be in (0, 1], got 1.5 (slot density of actions.ties_merging)',
      'tasks[1].options.target: expected 3 numbers',
    ]);
    // run refuses the same config before writing anything
    const out = path.join(w.dir, 'st');
    await expect(runStudy({ configPath: w.configPath, outDir: out, env: {} })).rejects.toThrow(/density must be in/);
    expect(existsSync(out)).toBe(false);
  });

  it('checks the headers of safetensors files and config.json of model folders', () => {
    const d = makeToyWorld({}).dir;
    const m = path.join(d, 'm');
    mkdirSync(m);
    writeFileSync(path.join(m, 'config.json'), '{"a": ');
    safetensors(path.join(m, 'model.safetensors'), { w: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } }, 8);
    safetensors(path.join(m, 'model-2.safetensors'), { w: { dtype: 'F32', shape: [2], data_offsets: [0, 80] } }, 8);
    writeFileSync(path.join(m, 'model-3.safetensors'), Buffer.from([255, 255, 255, 255, 0, 0, 0, 0, 1]));
    const p = modelFolderProblems(m);
    expect(p).toHaveLength(3);
    expect(p[0]).toMatch(/config\.json: not JSON/);
    expect(p[1]).toMatch(/model-2\.safetensors: tensor w: bad entry/);
    expect(p[2]).toMatch(/model-3\.safetensors: 9 bytes, too short|not a safetensors file/);
    expect(safetensorsHeaderProblem(path.join(m, 'model.safetensors'))).toBeUndefined();
  });

  it("reports the paper format's quirks with the paper's key names", async () => {
    const w = makeToyWorld({});
    const paper = path.join(w.dir, 'paper.json');
    writeFileSync(
      paper,
      `{
  // the paper's configs carry comments
  "seed": 3,
  "total_timesteps": 2,
  "controller": "LaMDAgent_claude",
  "objects": { "base_models": ["models/base"], "models": ["models/base"], "datasets": ["data/a.json"], "lr": [0.5], "weights": [[0.5, 0.5]], "density": [0.5] },
  "action_types": { "sft": ["models", "datasets", "lr"] },
  "eval_tasks": [["ta", "acc"]],
  "score_aggregation": "median",
}`,
    );
    const loaded = loadConfig(paper);
    expect(loaded.config.seed).toBe(3);
    expect(loaded.warnings).toEqual([]);
    const issues = (await issuesOf(paper)).join('\n');
    expect(issues).toMatch(/^controller: unknown controller "LaMDAgent_claude"/m);
    expect(issues).toMatch(/^score_aggregation: no aggregator "median"/m);
    expect(issues).toMatch(/^eval_tasks\[0\]: no evaluator "suite"/m);
    expect(readdirSync(w.dir).sort()).toEqual(['data', 'models', 'paper.json', 'study.yaml']);
  });
});
