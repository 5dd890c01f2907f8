// node run.mjs DATA OUTROOT STEP...: trains one pipeline and scores checkpoints on the three in-distribution
// tasks, validation and test, 1,000 items each (the world's splits, seed 0), greedy, the study's scorers.
// Steps, applied in order to the current model (start: the shipped base model):
//   load:PATH        start from a saved model (a specialist, an earlier checkpoint)
//   sft:NAME[*K]     K study trials (default 1): SFT on DATA/NAME.jsonl, 1 epoch, lr 2e-3, batch 8, each
//                    trial a fresh run with linear decay (as the quickstart's `sft` action); trial seeds 1, 2, ...
//   fft:NAME*K       one SFT run of K epochs on DATA/NAME.jsonl (Fully Fine-Tuned), lr 2e-3, batch 8, seed $SEED (0)
//   ties:PATH        TIES of (current, PATH) over the base model, weights 0.5/0.5, density 0.5 (the quickstart's)
//   eval:LABEL       save to OUTROOT/LABEL and score; prints and appends a line to OUTROOT/results.jsonl
// Training CPU seconds are counted since the start (cumulative along the chain), scoring CPU separately.
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { mergeCheckpoints } from '@lamdagent/action-ties';
import { acc, sft, TinyLM, drawSplits } from '../lib.mjs';

const [data, outRoot, ...steps] = process.argv.slice(2);
if (!data || !outRoot || steps.length === 0) {
  console.error('usage: node run.mjs DATA OUTROOT STEP... (load:PATH sft:NAME[*K] fft:NAME*K ties:PATH eval:LABEL)');
  process.exit(2);
}
const BASE = new URL('../../assets/base-model', import.meta.url).pathname;
const fftSeed = Number(process.env.SEED ?? 0);
const trialSeed0 = Number(process.env.TRIAL_SEED ?? 1);
mkdirSync(outRoot, { recursive: true });
const readSet = (name) => {
  const file = path.join(data, `${name}.jsonl`);
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l, k) => {
      const r = JSON.parse(l);
      if (typeof r.prompt !== 'string' || typeof r.completion !== 'string') throw new Error(`${file}:${k + 1}: prompt and completion must be strings`);
      return r;
    });
};
const items = {};
for (const t of ['arith', 'mc', 'rc']) items[t] = drawSplits(t, 0, { trainSize: 1, valSize: 1000, testSize: 1000 });

let model = await TinyLM.load(BASE);
let trial = trialSeed0;
let trainCpu = 0;
const cpu =
  (f) =>
  async (...a) => {
    const c0 = process.cpuUsage();
    const r = await f(...a);
    const c = process.cpuUsage(c0);
    return [r, (c.user + c.system) / 1e6];
  };
const tmpDir = path.join(outRoot, '.tmp');
for (const step of steps) {
  const [kind, rest] = [step.slice(0, step.indexOf(':')), step.slice(step.indexOf(':') + 1)];
  const [name, times = '1'] = rest.split('*');
  if (kind === 'load') {
    model.dispose();
    model = await TinyLM.load(rest);
  } else if (kind === 'sft') {
    const ex = readSet(name);
    for (let k = 0; k < Number(times); k++) {
      const [, s] = await cpu(sft)(model, ex, { learningRate: 2e-3, epochs: 1, batchSize: 8, seed: trial++ });
      trainCpu += s;
    }
  } else if (kind === 'fft') {
    const [, s] = await cpu(sft)(model, readSet(name), { learningRate: 2e-3, epochs: Number(times), batchSize: 8, seed: fftSeed });
    trainCpu += s;
  } else if (kind === 'ties') {
    await model.save(tmpDir);
    const out = `${tmpDir}-ties`;
    await mergeCheckpoints({ merge: { method: 'ties', weights: [0.5, 0.5], density: 0.5 }, base: BASE, models: [tmpDir, rest], outputDir: out, threads: 0 });
    model.dispose();
    model = await TinyLM.load(out);
  } else if (kind === 'eval') {
    await model.save(path.join(outRoot, rest));
    const c0 = process.cpuUsage();
    const row = { label: rest, steps: steps.slice(0, steps.indexOf(step)).join(' '), trainCpu: Math.round(trainCpu) };
    for (const split of ['validation', 'test']) {
      const s = {};
      for (const t of ['arith', 'mc', 'rc']) s[t] = Number((await acc(model, t, items[t][split])).acc.toFixed(3));
      s.mean = Number(((s.arith + s.mc + s.rc) / 3).toFixed(3));
      row[split] = s;
    }
    const c = process.cpuUsage(c0);
    row.evalCpu = Math.round((c.user + c.system) / 1e6);
    console.log(JSON.stringify(row));
    appendFileSync(path.join(outRoot, 'results.jsonl'), JSON.stringify(row) + '\n');
  } else {
    console.error(`run.mjs: unknown step ${step}`);
    process.exit(2);
  }
}
