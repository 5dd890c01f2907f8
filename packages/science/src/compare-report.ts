import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { assemble, buildRegistry, UsageError, loadConfig, openStudy, type TrialRecord } from '@lamdagent/core';
import { writeFileAtomic } from '@lamdagent/core/kit';
import { ranked } from './chain.js';
import { studyDirOf, type CompareManifest } from './compare.js';
import { splitScorer, type SplitScorer } from './evaluate.js';
import { TABLE_FILL, TABLE_MISS } from './replay-executor.js';
import { sd, tInterval, type Interval } from './stats.js';
import { readTable } from './table.js';
import { wilcoxonSignedRank, type SignedRankResult } from './tests.js';

export interface SeedResult {
  seed: number;
  study: string;
  /** Best validation reward after each iteration (null before the first scored trial). */
  bestSoFar: (number | null)[];
  /** Held-out test reward of the top-1 (by validation) and of the top-k models; null when not measured. */
  top1Test: number | null;
  topTest: (number | null)[];
  top1Chain?: string;
  trials: number;
  /** Trials that reached the executor (not repeats answered inside the study, not shared-cache hits). */
  executed: number;
  /** Trials served by the shared action cache, and table misses (replay). */
  fromCache: number;
  misses: number;
}

export interface ArmStats {
  label: string;
  policy: string;
  without: string[];
  seeds: SeedResult[];
  /** Mean, sd and 95% t-interval over seeds of the best-so-far validation reward, per iteration. */
  curve: (Interval & { sd: number; n: number })[];
  final: Interval & { sd: number; n: number };
  test: (Interval & { sd: number; n: number }) | null;
  /** Paired over seeds against the reference arm (Wilcoxon signed-rank, exact): final validation and top-1 test. */
  /** Per baseline (lamdagent baselines): seeds whose top-1 test score beats the baseline's, of the seeds with a test score. */
  beats?: Record<string, { wins: number; of: number; baseline: number }>;
  vsReference?: {
    reference: string;
    validation: SignedRankResult & { wins: number; losses: number };
    test?: SignedRankResult & { wins: number; losses: number };
  };
}

export interface CompareReport {
  config: string;
  iterations: number;
  seeds: number[];
  table?: string;
  test: 'Wilcoxon signed-rank, two-sided, exact null distribution (pairs by seed)';
  arms: ArmStats[];
}

const ScoresByKeySchema = z.record(z.string(), z.record(z.string(), z.number()));
const BaselinesSchema = z.array(z.object({ name: z.string(), split: z.enum(['validation', 'test']), scores: z.record(z.string(), z.number()) }));

const summary = (xs: number[]): Interval & { sd: number; n: number } => ({ ...tInterval(xs), sd: xs.length > 1 ? sd(xs) : 0, n: xs.length });

function bestSoFar(trials: TrialRecord[], iterations: number): (number | null)[] {
  const byIndex = [...trials].sort((a, b) => a.index - b.index);
  const out: (number | null)[] = [];
  let best: number | null = null;
  for (let i = 0; i < iterations; i++) {
    const t = byIndex.find((x) => x.index === i);
    if (t && typeof t.reward === 'number' && t.state !== 'failed') best = best === null ? t.reward : Math.max(best, t.reward);
    out.push(best);
  }
  return out;
}

function paired(x: number[], y: number[]): SignedRankResult & { wins: number; losses: number } {
  return { ...wilcoxonSignedRank(x, y), wins: x.filter((v, i) => v > y[i]!).length, losses: x.filter((v, i) => v < y[i]!).length };
}

/**
 * Collect a comparison's studies into statistics. Test scores come from the replay table, or are measured
 * with the config's evaluators on the held-out split (cached in OUT/test-scores.json by action key) and
 * appended to nothing else.
 */
