import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runStudy } from '@lamdagent/core';
import { describe, expect, it } from 'vitest';
import { toyWorld } from '../test-fixtures/toy-world.js';
import { replayPipelines, replayText } from './replay.js';

describe('lamdagent replay (whole pipelines, re-executed)', () => {
  it('re-executes the top-k chains: at scale 1 it reproduces the journaled rewards exactly (tau 1); larger data changes them', async () => {
    const w = toyWorld({ iterations: 8, extra: 'cache: cache\n' });
    for (const n of ['a', 'b', 'c'])
      writeFileSync(path.join(w.dir, 'data', `${n}.2x.json`), JSON.stringify({ target: n === 'a' ? [2, 0, 0] : n === 'b' ? [0, 2, 0] : [0, 0, 2] }));
    const s = await runStudy({ configPath: w.config, outDir: path.join(w.dir, 's'), overrides: { policy: 'greedy' } });
    const r = await replayPipelines({ dir: s.dir, top: 3, scales: [1, 2], outDir: path.join(w.dir, 'replay') });
    expect(r.pipelines).toHaveLength(3);
    expect(r.variants[0]!.rewards).toEqual(r.pipelines.map((p) => p.journaled));
    expect(r.variants[0]!.tau).toBe(1);
    expect(r.variants[1]!.rewards).not.toEqual(r.variants[0]!.rewards);
    expect(replayText(r)).toMatch(/Kendall's tau-b vs the study's ranking: data x1 1\.000, data x2/);
    // Another base model: the same chains from it.
    const other = path.join(w.dir, 'models', 'other');
    mkdirSync(other);
    writeFileSync(path.join(other, 'model.json'), JSON.stringify({ w: [0.5, 0.5, 0] }));
    const b = await replayPipelines({ dir: s.dir, top: 3, baseModel: other, outDir: path.join(w.dir, 'replay-base') });
    expect(b.variants[0]!.label).toBe('base other');
    expect(b.variants[0]!.rewards.every((x) => typeof x === 'number')).toBe(true);
    expect(b.variants[0]!.rewards).not.toEqual(r.variants[0]!.rewards);
  });

  it('refuses a study whose initial files changed (digest mismatch), naming the file, and a scale with no declared variant', async () => {
    const w = toyWorld({ iterations: 3 });
    const s = await runStudy({ configPath: w.config, outDir: path.join(w.dir, 's') });
    await expect(replayPipelines({ dir: s.dir, top: 1, scales: [2], outDir: path.join(w.dir, 'r') })).rejects.toThrow(/a\.2x\.json/);
    writeFileSync(path.join(w.dir, 'data', 'b.json'), JSON.stringify({ target: [0, 0.5, 0] }));
    await expect(replayPipelines({ dir: s.dir, top: 1, scales: [1], outDir: path.join(w.dir, 'r') })).rejects.toThrow(
      /data\/b\.json: changed since study .* ran \(content digest mismatch\)/,
    );
  });

  it('takes the larger variants a dataset object declares (scales), the naming convention as fallback; a declared file that is missing is an error naming it', async () => {
    const w = toyWorld({ iterations: 4, extra: 'cache: cache\n' });
    // a and b declared under other names; c by the x.2x naming convention.
    mkdirSync(path.join(w.dir, 'bigger'));
    writeFileSync(path.join(w.dir, 'bigger', 'a-double.json'), JSON.stringify({ target: [2, 0, 0] }));
    writeFileSync(path.join(w.dir, 'bigger', 'b-double.json'), JSON.stringify({ target: [0, 2, 0] }));
    writeFileSync(path.join(w.dir, 'data', 'c.2x.json'), JSON.stringify({ target: [0, 0, 2] }));
    const yaml = readFileSync(w.config, 'utf8').replace(
      'names: [a, b, c] }',
      'names: [a, b, c], scales: { 2: [bigger/a-double.json, bigger/b-double.json, null], 3: [bigger/none.json, null, null] } }',
    );
    writeFileSync(w.config, yaml);
    const s = await runStudy({ configPath: w.config, outDir: path.join(w.dir, 's'), overrides: { policy: 'greedy' } });
    const r = await replayPipelines({ dir: s.dir, top: 2, scales: [2], outDir: path.join(w.dir, 'replay') });
    const used = JSON.parse(readFileSync(path.join(r.variants[0]!.study, 'config.json'), 'utf8')) as {
      objects: { datasets: { values: string[]; scales?: unknown } };
    };
    expect(used.objects.datasets.values).toEqual([
      path.join(w.dir, 'bigger', 'a-double.json'),
      path.join(w.dir, 'bigger', 'b-double.json'),
      path.join(w.dir, 'data', 'c.2x.json'),
    ]);
    expect(used.objects.datasets.scales).toBeUndefined();
    expect(r.variants[0]!.rewards.every((x) => typeof x === 'number')).toBe(true);
    await expect(replayPipelines({ dir: s.dir, top: 1, scales: [3], outDir: path.join(w.dir, 'r3') })).rejects.toThrow(
      /objects\.datasets\.scales\.3\[0\]: .*bigger\/none\.json not found/,
    );
  });
});
