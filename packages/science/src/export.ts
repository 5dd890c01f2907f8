import { existsSync } from 'node:fs';
import path from 'node:path';
import { actionSeed, evaluationFacts, jobSeed, openStudy, parseConfig, UsageError, type StudyView, type TrialRecord } from '@lamdagent/core';
import { chainOf, producers, ranked } from './chain.js';
import { splitScorer, type SplitScorer } from './evaluate.js';
import { configFingerprint } from './fingerprint.js';
import { TABLE_FILL, TABLE_FILL_PARENTS_SEC } from './replay-executor.js';
import { readTable, writeTable, type BenchTable } from './table.js';

export interface ExportOptions {
  dirs: string[];
  out: string;
  /** Score the top K models of each study on the test split when the journal has no test scores (default 3; 0: none). */
  testTop?: number;
  log?: (line: string) => void;
}

export interface ExportSummary {
  table: BenchTable;
  added: number;
  tested: number;
  studies: number;
}

/** The trial's seconds, less those a `fill` trial spent making its input models for real (they are their own actions' cost). */
const seconds = (t: TrialRecord): number =>
  Math.max(0, Math.round((Object.values(t.durations).reduce((a, b) => a + b, 0) - (t.metrics[TABLE_FILL_PARENTS_SEC] ?? 0)) * 100) / 100);

/**
 * The job seed the trial's model was trained with: by action key when `fill` ran it or with a shared cache (the model may come
 * from another study of it), else by study seed and trial index as core seeds jobs. Undefined for a model a table answered.
 */
function trainedSeed(v: StudyView, t: TrialRecord): number | undefined {
  if (t.metrics['replaySeconds'] !== undefined) return undefined;
  if (t.metrics[TABLE_FILL] === 1) return actionSeed(t.action.key);
  const cfg = v.snapshot.config as { cache?: unknown; seed?: unknown };
  if (cfg.cache !== undefined && cfg.cache !== null) return actionSeed(t.action.key);
  const seed = v.journal.header?.seed ?? cfg.seed;
  return typeof seed === 'number' ? jobSeed(seed, t.index) : undefined;
}

/**
 * `lamdagent bench export DIR... -o table.json`: every action the studies executed (action key → its
 * chain, per-task validation and test scores, seconds, cost), merged into `out` when it holds a table
 * of the same world. Studies of different worlds are refused before anything is written.
 */
export async function exportTable(opts: ExportOptions): Promise<ExportSummary> {
  const log = opts.log ?? (() => undefined);
  if (opts.dirs.length === 0) throw new UsageError('bench export: give at least one study folder');
  const views = opts.dirs.map((d) => openStudy(d));
  const byConfig = new Map<string, Awaited<ReturnType<typeof configFingerprint>>>();
  let fingerprint: string | undefined;
  let first = '';
  for (const v of views) {
    const k = `${v.snapshot.configFile}\n${JSON.stringify({ ...(v.snapshot.config as object), policy: null, seed: null, budget: null })}`;
    if (!byConfig.has(k)) byConfig.set(k, await configFingerprint(parseConfig(v.snapshot.config, v.snapshot.configFile)));
    const fp = byConfig.get(k)!.fingerprint;
    if (fingerprint === undefined) [fingerprint, first] = [fp, v.dir];
    else if (fp !== fingerprint)
      throw new UsageError(`${v.dir}: study of another world than ${first} (initial objects, actions or tasks differ); export them into separate tables`);
  }
  const out = path.resolve(opts.out);
  const loaded0 = [...byConfig.values()][0]!;
  let table: BenchTable;
  if (existsSync(out)) {
    table = readTable(out);
    if (table.fingerprint !== fingerprint) throw new UsageError(`${out}: holds a table of another world; choose another -o`);
  } else {
    table = {
      kind: 'lamdagent-table',
      version: 1,
      fingerprint: fingerprint!,
      config: path.basename(views[0]!.snapshot.configFile),
      createdAt: new Date().toISOString(),
      tasks: loaded0.assembly.tasks.map((t) => t.name),
      entries: {},
    };
  }
  let added = 0;
  let tested = 0;
  let scorer: SplitScorer | undefined;
  for (const v of views) {
    const byProduced = producers(v.trials);
    for (const t of v.trials) {
      if (t.state !== 'complete' || !t.produced || table.entries[t.action.key]) continue;
      const seed = trainedSeed(v, t);
      table.entries[t.action.key] = {
        action: t.action.name,
        type: t.action.type,
        inputs: t.action.inputs.map((i) => i.name),
        chain: chainOf(t, byProduced),
        validation: t.scores,
        seconds: seconds(t),
        ...(seed !== undefined ? { seed } : {}),
        costUsd: (t.policy?.usage ?? []).reduce((a, u) => a + u.costUsd, 0),
        source: { study: v.dir, trial: t.index },
      };
      added++;
    }
    for (const r of v.journal.initial.values()) {
      if (r.reward === undefined || table.initial?.[r.digest]) continue;
      (table.initial ??= {})[r.digest] = { name: r.name, validation: r.scores };
    }
    for (const e of v.journal.evaluations) {
      const t = v.trials.find((x) => x.index === e.index);
      const entry = t && table.entries[t.action.key];
      if (entry && e.split === 'test' && !entry.test) {
        entry.test = e.scores;
        if (e.intervals) entry.testIntervals = e.intervals;
      }
    }
    for (const t of ranked(v.trials).slice(0, opts.testTop ?? 3)) {
      const entry = table.entries[t.action.key];
      if (!entry || entry.test || !t.produced || !existsSync(t.produced.path)) continue;
      scorer ??= await splitScorer(loaded0.assembly, loaded0.registry);
      const results = await scorer.results(t.produced.path, t.action.key.slice(0, 12), 'test', 0);
      entry.test = Object.fromEntries(results.map((r) => [r.task, r.score]));
      const { intervals } = evaluationFacts(results);
      if (intervals) entry.testIntervals = intervals;
      tested++;
      log(`test split of ${entry.chain}: ${JSON.stringify(entry.test)}`);
    }
  }
  writeTable(out, table);
  return { table, added, tested, studies: views.length };
}
