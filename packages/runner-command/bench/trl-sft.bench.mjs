// Seconds per tiny TRL SFT job on CPU: the embedded world's GPT-2, 8 steps of batch 8, full vs LoRA,
// run as the sft-trl runner runs it (`<python> sft_trl.py --spec spec.json`), alternating A,B,B,A so
// machine noise cancels; also the bare import time of torch + transformers + trl (paid by every job).
// Needs the project venv (scripts/python-env.sh) or LAMDAGENT_PYTHON; prints a reason and exits 0 without.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pythonDir, resolvePython } from '../dist/index.js';
import { generateWorldData, SHIPPED_BASE_MODEL } from '@lamdagent/world';

const py = resolvePython();
const probe = spawnSync(py.python, ['-c', 'import torch, transformers, trl, peft'], { encoding: 'utf8' });
if (probe.status !== 0) {
  console.log(`skipped: ${py.python} (${py.source}) lacks torch/transformers/trl/peft; run scripts/python-env.sh`);
  process.exit(0);
}
const dir = mkdtempSync(path.join(tmpdir(), 'trl-bench-'));
const world = await generateWorldData(path.join(dir, 'world'), { seed: 1, trainSize: 64, valSize: 8, testSize: 8 });
let n = 0;
function job(lora) {
  const name = `j${n++}`;
  const jobDir = path.join(dir, name, 'job');
  mkdirSync(jobDir, { recursive: true });
  const spec = {
    schemaVersion: 1,
    jobId: name,
    actionKey: name,
    action: 'sft',
    actionType: 'sft',
    runner: 'sft-trl',
    runnerVersion: '1',
    inputs: [
      { slot: 'model', id: 'm', name: 'base', type: 'model', value: SHIPPED_BASE_MODEL, digest: 'd' },
      { slot: 'dataset', id: 'd', name: 'arith', type: 'dataset', value: world.sft.arith, digest: 'd' },
      { slot: 'learning_rate', id: 'l', name: 'lr', type: 'number', value: 0.003, digest: 'd' },
    ],
    params: { epochs: 1, batchSize: 8, maxSteps: 8 },
    runnerParams: lora ? { lora_r: 8, lora_alpha: 32 } : {},
    outputDir: path.join(dir, name, 'out'),
    jobDir,
    seed: 1,
    resources: { gpus: 0, cpus: 2 },
    plugins: [],
    smoke: false,
  };
  writeFileSync(path.join(jobDir, 'spec.json'), JSON.stringify(spec));
  const t0 = performance.now();
  const r = spawnSync(py.python, [path.join(pythonDir(), 'sft_trl.py'), '--spec', path.join(jobDir, 'spec.json')], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sft_trl.py failed: ${r.stderr.slice(-1500)}`);
  return (performance.now() - t0) / 1000;
}
function importSec() {
  const t0 = performance.now();
  spawnSync(py.python, ['-c', 'import torch, transformers, trl, datasets; from trl import SFTTrainer'], { encoding: 'utf8' });
  return (performance.now() - t0) / 1000;
}
const full = [];
const lora = [];
const imports = [];
for (const order of [
  [false, true],
  [true, false],
]) {
  for (const l of order) (l ? lora : full).push(job(l));
  imports.push(importSec());
}
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
console.log(`python: ${py.python} (${py.source})`);
console.log(`tiny TRL SFT job, full fine-tuning: ${mean(full).toFixed(1)} s (runs ${full.map((x) => x.toFixed(1)).join(', ')})`);
console.log(`tiny TRL SFT job, LoRA r=8 merged:  ${mean(lora).toFixed(1)} s (runs ${lora.map((x) => x.toFixed(1)).join(', ')})`);
console.log(`import torch+transformers+trl:      ${mean(imports).toFixed(1)} s`);
console.log(`ratio LoRA / full: ${(mean(lora) / mean(full)).toFixed(2)}`);
