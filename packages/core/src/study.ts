import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, truncateSync } from 'node:fs';
import path from 'node:path';
import type { Action, ActionBinding } from './action-type.js';
import { assemble, instantiate, type Assembly } from './assemble.js';
import { registerBuiltins } from './builtins.js';
import { loadConfig, parseConfig, type LoadedConfig } from './config-load.js';
import { DigestCache, valueDigest } from './digest.js';
import { UsageError } from './errors.js';
import { fsyncDir, writeFileAtomic } from './fsutil.js';
import { JournalWriter, readJournal } from './journal.js';
import type { JsonValue } from './json.js';
import { topK } from './leaderboard.js';
import { StudyLock } from './lock.js';
import { loadPlugins, type LoadedPlugin } from './plugins.js';
import { ObjectPool } from './pool.js';
import { Registry } from './registry.js';
import { ActionSpace } from './space.js';
import { STUDY_FILES, isStudyDir, openStudy } from './study-folder.js';
import { TrialRunner, type StudyEvent } from './trial-runner.js';
import type { TrialRecord } from './trial.js';

export type { StudyEvent } from './trial-runner.js';

export interface StudyOverrides {
  iterations?: number;
  seed?: number;
  policy?: string;
  concurrency?: number;
}

export interface RunStudyOptions {
  /** Config file (YAML or JSON, native or the paper's format). */
  configPath: string;
  outDir: string;
  overrides?: StudyOverrides;
  onEvent?: (e: StudyEvent) => void;
  signal?: AbortSignal;
  env?: Readonly<Record<string, string | undefined>>;
}

export interface ResumeStudyOptions {
  dir: string;
  /** Raise the iteration budget (total trials) on resume. */
  iterations?: number;
  onEvent?: (e: StudyEvent) => void;
  signal?: AbortSignal;
  env?: Readonly<Record<string, string | undefined>>;
}

export interface StudySummary {
  dir: string;
  trials: TrialRecord[];
  top: TrialRecord[];
  stopReason: string;
  plugins: LoadedPlugin[];
}

/** Load the builtins and the config's plugins into a fresh registry. */
export async function buildRegistry(loaded: LoadedConfig): Promise<{ registry: Registry; plugins: LoadedPlugin[] }> {
  const registry = new Registry();
  await registerBuiltins(registry);
  const plugins = await loadPlugins(registry, { configured: loaded.config.plugins, fromDir: loaded.dir, discover: loaded.config.discoverPlugins });
  return { registry, plugins };
}

function applyOverrides(loaded: LoadedConfig, o: StudyOverrides = {}): LoadedConfig {
  const c = structuredClone(loaded.config);
  if (o.iterations !== undefined) c.budget.iterations = o.iterations;
  if (o.seed !== undefined) c.seed = o.seed;
  if (o.policy !== undefined) c.policy = o.policy;
  if (o.concurrency !== undefined) c.concurrency = o.concurrency;
  return { ...loaded, config: c };
}

/** Start a new study in `outDir` (which must be empty or absent). */
export async function runStudy(opts: RunStudyOptions): Promise<StudySummary> {
  const outDir = path.resolve(opts.outDir);
  if (isStudyDir(outDir)) throw new UsageError(`${outDir} already holds a study; continue it with \`lamdagent resume ${opts.outDir}\` or choose another --out`);
  if (existsSync(outDir) && readdirSync(outDir).length > 0) throw new UsageError(`${outDir} exists and is not empty; choose another --out`);
  const loaded = applyOverrides(loadConfig(opts.configPath), opts.overrides);
  const { registry, plugins } = await buildRegistry(loaded);
  // Assemble before creating anything, so a bad config leaves nothing half-written.
  const probe = assemble(loaded, registry, { skipDigests: true, ...(opts.env ? { env: opts.env } : {}) });
  void probe;
  mkdirSync(outDir, { recursive: true });
  const lock = StudyLock.acquire(outDir);
  try {
    writeFileAtomic(
      path.join(outDir, STUDY_FILES.snapshot),
      JSON.stringify({ version: 1, createdAt: new Date().toISOString(), configFile: loaded.file, config: loaded.config as unknown as JsonValue }, null, 2),
    );
    return await runLocked(outDir, loaded, registry, plugins, opts);
  } finally {
    lock.release();
  }
}

