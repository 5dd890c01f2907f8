import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { assemble, buildRegistry, loadConfig, openStudy, parseConfig, UsageError, type JsonValue, type TrialRecord } from '@lamdagent/core';
import { DigestCache, valueDigest, writeFileAtomic } from '@lamdagent/core/kit';
import { mergeGridBaseline, scriptedStudy } from './baselines-merge.js';
import { chainOf, producers, ranked } from './chain.js';
import { splitScorer, type SplitScorer } from './evaluate.js';
import { absolutize } from './replay.js';
import { mean, sd } from './stats.js';
import { loadTestTasks } from './test-tasks.js';

export interface BaselinesOptions {
  configPath: string;
  outDir: string;
  /** Training seeds of the Fully Fine-Tuned baseline (study seeds 0..n-1). */
  seeds: number;
  /** The SFT action (config name); default: the first action with one model slot and one dataset slot. */
  action?: string;
  /** More Fully Fine-Tuned rows: the SFT action at each of these epochs (its `epochs` param), same seeds. */
  fftEpochs?: number[];
  /**
   * A study folder: add a compute-matched Fully Fine-Tuned row, whose epochs on the union equal the SFT work of
   * the study's top-1 pipeline (its whole chain in the journal): the examples its SFT steps saw (dataset lines ×
   * the step's `epochs`) divided by the union's lines; the sum of the steps' epochs when a dataset is not a file.
   */
  matchStudy?: string;
  /** Tasks scored on the test split only (`--test-tasks FILE`, see `loadTestTasks`), e.g. out-of-distribution ones. */
  testTasks?: string;
  /** Weights tried per merged model in the merge grid search (default 0.3, 0.5, 0.7). */
  mergeWeights?: number[];
  log?: (line: string) => void;
}

export interface BaselineRow {
  name: string;
  validation: Record<string, number>;
  test: Record<string, number>;
  /** Per-task sd over training seeds (trained baselines). */
  sd?: { validation: Record<string, number>; test: Record<string, number> };
  seeds?: number;
  /** Fully Fine-Tuned: epochs on the union (undefined: the action's own params), and how they were chosen. */
  epochs?: number;
  matched?: MatchedCompute;
}

/** The SFT work of a study's top-1 pipeline, which a compute-matched Fully Fine-Tuned row repeats on the union. */
export interface MatchedCompute {
  study: string;
  trial: number;
  chain: string;
  /** SFT steps (trials of the SFT action type) in the chain, and the sum of their epochs. */
  sftSteps: number;
  sftEpochs: number;
  /** Examples those steps trained on (lines × epochs), when every dataset is a file. */
  examples?: number;
  unionExamples: number;
  /** Epochs on the union with the same examples (or, without example counts, the summed epochs). */
  epochs: number;
  by: 'examples' | 'epochs';
}

/** A scorer whose scores are kept in OUT/scores.json by model content digest, split, seed and `salt` (the tasks). */
function cachedScorer(s: SplitScorer, outDir: string, salt: JsonValue): SplitScorer {
  const file = path.join(outDir, 'scores.json');
  const digests = new DigestCache(path.join(outDir, 'digests.json'));
  const cache = (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {}) as Record<string, Record<string, number>>;
  const tasks = valueDigest(salt).slice(0, 16);
  return {
    reward: (x, split) => s.reward(x, split),
    results: (modelPath, id, split, seed) => s.results(modelPath, id, split, seed),
    async scores(modelPath, id, split, seed) {
      const key = `${digests.pathDigest(modelPath)}:${split}:${seed}:${tasks}`;
      if (!cache[key]) {
        cache[key] = await s.scores(modelPath, id, split, seed);
        digests.save();
        writeFileAtomic(file, JSON.stringify(cache, null, 1));
      }
      return cache[key];
    },
  };
}

const lines = (file: string): number | undefined => {
  if (!existsSync(file) || !statSync(file).isFile()) return undefined;
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim()).length;
};
const epochsOf = (params: Record<string, JsonValue> | undefined): number => (typeof params?.['epochs'] === 'number' ? params['epochs'] : 1);
const fmtEpochs = (e: number): string => `${Number.isInteger(e) ? e : e.toFixed(2)} epoch${e === 1 ? '' : 's'}`;

