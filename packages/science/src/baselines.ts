import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { assemble, buildRegistry, loadConfig, openStudy, runStudy, UsageError, type JsonValue } from '@lamdagent/core';
import { writeFileAtomic } from '@lamdagent/core/kit';
import { mergeGridBaseline } from './baselines-merge.js';
import { sciencePluginEntry } from './compare.js';
import { splitScorer } from './evaluate.js';
import { absolutize } from './replay.js';
import { mean, sd } from './stats.js';

export interface BaselinesOptions {
  configPath: string;
  outDir: string;
  /** Training seeds of the Fully Fine-Tuned baseline (study seeds 0..n-1). */
  seeds: number;
  /** The SFT action (config name); default: the first action with one model slot and one dataset slot. */
  action?: string;
  log?: (line: string) => void;
}

export interface BaselineRow {
  name: string;
  validation: Record<string, number>;
  test: Record<string, number>;
  /** Per-task sd over training seeds (trained baselines). */
  sd?: { validation: Record<string, number>; test: Record<string, number> };
  seeds?: number;
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
  mkdirSync(o.outDir, { recursive: true });
  const scorer = await splitScorer(a, registry);
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
  // Fully Fine-Tuned: the union of the action's datasets, one file.
  const files = a.objects.filter((x) => x.kind === dataKind).map((x) => path.resolve(loaded.dir, String(x.value)));
  const union = path.join(o.outDir, `union${path.extname(files[0]!)}`);
  const text = files.map((f) => readFileSync(f, 'utf8').replace(/\n?$/, '\n')).join('');
  if (!existsSync(union) || readFileSync(union, 'utf8') !== text) writeFileSync(union, text);
  const fileKinds = new Set([...a.kindTypes].filter(([, t]) => t === 'model' || t === 'dataset').map(([k]) => k));
  const cfg = absolutize(loaded.config, loaded.dir, fileKinds);
  cfg.objects[dataKind] = { values: [union], names: ['union'] };
  const cfgFile = path.join(o.outDir, 'fft-config.json');
  writeFileAtomic(cfgFile, JSON.stringify(cfg, null, 2));
  const inputs = binding.kinds.map((k) => (k === modelKind ? base.id : `${k}/0`));
  const val: Record<string, number>[] = [];
  const test: Record<string, number>[] = [];
  for (let seed = 0; seed < o.seeds; seed++) {
    const dir = path.join(o.outDir, `fft-s${seed}`);
    const trials = existsSync(path.join(dir, 'study.json'))
      ? openStudy(dir).trials
      : (
          await runStudy({
            configPath: cfgFile,
            outDir: dir,
            overrides: {
              seed,
              iterations: 1,
              concurrency: 1,
              plugins: [sciencePluginEntry()],
              policy: { name: 'scripted', options: { steps: [{ action: binding.name, inputs }] } as unknown as Record<string, JsonValue> },
            },
          })
        ).trials;
    const t = trials[0];
    if (!t || t.state !== 'complete' || !t.produced) throw new Error(`Fully Fine-Tuned seed ${seed} failed: ${t?.error?.message ?? 'no trial'}`);
    val.push(t.scores);
    test.push(await scorer.scores(t.produced.path, `fft-s${seed}`, 'test', 0));
    o.log?.(`Fully Fine-Tuned seed ${seed}: ${JSON.stringify(test.at(-1))}`);
  }
  const grid = await mergeGridBaseline({
    loaded,
    assembly: a,
    cfg: absolutize(loaded.config, loaded.dir, fileKinds),
    base,
    scorer,
    outDir: o.outDir,
    ...(o.log ? { log: o.log } : {}),
  });
  if (grid) rows.push(grid);
  rows.push({
    name: `Fully Fine-Tuned (${o.seeds} seeds)`,
    validation: meanOf(val),
    test: meanOf(test),
    sd: { validation: sdOf(val), test: sdOf(test) },
    seeds: o.seeds,
  });
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
  writeFileAtomic(
    path.join(o.outDir, 'baselines-detail.json'),
    JSON.stringify({ config: loaded.file, action: binding.name, union, rows, perSeed: { validation: val, test } }, null, 2),
  );
  return rows;
}
