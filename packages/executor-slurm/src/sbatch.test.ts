import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import plugin, { slurmExecutorFactory } from './index.js';
import { parseSlurmOptions } from './options.js';
import { BATCH_SCRIPT, JOB_FILES, sbatchArgs } from './sbatch.js';
import { faultSpec } from './test-helpers.js';

describe('sbatch command', () => {
  it("maps the job's resources and the options to sbatch arguments, then the fixed script and its argv", () => {
    const spec = faultSpec('ok', { gpus: 2, timeLimitSec: 90 });
    spec.resources.memoryMb = 4096;
    spec.resources.cpus = 8;
    const o = parseSlurmOptions({
      partition: 'gpu',
      account: 'proj',
      gpuType: 'a100',
      extraDirectives: ['--constraint=ib', '--qos=long'],
      env: ['HF_HOME', 'NOT_SET'],
    });
    const cmd = {
      node: '/n/node',
      nodeArgs: ['--max-old-space-size=8192'],
      runnerBin: '/r/runner-bin.js',
      specFile: '/j/spec.json',
      scriptFile: '/j/lamdagent-job.sh',
      statusFile: '/j/slurm-status.json',
    };
    const args = sbatchArgs(spec, o, cmd, { PATH: '/bin', HOME: '/root', HF_HOME: '/hf', SECRET_TOKEN: 'x' });
    expect(args).toEqual([
      '--job-name=lamdagent-t0001-fault',
      `--chdir=${spec.jobDir}`,
      '--output=slurm-%j.out',
      '--error=slurm-%j.err',
      '--export=PATH,HOME,HF_HOME',
      '--nodes=1',
      '--ntasks=1',
      '--cpus-per-task=8',
      '--partition=gpu',
      '--account=proj',
      '--gres=gpu:a100:2',
      '--mem=4096M',
      '--time=00:02:00',
      '--constraint=ib',
      '--qos=long',
      '/j/lamdagent-job.sh',
      '/j/slurm-status.json',
      '/n/node',
      '--max-old-space-size=8192',
      '/r/runner-bin.js',
      '/j/spec.json',
    ]);
    expect(sbatchArgs(faultSpec('ok'), parseSlurmOptions({ exportAll: true }), cmd, {})).toContain('--export=ALL');
  });

  it('uses a batch script with no data in it that runs its arguments verbatim and records how they ended', () => {
    expect(BATCH_SCRIPT).not.toMatch(/t0001|spec\.json|\/tmp/);
    const dir = mkdtempSync(path.join(tmpdir(), `quote 'me' $(touch pwned) "x" `));
    const script = path.join(dir, JOB_FILES.script);
    writeFileSync(script, BATCH_SCRIPT);
    const status = path.join(dir, 'status $(id).json');
    const arg = `a b; $(touch ${dir}/pwned2) \`id\` "q" 'q' *`;
    const r = spawnSync('sh', [script, status, process.execPath, '-e', 'process.stdout.write(JSON.stringify(process.argv.slice(1))); process.exit(4)', arg], {
      encoding: 'utf8',
    });
    expect(r.status).toBe(4);
    expect(JSON.parse(r.stdout)).toEqual([arg]);
    expect(JSON.parse(readFileSync(status, 'utf8'))).toEqual({ state: 'exited', exitCode: 4, signal: '' });
    expect(existsSync(path.join(dir, 'pwned'))).toBe(false);
    expect(existsSync(path.join(dir, 'pwned2'))).toBe(false);
    expect(existsSync(path.join(process.cwd(), 'pwned'))).toBe(false);
  });

  it('refuses reserved or malformed directives, bad env names and unknown options, naming the field', () => {
    expect(() => parseSlurmOptions({ extraDirectives: ['--output=/tmp/x'] })).toThrow(/executor\.options\.extraDirectives\.0: --output is set by the executor/);
    expect(() => parseSlurmOptions({ extraDirectives: ['-oFILE'] })).toThrow(/-o is set by the executor/);
    expect(() => parseSlurmOptions({ extraDirectives: ['constraint=a100'] })).toThrow(/starting with "-"/);
    expect(() => parseSlurmOptions({ env: ['OK', 'BAD NAME'] })).toThrow(/executor\.options\.env\.1/);
    expect(() => parseSlurmOptions({ partion: 'gpu' })).toThrow(/partion/);
    expect(() => parseSlurmOptions({ pollIntervalMs: 5 })).toThrow(/pollIntervalMs/);
    expect(parseSlurmOptions({}).pollIntervalMs).toBe(5000);
    expect(plugin.provides).toEqual({ executors: ['slurm'] });
    expect(slurmExecutorFactory.optionsSchema!.safeParse({ maxConcurrency: 4 }).success).toBe(true);
  });
});
