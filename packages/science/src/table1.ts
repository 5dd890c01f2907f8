import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { assemble, buildRegistry, evaluationFacts, isStudyDir, openStudy, parseConfig, recordEvaluations, UsageError } from '@lamdagent/core';
import { z } from 'zod';
import { chainOf, producers, ranked } from './chain.js';
import { splitScorer } from './evaluate.js';
import { rewardInterval } from './items.js';
import { overlaps, type Interval } from './stats.js';
import { loadTestTasks } from './test-tasks.js';

const BaselinesFileSchema = z.array(z.object({ name: z.string(), split: z.enum(['validation', 'test']), scores: z.record(z.string(), z.number()) }));

export interface Table1Row {
  group: string;
  name: string;
  chain?: string;
  validation: Record<string, number>;
  test: Record<string, number>;
  /** 95% bootstrap interval of each test score over its items (journaled with the `evaluate` record; older records have none). */
  testIntervals?: Record<string, { lo: number; hi: number }>;
  /** 95% bootstrap interval of the in-distribution validation average, from the evaluator's per-item results. */
  valInterval?: Interval;
  /** Its interval overlaps the group's top-1's: the difference is inside the evaluation noise. */
  withinNoise?: boolean;
}

export interface Table1 {
  /** In-distribution tasks (the studies' reward tasks), then the others (e.g. out-of-distribution). */
  inDist: string[];
  outDist: string[];
  rows: Table1Row[];
}

/**
 * `lamdagent table DIR...`: the paper's Table 1 for any studies: their baselines (`baselines.json` in a
 * study folder: `[{ name, split, scores }]`) and each study's top-k by validation reward, with
 * validation and test scores per task. `evaluate`: score top models with no test scores yet on the
 * test split (the study's own evaluators, plus the `testTasks` file's tasks) and append them to its journal.
 */
export async function table1(dirs: string[], opts: { k?: number; evaluate?: boolean; testTasks?: string; log?: (l: string) => void } = {}): Promise<Table1> {
  const rows: Table1Row[] = [];
  const inDist = new Set<string>();
  const seenBaselines = new Set<string>();
  const addBaselines = (file: string): void => {
    const parsed = BaselinesFileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success) throw new UsageError(`${file}: not a baselines file ([{ name, split, scores }]): ${parsed.error.issues[0]?.message ?? ''}`);
    for (const b of parsed.data) {
      // The same baselines listed by several studies are shown once (the first one's).
      if (seenBaselines.has(`${b.name}\n${b.split}`)) continue;
      seenBaselines.add(`${b.name}\n${b.split}`);
      let row = rows.find((r) => r.group === 'Baselines' && r.name === b.name);
      if (!row) rows.push((row = { group: 'Baselines', name: b.name, validation: {}, test: {} }));
      row[b.split] = b.scores;
    }
  };
  for (const d of dirs) {
    // A baselines folder (lamdagent baselines --out DIR): its baselines only.
    if (!isStudyDir(d) && existsSync(path.join(d, 'baselines.json'))) {
      addBaselines(path.join(d, 'baselines.json'));
      continue;
    }
    const view = openStudy(d);
    const loaded = parseConfig(view.snapshot.config, view.snapshot.configFile);
    for (const t of loaded.config.tasks) inDist.add(Array.isArray(t) ? t[0] : t.name);
    const bfile = path.join(view.dir, 'baselines.json');
    if (existsSync(bfile)) addBaselines(bfile);
    const top = ranked(view.trials).slice(0, opts.k ?? 3);
    const tests = new Map<number, Record<string, number>>();
    const testIntervals = new Map<number, Record<string, { lo: number; hi: number }>>();
    const addTest = (index: number, scores: Record<string, number>, intervals: Record<string, { lo: number; hi: number }> | undefined): void => {
      tests.set(index, { ...(tests.get(index) ?? {}), ...scores });
      // A later record's scores replace an earlier one's: so do their intervals (none when the later has none).
      const iv = { ...(testIntervals.get(index) ?? {}) };
      for (const task of Object.keys(scores)) {
        if (intervals?.[task]) iv[task] = intervals[task];
        else delete iv[task];
      }
      testIntervals.set(index, iv);
    };
    for (const e of view.journal.evaluations) if (e.split === 'test') addTest(e.index, e.scores, e.intervals);
    const missing = top.filter((t) => !tests.has(t.index) && t.produced && existsSync(t.produced.path));
    if (opts.evaluate && missing.length) {
      const { registry } = await buildRegistry(loaded);
      const testOnly = opts.testTasks ? await loadTestTasks(loaded, opts.testTasks) : undefined;
      const scorer = await splitScorer(assemble(loaded, registry, { skipDigests: true }), registry, undefined, testOnly);
      const recs = [];
      for (const t of missing) {
        const results = await scorer.results(t.produced!.path, t.produced!.id, 'test', 0);
        const scores = Object.fromEntries(results.map((r) => [r.task, r.score]));
        // The same facts a trial-end keeps: each task's interval, the judge's tokens (counted in `lamdagent costs`).
        const { intervals, evaluationUsage } = evaluationFacts(results);
        addTest(t.index, scores, intervals);
        recs.push({ index: t.index, split: 'test' as const, scores, ...(intervals ? { intervals } : {}), ...(evaluationUsage ? { evaluationUsage } : {}) });
        opts.log?.(`${view.dir}: test split of trial ${t.index}: ${JSON.stringify(scores)}`);
      }
      recordEvaluations(view.dir, recs);
    }
    const byProduced = producers(view.trials);
    const policy = (view.snapshot.config as { policy?: string | { name: string } }).policy;
    const group = `${path.basename(view.dir)} (${typeof policy === 'string' ? policy : (policy?.name ?? 'random')} policy), top-k by validation reward`;
    const tasks = loaded.config.tasks.map((x) => (Array.isArray(x) ? x[0] : x.name));
    const first = top[0] ? rewardInterval(view.dir, top[0], tasks) : undefined;
    top.forEach((t, i) => {
      const iv = rewardInterval(view.dir, t, tasks);
      rows.push({
        group,
        name: `Top-${i + 1} ${t.produced?.name ?? ''}`,
        chain: chainOf(t, byProduced),
        validation: t.scores,
        test: tests.get(t.index) ?? {},
        ...(Object.keys(testIntervals.get(t.index) ?? {}).length ? { testIntervals: testIntervals.get(t.index)! } : {}),
        ...(iv ? { valInterval: iv } : {}),
        ...(iv && first && i > 0 ? { withinNoise: overlaps(iv, first) } : {}),
      });
    });
  }
  const all = new Set(rows.flatMap((r) => [...Object.keys(r.validation), ...Object.keys(r.test)]));
  // Baselines only: their validation tasks are the in-distribution ones.
  if (inDist.size === 0) for (const r of rows) for (const k of Object.keys(r.validation)) inDist.add(k);
  return { inDist: [...inDist], outDist: [...all].filter((t) => !inDist.has(t)).sort(), rows };
}

