import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import {
  assemble,
  buildRegistry,
  openStudy,
  parseConfig,
  resolvePlugin,
  runStudy,
  UsageError,
  type JsonValue,
  type StudyConfigParsed,
  type TrialRecord,
} from '@lamdagent/core';
import { writeFileAtomic } from '@lamdagent/core/kit';
import { chainOf, producers, ranked } from './chain.js';
import { sciencePluginEntry } from './compare.js';
import type { ScriptedOptions } from './scripted-policy.js';
import { kendallTau } from './tests.js';

export interface ReplayPipelinesOptions {
  dir: string;
  top: number;
  /**
   * Dataset scales: each dataset file is replaced by its larger variant for scale k: the one its object list
   * declares (`scales: {k: path}`, one path per value), else `x.<k>x.jsonl` beside `x.jsonl` (the naming convention).
   */
  scales?: number[];
  /** Replace the base model (the object named `base`, or the first `base_models` value) by this folder. */
  baseModel?: string;
  outDir: string;
  log?: (line: string) => void;
  signal?: AbortSignal;
}

export interface ReplayVariant {
  label: string;
  /** Validation reward of each pipeline's final model (null when a step failed). */
  rewards: (number | null)[];
  ranks: (number | null)[];
  /** Kendall's tau-b against the study's own (journaled) rewards. */
  tau: number | null;
  study: string;
}

export interface ReplayReport {
  study: string;
  pipelines: { trial: number; chain: string; journaled: number }[];
  variants: ReplayVariant[];
}

/** Refuse a study whose initial files changed since it ran (its digest cache names them). */
export function checkStudyFiles(dir: string): void {
  const file = path.join(dir, 'digests.json');
  if (!existsSync(file)) return;
  const entries = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { size: number; digest: string }>;
  for (const [p, e] of Object.entries(entries)) {
    if (p.startsWith(path.join(dir, 'artifacts'))) continue;
    if (!existsSync(p)) throw new UsageError(`${p}: an initial file of study ${dir} is gone; its pipelines cannot be replayed`);
    if (statSync(p).size !== e.size || createHash('sha256').update(readFileSync(p)).digest('hex') !== e.digest) {
      throw new UsageError(`${p}: changed since study ${dir} ran (content digest mismatch); refusing to replay`);
    }
  }
}

/** The `scales` of a dataset object list as the config gives them (paths relative to the config file). */
function loadedScales(cfg: StudyConfigParsed, kind: string): Record<string, string | (string | null)[]> | undefined {
  const list = cfg.objects[kind];
  return list && !Array.isArray(list) ? list.scales : undefined;
}

function rankOf(xs: (number | null)[]): (number | null)[] {
  return xs.map((x) => (x === null ? null : 1 + xs.filter((y) => y !== null && y > x).length));
}

/** A plugin package's entry file as resolved from `dir`; the name itself when it does not resolve (its error comes later, unchanged). */
function pinned(specifier: string, dir: string): string {
  try {
    return resolvePlugin(specifier, dir);
  } catch {
    return specifier;
  }
}

/** The config with every relative path made absolute (so it runs from any folder). */
export function absolutize(cfg: StudyConfigParsed, dir: string, fileKinds: Set<string>): StudyConfigParsed {
  const c = structuredClone(cfg);
  const abs = (v: JsonValue): JsonValue => {
    if (typeof v === 'string' && !path.isAbsolute(v) && existsSync(path.resolve(dir, v))) return path.resolve(dir, v);
    if (Array.isArray(v)) return v.map(abs);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, abs(x)]));
    return v;
  };
  for (const [kind, list] of Object.entries(c.objects)) {
    if (!fileKinds.has(kind)) continue;
    if (Array.isArray(list)) c.objects[kind] = list.map(abs);
    else list.values = list.values.map(abs);
  }
  c.tasks = c.tasks.map((t) => (Array.isArray(t) ? t : { ...t, options: abs(t.options) as Record<string, JsonValue> }));
  c.evaluators = abs(c.evaluators as JsonValue) as StudyConfigParsed['evaluators'];
  // The derived config is written elsewhere (an output folder), where the config's node_modules are not:
  // plugins named by package are pinned to the entry they resolve to from the config's folder.
  c.plugins = c.plugins.map((p) => (p.startsWith('.') ? path.resolve(dir, p) : pinned(p, dir)));
  delete c.cache;
  return c;
}

