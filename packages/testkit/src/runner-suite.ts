import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { ResultManifestSchema, type Runner } from '@lamdagent/core';
import { executeInProcess, sha256 } from '@lamdagent/core/kit';
import { fail, registerChecks, type Check } from './check.js';
import { makeJobSpec, type JobFixture } from './job-fixture.js';

export interface RunnerCapabilities {
  /** Same spec and seed give byte-identical output files. Default true. */
  deterministic?: boolean;
  /** Stops promptly (rejects) when its signal aborts. Default false (checked only when declared). */
  cancellable?: boolean;
}

export interface RunnerSuiteOptions {
  /** A job that must succeed: fixture model/dataset paths, complete params. Called once per check. */
  good(): JobFixture | Promise<JobFixture>;
  /** A job that must fail (a missing dataset, a model of the wrong shape). Default: `good()` with every string input replaced by a missing path. */
  bad?(): JobFixture | Promise<JobFixture>;
  /** A job that runs long enough to be cancelled (for `cancellable`). Default: `good()`. */
  slow?(): JobFixture | Promise<JobFixture>;
  /** Throws when `dir` is not a loadable model. Default: Hugging Face layout (`config.json` plus `model.safetensors` or its index). */
  loadModel?(dir: string): void | Promise<void>;
  capabilities?: RunnerCapabilities;
}

/** The Hugging Face layout check: what a produced model must hold for evaluation and later actions. */
export function assertHfModelFolder(dir: string): void {
  if (!existsSync(path.join(dir, 'config.json'))) fail(dir, 'no config.json (a produced model must be a Hugging Face model folder)');
  const single = path.join(dir, 'model.safetensors');
  const index = path.join(dir, 'model.safetensors.index.json');
  if (!existsSync(single) && !existsSync(index)) fail(dir, 'neither model.safetensors nor model.safetensors.index.json');
  if (existsSync(single) && statSync(single).size < 8) fail(single, 'is too small to be a safetensors file');
}

function filesDigest(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(d, e.name), r);
      else out[r] = sha256(readFileSync(path.join(d, e.name)));
    }
  };
  walk(dir, '');
  return out;
}

const missingPaths = (f: JobFixture): JobFixture => ({
  ...f,
  inputs: f.inputs.map((i) => (typeof i.value === 'string' ? { ...i, value: `/nonexistent/lamdagent-testkit/${i.slot}` } : i)),
});

/** The runner checks, framework-free (see `runnerConformance` for the vitest form). */
export function runnerChecks(runner: Runner, opts: RunnerSuiteOptions): Check[] {
  const caps = { deterministic: true, cancellable: false, ...opts.capabilities };
  const load = opts.loadModel ?? assertHfModelFolder;
  const subject = `runner ${runner.name}`;
  const run = async (f: JobFixture, signal = new AbortController().signal) => {
    const spec = makeJobSpec({ ...f, runner: runner.name, runnerVersion: runner.version });
    const manifest = await executeInProcess(spec, runner, { signal });
    return { spec, manifest };
  };
  const checks: Check[] = [
    {
      name: 'runs a job: a completed result manifest and a loadable model in outputDir',
      async run() {
        const { spec, manifest } = await run(await opts.good());
        if (!ResultManifestSchema.safeParse(manifest).success) fail(subject, 'result manifest does not validate');
        if (manifest.status !== 'completed') fail(subject, `job failed: ${manifest.error?.type}: ${manifest.error?.message}`);
        if (readdirSync(spec.outputDir).length === 0) fail(subject, `wrote nothing into outputDir ${spec.outputDir}`);
        await load(spec.outputDir);
        for (const [k, v] of Object.entries(manifest.metrics)) if (!Number.isFinite(v)) fail(subject, `metric ${k} is not finite (${v})`);
      },
    },
    {
      name: 'bad inputs fail as data (a rejected Error with a message), not a crash or a hang',
      async run() {
        const f = opts.bad ? await opts.bad() : missingPaths(await opts.good());
        const spec = makeJobSpec({ ...f, runner: runner.name, runnerVersion: runner.version });
        let thrown: unknown;
        try {
          await runner.run(spec, { signal: new AbortController().signal, log: () => undefined, progress: () => undefined });
        } catch (e) {
          thrown = e;
        }
        if (thrown === undefined) fail(subject, 'succeeded on bad inputs');
        if (!(thrown instanceof Error) || !thrown.message) fail(subject, `threw a non-Error or an empty message on bad inputs: ${String(thrown)}`);
        const { manifest } = await run(f);
        if (manifest.status !== 'failed' || !manifest.error?.message) fail(subject, 'bad inputs did not give a failed result manifest with a message');
      },
    },
  ];
  if (caps.deterministic)
    checks.push({
      name: 'is deterministic: the same spec and seed give identical output files',
      async run() {
        const f = await opts.good();
        const a = await run(f);
        const b = await run(f);
        const da = filesDigest(a.spec.outputDir);
        const db = filesDigest(b.spec.outputDir);
        if (JSON.stringify(da) !== JSON.stringify(db)) fail(subject, 'two runs of one spec wrote different files');
      },
    });
  if (caps.cancellable)
    checks.push({
      name: 'stops when cancelled',
      async run() {
        const ctl = new AbortController();
        setTimeout(() => ctl.abort(), 50);
        const { manifest } = await run(await (opts.slow ?? opts.good)(), ctl.signal);
        if (manifest.status !== 'cancelled') fail(subject, `status ${manifest.status} after cancellation`);
      },
    });
  return checks;
}

/** Register the runner conformance suite (vitest). */
export function runnerConformance(runner: Runner, opts: RunnerSuiteOptions): void {
  registerChecks(`runner conformance: ${runner.name}`, runnerChecks(runner, opts));
}