/**
 * The SFT work of the top-1 pipeline of the study in `dir`: every trial of `sftType` in its chain (from the
 * initial models), the examples each trained on (dataset lines × its `epochs`, 1 when unset), as epochs on a
 * union of `unionExamples` lines.
 */
export function matchedCompute(dir: string, sftType: string, unionExamples: number): MatchedCompute {
  const view = openStudy(dir);
  const top = ranked(view.trials)[0];
  if (!top) throw new UsageError(`--match-study ${view.dir}: no complete trial to match`);
  const byProduced = producers(view.trials);
  const loaded = parseConfig(view.snapshot.config, view.snapshot.configFile);
  const chain: TrialRecord[] = [];
  const visit = (t: TrialRecord): void => {
    if (chain.includes(t)) return;
    chain.push(t);
    for (const i of t.action.inputs) {
      const p = byProduced.get(i.id);
      if (p) visit(p);
    }
  };
  visit(top);
  const steps = chain.filter((t) => t.action.type === sftType);
  if (steps.length === 0) throw new UsageError(`--match-study ${view.dir}: its top-1 (trial ${top.index}, ${chainOf(top, byProduced)}) has no ${sftType} step`);
  const valueOf = (id: string): string | undefined => {
    const [kind, i] = id.split('/');
    const list = loaded.config.objects[kind!];
    const v = list && (Array.isArray(list) ? list : list.values)[Number(i)];
    return typeof v === 'string' ? path.resolve(loaded.dir, v) : undefined;
  };
  let examples: number | undefined = 0;
  for (const t of steps) {
    // The dataset input: an initial object that is a file (a produced model is a folder).
    const sizes = t.action.inputs.filter((i) => !byProduced.has(i.id)).map((i) => valueOf(i.id));
    const n = sizes.map((f) => (f && /\.(jsonl?|txt|csv)$/i.test(f) ? lines(f) : undefined)).find((x) => x !== undefined);
    examples = examples === undefined || n === undefined ? undefined : examples + n * epochsOf(t.action.params);
  }
  const sftEpochs = steps.reduce((a, t) => a + epochsOf(t.action.params), 0);
  const by = examples !== undefined ? 'examples' : 'epochs';
  const epochs = examples !== undefined ? examples / unionExamples : sftEpochs;
  return {
    study: view.dir,
    trial: top.index,
    chain: chainOf(top, byProduced),
    sftSteps: steps.length,
    sftEpochs,
    ...(examples !== undefined ? { examples } : {}),
    unionExamples,
    epochs: Math.round(epochs * 100) / 100,
    by,
  };
}

const meanOf = (xs: Record<string, number>[]): Record<string, number> =>
  Object.fromEntries(Object.keys(xs[0] ?? {}).map((k) => [k, mean(xs.map((x) => x[k]!))]));
const sdOf = (xs: Record<string, number>[]): Record<string, number> => Object.fromEntries(Object.keys(xs[0] ?? {}).map((k) => [k, sd(xs.map((x) => x[k]!))]));

/**
 * `lamdagent baselines CONFIG --seeds N`: the paper's comparison points for any config, through the
 * study's own executor and evaluators: each initial model as it is (the base and the specialists), and
 * Fully Fine-Tuned (the SFT action on the base with the union of the SFT datasets) over N training
 * seeds (mean and sd). Writes OUT/baselines.json (`[{ name, split, scores }]`, what `lamdagent table`
 * and the dashboard read) and OUT/baselines-detail.json; re-running reuses finished seeds.
 */