export async function compareReport(
  outDir: string,
  m: CompareManifest,
  opts: { topK?: number; log?: (l: string) => void; baselines?: string } = {},
): Promise<CompareReport> {
  const topK = opts.topK ?? 3;
  const table = m.table ? readTable(m.table) : undefined;
  const loaded = loadConfig(m.config);
  const { registry } = await buildRegistry(loaded);
  const assembly = assemble(loaded, registry, { skipDigests: true });
  let scorer: SplitScorer | undefined;
  const testFile = path.join(outDir, 'test-scores.json');
  const parsedCache = existsSync(testFile) ? ScoresByKeySchema.safeParse(JSON.parse(readFileSync(testFile, 'utf8'))) : undefined;
  const testCache: Record<string, Record<string, number>> = parsedCache?.success ? parsedCache.data : {};
  const testScores = async (t: TrialRecord): Promise<Record<string, number> | undefined> => {
    if (table) return table.entries[t.action.key]?.test;
    if (testCache[t.action.key]) return testCache[t.action.key];
    if (!t.produced || !existsSync(t.produced.path)) return undefined;
    scorer ??= await splitScorer(assembly, registry);
    const s = await scorer.scores(t.produced.path, t.action.key.slice(0, 12), 'test', 0);
    testCache[t.action.key] = s;
    writeFileAtomic(testFile, JSON.stringify(testCache, null, 1));
    opts.log?.(`test split of ${t.produced.name} (${path.basename(path.dirname(path.dirname(t.produced.path)))}): ${JSON.stringify(s)}`);
    return s;
  };
  const aggregator = await registry.aggregatorFactory(assembly.aggregation.name).create(assembly.aggregation.options, assembly.factoryContext);
  const testReward = (s: Record<string, number> | undefined): number | null => {
    if (!s) return null;
    const tasks = assembly.tasks.filter((t) => s[t.name] !== undefined);
    return aggregator.aggregate(
      tasks.map((t) => ({ task: t.name, metric: t.metric, score: s[t.name]!, split: 'test' })),
      tasks,
    );
  };
  const arms: ArmStats[] = [];
  for (const arm of m.arms) {
    const seeds: SeedResult[] = [];
    for (const seed of m.seeds) {
      const dir = studyDirOf(outDir, arm.label, seed);
      if (!existsSync(dir)) continue;
      const trials = openStudy(dir).trials;
      const top = ranked(trials).slice(0, topK);
      const topTest: (number | null)[] = [];
      for (const t of top) topTest.push(testReward(await testScores(t)));
      seeds.push({
        seed,
        study: dir,
        bestSoFar: bestSoFar(trials, m.iterations),
        top1Test: topTest[0] ?? null,
        topTest,
        ...(top[0] && table?.entries[top[0].action.key] ? { top1Chain: table.entries[top[0].action.key]!.chain } : {}),
        trials: trials.length,
        executed: trials.filter((t) => (t.state === 'complete' && !t.cache) || (t.state === 'failed' && t.cachedFrom === undefined)).length,
        fromCache: trials.filter((t) => t.cache).length,
        misses: trials.filter((t) => (t.error?.type === TABLE_MISS && t.cachedFrom === undefined) || t.metrics[TABLE_FILL] === 1).length,
      });
    }
    const curve = Array.from({ length: m.iterations }, (_, i) =>
      summary(seeds.map((s) => s.bestSoFar[i]).filter((v): v is number => v !== null && v !== undefined)),
    );
    const tests = seeds.map((s) => s.top1Test).filter((v): v is number => v !== null);
    arms.push({
      label: arm.label,
      policy: arm.policy,
      without: arm.without,
      seeds,
      curve,
      final: curve[m.iterations - 1]!,
      test: tests.length ? summary(tests) : null,
    });
  }
  if (opts.baselines) {
    const file = existsSync(path.join(opts.baselines, 'baselines.json')) ? path.join(opts.baselines, 'baselines.json') : opts.baselines;
    const parsed = BaselinesSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success) throw new UsageError(`${file}: not a baselines file ([{ name, split, scores }]): ${parsed.error.issues[0]?.message ?? ''}`);
    const rows = parsed.data;
    for (const b of rows.filter((r) => r.split === 'test')) {
      const ref = testReward(b.scores);
      if (ref === null) continue;
      for (const a of arms) {
        const with_ = a.seeds.filter((s) => s.top1Test !== null);
        (a.beats ??= {})[b.name] = { wins: with_.filter((s) => s.top1Test! > ref).length, of: with_.length, baseline: ref };
      }
    }
  }
  // Reference: the `random` arm on the full space, else the first arm.
  const ref = arms.find((a) => a.policy === 'random' && a.without.length === 0) ?? arms[0]!;
  for (const a of arms) {
    if (a === ref) continue;
    const common = a.seeds.filter((s) => ref.seeds.some((r) => r.seed === s.seed));
    const rOf = (s: SeedResult): SeedResult => ref.seeds.find((r) => r.seed === s.seed)!;
    const fin = (s: SeedResult): number => s.bestSoFar[m.iterations - 1] ?? 0;
    const withTest = common.filter((s) => s.top1Test !== null && rOf(s).top1Test !== null);
    a.vsReference = {
      reference: ref.label,
      validation: paired(
        common.map(fin),
        common.map((s) => fin(rOf(s))),
      ),
      ...(withTest.length
        ? {
            test: paired(
              withTest.map((s) => s.top1Test!),
              withTest.map((s) => rOf(s).top1Test!),
            ),
          }
        : {}),
    };
  }
  return {
    config: m.config,
    iterations: m.iterations,
    seeds: m.seeds,
    ...(m.table ? { table: m.table } : {}),
    test: 'Wilcoxon signed-rank, two-sided, exact null distribution (pairs by seed)',
    arms,
  };
}