/**
 * `lamdagent replay DIR --top K [--data-scale 2,4] [--base-model PATH]`: re-execute the study's top-K
 * pipelines, whole chains from their initial models, with each dataset scaled or on another base model,
 * through the study's own executor; rank them per variant and report Kendall's tau against the study.
 */
export async function replayPipelines(o: ReplayPipelinesOptions): Promise<ReplayReport> {
  const view = openStudy(o.dir);
  checkStudyFiles(view.dir);
  const loaded = parseConfig(view.snapshot.config, view.snapshot.configFile);
  const { registry } = await buildRegistry(loaded);
  const a = assemble(loaded, registry, { skipDigests: true });
  const fileKinds = new Set([...a.kindTypes].filter(([, t]) => t === 'model' || t === 'dataset').map(([k]) => k));
  const datasetKinds = new Set([...a.kindTypes].filter(([, t]) => t === 'dataset').map(([k]) => k));
  const base = absolutize(loaded.config, loaded.dir, fileKinds);
  if (!Number.isInteger(o.top) || o.top < 1) throw new UsageError(`--top must be a positive integer, got ${o.top}`);
  const top = ranked(view.trials).slice(0, o.top);
  if (top.length === 0) throw new UsageError(`${view.dir}: no complete trial to replay`);
  const byProduced = producers(view.trials);
  const scripts = top.map((t) => {
    const order: TrialRecord[] = [];
    const visit = (x: TrialRecord): void => {
      for (const i of x.action.inputs) {
        const p = byProduced.get(i.id);
        if (p && !order.includes(p)) visit(p);
      }
      if (!order.includes(x)) order.push(x);
    };
    visit(t);
    const stepOf = new Map(order.map((x, n) => [x.produced!.id, n]));
    return order.map((x) => ({ action: x.action.name, inputs: x.action.inputs.map((i) => (stepOf.has(i.id) ? `@${stepOf.get(i.id)}` : i.id)) }));
  });
  const variants: { label: string; cfg: StudyConfigParsed }[] = [];
  for (const k of o.scales ?? []) {
    const cfg = structuredClone(base);
    for (const kind of datasetKinds) {
      const list = cfg.objects[kind]!;
      const vals = (Array.isArray(list) ? list : list.values).map((v, i) => {
        const s = String(v);
        if (k === 1) return s;
        // Declared first (`scales: {K: path}` on the dataset object), the x.<K>x.jsonl naming convention as fallback.
        const raw = Array.isArray(list) ? undefined : loadedScales(loaded.config, kind)?.[String(k)];
        const declared = Array.isArray(raw) ? raw[i] : raw;
        if (typeof declared === 'string') {
          const file = path.resolve(loaded.dir, declared);
          const field = `objects.${kind}.scales.${k}${Array.isArray(raw) ? `[${i}]` : ''}`;
          if (!existsSync(file)) throw new UsageError(`--data-scale ${k}: ${loaded.file}: ${field}: ${file} not found`);
          return file;
        }
        const scaled = s.replace(/(\.[^./]+)$/, `.${k}x$1`);
        if (!existsSync(scaled))
          throw new UsageError(
            `--data-scale ${k}: ${s} declares no ${k}x variant (objects.${kind}.scales.${k} unset, and no ${scaled} by the x.${k}x naming convention)`,
          );
        return scaled;
      });
      if (Array.isArray(list)) cfg.objects[kind] = vals;
      else {
        list.values = vals;
        delete list.scales;
      }
    }
    variants.push({ label: `data x${k}`, cfg });
  }
  if (o.baseModel) {
    const bm = path.resolve(o.baseModel);
    if (!existsSync(bm)) throw new UsageError(`--base-model ${bm}: not found`);
    const old = a.objects.find((x) => x.name === 'base' && a.kindTypes.get(x.kind) === 'model') ?? a.objects.find((x) => x.kind === 'base_models');
    if (!old) throw new UsageError(`--base-model: ${loaded.file} has no model object named "base" and no base_models`);
    const from = path.resolve(loaded.dir, String(old.value));
    const cfg = structuredClone(base);
    for (const kind of fileKinds) {
      const list = cfg.objects[kind]!;
      const vals = (Array.isArray(list) ? list : list.values).map((v) => (v === from ? bm : v));
      if (Array.isArray(list)) cfg.objects[kind] = vals;
      else list.values = vals;
    }
    variants.push({ label: `base ${path.basename(bm)}`, cfg });
  }
  if (variants.length === 0) throw new UsageError('give --data-scale K[,K...] and/or --base-model PATH');
  const journaled = top.map((t) => t.reward as number);
  const out: ReplayVariant[] = [];
  for (const [vi, v] of variants.entries()) {
    const rewards: (number | null)[] = [];
    let studyDir = '';
    for (const [pi, steps] of scripts.entries()) {
      const dir = path.join(o.outDir, `v${vi}`, `p${pi}`);
      studyDir = path.dirname(dir);
      mkdirSync(studyDir, { recursive: true });
      const cfgFile = path.join(studyDir, 'config.json');
      writeFileAtomic(cfgFile, JSON.stringify(v.cfg, null, 2));
      let trials: TrialRecord[];
      if (existsSync(path.join(dir, 'study.json'))) trials = openStudy(dir).trials;
      else {
        const policy: { name: string; options: ScriptedOptions } = { name: 'scripted', options: { steps } };
        const s = await runStudy({
          configPath: cfgFile,
          outDir: dir,
          overrides: {
            policy: policy as unknown as { name: string; options: Record<string, JsonValue> },
            iterations: steps.length,
            concurrency: 1,
            plugins: [sciencePluginEntry()],
            cache: path.join(o.outDir, 'cache'),
          },
          ...(o.signal ? { signal: o.signal } : {}),
        });
        trials = s.trials;
      }
      const last = trials.find((t) => t.index === steps.length - 1);
      rewards.push(last && last.state !== 'failed' && typeof last.reward === 'number' ? last.reward : null);
      o.log?.(`${v.label}: pipeline ${pi + 1}/${scripts.length} reward ${rewards.at(-1)?.toFixed(3) ?? 'failed'}`);
    }
    const both = rewards.map((r, i) => [journaled[i]!, r] as const).filter((x): x is readonly [number, number] => x[1] !== null);
    const tau =
      both.length >= 2
        ? kendallTau(
            both.map((x) => x[0]),
            both.map((x) => x[1]),
          )
        : null;
    out.push({ label: v.label, rewards, ranks: rankOf(rewards), tau: tau === null || Number.isNaN(tau) ? null : tau, study: studyDir });
  }
  return { study: view.dir, pipelines: top.map((t, i) => ({ trial: t.index, chain: chainOf(t, byProduced), journaled: journaled[i]! })), variants: out };
}

export function replayText(r: ReplayReport): string {
  const f = (v: number | null): string => (v === null ? 'failed' : v.toFixed(3));
  const jr = rankOf(r.pipelines.map((p) => p.journaled));
  const lines = [`pipelines of ${r.study}: validation reward (rank) per variant`];
  r.pipelines.forEach((p, i) => {
    lines.push(`  ${i + 1}. ${p.chain}`);
    lines.push(`     study ${f(p.journaled)} (${jr[i]})  ${r.variants.map((v) => `${v.label} ${f(v.rewards[i]!)} (${v.ranks[i] ?? '-'})`).join('  ')}`);
  });
  lines.push(`Kendall's tau-b vs the study's ranking: ${r.variants.map((v) => `${v.label} ${v.tau === null ? '-' : v.tau.toFixed(3)}`).join(', ')}`);
  return lines.join('\n');
}
