import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type JobSpec } from '@lamdagent/core';
import { executeInProcess } from '@lamdagent/core/kit';
import { describe, expect, it } from 'vitest';
import { resolvePython } from './python-env.js';
import { dpoTrlRunner, pythonDir, sftTrlRunner } from './runner.js';
import { IN_CI, pythonGate } from './test-python.js';

const PY = resolvePython().python;
const probe = (code: string): { ok: true } | { ok: false; reason: string } => {
  const r = spawnSync(PY, ['-c', code], { encoding: 'utf8', timeout: 120_000 });
  if (r.error) return { ok: false, reason: `${PY} is not available (${r.error.message})` };
  if (r.status !== 0) return { ok: false, reason: (r.stderr.trim().split('\n').at(-1) ?? `exit ${r.status}`).slice(0, 200) };
  return { ok: true };
};
const python = probe('import sys; assert sys.version_info >= (3, 8), sys.version');
if (!python.ok && IN_CI) throw new Error(`CI=true but Python cannot run: ${python.reason}`);
if (!python.ok) process.stderr.write(`[runner-command] Python tests skipped: ${python.reason}\n`);
const trl = pythonGate('TRL runner tests', ['torch', 'transformers', 'trl', 'datasets']);

describe('reference Python runners', () => {
  it.skipIf(!python.ok)(`pure-Python tests of the job-spec contract and the runners' dry runs${python.ok ? '' : ` (skipped: ${python.reason})`}`, () => {
    const r = spawnSync(PY, ['-m', 'unittest', '-v', 'test_lamdagent_job'], { cwd: pythonDir(), encoding: 'utf8', timeout: 120_000 });
    expect(r.stderr).toMatch(/\nOK\s*$/);
    expect(r.status).toBe(0);
  });

  it.skipIf(!trl.run)(
    trl.title('SFT then DPO on a tiny model through the command runner'),
    async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'trl-'));
      const made = spawnSync(PY, ['test_trl_runners.py', 'make-tiny-model', path.join(dir, 'base')], { cwd: pythonDir(), encoding: 'utf8' });
      expect(made.status, made.stderr).toBe(0);
      writeFileSync(
        path.join(dir, 'sft.jsonl'),
        Array.from({ length: 12 }, (_, a) => JSON.stringify({ prompt: `${a}+1=`, completion: ` ${a + 1}` })).join('\n'),
      );
      writeFileSync(
        path.join(dir, 'dpo.jsonl'),
        Array.from({ length: 12 }, (_, a) => JSON.stringify({ prompt: `${a}+1=`, chosen: ` ${a + 1}`, rejected: ` ${a + 2}` })).join('\n'),
      );
      const spec = (name: string, model: string, data: string, extra: JobSpec['inputs'] = []): JobSpec => ({
        schemaVersion: 1,
        jobId: name,
        actionKey: name,
        action: name,
        actionType: name,
        runner: `${name}-trl`,
        runnerVersion: '1',
        inputs: [
          { slot: 'model', id: 'm', name: 'm', type: 'model', value: model, digest: 'd' },
          { slot: 'dataset', id: 'd', name: 'd', type: 'dataset', value: data, digest: 'd' },
          { slot: 'learning_rate', id: 'lr', name: 'lr', type: 'number', value: 1e-3, digest: 'd' },
          ...extra,
        ],
        params: { epochs: 1, batchSize: 4, maxSteps: 3 },
        outputDir: path.join(dir, name, 'out'),
        jobDir: path.join(dir, name, 'job'),
        seed: 5,
        resources: { gpus: 0, cpus: 1 },
        plugins: [],
        smoke: false,
      });
      const progress: number[] = [];
      const sft = await executeInProcess(spec('sft', path.join(dir, 'base'), path.join(dir, 'sft.jsonl')), sftTrlRunner, {
        signal: new AbortController().signal,
        onProgress: (p) => progress.push(p.fraction ?? 0),
      });
      expect(sft.status, sft.error?.message).toBe('completed');
      expect(sft.metrics['steps']).toBe(3);
      expect(progress.at(-1)).toBe(1);
      for (const f of ['config.json', 'model.safetensors', 'tokenizer.json']) expect(existsSync(path.join(dir, 'sft', 'out', f))).toBe(true);
      const dpo = await executeInProcess(
        spec('dpo', path.join(dir, 'sft', 'out'), path.join(dir, 'dpo.jsonl'), [{ slot: 'beta', id: 'b', name: 'b', type: 'number', value: 0.1, digest: 'd' }]),
        dpoTrlRunner,
        { signal: new AbortController().signal },
      );
      expect(dpo.status, dpo.error?.message).toBe('completed');
      expect(JSON.parse(readFileSync(path.join(dir, 'dpo', 'out', 'metrics.json'), 'utf8'))).toHaveProperty('train_loss');
    },
    600_000,
  );
});
