import type { JobSpec, Runner, RunnerContext, RunOutcome } from '@lamdagent/core';
import { RUNNER_VERSION, readMethodJob, runnerName } from './action-types.js';
import { runMerge } from './engine/execute.js';
import type { MergeRequest } from './engine/request.js';
import type { MergeMethodDef } from './method/define.js';

/** Runs a planned merge for a job: writes into `spec.outputDir`, reports progress and metrics. */
export async function runJobMerge(
  label: string,
  request: MergeRequest,
  maxShardBytes: number | undefined,
  spec: JobSpec,
  ctx: RunnerContext,
): Promise<RunOutcome> {
  ctx.log(
    `${label}: ${request.method} of ${request.models?.length ?? request.slices?.length} input(s)${request.base ? ` into base ${request.base}` : ''}; params ${JSON.stringify(request.params ?? {})}; per model ${JSON.stringify((request.models ?? []).map((m) => m.params ?? {}))}`,
  );
  const result = await runMerge(request, {
    outputDir: spec.outputDir,
    ...(maxShardBytes !== undefined ? { maxShardBytes } : {}),
    signal: ctx.signal,
    onProgress: (p) => {
      if (p.done === p.total || p.done % 16 === 0)
        ctx.progress({ fraction: p.bytesTotal > 0 ? p.bytesDone / p.bytesTotal : 1, message: `${p.done}/${p.total} tensors` });
    },
  });
  for (const note of result.plan.notes) ctx.log(`${label}: note: ${note}`);
  const mbps = result.seconds > 0 ? result.inputBytes / 1e6 / result.seconds : 0;
  ctx.log(
    `${label}: wrote ${result.files.join(', ')} (${result.mergedTensors} merged, ${result.copiedTensors} copied tensors, ${(result.bytesWritten / 1e6).toFixed(1)} MB in ${result.seconds.toFixed(2)} s, ${mbps.toFixed(1)} MB/s of input, ${result.threads} threads); copied ${result.copiedFiles.join(', ') || 'no other files'}`,
  );
  return {
    metrics: {
      tensors: result.tensors,
      tensorsMerged: result.mergedTensors,
      tensorsCopied: result.copiedTensors,
      bytes: result.bytesWritten,
      bytesRead: result.bytesRead,
      seconds: result.seconds,
      mbPerSec: mbps,
    },
  };
}

/** A runner merging checkpoints with `def` (the action type's slots as the definition lays them out). */
export function createMethodRunner(def: MergeMethodDef): Runner {
  return {
    name: runnerName(def),
    version: RUNNER_VERSION,
    async run(spec: JobSpec, ctx: RunnerContext): Promise<RunOutcome> {
      const { request, maxShardBytes } = readMethodJob(def, spec);
      return runJobMerge(def.name, request, maxShardBytes, spec, ctx);
    },
  };
}
