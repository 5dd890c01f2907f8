import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildRegistry,
  isStudyDir,
  JsonValueSchema,
  loadConfig,
  resolvePlugin,
  resumeStudy,
  runStudy,
  UsageError,
  type JsonValue,
  type StudyEvent,
  type StudyOverrides,
  type TrialRecord,
} from '@lamdagent/core';
import { valueDigest, writeFileAtomic } from '@lamdagent/core/kit';
import { z } from 'zod';
import { configFingerprint } from './fingerprint.js';
import type { PolicySpec } from './policies-arg.js';
import { checkTableFor, readTable } from './table.js';

/** One arm of a comparison: a policy, optionally on a reduced action space (ablation). */
export interface Arm {
  label: string;
  policy: PolicySpec;
  /** Action names (config keys of `actions:`) removed from the space. */
  without?: string[];
}

export interface CompareOptions {
  configPath: string;
  arms: Arm[];
  /** Number of seeds: the config's seed, seed + 1, ... */
  seeds: number;
  iterations: number;
  outDir: string;
  /** Shared action cache folder (default: the config's `cache:`, else OUT/cache). Unused with a table. */
  cache?: string;
  /** Replay table: studies run on the `replay` executor. */
  table?: string;
  fill?: boolean;
  /** Studies at once (default: the config's concurrency). */
  parallel?: number;
  /**
   * Plugins loaded by every study in addition to the config's (`--plugin`): the package of a policy under
   * comparison that the config does not list, e.g. `@lamdagent/policy-llm` for `llm`. Package names
   * resolve from the config's folder; paths should be absolute.
   */
  plugins?: string[];
  log?: (line: string) => void;
  signal?: AbortSignal;
  env?: Readonly<Record<string, string | undefined>>;
}

export const CompareManifestSchema = z.object({
  kind: z.literal('lamdagent-compare'),
  version: z.literal(1),
  config: z.string(),
  configDigest: z.string(),
  arms: z.array(z.object({ label: z.string(), policy: z.string(), options: z.record(z.string(), JsonValueSchema), without: z.array(z.string()).default([]) })),
  seeds: z.array(z.number().int()),
  iterations: z.number().int(),
  table: z.string().optional(),
  cache: z.string().optional(),
  /** Extra plugins of every study (`--plugin`). */
  plugins: z.array(z.string()).default([]),
});
export type CompareManifest = z.infer<typeof CompareManifestSchema>;

export const MANIFEST = 'compare.json';

/** The module file whose default export is this package's plugin (loaded by studies that replay a table). */
export function sciencePluginEntry(): string {
  let d = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pj = path.join(d, 'package.json');
    if (existsSync(pj) && (JSON.parse(readFileSync(pj, 'utf8')) as { name?: string }).name === '@lamdagent/science') {
      // The entry of the same build as this module: the sources when they are what runs (vitest's
      // `source` condition), else dist. (Not the VITEST variable: a child process inherits it.)
      const dist = path.join(d, 'dist', 'index.js');
      return import.meta.url.endsWith('.ts') || !existsSync(dist) ? path.join(d, 'src', 'index.ts') : dist;
    }
    const up = path.dirname(d);
    if (up === d) throw new Error('cannot locate the @lamdagent/science package folder');
    d = up;
  }
}

export const studyDirOf = (outDir: string, arm: string, seed: number): string => path.join(outDir, 'studies', `${arm}-s${seed}`);

/**
 * Check everything a comparison needs before anything is written: seeds and iterations, the config,
 * every policy name, removed action names, the table's world. Returns the manifest to write.
 */