const f3 = (v: number | undefined | null): string => (v === null || v === undefined || Number.isNaN(v) ? '-' : v.toFixed(3));
/** A p-value: three decimals, or two significant digits below 0.001 (so 20 wins of 20 does not print as 0.000). */
const fp = (p: number): string => (p < 0.001 ? p.toPrecision(2) : p.toFixed(3));

/** The comparison as a text table. */
export function compareText(r: CompareReport): string {
  const head = [
    'arm',
    'final best val (mean ± sd) [95% CI]',
    'top-1 test (mean ± sd) [95% CI]',
    `vs ${r.arms.find((a) => !a.vsReference)?.label ?? '-'}: val p (W/L)`,
    'test p (W/L)',
    'cache',
    'misses',
    ...(r.arms[0]?.beats ? ['top-1 test beats baseline (seeds)'] : []),
  ];
  const rows = r.arms.map((a) => [
    a.label,
    `${f3(a.final.mean)} ± ${f3(a.final.sd)} [${f3(a.final.lo)}, ${f3(a.final.hi)}] n=${a.final.n}`,
    a.test ? `${f3(a.test.mean)} ± ${f3(a.test.sd)} [${f3(a.test.lo)}, ${f3(a.test.hi)}] n=${a.test.n}` : '-',
    a.vsReference ? `${fp(a.vsReference.validation.p)} (${a.vsReference.validation.wins}/${a.vsReference.validation.losses})` : 'reference',
    a.vsReference?.test ? `${fp(a.vsReference.test.p)} (${a.vsReference.test.wins}/${a.vsReference.test.losses})` : a.vsReference ? '-' : 'reference',
    `${a.seeds.reduce((x, s) => x + s.fromCache, 0)}/${a.seeds.reduce((x, s) => x + s.trials, 0)}`,
    String(a.seeds.reduce((x, s) => x + s.misses, 0)),
    ...(r.arms[0]?.beats
      ? [
          Object.entries(a.beats ?? {})
            .map(([n, b]) => `${n} ${b.wins}/${b.of}`)
            .join(', '),
        ]
      : []),
  ]);
  const w = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => c.padEnd(w[i]!))
      .join('  ')
      .trimEnd();
  return [`${r.seeds.length} seeds × ${r.iterations} iterations; paired test: ${r.test}`, line(head), ...rows.map(line)].join('\n');
}

/** `--json`: per arm, the per-seed best validation reward at each iteration and the per-seed top-1 test score. */
export function compareJson(r: CompareReport): Record<string, unknown> {
  return {
    config: r.config,
    iterations: r.iterations,
    seeds: r.seeds,
    test: r.test,
    arms: r.arms.map((a) => ({
      label: a.label,
      policy: a.policy,
      without: a.without,
      perSeed: a.seeds.map((s) => ({
        seed: s.seed,
        bestSoFar: s.bestSoFar,
        top1Test: s.top1Test,
        topTest: s.topTest,
        executed: s.executed,
        fromCache: s.fromCache,
        misses: s.misses,
      })),
      final: a.final,
      test: a.test,
      ...(a.vsReference ? { vsReference: a.vsReference } : {}),
      ...(a.beats ? { beats: a.beats } : {}),
      meanCurve: a.curve.map((c) => c.mean),
    })),
  };
}
