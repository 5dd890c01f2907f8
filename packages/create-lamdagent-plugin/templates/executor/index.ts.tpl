import { CORE_API_VERSION, definePlugin, type Executor, type ExecutorContext, type JobHandle, type JobSpec, type ResultManifest } from '@lamdagent/core';
import { executeInProcess, failedManifest } from '@lamdagent/core/kit';

/**
 * Replace the transport with yours (a queue, a cluster, a remote box). This one runs each job in the
 * study process. It never throws for a failed job: it returns a failed manifest.
 */
export class __CLASS__Executor implements Executor {
  readonly name = '__NAME__';
  async submit(spec: JobSpec, ctx: ExecutorContext, onStarted?: (h: JobHandle) => void): Promise<ResultManifest> {
    onStarted?.({ jobId: spec.jobId });
    try {
      return await executeInProcess(spec, ctx.runner(spec.runner), { signal: ctx.signal, ...(ctx.onLog ? { onLog: ctx.onLog } : {}) });
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      return failedManifest(spec, { status: 'failed', error: { type: 'SubmitError', message }, resources: { wallSec: 0, gpus: 0, gpuHours: 0 }, logs: [] });
    }
  }
}

export default definePlugin({
  name: '__PKG__',
  version: '0.1.0',
  apiVersion: CORE_API_VERSION,
  provides: { executors: ['__NAME__'] },
  register(r) {
    r.executor({ name: '__NAME__', description: 'runs jobs in the study process', create: () => new __CLASS__Executor() });
  },
});
