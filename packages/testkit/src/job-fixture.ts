import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { JobSpecSchema, type JobSpec, type JsonValue } from '@lamdagent/core';
import { sha256 } from '@lamdagent/core/kit';

export interface FixtureInput {
  slot: string;
  /** Object type: model, dataset, number, json, ... */
  type: string;
  /** A path (models, datasets) or the value itself. */
  value: JsonValue;
}

export interface JobFixture {
  runner: string;
  runnerVersion?: string;
  actionType?: string;
  inputs: FixtureInput[];
  params?: Record<string, JsonValue>;
  runnerParams?: Record<string, JsonValue>;
  seed?: number;
  timeLimitSec?: number;
  /** Plugin module paths a separate process loads to find the runner (subprocess and batch executors). */
  plugins?: string[];
}

/**
 * A valid job spec in a fresh temp folder, as a study would write it: `outputDir` exists and is empty,
 * `jobDir` exists, `params` are passed as given (a study applies the action type's `paramsSchema`
 * defaults before the job is written, so pass them complete).
 */
export function makeJobSpec(f: JobFixture, root?: string): JobSpec {
  const dir = root ?? mkdtempSync(path.join(tmpdir(), 'lamdagent-job-'));
  const jobId = `job-${sha256(JSON.stringify(f)).slice(0, 8)}`;
  const outputDir = path.join(dir, 'out');
  const jobDir = path.join(dir, 'job');
  mkdirSync(outputDir, { recursive: true });
  mkdirSync(jobDir, { recursive: true });
  return JobSpecSchema.parse({
    schemaVersion: 1,
    jobId,
    actionKey: sha256(JSON.stringify([f.actionType, f.inputs, f.params])),
    action: f.actionType ?? f.runner,
    actionType: f.actionType ?? f.runner,
    runner: f.runner,
    runnerVersion: f.runnerVersion ?? '1',
    inputs: f.inputs.map((i, n) => ({
      slot: i.slot,
      id: `in/${n}`,
      name: `${i.slot}${n}`,
      type: i.type,
      value: i.value,
      digest: sha256(JSON.stringify(i.value)),
    })),
    params: f.params ?? {},
    ...(f.runnerParams ? { runnerParams: f.runnerParams } : {}),
    outputDir,
    jobDir,
    seed: f.seed ?? 1,
    resources: { gpus: 0, cpus: 1, ...(f.timeLimitSec ? { timeLimitSec: f.timeLimitSec } : {}) },
    plugins: f.plugins ?? [],
  });
}