const avg = (s: Record<string, number>, tasks: string[]): number | undefined => {
  const v = tasks.filter((t) => s[t] !== undefined).map((t) => s[t]!);
  return v.length ? v.reduce((a, b) => a + b, 0) / v.length : undefined;
};

export function table1Text(t: Table1): string {
  const cols = [...t.inDist, ...t.outDist];
  const f = (v: number | undefined): string => (v === undefined ? '-' : v.toFixed(3));
  const head = ['Method', ...cols.map((c) => `${c}${t.outDist.includes(c) ? '*' : ''}`), 'Avg', '(val Avg [95% CI])'];
  const body: string[][] = [];
  let group = '';
  for (const r of t.rows) {
    if (r.group !== group) body.push([(group = r.group)]);
    const iv = r.valInterval ? ` [${f(r.valInterval.lo)}, ${f(r.valInterval.hi)}]${r.withinNoise ? ' ~top-1' : ''}` : '';
    const cell = (c: string): string => {
      const ci = r.testIntervals?.[c];
      return r.test[c] === undefined || !ci ? f(r.test[c]) : `${f(r.test[c])} [${f(ci.lo)}, ${f(ci.hi)}]`;
    };
    body.push([`  ${r.name}`, ...cols.map(cell), f(avg(r.test, cols)), `(${f(avg(r.validation, t.inDist))}${iv})`]);
  }
  const w = head.map((h, i) => Math.max(h.length, ...body.filter((b) => b.length > 1).map((b) => b[i]?.length ?? 0)));
  const line = (c: string[]): string =>
    c.length === 1
      ? c[0]!
      : c
          .map((x, i) => x.padEnd(w[i]!))
          .join('  ')
          .trimEnd();
  return [
    `Test split per task, [95% bootstrap interval over its items] where journaled (* = out of distribution: not in the studies' reward); Avg over the test columns; (val Avg) over the in-distribution validation scores, with its 95% bootstrap interval over the per-item results; ~top-1: inside the noise of the top-1`,
    line(head),
    ...body.map(line),
  ].join('\n');
}
