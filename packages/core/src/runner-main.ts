import type { readFileSync as ReadFileSync } from 'node:fs';
import { registerBuiltins } from './builtins.js';
import { executeInProcess } from './execute.js';
import { jobEvaluation } from './job-evaluate.js';
import { JobSpecSchema } from './jobs.js';
import { loadPluginModule } from './plugins.js';
import { Registry } from './registry.js';

/** Run the job spec in `file` in this process; returns the exit code (0 completed, 1 not). */
export async function runJobSpecFile(file: string, read: typeof ReadFileSync): Promise<number> {
  const res = JobSpecSchema.safeParse(JSON.parse(read(file, 'utf8')));
  if (!res.success) throw new Error(`${file}: not a job spec: ${res.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const spec = res.data;
  const registry = new Registry();
  await registerBuiltins(registry);
  for (const p of spec.plugins) await loadPluginModule(registry, p, p, 'config');
  const ctl = new AbortController();
  process.once('SIGTERM', () => {
    const e = new Error('cancelled (SIGTERM)');
    e.name = 'Cancelled';
    ctl.abort(e);
  });
  const manifest = await executeInProcess(spec, registry.runner(spec.runner), {
    signal: ctl.signal,
    // Log lines go to the job's runner.log (executeInProcess appends them); the executor sends this
    // process's own stdout there too, so writing them to stdout as well would log each line twice.
    ...(spec.evaluation ? { evaluate: jobEvaluation(spec, spec.evaluation, registry, process.env) } : {}),
  });
  return manifest.status === 'completed' ? 0 : 1;
}
