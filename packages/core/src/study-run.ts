import { existsSync, mkdirSync, readdirSync, rmSync, rmdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ActionBinding } from './action-type.js';
import { assemble, type Assembly } from './assemble.js';
import { instantiate } from './factories.js';
import { registerBuiltins } from './builtins.js';
import { loadConfig, parseConfig, type LoadedConfig } from './config-load.js';
import { DigestCache } from './digest.js';
import { UsageError } from './errors.js';
import { StudyStore } from './journal.js';
import type { JsonValue } from './json.js';
import { writeFileAtomic } from './kit/fs.js';
import { topK } from './leaderboard.js';
import { StudyLock } from './lock.js';
import { loadPlugins, type LoadedPlugin } from './plugins.js';
import { ObjectPool } from './pool.js';
import { Registry } from './registry.js';
import { ActionSpace } from './space.js';
import { STUDY_FILES, isStudyDir, openStudy } from './study-folder.js';
import { silentLogger, systemClock, type StudyServices } from './study-services.js';
import { Study, type StudyEvent } from './study.js';
import type { TrialRecord } from './trial.js';
import { legacyWeightOrderNotice } from './weight-order.js';
import type { Observer } from './observer.js';
import { openObservers } from './study-observers.js';
import { ActionCache } from './action-cache.js';
import { checkOverridden, preflightStudy } from './preflight-study.js';
import { withDataDir } from './config-data-dir.js';

export interface StudyOverrides {
  iterations?: number;
  seed?: number;
  /** A policy name, or a name with options (`compare`'s `name:options.json`). */
  policy?: string | { name: string; options: Record<string, JsonValue> };
  concurrency?: number;
  /** Plugins loaded in addition to the config's (e.g. the package contributing the `replay` executor). */
  plugins?: string[];
  /** Action names (keys of `actions:`) removed from the action space (`lamdagent ablate --without`). */
  withoutActions?: string[];
  /** Executor override (e.g. the `replay` executor of `--table FILE`). */
  executor?: string | { name: string; options: Record<string, JsonValue> };
  /** Shared action cache folder (absolute, or relative to the config file). */
  cache?: string;
  /** Data folder of the tasks' evaluation files (`--data-dir`; absolute, or relative to the config file). */
  dataDir?: string;
}

interface CommonOptions {
  onEvent?: (e: StudyEvent) => void;
  signal?: AbortSignal;
  env?: Readonly<Record<string, string | undefined>>;
  /** Services to use instead of the ones the config names (a logger, a clock, a policy, an executor, ...). */
  services?: Partial<StudyServices>;
  /** Observers in addition to those the config turns on (`observers:`); see observer.ts. */
  observers?: Observer[];
}

export interface RunStudyOptions extends CommonOptions {
  /** Config file (YAML or JSON, native or the paper's format). */
  configPath: string;
  outDir: string;
  overrides?: StudyOverrides;
}

export interface ResumeStudyOptions extends CommonOptions {
  dir: string;
  /** Raise the iteration budget (total trials) on resume. */
  iterations?: number;
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
  for (const [flag, v] of [
    ['--iterations', o.iterations],
    ['--seed', o.seed],
    ['--concurrency', o.concurrency],
  ] as const)
    if (v !== undefined && !Number.isInteger(v)) throw new UsageError(`invalid override: ${flag}: expected an integer, got ${v}`);
  const c = structuredClone(loaded.config);
  if (o.iterations !== undefined) c.budget.iterations = o.iterations;
  if (o.seed !== undefined) c.seed = o.seed;
  if (o.policy !== undefined) c.policy = o.policy;
  if (o.concurrency !== undefined) c.concurrency = o.concurrency;
  if (o.cache !== undefined) c.cache = o.cache;
  if (o.executor !== undefined) c.executor = o.executor;
  for (const name of o.withoutActions ?? []) delete c.actions[name];
  if (o.plugins !== undefined) c.plugins = [...new Set([...c.plugins, ...o.plugins])];
  checkOverridden(c, [
    ...(o.iterations !== undefined ? ['budget.iterations'] : []),
    ...(o.seed !== undefined ? ['seed'] : []),
    ...(o.concurrency !== undefined ? ['concurrency'] : []),
    ...(o.policy !== undefined ? ['policy'] : []),
  ]);
  if (o.dataDir !== undefined) return { ...loaded, config: withDataDir(c, o.dataDir) };
  return { ...loaded, config: c };
}

/** A study, opened in a new folder `outDir` (which must be empty or absent) and locked until `close()`. */
export async function createStudy(opts: RunStudyOptions): Promise<{ study: Study; plugins: LoadedPlugin[] }> {
  const outDir = path.resolve(opts.outDir);
  if (isStudyDir(outDir)) throw new UsageError(`${outDir} already holds a study; continue it with \`lamdagent resume ${opts.outDir}\` or choose another --out`);
  if (existsSync(outDir) && !statSync(outDir).isDirectory()) throw new UsageError(`${outDir} is a file, not a folder; choose another --out`);
  if (existsSync(outDir) && readdirSync(outDir).length > 0) throw new UsageError(`${outDir} exists and is not empty; choose another --out`);
  const loaded = applyOverrides(loadConfig(opts.configPath), opts.overrides);
  const { registry, plugins } = await buildRegistry(loaded);
  // Check everything knowable before creating anything, so a bad config leaves nothing half-written.
  preflightStudy(loaded, registry, opts.env ?? process.env);
  const existed = existsSync(outDir);
  mkdirSync(outDir, { recursive: true });
  // Another process holding the folder keeps it: nothing of ours to undo then.
  const lock = StudyLock.acquire(outDir);
  try {
    writeFileAtomic(
      path.join(outDir, STUDY_FILES.snapshot),
      JSON.stringify({ version: 1, createdAt: new Date().toISOString(), configFile: loaded.file, config: loaded.config as unknown as JsonValue }, null, 2),
    );
    return { study: await openLocked(outDir, loaded, registry, plugins, lock, opts), plugins };
  } catch (e) {
    // A failed start leaves the folder as it was (absent, or empty), so the same command can run again.
    lock.release();
    removeFailedStart(outDir, existed);
    throw e;
  }
}

