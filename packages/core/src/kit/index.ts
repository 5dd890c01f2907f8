/**
 * `@lamdagent/core/kit`: helpers for plugin authors (runners, executors, evaluators, policies, worlds).
 * Every package of the repo uses these instead of its own copy; they are stable like the contracts.
 *
 * - randomness: `Rng` (seeded sfc32; `Rng.labelled` for named streams); `Mulberry32` (tinylm's training stream) and
 *   `Xoshiro128ss` + `deriveSeed` (action-ties' DARE masks), kept bit for bit, with `Rng`'s helpers via `SeededRng`;
 *   `bootstrapMeanInterval` (seeded percentile bootstrap)
 * - content addresses: `canonicalJson`, `sha256`, `valueDigest`, `digestFolder` (a model folder's names and bytes),
 *   `DigestCache` (file and folder digests, cached)
 * - files: `writeFileAtomic`, `writeFolderAtomic`, `fsyncDir`, `tailFile`, `readJsonl`
 * - locks: `tryAcquireOwnerLock`, `acquireOwnerLock` (waits, abortable), `ownerLockState`, with `LINE_FORMAT` / `JSON_FORMAT`
 *   or a `LockFormat` of one's own (one owner lock across processes: taken over safely when its owner died on this host)
 * - secrets: `createRedactor`, `redactSecrets`
 * - jobs: `jobInputs`, `executeInProcess`, `jobLogPath`, `jobResultPath`, `readResultManifest`, `failedManifest`, `runnerBinPath`
 * - policies: `typesWithCandidates`
 */
export { deriveSeed, Mulberry32, Rng, SeededRng, Xoshiro128ss } from './rng.js';
export { bootstrapMeanInterval, BOOTSTRAP_RESAMPLES, type MeanInterval } from './bootstrap.js';
export { earlyStopCheck, earlyStopCheckMonotone, normalQuantile, type EarlyStopDecision, type SliceTask } from './early-stop.js';
export { canonicalJson, digestFolder, sha256, valueDigest } from './digest.js';
export { DigestCache } from '../digest.js';
export { fsyncDir, tailFile, writeFileAtomic, writeFolderAtomic } from './fs.js';
export { readJsonl } from './jsonl.js';
export {
  acquireOwnerLock,
  JSON_FORMAT,
  LINE_FORMAT,
  ownerLockState,
  tryAcquireOwnerLock,
  type LockFormat,
  type LockOwner,
  type OwnerLockOptions,
  type ReleaseLock,
  type WaitOptions,
} from '../owner-lock.js';
export { jsonlHeadProblem, modelFolderProblems, safetensorsHeaderProblem, MAX_SAFETENSORS_HEADER } from './preflight.js';
export { createRedactor, redactSecrets, REDACTED, type Redactor } from './redact.js';
export { failedManifest, jobLogPath, jobResultPath, readResultManifest, type FailedManifestFacts, type ResultRead } from './job-result.js';
export { typesWithCandidates } from './candidates.js';
export { jobInputs } from '../job-inputs.js';
export { executeInProcess, type ExecuteOptions } from '../execute.js';
export { runnerBinPath, InProcessExecutor } from '../executors-local.js';
export { fuzzRuns, reportFuzz } from './fuzz-report.js';
