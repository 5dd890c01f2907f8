import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { actionSeed, jobSeed, openStudy, runStudy, type ExecutorContext, type JobSpec, type TrialRecord } from '@lamdagent/core';
import { digestFolder } from '@lamdagent/core/kit';
import { toySftRunner, writeToyModel } from '@lamdagent/testkit';
import { describe, expect, it } from 'vitest';
import { toyWorld } from '../test-fixtures/toy-world.js';
import { sciencePluginEntry, studyDirOf } from './compare.js';
import { compare } from './compare-run.js';
import { exportTable } from './export.js';
import { isReplayMarker, materializeModel, MaterializeError, REPLAY_MARKER, type MaterializeContext } from './materialize.js';
import { parsePolicies } from './policies-arg.js';
import { readTable, writeTable } from './table.js';

/** sft(base, a) -> sft(., b) -> sft(., c): each step builds on the model of the one before. */
const chain = [
  { action: 'sft', inputs: ['models/0', 'datasets/0', 'lr/0'] },
  { action: 'sft', inputs: ['@0', 'datasets/1', 'lr/0'] },
  { action: 'sft', inputs: ['@1', 'datasets/2', 'lr/0'] },
];
const scripted = (n: number) => ({ name: 'scripted', options: { steps: chain.slice(0, n) } });
/** A study of the chain's first `n` steps, run for real (per-trial job seeds: no shared cache). */
const live = (config: string, outDir: string, n: number) =>
  runStudy({ configPath: config, outDir, overrides: { iterations: n, plugins: [sciencePluginEntry()], policy: scripted(n) } });
const byIndex = (dir: string): TrialRecord[] => openStudy(dir).trials.sort((a, b) => a.index - b.index);
/** `compare --table T --fill` of the whole chain (seed 0), its study's trials. */
async function fillCompare(w: { dir: string; config: string }, table: string, out: string, seeds = 1): Promise<TrialRecord[][]> {
  const script = path.join(w.dir, 'chain.json');
  writeFileSync(script, JSON.stringify({ steps: chain }));
  const arms = parsePolicies(`scripted:${script}`, w.dir).map((p) => ({ label: p.label, policy: p }));
  const r = await compare({ configPath: w.config, arms, seeds, iterations: chain.length, outDir: out, table, fill: true, plugins: [sciencePluginEntry()] });
  return r.report.arms[0]!.seeds.map((s) => byIndex(s.study));
}

