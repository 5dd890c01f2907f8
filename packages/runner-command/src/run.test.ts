import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type JobSpec, type RunnerContext } from '@lamdagent/core';
import { executeInProcess } from '@lamdagent/core/kit';
import { describe, expect, it } from 'vitest';
import { commandRunner, genericCommandRunner } from './runner.js';
import { COMMAND_LOG, runCommand } from './run.js';
import { parseCommandSpec } from './spec.js';

const TRAIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'test-fixtures', 'train.mjs');
const TEMPLATE = [
  process.execPath,
  TRAIN,
  '--model',
  '{input.model}',
  '--data',
  '{input.dataset}',
  '--lr',
  '{input.learning_rate}',
  '--out',
  '{outputDir}',
  '--seed',
  '{seed}',
];

function job(mode = 'ok', command: unknown = [...TEMPLATE, '--mode', mode]): JobSpec {
  const dir = mkdtempSync(path.join(tmpdir(), 'cmd-job-'));
  mkdirSync(path.join(dir, 'base'));
  writeFileSync(path.join(dir, 'base', 'model.json'), JSON.stringify({ w: [0, 0, 0] }));
  writeFileSync(path.join(dir, 'data.json'), JSON.stringify({ target: [1, 0.5, 0] }));
  return {
    schemaVersion: 1,
    jobId: 't0002',
    actionKey: 'k',
    action: 'sft',
    actionType: 'sft',
    runner: 'command',
    runnerVersion: '1',
    inputs: [
      { slot: 'model', id: 'models/0', name: 'base', type: 'model', value: path.join(dir, 'base'), digest: 'a' },
      { slot: 'dataset', id: 'datasets/0', name: 'data', type: 'dataset', value: path.join(dir, 'data.json'), digest: 'b' },
      { slot: 'learning_rate', id: 'lr/0', name: '0.5', type: 'number', value: 0.5, digest: 'c' },
    ],
    params: { command: command as JobSpec['params'][string] },
    outputDir: path.join(dir, 'out'),
    jobDir: path.join(dir, 'job'),
    seed: 42,
    resources: { gpus: 0, cpus: 1 },
    plugins: [],
    smoke: false,
  };
}

const run = (spec: JobSpec, signal = new AbortController().signal) => executeInProcess(spec, genericCommandRunner, { signal });