/** Continue a study that stopped (budget raised, crash, kill -9). */
export async function resumeStudy(opts: ResumeStudyOptions): Promise<StudySummary> {
  const dir = path.resolve(opts.dir);
  const view = openStudy(dir);
  const lock = StudyLock.acquire(dir);
  try {
    let loaded = parseConfig(view.snapshot.config, view.snapshot.configFile);
    if (opts.iterations !== undefined) {
      loaded = applyOverrides(loaded, { iterations: opts.iterations });
      writeFileAtomic(path.join(dir, STUDY_FILES.snapshot), JSON.stringify({ ...view.snapshot, config: loaded.config as unknown as JsonValue }, null, 2));
    }
    const { registry, plugins } = await buildRegistry(loaded);
    return await runLocked(dir, loaded, registry, plugins, opts);
  } finally {
    lock.release();
  }
}

async function runLocked(
  dir: string,
  loaded: LoadedConfig,
  registry: Registry,
  plugins: LoadedPlugin[],
  opts: { onEvent?: (e: StudyEvent) => void; signal?: AbortSignal; env?: Readonly<Record<string, string | undefined>> },
): Promise<StudySummary> {
  const digests = new DigestCache(path.join(dir, STUDY_FILES.digests));
  const assembly: Assembly = assemble(loaded, registry, { digests, ...(opts.env ? { env: opts.env } : {}) });
  const parts = await instantiate(assembly, registry);
  for (const sub of [STUDY_FILES.artifacts, STUDY_FILES.jobs]) mkdirSync(path.join(dir, sub), { recursive: true });
  const journalFile = path.join(dir, STUDY_FILES.journal);
  const state = readJournal(journalFile);
  // A line torn by a crash mid-append is cut off before anything new is appended after it.
  if (state.tornTail) truncateSync(journalFile, state.validBytes);
  const journal = new JournalWriter(journalFile);
  try {
    if (!state.header) {
      journal.append({ kind: 'study', version: 1, createdAt: new Date().toISOString(), seed: loaded.config.seed, configDigest: valueDigest(loaded.config as unknown as JsonValue) });
    }
    const pool = new ObjectPool(assembly.objects);
    const runnerVersion = (b: ActionBinding): string => registry.runner(b.runner).version;
    const space = new ActionSpace(pool, assembly.bindings, runnerVersion);
    const runner = new TrialRunner({
      dir,
      assembly,
      registry,
      pool,
      space,
      journal,
      ...parts,
      pluginEntries: plugins.map((p) => p.from),
      ...(opts.onEvent ? { onEvent: opts.onEvent } : {}),
      signal: opts.signal ?? new AbortController().signal,
    });
    const stopReason = await runner.run(state);
    const trials = runner.history();
    return { dir, trials, top: topK(trials, loaded.config.topK), stopReason, plugins };
  } finally {
    journal.close();
    await parts.executor.close?.();
    await parts.policy.close?.();
  }
}

/** Move a finished job's output folder to its final artifact path (atomic rename). */
export function commitArtifact(tmp: string, final: string): void {
  if (existsSync(final)) rmSync(final, { recursive: true, force: true });
  renameSync(tmp, final);
  fsyncDir(path.dirname(final));
}

export type { Action };

/**
 * Append scores of produced models on another split (e.g. the held-out test split, out-of-distribution
 * tasks) to a stopped study's journal, under the study lock.
 */
export function recordEvaluations(dir: string, records: { index: number; split: 'validation' | 'test'; scores: Record<string, number> }[]): void {
  const abs = path.resolve(dir);
  openStudy(abs);
  const lock = StudyLock.acquire(abs);
  try {
    const file = path.join(abs, STUDY_FILES.journal);
    const state = readJournal(file);
    if (state.tornTail) truncateSync(file, state.validBytes);
    const w = new JournalWriter(file);
    try {
      for (const r of records) w.append({ kind: 'evaluate', index: r.index, split: r.split, at: new Date().toISOString(), scores: r.scores });
    } finally {
      w.close();
    }
  } finally {
    lock.release();
  }
}
