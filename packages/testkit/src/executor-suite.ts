import { existsSync } from 'node:fs';
import path from 'node:path';
import { ResultManifestSchema, type Executor, type ExecutorContext, type JobHandle, type ResultManifest } from '@lamdagent/core';
import { fail, registerChecks, type Check } from './check.js';
import { makeJobSpec } from './job-fixture.js';
import { testkitModule } from './modules.js';
import { scriptedRunner, type ScriptedBehaviour } from './scripted-plugin.js';
import { toyModelFile } from './toy-plugin.js';

export interface ExecutorCapabilities {
  /** Runs each job in its own process, so a runner's `process.exit` or a signal cannot take the study down (checked: non-zero exit, signal). Default false. */
  isolatesProcess?: boolean;
  /** Declares `reattach`: a finished job is found again by its handle. Default: whether the executor has `reattach`. */
  reattach?: boolean;
}

export interface ExecutorSuiteOptions {
  /** A fresh executor (called once per check). */
  create(): Executor | Promise<Executor>;
  capabilities?: ExecutorCapabilities;
}

/** The executor checks, framework-free (see `executorConformance`). Jobs run testkit's scripted runner. */
export function executorChecks(opts: ExecutorSuiteOptions): Check[] {
  const submit = async (behaviour: ScriptedBehaviour, o: { timeLimitSec?: number; cancelAfterMs?: number } = {}) => {
    const executor = await opts.create();
    const spec = makeJobSpec({
      runner: scriptedRunner.name,
      inputs: [],
      params: { behaviour, sleepMs: 0 },
      plugins: [testkitModule('scripted-plugin-entry')],
      ...(o.timeLimitSec ? { timeLimitSec: o.timeLimitSec } : {}),
    });
    const ctl = new AbortController();
    if (o.cancelAfterMs !== undefined) setTimeout(() => ctl.abort(), o.cancelAfterMs);
    const ctx: ExecutorContext = {
      signal: ctl.signal,
      runner: (name) => (name === scriptedRunner.name ? scriptedRunner : fail('executor', `asked for unknown runner ${name}`)),
    };
    const handles: JobHandle[] = [];
    let manifest: ResultManifest;
    try {
      manifest = await executor.submit(spec, ctx, (h) => handles.push(h));
    } catch (e) {
      fail(`executor ${executor.name}`, `submit threw for a "${behaviour}" job (it must return a failed manifest): ${(e as Error).message}`);
    } finally {
      await executor.close?.();
    }
    const parsed = ResultManifestSchema.safeParse(manifest);
    if (!parsed.success) fail(`executor ${executor.name}`, `returned an invalid result manifest for a "${behaviour}" job`);
    if (manifest.jobId !== spec.jobId) fail(`executor ${executor.name}`, `manifest jobId ${manifest.jobId} is not ${spec.jobId}`);
    return { executor, spec, manifest, handles, ctx };
  };
  const expectFailed = (m: ResultManifest, name: string, status: ResultManifest['status'], what: string): void => {
    if (m.status !== status) fail(`executor ${name}`, `${what}: status ${m.status}, expected ${status} (${m.error?.type}: ${m.error?.message})`);
    if (!m.error?.type || !m.error.message) fail(`executor ${name}`, `${what}: the manifest has no error type and message`);
  };
  const checks: Check[] = [
    {
      name: 'completes a job: completed manifest, artifact is outputDir, onStarted called',
      async run() {
        const { executor, spec, manifest, handles } = await submit('ok');
        if (manifest.status !== 'completed') fail(`executor ${executor.name}`, `ok job ended ${manifest.status}: ${manifest.error?.message}`);
        if (manifest.artifact && path.resolve(manifest.artifact) !== path.resolve(spec.outputDir))
          fail(`executor ${executor.name}`, `artifact ${manifest.artifact} is not outputDir`);
        if (!existsSync(path.join(spec.outputDir, toyModelFile))) fail(`executor ${executor.name}`, 'the runner output is missing from outputDir');
        if (handles.length !== 1 || handles[0]!.jobId !== spec.jobId) fail(`executor ${executor.name}`, 'onStarted was not called once with the job id');
      },
    },
    {
      name: 'a runner error is a failed manifest with the message (never a throw)',
      async run() {
        const { executor, manifest } = await submit('throw');
        expectFailed(manifest, executor.name, 'failed', 'runner error');
        if (!`${manifest.error!.message} ${manifest.error!.logExcerpt ?? ''}`.includes('scripted runner error'))
          fail(`executor ${executor.name}`, `the runner's message is lost: ${manifest.error!.message}`);
      },
    },
    {
      name: 'a time limit ends the job as timeout',
      async run() {
        const { executor, manifest } = await submit('hang', { timeLimitSec: 1 });
        expectFailed(manifest, executor.name, 'timeout', 'time limit');
      },
    },
    {
      name: 'cancellation ends the job as cancelled',
      async run() {
        const { executor, manifest } = await submit('hang', { cancelAfterMs: 300 });
        expectFailed(manifest, executor.name, 'cancelled', 'cancel');
      },
    },
  ];
  if (opts.capabilities?.isolatesProcess) {
    checks.push(
      {
        name: 'a non-zero exit is a failed manifest with the exit code',
        async run() {
          const { executor, manifest } = await submit('exit');
          expectFailed(manifest, executor.name, 'failed', 'exit 3');
          if (manifest.error!.exitCode !== 3) fail(`executor ${executor.name}`, `exit code ${manifest.error!.exitCode}, expected 3`);
        },
      },
      {
        name: 'a signal is a failed manifest naming the signal',
        async run() {
          const { executor, manifest } = await submit('signal');
          expectFailed(manifest, executor.name, 'failed', 'SIGKILL');
          if (manifest.error!.signal !== 'SIGKILL') fail(`executor ${executor.name}`, `signal ${manifest.error!.signal}, expected SIGKILL`);
        },
      },
    );
  }
  checks.push({
    name: 're-attaches to a finished job by its handle (when it declares reattach)',
    async run() {
      const { executor, spec, handles, ctx } = await submit('ok');
      const declared = opts.capabilities?.reattach ?? typeof executor.reattach === 'function';
      if (!declared) return;
      if (!executor.reattach) fail(`executor ${executor.name}`, 'declares reattach but has no reattach method');
      const again = await (await opts.create()).reattach!(spec, handles[0]!, ctx);
      if (!again || again.status !== 'completed' || again.jobId !== spec.jobId)
        fail(`executor ${executor.name}`, 'reattach did not return the completed manifest');
    },
  });
  return checks;
}

/** Register the executor conformance suite (vitest). */
export function executorConformance(name: string, opts: ExecutorSuiteOptions): void {
  registerChecks(`executor conformance: ${name}`, executorChecks(opts));
}
