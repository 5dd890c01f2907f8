import path from 'node:path';
import {
  openStudy,
  resumeStudy,
  runStudy,
  type ActionBinding,
  type Assembly,
  type JsonValue,
  type LoadedConfig,
  type PoolObject,
  type StudyConfigParsed,
  type TrialRecord,
} from '@lamdagent/core';
import { writeFileAtomic } from '@lamdagent/core/kit';
import { existsSync } from 'node:fs';
import type { BaselineRow } from './baselines.js';
import { sciencePluginEntry } from './compare.js';
import type { SplitScorer } from './evaluate.js';

export interface MergeGridContext {
  loaded: LoadedConfig;
  assembly: Assembly;
  /** The config with absolute paths. */
  cfg: StudyConfigParsed;
  base: PoolObject;
  scorer: SplitScorer;
  outDir: string;
  log?: (line: string) => void;
}

function combos<T>(xs: T[], k: number): T[][] {
  if (k === 0) return [[]];
  return xs.flatMap((x, i) => combos(xs.slice(i + 1), k - 1).map((c) => [x, ...c]));
}

/**
 * The paper's merge grid search: the config's merge action (a group of interchangeable model slots and
 * a `json` weights slot) over every combination of the initial non-base models and every weighting in
 * `grid`^m, the best by validation reward. Undefined when the config has no such action.
 */
const DEFAULT_GRID = [0.3, 0.5, 0.7];

export async function mergeGridBaseline(c: MergeGridContext, grid: number[] = DEFAULT_GRID): Promise<BaselineRow | undefined> {
  const a = c.assembly;
  const models = (b: ActionBinding, g: number[]): boolean => g.length >= 2 && g.every((p) => a.kindTypes.get(b.kinds[p]!) === 'model');
  const weightsAt = (b: ActionBinding): number => b.kinds.findIndex((k, i) => a.kindTypes.get(k) === 'json' && /weight/i.test(b.slotNames[i]!));
  // The merged models: an unordered group, or a weighted one (ordered: one weight per position, as ties_merging declares).
  const groupOf = (b: ActionBinding): number[] | undefined =>
    weightsAt(b) < 0
      ? undefined
      : (b.unordered.find((g) => models(b, g)) ?? b.weighted?.find((w) => models(b, w.positions) && w.paramsAt === weightsAt(b))?.positions);
  const binding = a.bindings.find((b) => groupOf(b) !== undefined);
  if (!binding) return undefined;
  const group = groupOf(binding)!;
  const wPos = weightsAt(binding);
  const wKind = binding.kinds[wPos]!;
  const mKind = binding.kinds[group[0]!]!;
  const basePath = path.resolve(c.loaded.dir, String(c.base.value));
  const candidates = a.objects.filter((o) => o.kind === mKind && path.resolve(c.loaded.dir, String(o.value)) !== basePath);
  if (candidates.length < group.length) return undefined;
  const weightings = cartesian(grid, group.length);
  const cfg = structuredClone(c.cfg);
  cfg.objects[wKind] = { type: 'json', values: weightings as unknown as JsonValue[] };
  const steps = combos(candidates, group.length).flatMap((models) =>
    weightings.map((_, wi) => ({
      action: binding.name,
      inputs: binding.kinds.map((k, p) =>
        p === wPos ? `${wKind}/${wi}` : group.includes(p) ? models[group.indexOf(p)]!.id : k === mKind ? c.base.id : `${k}/0`,
      ),
      label: `${models.map((m) => m.name).join('+')} w=${JSON.stringify(weightings[wi])}`,
    })),
  );
  // Another grid, another folder (a finished grid is reused by folder).
  const tag = grid.join() === DEFAULT_GRID.join() ? 'merge-grid' : `merge-grid-w${grid.join('-')}`;
  const cfgFile = path.join(c.outDir, `${tag}-config.json`);
  writeFileAtomic(cfgFile, JSON.stringify(cfg, null, 2));
  const dir = path.join(c.outDir, tag);
  const trials = await scriptedStudy(
    cfgFile,
    dir,
    0,
    steps.map(({ action, inputs }) => ({ action, inputs })),
  );
  const best = trials
    .filter((t) => t.state === 'complete' && typeof t.reward === 'number' && t.produced)
    .sort((x, y) => (y.reward as number) - (x.reward as number) || x.index - y.index)[0];
  if (!best) return undefined;
  const test = await c.scorer.scores(best.produced!.path, 'merge-grid-best', 'test', 0);
  c.log?.(`merge grid: ${steps.length} merges, best ${steps[best.index]!.label} (validation reward ${best.reward!.toFixed(3)})`);
  return { name: `${binding.name} (grid search, best of ${steps.length}: ${steps[best.index]!.label})`, validation: best.scores, test };
}

/**
 * The trials of a study that runs `steps` in order with the scripted policy (one per iteration, seed
 * `seed`, one at a time), in `dir`; a finished study already there is read, not run again, and one an
 * interruption left short of its steps is resumed (its unfinished trial runs again).
 */
export async function scriptedStudy(configPath: string, dir: string, seed: number, steps: { action: string; inputs: unknown }[]): Promise<TrialRecord[]> {
  if (existsSync(path.join(dir, 'study.json'))) {
    const done = [...openStudy(dir).trials];
    return done.length >= steps.length ? done : (await resumeStudy({ dir })).trials;
  }
  const summary = await runStudy({
    configPath,
    outDir: dir,
    overrides: {
      seed,
      iterations: steps.length,
      concurrency: 1,
      plugins: [sciencePluginEntry()],
      policy: { name: 'scripted', options: { steps } as unknown as Record<string, JsonValue> },
    },
  });
  return summary.trials;
}

function cartesian(values: number[], m: number): number[][] {
  let out: number[][] = [[]];
  for (let i = 0; i < m; i++) out = out.flatMap((p) => values.map((v) => [...p, v]));
  return out;
}
