/**
 * `@lamdagent/core`: the contracts plugins implement, and the API users and tools drive a study with.
 * Helpers for plugin authors (rng, digests, atomic writes, redaction, job results) are in
 * `@lamdagent/core/kit`. Anything not listed here is internal and may change without notice.
 */

// Contracts: what plugins implement and exchange.
/**
 * The zod that core validates with (zod 4, `^4.0.0`; core pins 4.6.7). Plugins should import `z` from here
 * rather than depend on their own zod, so their schemas and core's are one library.
 */
export { z } from 'zod';
export { type JsonValue, JsonValueSchema } from './json.js';
export { LamdagentError, ConfigError, PluginError, UsageError, StudyLockedError, type ConfigIssue } from './errors.js';
export { type ObjectType, type PoolObject, type Provenance, objectPath } from './objects.js';
export type { Action, ActionBinding, ActionTypeDefinition, SlotSpec, SmokeSpec } from './action-type.js';
export {
  JobSpecSchema,
  JobInputSchema,
  JobErrorSchema,
  JobStatusSchema,
  JobEvaluationSchema,
  ResultManifestSchema,
  ResourcesSchema,
  TaskSpecSchema,
  TaskResultSchema,
  EarlyStopSpecSchema,
  type EarlyStopSpec,
  type JobSpec,
  type JobInput,
  type JobError,
  type JobStatus,
  type JobEvaluation,
  type ResultManifest,
  type Resources,
} from './jobs.js';
export type { Runner, RunnerContext, RunOutcome } from './runner.js';
export type { Executor, ExecutorContext, JobHandle } from './executor.js';
export type {
  Evaluator,
  EvalContext,
  EvaluationUsage as TaskEvaluationUsage,
  GenerationBackend,
  ScoreInterval,
  Split,
  TaskResult,
  TaskSpec,
} from './evaluator.js';
export { defineScorer, type ScorerCatalog, type ScorerDefinition, type ScorerItem, type ScorerReference } from './scorer.js';
export type { Aggregator } from './aggregator.js';
export { DEFAULT_OBSERVER_RETRY, eventTrial, type Observer, type ObserverContext, type ObserverRetry } from './observer.js';
export { ObserverHub, type ObserverFailure, type ObserverHubOptions } from './observer-hub.js';
export type { Factory, FactoryContext, PreflightContext, Observation, Policy, PolicyContext, Proposal, Selection, TranscriptEntry } from './policy.js';
export { CORE_API_VERSION, PluginManifestSchema, ProvidesSchema, definePlugin, type PluginManifest, type PluginRegistry, type Provides } from './plugin.js';
export { ActionSpace, actionKey } from './space.js';
export { ObjectPool } from './pool.js';
export {
  TrialRecordSchema,
  TrialStateSchema,
  ActionRefSchema,
  UsageSchema,
  EvaluationUsageSchema,
  PartialEvaluationSchema,
  type PartialEvaluation,
  type EvaluationUsage,
  PolicyNoteSchema,
  AnswerNoteSchema,
  InitialScoreRecordSchema,
  type InitialScoreRecord,
  type InitialScore,
  type TrialRecord,
  type TrialState,
  type ActionRef,
  type Usage,
  type PolicyNote,
  type AnswerNote,
} from './trial.js';

// Config, plugins and the registry.
export { StudyConfigSchema, PaperConfigSchema, studyConfigJsonSchema, type StudyConfigInput, type StudyConfigParsed } from './config-schema.js';
export { loadConfig, parseConfig, parseConfigText, type LoadedConfig } from './config-load.js';
export { Registry, type Contribution, type ContributionKind } from './registry.js';
export { discoverPlugins, loadPlugins, loadPluginModule, registerPlugin, resolvePlugin, type LoadedPlugin, type LoadPluginsOptions } from './plugins.js';
export { corePlugin, registerBuiltins } from './builtins.js';
export { assemble, type Assembly, type AssembleOptions } from './assemble.js';
export { preflightStudy } from './preflight-study.js';
export { createEvaluators } from './factories.js';

// The study: ask/tell engine, services, store, read model.
export { Study, type StudyEvent, type StudyDeps } from './study.js';
export type { Trial, TrialOutcome } from './trial-record.js';
export { recordEvaluations } from './study-evaluations.js';
export {
  createStudy,
  loadStudy,
  runStudy,
  resumeStudy,
  buildRegistry,
  type RunStudyOptions,
  type ResumeStudyOptions,
  type StudyOverrides,
  type StudySummary,
} from './study-run.js';
export { silentLogger, systemClock, type Clock, type Logger, type StudyServices } from './study-services.js';
export { StudyStore, readJournal, JournalRecordSchema, JOURNAL_KINDS, type JournalRecord, type JournalRecordOf, type JournalState } from './journal.js';
export { JournalReader, parseJournalLine, type JournalChunk, type JournalItem, type JournalReaderOptions } from './journal-reader.js';
export { StudyState } from './study-state.js';
export { STUDY_FILES, StudySnapshotSchema, isStudyDir, openStudy, type StudySnapshot, type StudyView } from './study-folder.js';
export { StudyLock } from './lock.js';
export { ActionCache, CacheLease, CacheEntrySchema, cacheKey, actionSeed, type CacheEntry, type CacheHit } from './action-cache.js';
export { topK, pipelineOf, pipelineDepth, formatPipeline, type PipelineNode } from './leaderboard.js';
export { aggregatorShape, earlyStopDecide, earlyStopSpec, scoreOnValidation, withInterval, type AggregatorShape, type EarlyStopSlice } from './job-evaluate.js';
export { evaluationFacts } from './trial-record.js';
/** The job seed of a study's trial without a shared cache (with one: `actionSeed`), for tools that re-run a journaled action. */
export { jobSeed } from './trial-job.js';
export { withDataDir, DATA_DIR_EVALUATOR } from './config-data-dir.js';