describe('replay fill: input models the table answered are made for real first', () => {
  it('a missed action on a chain the table answered: its parents are materialized in place, bit for bit the exporting study’s models', async () => {
    const w = toyWorld();
    const two = await live(w.config, path.join(w.dir, 'live2'), 2);
    const tableFile = path.join(w.dir, 'table.json');
    await exportTable({ dirs: [two.dir], out: tableFile, testTop: 0 });
    const t2 = byIndex(two.dir);
    // The table keeps the seed each model was trained with (no shared cache: the study's per-trial seed).
    for (const t of t2) expect(readTable(tableFile).entries[t.action.key]?.seed).toBe(jobSeed(0, t.index));

    const [replayed] = await fillCompare(w, tableFile, path.join(w.dir, 'fill'));
    const r = replayed!;
    expect(r.map((t) => t.state)).toEqual(['complete', 'complete', 'complete']);
    // Steps 0 and 1 were answered by the table; step 2 missed, and made step 1's model, then step 0's, before running.
    expect(r.map((t) => t.metrics['replaySeconds'] !== undefined)).toEqual([true, true, false]);
    expect(r[2]!.metrics).toMatchObject({ tableFill: 1, tableFillParents: 2 });
    for (const i of [0, 1]) {
      expect(isReplayMarker(r[i]!.produced!.path)).toBe(false);
      expect(await digestFolder(r[i]!.produced!.path)).toBe(await digestFolder(t2[i]!.produced!.path));
    }
    // No work folder or lock is left beside the models.
    expect(readdirSync(path.dirname(r[0]!.produced!.path)).filter((n) => n.startsWith('.'))).toEqual([]);
    // The filled step joined the table with its scores and its (action-keyed) seed; its seconds leave out the parents'.
    const entry = readTable(tableFile).entries[r[2]!.action.key]!;
    expect(entry).toMatchObject({ validation: r[2]!.scores, seed: actionSeed(r[2]!.action.key) });
    const parentsSec = r[2]!.metrics['tableFillParentsSec']!;
    expect(parentsSec).toBeGreaterThan(0);
    expect(entry.seconds).toBeCloseTo(Math.max(0, Object.values(r[2]!.durations).reduce((a, b) => a + b, 0) - parentsSec), 2);
  });

  it('on a table of a shared-cache comparison (action-keyed seeds, recorded or assumed) the filled models are a live comparison’s, in every study', async () => {
    const w = toyWorld();
    const armsOf = (n: number) => {
      const script = path.join(w.dir, `steps${n}.json`);
      writeFileSync(script, JSON.stringify({ steps: chain.slice(0, n) }));
      return parsePolicies(`scripted:${script}`, w.dir).map((p) => ({ label: p.label, policy: p }));
    };
    const liveCompare = async (n: number): Promise<string> => {
      const arms = armsOf(n);
      const out = path.join(w.dir, `live${n}`);
      await compare({ configPath: w.config, arms, seeds: 1, iterations: n, outDir: out, plugins: [sciencePluginEntry()] });
      return studyDirOf(out, arms[0]!.label, 0);
    };
    const exporting = await liveCompare(2);
    const models = byIndex(exporting);
    const tableFile = path.join(w.dir, 'table.json');
    await exportTable({ dirs: [exporting], out: tableFile, testTop: 0 });
    const table = readTable(tableFile);
    for (const t of models) expect(table.entries[t.action.key]?.seed).toBe(actionSeed(t.action.key));
    // A table exported before entries kept seeds: the action-keyed seed is assumed.
    for (const e of Object.values(table.entries)) delete e.seed;
    writeTable(tableFile, table);
    const studies = await fillCompare(w, tableFile, path.join(w.dir, 'fill'), 2);
    // A live comparison of the whole chain: the filled step's model and reward are its, in both studies (seeds 0 and 1).
    const whole = byIndex(await liveCompare(3));
    for (const r of studies) {
      expect(r.map((t) => t.state)).toEqual(['complete', 'complete', 'complete']);
      expect(r[2]!.metrics['tableFillParents']).toBe(2);
      for (const i of [0, 1]) expect(await digestFolder(r[i]!.produced!.path)).toBe(await digestFolder(models[i]!.produced!.path));
      expect(await digestFolder(r[2]!.produced!.path)).toBe(await digestFolder(whole[2]!.produced!.path));
      expect(r[2]!.reward).toBe(whole[2]!.reward);
    }
  });

  it('an interrupted materialization leaves the marker; a crashed one (stray files, dead lock) is redone whole; a failing job keeps the marker', async () => {
    const w = toyWorld();
    const base = path.join(w.dir, 'models', 'base');
    const dir = path.join(w.dir, 'artifacts', 't0000');
    mkdirSync(dir, { recursive: true });
    const job = (params: Record<string, number>, dataset = path.join(w.dir, 'data', 'a.json')): JobSpec => ({
      schemaVersion: 1,
      jobId: 't0000',
      actionKey: 'f'.repeat(64),
      action: 'sft',
      actionType: 'toy-sft',
      runner: 'toy-sft',
      runnerVersion: '1',
      inputs: [
        { slot: 'model', id: 'models/0', name: 'base', type: 'model', value: base, digest: 'd0' },
        { slot: 'dataset', id: 'datasets/0', name: 'a', type: 'dataset', value: dataset, digest: 'd1' },
        { slot: 'learning_rate', id: 'lr/0', name: '0.5', type: 'number', value: 0.5, digest: 'd2' },
      ],
      params: { noise: 0.02, ...params },
      outputDir: path.join(w.dir, 'elsewhere'),
      jobDir: path.join(w.dir, 'elsewhere-job'),
      seed: 12345,
      resources: { gpus: 0, cpus: 1 },
      plugins: [],
      smoke: false,
    });
    const mark = (j?: JobSpec): void =>
      writeFileSync(
        path.join(dir, REPLAY_MARKER),
        JSON.stringify({ actionKey: 'f'.repeat(64), table: 't.json', chain: 'sft(base, a, 0.5)', ...(j ? { job: j } : {}) }),
      );
    const context = (signal: AbortSignal): MaterializeContext => ({
      ctx: { signal, runner: () => toySftRunner } as ExecutorContext,
      jobsDir: path.join(w.dir, 'jobs'),
      count: { models: 0, seconds: 0 },
    });
    const siblings = (): string[] => readdirSync(path.dirname(dir)).filter((n) => n !== 't0000');

    // Interrupted while the job runs: the folder is the marker alone, nothing beside it.
    mark(job({ sleepMs: 5000 }));
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    const err = await materializeModel(dir, context(ac.signal)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MaterializeError);
    expect((err as MaterializeError).cancelled).toBe(true);
    expect(readdirSync(dir)).toEqual([REPLAY_MARKER]);
    expect(siblings()).toEqual([]);

    // A failing job: the marker stays, the error names the chain.
    mark(job({}, path.join(w.dir, 'data', 'bad.json')));
    writeFileSync(path.join(w.dir, 'data', 'bad.json'), JSON.stringify({ fail: 'broken data' }));
    await expect(materializeModel(dir, context(new AbortController().signal))).rejects.toThrow(
      /sft\(base, a, 0\.5\) \[ffffffffffff\].*failed to run: .*broken data/,
    );
    expect(readdirSync(dir)).toEqual([REPLAY_MARKER]);

    // After a crash mid-install: a stray half model beside the marker, the dead process's lock and work folder.
    mark(job({}));
    writeFileSync(path.join(dir, 'model.json'), '{"w": [0.1');
    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    writeFileSync(path.join(path.dirname(dir), '.t0000.materialize.lock'), `${dead} ${(await import('node:os')).hostname()} x`);
    mkdirSync(path.join(path.dirname(dir), `.t0000.materialize-${dead}-abcd`));
    const c = context(new AbortController().signal);
    await materializeModel(dir, c);
    expect(c.count.models).toBe(1);
    expect(readdirSync(dir)).toEqual(['model.json']);
    expect(siblings()).toEqual([]);
    // The model is the job's own output, run directly.
    const direct = path.join(w.dir, 'direct');
    await toySftRunner.run({ ...job({}), outputDir: direct }, { signal: new AbortController().signal, log: () => undefined, progress: () => undefined });
    expect(readFileSync(path.join(dir, 'model.json'), 'utf8')).toBe(readFileSync(path.join(direct, 'model.json'), 'utf8'));
    // A model folder is left alone.
    await materializeModel(dir, c);
    expect(c.count.models).toBe(1);

    // Two jobs that need the same model at once (studies sharing a cache): one makes it, the other waits and finds it.
    const twice = path.join(w.dir, 'artifacts', 't0002');
    mkdirSync(twice);
    writeFileSync(
      path.join(twice, REPLAY_MARKER),
      JSON.stringify({ actionKey: 'f'.repeat(64), table: 't.json', chain: 'sft(base, a, 0.5)', job: job({ sleepMs: 200 }) }),
    );
    const [c1, c2] = [context(new AbortController().signal), context(new AbortController().signal)];
    await Promise.all([materializeModel(twice, c1), materializeModel(twice, c2)]);
    expect(c1.count.models + c2.count.models).toBe(1);
    expect(readFileSync(path.join(twice, 'model.json'), 'utf8')).toBe(readFileSync(path.join(direct, 'model.json'), 'utf8'));
    expect(readdirSync(path.dirname(twice)).filter((n) => n.startsWith('.'))).toEqual([]);

    // A marker written before markers kept their job cannot be materialized: the error says so, naming the file.
    const old = path.join(w.dir, 'artifacts', 't0001');
    writeToyModel(old, [0]);
    writeFileSync(path.join(old, REPLAY_MARKER), JSON.stringify({ actionKey: 'e'.repeat(64), table: 't.json', chain: 'sft(base, b, 0.5)' }));
    await expect(materializeModel(old, context(new AbortController().signal))).rejects.toThrow(/t0001\/replay\.json: .*written before markers kept the job/);
    expect(existsSync(path.join(old, REPLAY_MARKER))).toBe(true);
  });
});
