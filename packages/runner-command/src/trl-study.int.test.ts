import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runStudy } from '@lamdagent/core';
import { openCheckpoint } from '@lamdagent/safetensors';
import { SHIPPED_BASE_MODEL } from '@lamdagent/world';
import { describe, expect, it } from 'vitest';
import { checkAgainstTransformers } from './test-hf.js';
import { pythonGate } from './test-python.js';
import { journalTrials, PLUGINS, requireBuilt, smallWorld, TRL_PARAMS } from './test-study.js';

const gate = pythonGate('TRL study tests', ['torch', 'transformers', 'trl', 'peft', 'datasets']);
describe.skipIf(!gate.run)(gate.title('a study mixing TRL (Python) and the TypeScript TIES merge on HF checkpoints'), () => {
  it('SFT, LoRA SFT, TIES of both, LoRA DPO of the merge: losses fall, every output loads everywhere, scores and metrics in the journal', async () => {
    requireBuilt();
    const dir = mkdtempSync(path.join(tmpdir(), 'trl-study-'));
    const world = await smallWorld(dir);
    writeFileSync(
      path.join(dir, 'study.yaml'),
      `seed: 3
budget: { iterations: 4 }
policy: { name: in-order, options: { order: [sft, sft_lora, ties_merging, dpo] } }
plugins: ${JSON.stringify(PLUGINS)}
discoverPlugins: false
executor: subprocess
objects:
  base_models: { values: [${JSON.stringify(SHIPPED_BASE_MODEL)}], names: [base] }
  models: []
  sft_data: { values: ${JSON.stringify([world.sft.arith, world.sft.mc])}, names: [arith-sft, mc-sft] }
  sft_lr: [0.003]
  dpo_data: { values: [${JSON.stringify(world.preference.all)}], names: [pref] }
  dpo_lr: [0.005]     # LoRA: a learning rate ~10x full fine-tuning's
  dpo_beta: [0.1]
  ties_weights: [[0.5, 0.5]]
  ties_density: [0.5]
actions:
  sft: { slots: [base_models, sft_data, sft_lr], runner: sft-trl, params: ${TRL_PARAMS}, runnerParams: { logging_steps: 1 } }
  sft_lora: { type: sft, slots: [base_models, sft_data, sft_lr], runner: sft-trl, params: ${TRL_PARAMS}, runnerParams: { logging_steps: 1, lora_r: 8, lora_alpha: 32 } }
  ties_merging: [base_models, models, models, ties_weights, ties_density]
  dpo: { slots: [models, dpo_data, dpo_lr, dpo_beta], runner: dpo-trl, params: ${TRL_PARAMS}, runnerParams: { logging_steps: 1, lora_r: 8, lora_alpha: 32 } }
tasks:
  - { name: arith, options: { data: { validation: ${JSON.stringify(world.eval.arith.validation)} }, scorer: numeric, maxNewTokens: 4, limit: 8 } }
  - { name: mc, options: { data: { validation: ${JSON.stringify(world.eval.mc.validation)} }, scorer: choice, maxNewTokens: 6, limit: 8 } }
`,
    );
    const out = path.join(dir, 'out');
    const started = Date.now();
    const res = await runStudy({ configPath: path.join(dir, 'study.yaml'), outDir: out });
    const sec = (Date.now() - started) / 1000;
    expect(res.trials.map((t) => [t.action.name, t.state, t.error?.message ?? ''])).toEqual([
      ['sft', 'complete', ''],
      ['sft_lora', 'complete', ''],
      ['ties_merging', 'complete', ''],
      ['dpo', 'complete', ''],
    ]);
    const journal = journalTrials(out);
    for (const t of journal.filter((j) => j.action.name !== 'ties_merging')) {
      // Losses logged at every step by TRL, first and last step in metrics.json, then in the journal.
      expect(t.metrics['final_loss'], `${t.action.name} ${JSON.stringify(t.metrics)}`).toBeLessThan(t.metrics['initial_loss']!);
      expect(t.metrics['steps']).toBe(6);
      process.stdout.write(
        `[runner-command] TRL ${t.action.name}: loss ${t.metrics['initial_loss']!.toFixed(4)} -> ${t.metrics['final_loss']!.toFixed(4)} in ${t.metrics['commandSec']?.toFixed(1)} s\n`,
      );
    }
    for (const name of ['sft_lora', 'dpo']) expect(journal.find((t) => t.action.name === name)!.metrics['lora_trainable_params']).toBeGreaterThan(0);
    for (const t of res.trials) expect(Object.keys(t.scores).sort()).toEqual(['arith', 'mc']); // the tiny backend read every model
    // LoRA: the adapter is kept beside the merged full model.
    for (const lora of [res.trials[1]!.produced!.path, res.trials[3]!.produced!.path])
      for (const f of ['adapter/adapter_config.json', 'adapter/adapter_model.safetensors', 'model.safetensors', 'config.json'])
        expect(existsSync(path.join(lora, f)), f).toBe(true);
    // Our safetensors reader: the same tensors as the base, in every produced model.
    const base = await openCheckpoint(SHIPPED_BASE_MODEL);
    for (const t of res.trials) {
      const ck = await openCheckpoint(t.produced!.path);
      expect(ck.names().sort()).toEqual(base.names().sort());
      for (const n of base.names()) expect(ck.info(n).shape).toEqual(base.info(n).shape);
      await ck.close();
    }
    await base.close();
    // The DPO model (TRL's output, trained on a TIES merge) loads in transformers and scores as in TinyLM.
    const { hf, ours } = await checkAgainstTransformers(gate.python, res.trials[3]!.produced!.path);
    expect(hf.missing).toEqual([]);
    for (const [i, lp] of ours.entries()) expect(Math.abs(lp - hf.logprobs![i]!)).toBeLessThan(1e-3);
    process.stdout.write(
      `[runner-command] mixed study (TRL SFT, LoRA SFT merged, TIES, LoRA DPO merged) complete in ${sec.toFixed(0)} s; LoRA merged; top reward ${res.top[0]?.reward}\n`,
    );
  }, 1_200_000);
});
