import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runStudy, type TrialRecord } from '@lamdagent/core';
import { SHIPPED_BASE_MODEL } from '@lamdagent/world';
import { describe, expect, it } from 'vitest';
import { pythonGate } from './test-python.js';
import { PLUGINS, requireBuilt, smallWorld, TRL_PARAMS } from './test-study.js';

const gate = pythonGate('TRL bad-input tests', ['torch', 'transformers', 'trl', 'datasets']);

/** A study of the sft-trl runner over `models` x `data`, run in lamdagent-runner subprocesses. */
async function sftStudy(dir: string, opts: { models: string[]; data: string[]; order: string[]; evalData: string }): Promise<TrialRecord[]> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'study.yaml'),
    `seed: 1
budget: { iterations: ${opts.order.length} }
policy: { name: in-order, options: { order: ${JSON.stringify(opts.order)} } }
plugins: ${JSON.stringify(PLUGINS)}
discoverPlugins: false
executor: subprocess
objects:
  base_models: ${JSON.stringify(opts.models)}
  sft_data: ${JSON.stringify(opts.data)}
  sft_lr: [0.003]
  models: []
actions:
  sft: { slots: [base_models, sft_data, sft_lr], runner: sft-trl, params: ${TRL_PARAMS} }
tasks:
  - { name: sums, options: { data: { validation: ${JSON.stringify(opts.evalData)} }, scorer: numeric, maxNewTokens: 4, limit: 4 } }
`,
  );
  const res = await runStudy({ configPath: path.join(dir, 'study.yaml'), outDir: path.join(dir, 'out') });
  return res.trials;
}

describe.skipIf(!gate.run)(gate.title('bad input to the TRL runners: a clear error in the trial, and the study goes on'), () => {
  it('a model folder transformers cannot load and a dataset with the wrong columns fail their trials; a good trial completes', async () => {
    requireBuilt();
    const dir = mkdtempSync(path.join(tmpdir(), 'trl-bad-'));
    const world = await smallWorld(dir);
    // A model folder whose files are all sound (core's preflight refuses cut-short weights or a config.json
    // that is not JSON before the first trial), but whose architecture transformers does not know.
    const broken = path.join(dir, 'broken-model');
    mkdirSync(broken);
    for (const f of readdirSync(SHIPPED_BASE_MODEL)) copyFileSync(path.join(SHIPPED_BASE_MODEL, f), path.join(broken, f));
    const config = JSON.parse(readFileSync(path.join(SHIPPED_BASE_MODEL, 'config.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(path.join(broken, 'config.json'), JSON.stringify({ ...config, model_type: 'no-such-architecture', architectures: ['NoSuchForCausalLM'] }));
    // Its first lines are right (core's preflight checks those with the runner's schema and refuses a
    // file that starts wrong); line 6 has other columns, which only the runner, reading it all, finds.
    const wrongColumns = path.join(dir, 'qa.jsonl');
    writeFileSync(wrongColumns, `${'{"prompt": "1+1=", "completion": " 2"}\n'.repeat(5)}{"question": "Q: 1+1?", "answer": " 2"}\n`);
    // Every pair of (broken, base) x (good data, wrong columns): one good trial among three bad ones.
    const trials = await sftStudy(dir, {
      models: [broken, SHIPPED_BASE_MODEL],
      data: [world.sft.arith, wrongColumns],
      order: ['sft', 'sft', 'sft', 'sft'],
      evalData: world.eval.arith.validation,
    });
    expect(trials).toHaveLength(4);
    const failed = trials.filter((t) => t.state === 'failed');
    const complete = trials.filter((t) => t.state === 'complete');
    expect(complete.length, JSON.stringify(trials.map((t) => t.error?.message))).toBe(1);
    expect(failed).toHaveLength(3);
    const messages = failed.map((t) => `${t.error!.type}: ${t.error!.message}\n${t.error!.logExcerpt ?? ''}`).join('\n---\n');
    expect(messages).toContain(`${wrongColumns}:6: no 'prompt', 'completion' field`);
    expect(messages).toContain("found 'question', 'answer'");
    expect(messages).toContain(`${broken}: transformers cannot load the model`);
    for (const t of failed) expect(t.error!.type).toBe('ExitCode');
    process.stdout.write(
      `[runner-command] bad input trials:\n${failed.map((t) => `  ${`${t.error!.message}\n${t.error!.logExcerpt ?? ''}`.split('\n').find((l) => /sft_trl: .*(field|cannot load)/.test(l)) ?? t.error!.message.slice(0, 300)}`).join('\n')}\n`,
    );
  }, 900_000);

  it('a missing Python and a Python without the packages fail their trials naming what is missing and the fix', async () => {
    requireBuilt();
    const dir = mkdtempSync(path.join(tmpdir(), 'trl-nopy-'));
    const world = await smallWorld(dir);
    // A real Python 3 that lacks torch/trl: the system's or PATH's (the project's stack lives in its own venv).
    const bare = ['/usr/bin/python3', 'python3'].find((p) => {
      const r = spawnSync(p, ['-c', 'import importlib.util as u, sys; sys.exit(0 if u.find_spec("trl") is None else 1)']);
      return r.status === 0;
    });
    const saved = process.env['LAMDAGENT_PYTHON'];
    try {
      process.env['LAMDAGENT_PYTHON'] = path.join(dir, 'no-such-python3');
      const a = await sftStudy(path.join(dir, 'a'), {
        models: [SHIPPED_BASE_MODEL],
        data: [world.sft.arith, world.sft.mc],
        order: ['sft', 'sft'],
        evalData: world.eval.arith.validation,
      });
      expect(a.map((t) => t.state)).toEqual(['failed', 'failed']);
      for (const t of a) {
        expect(t.error!.type).toBe('SpawnError');
        expect(t.error!.message).toContain('no-such-python3: not found');
        expect(t.error!.message).toContain('scripts/python-env.sh');
      }
      process.stdout.write(`[runner-command] missing Python: ${a[0]!.error!.message}\n`);
      if (!bare) {
        process.stdout.write('[runner-command] no Python without trl on this machine: the missing-package case was not run\n');
        return;
      }
      process.env['LAMDAGENT_PYTHON'] = bare;
      const b = await sftStudy(path.join(dir, 'b'), {
        models: [SHIPPED_BASE_MODEL],
        data: [world.sft.arith, world.sft.mc],
        order: ['sft', 'sft'],
        evalData: world.eval.arith.validation,
      });
      expect(b.map((t) => t.state)).toEqual(['failed', 'failed']);
      for (const t of b) {
        const text = `${t.error!.message}\n${t.error!.logExcerpt ?? ''}`;
        expect(text).toMatch(/Python package '(torch|transformers|trl|datasets|accelerate)' is missing/);
        expect(text).toContain('scripts/python-env.sh');
      }
      process.stdout.write(`[runner-command] missing package (${bare}): ${b[0]!.error!.message.split('\n').find((l) => l.includes('is missing')) ?? ''}\n`);
    } finally {
      if (saved === undefined) delete process.env['LAMDAGENT_PYTHON'];
      else process.env['LAMDAGENT_PYTHON'] = saved;
    }
  }, 900_000);
});