describe('command runner', () => {
  it("runs the user's command without a shell, captures its output and reads metrics.json", async () => {
    const spec = job();
    const progress: number[] = [];
    const logs: string[] = [];
    const ctx: RunnerContext = { signal: new AbortController().signal, log: (l) => logs.push(l), progress: (p) => progress.push(p.fraction ?? -1) };
    const out = await runCommand(spec, parseCommandSpec(spec.params['command'], 'c'), ctx);
    expect(out.metrics).toMatchObject({ loss: 0.25, steps: 4 });
    expect(out.metrics!['commandSec']).toBeGreaterThan(0);
    expect(JSON.parse(readFileSync(path.join(spec.outputDir, 'model.json'), 'utf8'))).toEqual({ w: [0.5, 0.25, 0] });
    expect(progress).toEqual([0.25, 0.5, 0.75, 1]);
    expect(logs[0]).toContain(`"--seed","42"`);
    expect(logs).toContain(`train.mjs: cwd ${spec.jobDir} TRAIN_TAG=`);
    expect(readFileSync(path.join(spec.jobDir, COMMAND_LOG), 'utf8')).toContain('progress 1/4\r');
    expect(JSON.parse(readFileSync(path.join(spec.jobDir, 'spec.json'), 'utf8')).jobId).toBe('t0002'); // for {specFile}
  });

  it('passes env and cwd templates, and keeps hostile parameter values as single arguments', async () => {
    const spec = job('ok', {
      argv: [...TEMPLATE, '--note', '{params.note}'],
      env: { TRAIN_TAG: 'seed-{seed}' },
      cwd: '{outputDir}/..',
      expectFiles: ['config.json'],
    });
    spec.params['note'] = '$(touch pwned); `id` "x" *';
    const logs: string[] = [];
    const m = await executeInProcess(spec, genericCommandRunner, { signal: new AbortController().signal, onLog: (l) => logs.push(l) });
    expect(m.status).toBe('completed');
    expect(logs.join('\n')).toContain(`TRAIN_TAG=seed-42`);
    expect(logs.join('\n')).toContain(`"--note","$(touch pwned); \`id\` \\"x\\" *"`);
    expect(existsSync(path.join(path.dirname(spec.outputDir), 'pwned'))).toBe(false);
  });

  it('classifies a non-zero exit, a signal, a missing program, a missing or incomplete model and bad metrics', async () => {
    const exit = await run(job('exit'));
    expect(exit).toMatchObject({ status: 'failed', error: { type: 'ExitCode' } });
    expect(exit.error!.message).toMatch(/^node train\.mjs exited with code 7 after [\d.]+ s; last output:\n[\s\S]*CUDA out of memory \(pretend\)/);
    expect(await run(job('signal'))).toMatchObject({ status: 'failed', error: { type: 'Signal', message: expect.stringMatching(/killed by SIGKILL/) } });
    expect(await run(job('ok', ['no-such-trainer-xyz', '--out', '{outputDir}']))).toMatchObject({
      status: 'failed',
      error: { type: 'SpawnError', message: expect.stringMatching(/no-such-trainer-xyz: not found/) },
    });
    expect(await run(job('nomodel'))).toMatchObject({
      status: 'failed',
      error: { type: 'BadResult', message: expect.stringMatching(/left the model folder .* empty/) },
    });
    expect(await run(job('noconfig', { argv: [...TEMPLATE, '--mode', 'noconfig'], expectFiles: ['config.json'] }))).toMatchObject({
      status: 'failed',
      error: { type: 'BadResult', message: expect.stringMatching(/lacks config\.json/) },
    });
    const bad = await run(job('badmetrics'));
    expect(bad).toMatchObject({ status: 'failed', error: { type: 'BadResult' } });
    expect(bad.error!.message).toMatch(/metrics\.json: loss: .*number/);
    expect(await run(job('notjson'))).toMatchObject({
      status: 'failed',
      error: { type: 'BadResult', message: expect.stringMatching(/metrics\.json: not JSON/) },
    });
    expect(await run(job('ok', { argv: [...TEMPLATE, '--mode', 'exit'], successExitCodes: [0, 7] }))).toMatchObject({
      status: 'failed',
      error: { type: 'BadResult' },
    });
    expect(await run(job('ok', ['x', '{input.tokenizer}']))).toMatchObject({
      status: 'failed',
      error: { type: 'TemplateError', message: expect.stringMatching(/command\[1\]: no input slot "tokenizer"/) },
    });
  });

  it("stops the command's whole process group on cancellation and on the time limit", async () => {
    const ctl = new AbortController();
    const spec = job('hang', { argv: [...TEMPLATE, '--mode', 'hang'], killGraceSec: 2 });
    const p = run(spec, ctl.signal);
    await new Promise((r) => setTimeout(r, 800));
    ctl.abort();
    expect(await p).toMatchObject({ status: 'cancelled' });
    await new Promise((r) => setTimeout(r, 500));
    expect(readFileSync(path.join(spec.jobDir, COMMAND_LOG), 'utf8')).toContain('got SIGTERM');

    const limited = job('hang');
    limited.resources.timeLimitSec = 1;
    expect(await run(limited)).toMatchObject({ status: 'timeout', error: { type: 'Timeout' } });
  });

  it('does not wait for processes the command left behind holding its output', async () => {
    const t0 = Date.now();
    const m = await run(job('linger'));
    expect(m.status).toBe('completed');
    expect(Date.now() - t0).toBeLessThan(15_000);
    const stray = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.includes('setTimeout(() => {}, 60000)') && !l.includes('ps -eo'));
    expect(stray).toEqual([]);
  });

  it('makes named runners with a fixed command for action types with strict params', async () => {
    const r = commandRunner({ name: 'sft-mine', version: '3', command: TEMPLATE });
    expect([r.name, r.version]).toEqual(['sft-mine', '3']);
    const spec = job();
    spec.params = { epochs: 1 };
    expect(await executeInProcess(spec, r, { signal: new AbortController().signal })).toMatchObject({ status: 'completed', metrics: { loss: 0.25 } });
    expect(await run(spec)).toMatchObject({ status: 'failed', error: { message: expect.stringMatching(/needs params\.command/) } });
    // Runner parameters carried beside the action's params (proposed core field) are preferred.
    const withRunnerParams = Object.assign(job(), { params: { epochs: 1 }, runnerParams: { command: TEMPLATE } });
    expect(await run(withRunnerParams)).toMatchObject({ status: 'completed' });
  });
});