/** Undo a failed start: the folder was absent or empty before, so everything in it is ours. */
function removeFailedStart(outDir: string, existed: boolean): void {
  try {
    for (const name of readdirSync(outDir)) rmSync(path.join(outDir, name), { recursive: true, force: true });
    if (!existed) rmdirSync(outDir);
  } catch {
    /* best effort: the error that stopped the start is the one to report */
  }
}

/** A stopped study (budget spent, crash, kill -9), opened to continue; locked until `close()`. */
export async function loadStudy(opts: ResumeStudyOptions): Promise<{ study: Study; plugins: LoadedPlugin[] }> {
  const dir = path.resolve(opts.dir);
  const view = openStudy(dir);
  const lock = StudyLock.acquire(dir);
  try {
    // A study writes its journal header before its first trial: no header means the journal was lost or emptied.
    if (!view.journal.header)
      opts.onEvent?.({
        type: 'notice',
        message: `${path.join(dir, STUDY_FILES.journal)} is ${existsSync(path.join(dir, STUDY_FILES.journal)) ? 'empty' : 'missing'}: the study starts again from its first trial`,
      });
    let loaded = parseConfig(view.snapshot.config, view.snapshot.configFile);
    if (opts.iterations !== undefined) {
      loaded = applyOverrides(loaded, { iterations: opts.iterations });
      writeFileAtomic(path.join(dir, STUDY_FILES.snapshot), JSON.stringify({ ...view.snapshot, config: loaded.config as unknown as JsonValue }, null, 2));
    }
    const { registry, plugins } = await buildRegistry(loaded);
    return { study: await openLocked(dir, loaded, registry, plugins, lock, opts), plugins };
  } catch (e) {
    lock.release();
    throw e;
  }
}

/** Start a new study in `outDir` and run it until its budget is spent. */
export async function runStudy(opts: RunStudyOptions): Promise<StudySummary> {
  return optimizeAndClose(await createStudy(opts));
}

/** Continue a study that stopped (budget raised, crash, kill -9). */
export async function resumeStudy(opts: ResumeStudyOptions): Promise<StudySummary> {
  return optimizeAndClose(await loadStudy(opts));
}

async function optimizeAndClose({ study, plugins }: { study: Study; plugins: LoadedPlugin[] }): Promise<StudySummary> {
  try {
    const stopReason = await study.optimize();
    const trials = [...study.history()];
    return { dir: study.dir, trials, top: topK(trials, study.config.topK), stopReason, plugins };
  } finally {
    await study.close();
  }
}

async function openLocked(
  dir: string,
  loaded: LoadedConfig,
  registry: Registry,
  plugins: LoadedPlugin[],
  lock: StudyLock,
  opts: CommonOptions,
): Promise<Study> {
  const digests = new DigestCache(path.join(dir, STUDY_FILES.digests));
  const assembly: Assembly = assemble(loaded, registry, { digests, ...(opts.env ? { env: opts.env } : {}) });
  const services = await resolveServices(dir, assembly, registry, opts.services ?? {});
  for (const sub of [STUDY_FILES.artifacts, STUDY_FILES.jobs]) mkdirSync(path.join(dir, sub), { recursive: true });
  const pool = new ObjectPool(assembly.objects);
  const runnerVersion = (b: ActionBinding): string => registry.runner(b.runner).version;
  const space = new ActionSpace(pool, assembly.bindings, runnerVersion);
  const notice = legacyWeightOrderNotice(services.store.snapshot(), assembly.bindings, pool);
  if (notice) opts.onEvent?.({ type: 'notice', message: notice });
  const observers = await openObservers(dir, assembly, registry, pool, services, opts.observers, (message) => opts.onEvent?.({ type: 'notice', message }));
  const onEvent = (e: StudyEvent): void => {
    opts.onEvent?.(e);
    observers.emit(e);
  };
  const close = async (): Promise<void> => {
    try {
      // Observers first: their last events may journal failures.
      await observers.close();
      services.store.close();
      try {
        await services.executor.close?.();
      } finally {
        await services.policy.close?.();
      }
    } finally {
      lock.release();
    }
  };
  // Shared action cache (config `cache:`, `--cache`): actions any study ran are reused.
  const cache = loaded.config.cache !== undefined ? new ActionCache(path.resolve(loaded.dir, loaded.config.cache)) : undefined;
  return new Study({
    ...(cache ? { cache } : {}),
    dir,
    assembly,
    registry,
    pool,
    space,
    services,
    pluginEntries: plugins.map((p) => p.from),
    onEvent,
    signal: opts.signal ?? new AbortController().signal,
    close,
  });
}

/** The study's services: each one given by the caller, else made from the config (policy, executor, ...) and the folder (store). */
async function resolveServices(dir: string, assembly: Assembly, registry: Registry, given: Partial<StudyServices>): Promise<StudyServices> {
  const made = await instantiate(assembly, registry, given);
  const store = given.store ?? new StudyStore(path.join(dir, STUDY_FILES.journal), { strict: true });
  store.refresh();
  if (store.unknownKinds.length)
    (given.logger ?? silentLogger).warn(
      `journal: skipped ${store.unknownKinds.length} records of kinds this version does not know (${[...new Set(store.unknownKinds)].join(', ')})`,
    );
  return { ...made, store, logger: given.logger ?? silentLogger, clock: given.clock ?? systemClock };
}
