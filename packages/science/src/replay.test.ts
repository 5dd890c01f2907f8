import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { openStudy, runStudy } from '@lamdagent/core';
import { describe, expect, it } from 'vitest';
import { toyWorld } from '../test-fixtures/toy-world.js';
import { studyDirOf } from './compare.js';
import { compare } from './compare-run.js';
import { exportTable } from './export.js';
import { parsePolicies } from './policies-arg.js';
import { replayOverrides } from './run-table.js';
import { readTable } from './table.js';

const arms = (list: string) => parsePolicies(list, process.cwd()).map((p) => ({ label: p.label, policy: p }));

describe('tabular benchmark: bench export and the replay executor', () => {
  it('a replay of the exported studies reproduces their journaled rewards exactly, with no miss', async () => {
    const w = toyWorld();
    const live = path.join(w.dir, 'live');
    await compare({ configPath: w.config, arms: arms('random,greedy'), seeds: 2, iterations: 6, outDir: live });
    const dirs = ['random', 'greedy'].flatMap((p) => [0, 1].map((s) => studyDirOf(live, p, s)));
    const tableFile = path.join(w.dir, 'table.json');
    const s = await exportTable({ dirs, out: tableFile, testTop: 3 });
    expect(s.added).toBeGreaterThan(0);
    const table = readTable(tableFile);
    // Every executed action is in the table, with its chain and scores; top models have test scores.
    for (const d of dirs)
      for (const t of openStudy(d).trials.filter((x) => x.state === 'complete')) expect(table.entries[t.action.key]?.validation).toEqual(t.scores);
    expect(Object.values(table.entries).some((e) => e.test && e.chain.includes('('))).toBe(true);

    const replay = path.join(w.dir, 'replay');
    const r = await compare({ configPath: w.config, arms: arms('random,greedy'), seeds: 2, iterations: 6, outDir: replay, table: tableFile });
    for (const p of ['random', 'greedy']) {
      for (const seed of [0, 1]) {
        const a = openStudy(studyDirOf(live, p, seed)).trials.sort((x, y) => x.index - y.index);
        const b = openStudy(studyDirOf(replay, p, seed)).trials.sort((x, y) => x.index - y.index);
        expect(b.map((t) => [t.action.key, t.reward])).toEqual(a.map((t) => [t.action.key, t.reward]));
      }
    }
    expect(r.report.arms.flatMap((a) => a.seeds.map((x) => x.misses))).toEqual([0, 0, 0, 0]);
    // The initial models' scores are in the table; the replayed studies take them from it (not evaluated again).
    const initial = openStudy(studyDirOf(live, 'random', 0)).journal.initial;
    expect(Object.keys(table.initial ?? {}).sort()).toEqual([...initial.keys()].sort());
    for (const rec of openStudy(studyDirOf(replay, 'greedy', 1)).journal.initial.values()) {
      expect(rec.executor).toBe('replay');
      expect(rec.scores).toEqual(initial.get(rec.digest)!.scores);
    }
    // Test scores of the replayed top-1 come from the table and match the live comparison's.
    const liveReport = JSON.parse(readFileSync(path.join(live, 'results.json'), 'utf8'));
    expect(r.report.arms.map((a) => a.seeds.map((x) => x.top1Test))).toEqual(
      liveReport.arms.map((a: { perSeed: { top1Test: number }[] }) => a.perSeed.map((x) => x.top1Test)),
    );
  });

  it('actions missing from the table are counted misses (failed TableMiss), or with fill run for real and join the table', async () => {
    const w = toyWorld();
    const one = await runStudy({ configPath: w.config, outDir: path.join(w.dir, 'one'), overrides: { iterations: 2 } });
    const tableFile = path.join(w.dir, 'small.json');
    await exportTable({ dirs: [one.dir], out: tableFile, testTop: 0 });
    const before = Object.keys(readTable(tableFile).entries).length;
    const miss = await compare({ configPath: w.config, arms: arms('random'), seeds: 3, iterations: 8, outDir: path.join(w.dir, 'm'), table: tableFile });
    const misses = miss.report.arms[0]!.seeds.reduce((n, s) => n + s.misses, 0);
    expect(misses).toBeGreaterThan(0);
    const failed = miss.report.arms[0]!.seeds.flatMap((s) => openStudy(s.study).trials).filter((t) => t.error?.type === 'TableMiss');
    expect(failed.length).toBeGreaterThanOrEqual(misses);
    for (const t of failed) expect(t.reward).toBeUndefined();
    const filled = await compare({
      configPath: w.config,
      arms: arms('random'),
      seeds: 3,
      iterations: 8,
      outDir: path.join(w.dir, 'f'),
      table: tableFile,
      fill: true,
    });
    expect(Object.keys(readTable(tableFile).entries).length).toBeGreaterThan(before);
    const ft = filled.report.arms[0]!.seeds.flatMap((s) => openStudy(s.study).trials);
    expect(ft.some((t) => t.error?.type === 'TableMiss')).toBe(false);
    // Misses that build on a model the table answered ran too: that model was made for real first.
    expect(ft.filter((t) => t.state === 'failed').map((t) => t.error)).toEqual([]);
    expect(ft.some((t) => (t.metrics['tableFillParents'] ?? 0) > 0)).toBe(true);
    expect(ft.filter((t) => t.metrics['tableFill'] === 1).length).toBe(filled.report.arms[0]!.seeds.reduce((n, s) => n + s.misses, 0));
    for (const t of ft.filter((x) => x.metrics['tableFill'] === 1 && x.state === 'complete'))
      expect(readTable(tableFile).entries[t.action.key]?.validation).toEqual(t.scores);
  });

  it('refuses a table of another config, naming the file, before anything is written', async () => {
    const w = toyWorld();
    const s = await runStudy({ configPath: w.config, outDir: path.join(w.dir, 's'), overrides: { iterations: 2 } });
    const tableFile = path.join(w.dir, 't.json');
    await exportTable({ dirs: [s.dir], out: tableFile, testTop: 0 });
    const other = toyWorld();
    writeFileSync(path.join(other.dir, 'data', 'a.json'), JSON.stringify({ target: [0.5, 0.5, 0] }));
    const out = path.join(other.dir, 'cmp');
    await expect(compare({ configPath: other.config, arms: arms('random'), seeds: 1, iterations: 2, outDir: out, table: tableFile })).rejects.toThrow(
      /t\.json: table was built for another config/,
    );
    await expect(replayOverrides(other.config, tableFile)).rejects.toThrow(/another config/);
    expect(existsSync(out)).toBe(false);
    const otherStudy = await runStudy({ configPath: other.config, outDir: path.join(other.dir, 's2'), overrides: { iterations: 1 } });
    await expect(exportTable({ dirs: [otherStudy.dir], out: tableFile, testTop: 0 })).rejects.toThrow(/another world/);
    await expect(exportTable({ dirs: [s.dir, otherStudy.dir], out: path.join(w.dir, 'mixed.json'), testTop: 0 })).rejects.toThrow(/another world/);
    expect(existsSync(path.join(w.dir, 'mixed.json'))).toBe(false);
  });
});