export async function planCompare(o: CompareOptions): Promise<CompareManifest> {
  if (!Number.isInteger(o.seeds) || o.seeds < 1) throw new UsageError(`--seeds must be a positive integer, got ${o.seeds}`);
  if (!Number.isInteger(o.iterations) || o.iterations < 1) throw new UsageError(`--iterations must be a positive integer, got ${o.iterations}`);
  if (o.arms.length === 0) throw new UsageError('give at least one policy');
  const loaded = loadConfig(o.configPath);
  const plugins = [...new Set(o.plugins ?? [])];
  for (const p of plugins) {
    try {
      resolvePlugin(p, loaded.dir);
    } catch (e) {
      throw new UsageError(`--plugin ${p}: ${(e as Error).message}`);
    }
  }
  loaded.config.plugins = [...new Set([...loaded.config.plugins, ...plugins])];
  const { registry } = await buildRegistry(loaded);
  const known = registry.names('policy');
  for (const a of o.arms) if (!known.includes(a.policy.name)) throw new UsageError(`unknown policy "${a.policy.name}" (known: ${known.join(', ')})`);
  for (const a of o.arms) {
    for (const w of a.without ?? [])
      if (!loaded.config.actions[w])
        throw new UsageError(`--without ${w}: ${loaded.file} has no action named "${w}" (actions: ${Object.keys(loaded.config.actions).join(', ')})`);
    if ((a.without ?? []).length >= Object.keys(loaded.config.actions).length)
      throw new UsageError(`--without ${a.without!.join(',')} removes every action of ${loaded.file}`);
  }
  let table: string | undefined;
  if (o.table) {
    table = path.resolve(o.table);
    checkTableFor(readTable(table), table, (await configFingerprint(loaded)).fingerprint, loaded.file);
  }
  const seed0 = loaded.config.seed;
  const m: CompareManifest = {
    kind: 'lamdagent-compare',
    version: 1,
    config: loaded.file,
    configDigest: valueDigest(loaded.config as unknown as JsonValue),
    arms: o.arms.map((a) => ({ label: a.label, policy: a.policy.name, options: a.policy.options, without: a.without ?? [] })),
    seeds: Array.from({ length: o.seeds }, (_, i) => seed0 + i),
    iterations: o.iterations,
    plugins,
    ...(table
      ? { table }
      : { cache: path.resolve(o.cache ?? (loaded.config.cache ? path.resolve(loaded.dir, loaded.config.cache) : path.join(o.outDir, 'cache'))) }),
  };
  const file = path.join(o.outDir, MANIFEST);
  if (existsSync(file)) {
    const prev = CompareManifestSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!prev.success) throw new UsageError(`${file}: not a comparison manifest; choose another --out`);
    const same = (x: CompareManifest): string => JSON.stringify([x.configDigest, x.arms, x.table ?? null, x.plugins]);
    if (same(prev.data) !== same(m))
      throw new UsageError(`${o.outDir} holds another comparison (other config, policies, ablations, table or plugins); choose another --out`);
  } else if (existsSync(o.outDir) && readdirNonEmpty(o.outDir))
    throw new UsageError(`${o.outDir} exists, is not empty and holds no comparison; choose another --out`);
  return m;
}

function readdirNonEmpty(dir: string): boolean {
  try {
    return readdirSync(dir).length > 0;
  } catch {
    return false;
  }
}

/** One progress line for a finished trial: `trial 3/20 ran, reward 0.312; best 0.340`. */
function trialLine(t: TrialRecord, iterations: number, best?: TrialRecord): string {
  const how =
    t.cache !== undefined
      ? 'from the shared cache'
      : t.cachedFrom !== undefined
        ? `same action as trial ${t.cachedFrom}`
        : t.state === 'failed'
          ? `failed (${t.error?.type ?? 'error'})`
          : 'ran';
  const reward = typeof t.reward === 'number' ? `, reward ${t.reward.toFixed(3)}` : '';
  const top = typeof best?.reward === 'number' ? `; best ${best.reward.toFixed(3)}` : '';
  return `trial ${t.index + 1}/${iterations} ${how}${reward}${top}`;
}

/** Run (or continue) every study of a comparison, `parallel` at once. */
export async function runCompareStudies(o: CompareOptions, m: CompareManifest): Promise<void> {
  const log = o.log ?? (() => undefined);
  mkdirSync(o.outDir, { recursive: true });
  writeFileAtomic(path.join(o.outDir, MANIFEST), JSON.stringify(m, null, 2));
  const loaded = loadConfig(o.configPath);
  const parallel = Math.max(1, o.parallel ?? loaded.config.concurrency);
  const jobs = m.seeds.flatMap((seed) => o.arms.map((arm) => ({ arm, seed })));
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < jobs.length && !o.signal?.aborted) {
      const { arm, seed } = jobs[next++]!;
      const dir = studyDirOf(o.outDir, arm.label, seed);
      const t0 = Date.now();
      const secs = (): string => ((Date.now() - t0) / 1000).toFixed(1);
      const onEvent = (e: StudyEvent): void => {
        if (e.type === 'stop') log(`${arm.label} seed ${seed}: ${e.reason} (${secs()} s)`);
        // A live comparison trains for minutes per study: one line per trial. A table replay takes
        // milliseconds per trial, so only its stops are reported.
        else if (e.type === 'trial-end' && !m.table) log(`${arm.label} seed ${seed}: ${trialLine(e.trial, m.iterations, e.best)} (${secs()} s)`);
      };
      const common = { onEvent, ...(o.signal ? { signal: o.signal } : {}), ...(o.env ? { env: o.env } : {}) };
      if (isStudyDir(dir)) await resumeStudy({ dir, iterations: m.iterations, ...common });
      else {
        rmSync(dir, { recursive: true, force: true });
        const overrides: StudyOverrides = {
          seed,
          iterations: m.iterations,
          concurrency: 1,
          policy: Object.keys(arm.policy.options).length ? { name: arm.policy.name, options: arm.policy.options } : arm.policy.name,
          ...(arm.without?.length ? { withoutActions: arm.without } : {}),
          ...(m.table
            ? { executor: { name: 'replay', options: { table: m.table, fill: o.fill ?? false } }, plugins: [...m.plugins, sciencePluginEntry()] }
            : { cache: m.cache!, ...(m.plugins.length ? { plugins: m.plugins } : {}) }),
        };
        await runStudy({ configPath: o.configPath, outDir: dir, overrides, ...common });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, jobs.length) }, worker));
}
