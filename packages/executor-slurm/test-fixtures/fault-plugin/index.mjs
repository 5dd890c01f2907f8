// A test plugin for the executors: one runner, `fault`, whose params.mode picks a behaviour
// (ok, throw, exit, crash, hang, badresult, notjson). Plain JS importing nothing from core, like a
// third-party plugin. Used by @lamdagent/executor-slurm's integration tests.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const sleep = (ms, signal) =>
  new Promise((res, rej) => {
    const t = setTimeout(res, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        rej(signal.reason);
      },
      { once: true },
    );
  });

const faultRunner = {
  name: 'fault',
  version: '1',
  async run(spec, ctx) {
    const mode = spec.params.mode ?? 'ok';
    ctx.log(`fault runner: mode ${mode}, env FAULT_MARK=${process.env.FAULT_MARK ?? '(unset)'}`);
    if (spec.params.sleepMs) await sleep(Number(spec.params.sleepMs), ctx.signal);
    switch (mode) {
      case 'throw':
        throw new Error('broken on purpose');
      case 'exit':
        process.stderr.write('fault runner: exiting with code 3\n');
        process.exit(Number(spec.params.code ?? 3));
        break;
      case 'crash':
        process.kill(process.pid, 'SIGKILL');
        break;
      case 'hang':
        await sleep(3_600_000, ctx.signal);
        break;
      case 'badresult':
        writeFileSync(path.join(spec.jobDir, 'result.json'), JSON.stringify({ schemaVersion: 1, jobId: spec.jobId, status: 'done', metrics: { loss: 'low' } }));
        process.exit(0);
        break;
      case 'notjson':
        writeFileSync(path.join(spec.jobDir, 'result.json'), '{"schemaVersion": 1, "jobId": ');
        process.exit(0);
        break;
      default:
        break;
    }
    mkdirSync(spec.outputDir, { recursive: true });
    writeFileSync(
      path.join(spec.outputDir, 'model.json'),
      JSON.stringify({ w: [spec.seed % 7, 1, 2], env: process.env.FAULT_MARK ?? null, secret: process.env.FAULT_SECRET ?? null }),
    );
    return { metrics: { steps: 2, seed: spec.seed } };
  },
};

export default {
  name: 'fault-plugin',
  version: '1.0.0',
  apiVersion: 1,
  provides: { runners: ['fault'] },
  register(r) {
    r.runner(faultRunner);
  },
};