export async function computeBaselines(o: BaselinesOptions): Promise<BaselineRow[]> {
  if (!Number.isInteger(o.seeds) || o.seeds < 1) throw new UsageError(`--seeds must be a positive integer, got ${o.seeds}`);
  for (const e of o.fftEpochs ?? []) if (!(e > 0) || !Number.isFinite(e)) throw new UsageError(`--fft-epochs expects positive numbers, got ${e}`);
  if (o.matchStudy && !existsSync(path.join(o.matchStudy, 'study.json')))
    throw new UsageError(`--match-study ${o.matchStudy}: not a study folder (no study.json)`);
  const loaded = loadConfig(o.configPath);
  const { registry } = await buildRegistry(loaded);
  const a = assemble(loaded, registry, { skipDigests: true });
  const typeOf = (kind: string): string | undefined => a.kindTypes.get(kind);
  const binding = o.action
    ? a.bindings.find((b) => b.name === o.action)
    : a.bindings.find((b) => b.kinds.filter((k) => typeOf(k) === 'model').length === 1 && b.kinds.some((k) => typeOf(k) === 'dataset'));
  if (!binding)
    throw new UsageError(
      o.action
        ? `--action ${o.action}: ${loaded.file} has no such action`
        : `${loaded.file}: no SFT-like action (one model slot and a dataset slot); name it with --action`,
    );
  const dataKind = binding.kinds.find((k) => typeOf(k) === 'dataset')!;
  const modelKind = binding.kinds.find((k) => typeOf(k) === 'model')!;
  const base =
    a.objects.find((x) => x.kind === modelKind && x.name === 'base') ??
    a.objects.find((x) => x.kind === 'base_models') ??
    a.objects.find((x) => x.kind === modelKind);
  if (!base) throw new UsageError(`${loaded.file}: no base model in ${modelKind}`);
  // Fully Fine-Tuned: the union of the action's datasets, one file (each distinct line once: a dataset that
  // is itself the union of others adds nothing twice).
  const files = a.objects.filter((x) => x.kind === dataKind).map((x) => path.resolve(loaded.dir, String(x.value)));
  const union = path.join(o.outDir, `union${path.extname(files[0]!)}`);
  const unionLines = [
    ...new Set(
      files.flatMap((f) =>
        readFileSync(f, 'utf8')
          .split('\n')
          .filter((l) => l.trim()),
      ),
    ),
  ];
  const text = `${unionLines.join('\n')}\n`;
  const matched = o.matchStudy ? matchedCompute(o.matchStudy, binding.definition.type, unionLines.length) : undefined;
  for (const w of o.mergeWeights ?? []) if (!Number.isFinite(w)) throw new UsageError(`--merge-weights expects numbers, got ${w}`);
  const testOnly = o.testTasks ? await loadTestTasks(loaded, o.testTasks) : undefined;
  mkdirSync(o.outDir, { recursive: true });
  // Scores by model content, split and the tasks that give them: a re-run scores nothing twice.
  const scorer = cachedScorer(await splitScorer(a, registry, undefined, testOnly), o.outDir, {
    tasks: a.tasks,
    evaluators: a.evaluators,
    testOnly: testOnly?.assembly.tasks ?? [],
  } as unknown as JsonValue);
  const rows: BaselineRow[] = [];
  const seen = new Set<string>();
  for (const m of a.objects.filter((x) => typeOf(x.kind) === 'model')) {
    const p = path.resolve(loaded.dir, String(m.value));
    if (seen.has(p)) continue;
    seen.add(p);
    rows.push({
      name: m.name,
      validation: await scorer.scores(p, m.id.replace('/', '-'), 'validation', 0),
      test: await scorer.scores(p, m.id.replace('/', '-'), 'test', 0),
    });
    o.log?.(`${m.name} (as it is): ${JSON.stringify(rows.at(-1)!.test)}`);
  }
  if (!existsSync(union) || readFileSync(union, 'utf8') !== text) writeFileSync(union, text);
  const fileKinds = new Set([...a.kindTypes].filter(([, t]) => t === 'model' || t === 'dataset').map(([k]) => k));
  const inputs = binding.kinds.map((k) => (k === modelKind ? base.id : `${k}/0`));
  const ownEpochs = typeof binding.params['epochs'] === 'number' ? binding.params['epochs'] : undefined;
  const ffts: { label: string; tag: string; epochs?: number; matched?: MatchedCompute }[] = [
    { label: 'Fully Fine-Tuned', tag: 'fft', ...(ownEpochs !== undefined ? { epochs: ownEpochs } : {}) },
    ...[...new Set(o.fftEpochs ?? [])].filter((e) => e !== ownEpochs).map((e) => ({ label: 'Fully Fine-Tuned', tag: `fft-e${e}`, epochs: e })),
    ...(matched
      ? [
          {
            label: `Fully Fine-Tuned, compute-matched to ${path.basename(matched.study)} top-1`,
            tag: `fft-m${matched.epochs}`,
            epochs: matched.epochs,
            matched,
          },
        ]
      : []),
  ];
  const perSeed: Record<string, { validation: Record<string, number>[]; test: Record<string, number>[] }> = {};
  const fftRows: BaselineRow[] = [];
  for (const f of ffts) {
    const cfg = absolutize(loaded.config, loaded.dir, fileKinds);
    cfg.objects[dataKind] = { values: [union], names: ['union'] };
    if (f.tag !== 'fft') {
      const def = cfg.actions[binding.name]!;
      cfg.actions[binding.name] = Array.isArray(def) ? { slots: def, params: { epochs: f.epochs! } } : { ...def, params: { ...def.params, epochs: f.epochs! } };
    }
    const cfgFile = path.join(o.outDir, `${f.tag}-config.json`);
    writeFileAtomic(cfgFile, JSON.stringify(cfg, null, 2));
    const val: Record<string, number>[] = [];
    const test: Record<string, number>[] = [];
    for (let seed = 0; seed < o.seeds; seed++) {
      const dir = path.join(o.outDir, `${f.tag}-s${seed}`);
      const trials = await scriptedStudy(cfgFile, dir, seed, [{ action: binding.name, inputs }]);
      const t = trials[0];
      if (!t || t.state !== 'complete' || !t.produced) throw new Error(`${f.label} (${f.tag}) seed ${seed} failed: ${t?.error?.message ?? 'no trial'}`);
      val.push(t.scores);
      test.push(await scorer.scores(t.produced.path, `${f.tag}-s${seed}`, 'test', 0));
      o.log?.(`${f.label} (${f.tag}) seed ${seed}: ${JSON.stringify(test.at(-1))}`);
    }
    perSeed[f.tag] = { validation: val, test };
    const how = f.matched
      ? `${fmtEpochs(f.epochs!)} = ${f.matched.by === 'examples' ? `${f.matched.examples} examples of ${f.matched.sftSteps} SFT steps / ${f.matched.unionExamples}` : `${f.matched.sftSteps} SFT steps' epochs`}, `
      : f.epochs !== undefined
        ? `${fmtEpochs(f.epochs)}, `
        : '';
    fftRows.push({
      name: `${f.label} (${how}${o.seeds} seeds)`,
      validation: meanOf(val),
      test: meanOf(test),
      sd: { validation: sdOf(val), test: sdOf(test) },
      seeds: o.seeds,
      ...(f.epochs !== undefined ? { epochs: f.epochs } : {}),
      ...(f.matched ? { matched: f.matched } : {}),
    });
  }
  const grid = await mergeGridBaseline(
    {
      loaded,
      assembly: a,
      cfg: absolutize(loaded.config, loaded.dir, fileKinds),
      base,
      scorer,
      outDir: o.outDir,
      ...(o.log ? { log: o.log } : {}),
    },
    o.mergeWeights?.length ? o.mergeWeights : undefined,
  );
  if (grid) rows.push(grid);
  rows.push(...fftRows);
  writeFileAtomic(
    path.join(o.outDir, 'baselines.json'),
    JSON.stringify(
      rows.flatMap((r) => [
        { name: r.name, split: 'validation', scores: r.validation },
        { name: r.name, split: 'test', scores: r.test },
      ]),
      null,
      2,
    ),
  );
  writeFileAtomic(path.join(o.outDir, 'baselines-detail.json'), JSON.stringify({ config: loaded.file, action: binding.name, union, rows, perSeed }, null, 2));
  return rows;
}
