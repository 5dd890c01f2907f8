import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Action } from './action-type.js';
import type { Assembly } from './assemble.js';
import type { JobSpec } from './jobs.js';
import type { Registry } from './registry.js';
import { STUDY_FILES } from './study-folder.js';

/** A per-trial job seed derived from the study seed: stable across resumes. */
export function jobSeed(seed: number, index: number): number {
  return createHash('sha256').update(`${seed}:${index}`).digest().readUInt32LE(0) & 0x7fffffff;
}

/** The job id of trial `index` (`t0003`): names its job folder and its artifact. */
export function trialJobId(index: number): string {
  return `t${String(index).padStart(4, '0')}`;
}

/**
 * The job spec of trial `index`: the action's inputs by slot, its params and runner params, the
 * resources its config asks for, the plugins a separate process must load, and (with `evaluateIn:
 * job`) the tasks the job scores its output on. The output goes to `artifacts/.tmp-<jobId>` and is
 * renamed into place by the study once the job completed.
 */
export function buildJobSpec(dir: string, assembly: Assembly, registry: Registry, pluginEntries: string[], index: number, action: Action): JobSpec {
  const cfg = assembly.loaded.config;
  const binding = assembly.bindings.find((b) => b.name === action.name)!;
  const jobId = trialJobId(index);
  const cfgAction = cfg.actions[action.name];
  const res = cfgAction && !Array.isArray(cfgAction) ? (cfgAction.resources ?? {}) : {};
  return {
    schemaVersion: 1,
    jobId,
    actionKey: action.key,
    action: action.name,
    actionType: action.type,
    runner: binding.runner,
    runnerVersion: registry.runner(binding.runner).version,
    inputs: action.inputs.map((o, i) => ({ slot: binding.slotNames[i]!, id: o.id, name: o.name, type: o.type, value: o.value, digest: o.digest })),
    params: action.params,
    ...(binding.runnerParams && Object.keys(binding.runnerParams).length ? { runnerParams: binding.runnerParams } : {}),
    outputDir: path.join(dir, STUDY_FILES.artifacts, `.tmp-${jobId}`),
    jobDir: path.join(dir, STUDY_FILES.jobs, jobId),
    seed: jobSeed(cfg.seed, index),
    resources: {
      gpus: res.gpus ?? 0,
      cpus: res.cpus ?? 1,
      ...(res.memoryMb ? { memoryMb: res.memoryMb } : {}),
      ...(res.timeLimitSec ? { timeLimitSec: res.timeLimitSec } : {}),
    },
    plugins: pluginEntries,
    smoke: false,
    ...(cfg.evaluateIn === 'job'
      ? { evaluation: { tasks: assembly.tasks, evaluators: assembly.evaluators, configDir: assembly.loaded.dir, studySeed: cfg.seed } }
      : {}),
  };
}
