import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig, openStudy, runStudy } from '@lamdagent/core';
import { describe, expect, it } from 'vitest';
import { toyWorld } from '../test-fixtures/toy-world.js';
import { computeBaselines } from './baselines.js';
import { compare } from './compare-run.js';
import { absolutize } from './replay.js';
import { sciencePluginEntry } from './compare.js';
import { table1 } from './table1.js';

describe('lamdagent baselines', () => {
  it('scores each initial model as it is and Fully Fine-Tuned (SFT on the union of the datasets) over training seeds, for table', async () => {
    const w = toyWorld({ iterations: 3 });
    const out = path.join(w.dir, 'baselines');
    const rows = await computeBaselines({ configPath: w.config, outDir: out, seeds: 2 });
    expect(rows.map((r) => r.name)).toEqual(['base', 'Fully Fine-Tuned (2 seeds)']);
    expect(rows[0]!.validation).toEqual({ ta: 0, tb: 0 });
    // The union of a, b, c trains toward (1/3, 1/3, 1/3): half-way from 0 is (1/6, 1/6, 1/6) plus seed noise.
    const fft = rows[1]!;
    expect(fft.validation['ta']).toBeGreaterThan(0.05);
    expect(fft.sd!.validation['ta']).toBeGreaterThan(0);
    expect(readFileSync(path.join(out, 'union.json'), 'utf8').trim().split('\n')).toHaveLength(3);
    expect(existsSync(path.join(out, 'fft-s1', 'journal.jsonl'))).toBe(true);
    const again = await computeBaselines({ configPath: w.config, outDir: out, seeds: 2 });
    expect(again).toEqual(rows);
    // A run killed mid-trial leaves a seed's study with a trial-start and no end: the next run resumes it.
    const journal = path.join(out, 'fft-s1', 'journal.jsonl');
    const lines = readFileSync(journal, 'utf8').trim().split('\n');
    const started = lines.findIndex((l) => l.includes('"kind":"trial-start"'));
    writeFileSync(journal, `${lines.slice(0, started + 1).join('\n')}\n`);
    expect(openStudy(path.join(out, 'fft-s1')).trials).toHaveLength(0);
    expect(await computeBaselines({ configPath: w.config, outDir: out, seeds: 2 })).toEqual(rows);
    expect(openStudy(path.join(out, 'fft-s1')).trials.map((t) => t.state)).toEqual(['complete']);
    const s = await runStudy({ configPath: w.config, outDir: path.join(w.dir, 's') });
    const t = await table1([out, s.dir], { k: 1, evaluate: true });
    expect(t.rows.map((r) => r.group)).toEqual(['Baselines', 'Baselines', expect.stringMatching(/^s \(random policy\)/)]);
    // compare --baselines: per policy, the seeds whose top-1 beats each baseline on the test split.
    const c = await compare({
      configPath: w.config,
      arms: [{ label: 'greedy', policy: { label: 'greedy', name: 'greedy', options: {} } }],
      seeds: 2,
      iterations: 4,
      outDir: path.join(w.dir, 'c'),
      baselines: out,
    });
    const beats = c.report.arms[0]!.beats!;
    expect(Object.keys(beats)).toEqual(['base', 'Fully Fine-Tuned (2 seeds)']);
    expect(beats['base']!.of).toBe(2);
    expect(beats['base']!.wins).toBe(c.report.arms[0]!.seeds.filter((s) => s.top1Test! > beats['base']!.baseline).length);
    expect(c.text).toContain('top-1 test beats baseline');
  });

  it("derived configs written to the output folder pin plugins to what the config's folder resolves", () => {
    const w = toyWorld({ iterations: 2 });
    // A plugin installed as a package beside the config only (an output folder elsewhere cannot see it).
    const pkg = path.join(w.dir, 'node_modules', 'toy-plugin-pkg');
    mkdirSync(pkg, { recursive: true });
    writeFileSync(path.join(pkg, 'package.json'), JSON.stringify({ name: 'toy-plugin-pkg', type: 'module', main: 'index.js' }));
    writeFileSync(path.join(pkg, 'index.js'), 'export default {};\n');
    const loaded = loadConfig(w.config);
    const cfg = { ...loaded.config, plugins: ['toy-plugin-pkg', './local-plugin.js', 'not-installed-anywhere'] };
    const out = absolutize(cfg, w.dir, new Set());
    expect(out.plugins).toEqual([path.join(pkg, 'index.js'), path.join(w.dir, 'local-plugin.js'), 'not-installed-anywhere']);
  });

  it("Fully Fine-Tuned at N epochs, and compute-matched to a study's top-1 (its SFT steps' examples, read from its chain)", async () => {
    const w = toyWorld({ iterations: 6 });
    // The study's datasets: a (1 line), b (1 line), and ab: two lines, a union already in the config.
    writeFileSync(path.join(w.dir, 'data', 'ab.json'), `${JSON.stringify({ target: [1, 0, 0] })}\n${JSON.stringify({ target: [0, 1, 0] })}\n`);
    writeFileSync(
      w.config,
      readFileSync(w.config, 'utf8')
        .replace('values: [data/a.json, data/b.json, data/c.json], names: [a, b, c]', 'values: [data/a.json, data/b.json, data/ab.json], names: [a, b, ab]')
        .replace('params: { noise: 0.02 }', 'params: { noise: 0.02, epochs: 2 }'),
    );
    // A four-step chain, base -> ab -> a -> ab -> ab (the scripted policy plays it); its top-1 is a step of it.
    const step = (model: string, data: string) => ({ action: 'sft', inputs: [model, data, 'lr/0'] });
    const steps = [step('models/0', 'datasets/2'), step('@0', 'datasets/0'), step('@1', 'datasets/2'), step('@2', 'datasets/2')];
    const s = await runStudy({
      configPath: w.config,
      outDir: path.join(w.dir, 's'),
      overrides: { iterations: 4, plugins: [sciencePluginEntry()], policy: { name: 'scripted', options: { steps } } as never },
    });
    const out = path.join(w.dir, 'bl');
    const rows = await computeBaselines({ configPath: w.config, outDir: out, seeds: 1, fftEpochs: [2, 5], matchStudy: s.dir });
    // The union holds each distinct line once: a and b are already in ab.
    expect(readFileSync(path.join(out, 'union.json'), 'utf8').trim().split('\n')).toHaveLength(2);
    // Hand count from the journal: every sft trial in the top-1's chain, its dataset's lines × 2 epochs.
    const view = openStudy(s.dir);
    const byId = new Map(view.trials.filter((t) => t.produced).map((t) => [t.produced!.id, t]));
    const top = [...view.trials].filter((t) => t.state === 'complete').sort((x, y) => y.reward! - x.reward! || x.index - y.index)[0]!;
    let examples = 0;
    let sftSteps = 0;
    for (let t: typeof top | undefined = top; t; t = byId.get(t.action.inputs[0]!.id)) {
      sftSteps++;
      examples += (t.action.inputs[1]!.name === 'ab' ? 2 : 1) * 2;
    }
    expect(sftSteps).toBeGreaterThan(1);
    const e = examples / 2;
    const names = rows.map((r) => r.name);
    expect(names).toEqual([
      'base',
      'Fully Fine-Tuned (2 epochs, 1 seeds)',
      'Fully Fine-Tuned (5 epochs, 1 seeds)',
      `Fully Fine-Tuned, compute-matched to s top-1 (${e} epochs = ${examples} examples of ${sftSteps} SFT steps / 2, 1 seeds)`,
    ]);
    const m = rows[3]!.matched!;
    expect(m).toMatchObject({ trial: top.index, sftSteps, examples, unionExamples: 2, epochs: e, by: 'examples' });
    // More epochs move further toward the union's mean target (0.5, 0.5, 0): ta = 1 - distance to (1, 0, 0) grows.
    const ta = (i: number): number => rows[i]!.validation['ta']!;
    expect(ta(2)).toBeGreaterThan(ta(1));
    // The table names each row as computed.
    const t = await table1([out]);
    expect(t.rows.map((r) => r.name)).toEqual(names);
  });

  it('--test-tasks: scored on the test split only, for the baselines and the study top-k; starred in the table; scores kept by model content', async () => {
    const w = toyWorld({ iterations: 3 });
    const tasksFile = path.join(w.dir, 'ood.yaml');
    writeFileSync(tasksFile, '- { name: tc, evaluator: toy, options: { target: [0, 0, 1], testTarget: [0, 0.2, 0.8] } }\n');
    const out = path.join(w.dir, 'bl');
    const rows = await computeBaselines({ configPath: w.config, outDir: out, seeds: 1, testTasks: tasksFile });
    for (const r of rows) {
      expect(Object.keys(r.validation).sort()).toEqual(['ta', 'tb']);
      expect(Object.keys(r.test).sort()).toEqual(['ta', 'tb', 'tc']);
    }
    // The base (0, 0, 0) is 1 - |(0, 0.2, 0.8)| from tc's test target.
    expect(rows[0]!.test['tc']).toBeCloseTo(1 - Math.hypot(0.2, 0.8), 10);
    const cached = Object.keys(JSON.parse(readFileSync(path.join(out, 'scores.json'), 'utf8')) as object).length;
    expect(await computeBaselines({ configPath: w.config, outDir: out, seeds: 1, testTasks: tasksFile })).toEqual(rows);
    expect(Object.keys(JSON.parse(readFileSync(path.join(out, 'scores.json'), 'utf8')) as object)).toHaveLength(cached);
    const s = await runStudy({ configPath: w.config, outDir: path.join(w.dir, 's') });
    const t = await table1([out, s.dir], { k: 2, evaluate: true, testTasks: tasksFile });
    expect(t.inDist).toEqual(['ta', 'tb']);
    expect(t.outDist).toEqual(['tc']);
    for (const r of t.rows) expect(Object.keys(r.test).sort()).toEqual(['ta', 'tb', 'tc']);
    // A task the config already has: named, with the file.
    writeFileSync(tasksFile, '- { name: ta, evaluator: toy, options: { target: [1, 0, 0] } }\n');
    await expect(computeBaselines({ configPath: w.config, outDir: path.join(w.dir, 'bl2'), seeds: 1, testTasks: tasksFile })).rejects.toThrow(
      /ood\.yaml: tasks\[0\]\.name: "ta" is already a task of/,
    );
    expect(existsSync(path.join(w.dir, 'bl2'))).toBe(false);
  });

  it('merge grid search: every pair of initial non-base models × every weighting, the best by validation', async () => {
    const w = toyWorld();
    const { mkdirSync, writeFileSync } = await import('node:fs');
    for (const [n, v] of [
      ['spec-a', [0.8, 0, 0]],
      ['spec-b', [0, 0.8, 0]],
    ] as const) {
      mkdirSync(path.join(w.dir, 'models', n), { recursive: true });
      writeFileSync(path.join(w.dir, 'models', n, 'model.json'), JSON.stringify({ w: v }));
    }
    const text = readFileSync(w.config, 'utf8')
      .replace(
        'models: { values: [models/base], names: [base] }',
        'base_models: { values: [models/base], names: [base] }\n  models: { values: [models/base, models/spec-a, models/spec-b], names: [base, spec-a, spec-b] }\n  weights: { type: json, values: [[0.5, 0.5]] }',
      )
      .replace('  merge: { type: toy-merge, slots: [models, models] }', '  wmerge: { type: toy-wmerge, slots: [base_models, models, models, weights] }');
    writeFileSync(w.config, text);
    const rows = await computeBaselines({ configPath: w.config, outDir: path.join(w.dir, 'b'), seeds: 1 });
    const grid = rows.find((r) => r.name.startsWith('wmerge (grid search'))!;
    // spec-a (0.8,0,0), spec-b (0,0.8,0); weights (x,y) give (0.8x, 0.8y, 0). Rewards (mean of 1 - distance to
    // (1,0,0) and to (0,1,0)): 0.7/0.7 -> 0.288, 0.7/0.3 -> 0.277, 0.7/0.5 and 0.5/0.7 -> 0.292 (the best; ties: first tried).
    expect(grid.name).toMatch(/^wmerge \(grid search, best of 9: spec-a\+spec-b w=\[(0\.7,0\.5|0\.5,0\.7)\]\)$/);
    const hi = 1 - Math.hypot(0.44, 0.4);
    const lo = 1 - Math.hypot(0.56, 0.6);
    expect([grid.validation['ta'], grid.validation['tb']].sort()).toEqual([expect.closeTo(lo, 10), expect.closeTo(hi, 10)]);
    expect(rows.map((r) => r.name)).toEqual(['base', 'spec-a', 'spec-b', grid.name, 'Fully Fine-Tuned (1 seeds)']);
  });
});
