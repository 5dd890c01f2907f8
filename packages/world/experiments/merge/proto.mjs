// Issue 14 prototype: can a merge of two specialists of different skills beat both parents?
// node proto.mjs --epochs 2 --lr 1e-3 --seed 0 --n 300 [--train 1000] [--out /tmp/merge] [--merges SPEC;SPEC]
// Trains (or reuses, by folder name) one light specialist per skill from the shipped base (SFT on the
// world's seed-0 train split of that skill, linear decay, batch 8, seed seed*31+skillIndex as buildWorld),
// scores parents and merges on the first n validation items of arith, mc, rc (greedy, the study's
// scorers), prints one line per model and appends JSON rows to OUT/results.jsonl.
// Merge specs: METHOD:w1,w2[:density] over pairs, e.g. ta:1,1  ta:0.7,0.7  ties:1,1:0.5  lin:0.5,0.5
// Pairs: arith+rc, arith+mc, mc+rc and all three (weights repeated for the third model).
import { appendFileSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { mergeCheckpoints } from '@lamdagent/action-ties';
import { acc, sft, TinyLM, drawSplits, completionFor } from '../lib.mjs';

const { values: v } = parseArgs({
  options: {
    epochs: { type: 'string', default: '2' },
    lr: { type: 'string', default: '1e-3' },
    seed: { type: 'string', default: '0' },
    n: { type: 'string', default: '300' },
    train: { type: 'string', default: '1000' },
    out: { type: 'string', default: '/tmp/merge' },
    base: { type: 'string', default: new URL('../../assets/base-model', import.meta.url).pathname },
    merges: { type: 'string', default: 'ta:1,1;ta:0.7,0.7;ties:1,1:0.5;ties:1,1:1;lin:0.5,0.5' },
    pairs: { type: 'string', default: 'arith+rc;arith+mc;mc+rc;arith+mc+rc' },
    label: { type: 'string', default: '' },
    // A shared start for the specialists (and the merges' base): EPOCHS,LR,PER trains the base on the
    // first PER items of each skill's train split, shuffled by the SFT (seed 7 + 31 * seed), e.g. 1,1e-3,300.
    primer: { type: 'string' },
    // Replay: the specialist also reads the first R items of each other skill's train split (default 0).
    replay: { type: 'string', default: '0' },
  },
});
const SKILLS = ['arith', 'mc', 'rc'];
const seed = Number(v.seed);
const n = Number(v.n);
const recipe = `${v.primer ? 'p' + v.primer.replaceAll(',', '_') + '-' : ''}e${v.epochs}-lr${v.lr}-t${v.train}${Number(v.replay) ? '-r' + v.replay : ''}${v.label ? '-' + v.label : ''}`;
const dir = path.join(v.out, recipe, `s${seed}`);
mkdirSync(dir, { recursive: true });
const val = Object.fromEntries(SKILLS.map((t) => [t, drawSplits(t, 0, { trainSize: 1, valSize: 1000, testSize: 1000 }).validation.slice(0, n)]));

async function score(folder) {
  const m = await TinyLM.load(folder);
  try {
    const s = {};
    for (const t of SKILLS) s[t] = (await acc(m, t, val[t])).acc;
    s.mean = (s.arith + s.mc + s.rc) / 3;
    return s;
  } finally {
    m.dispose();
  }
}
const fmt = (s) => `${SKILLS.map((t) => s[t].toFixed(3)).join(' ')}  mean ${s.mean.toFixed(3)}`;
function record(row) {
  appendFileSync(path.join(v.out, 'results.jsonl'), JSON.stringify({ recipe, seed, n, ...row }) + '\n');
}

const trainSet = (skill) =>
  drawSplits(skill, 0, { trainSize: 1000, valSize: 1000, testSize: 1000 }).train.map((i) => ({ prompt: i.prompt, completion: completionFor(skill, i.answer) }));
if (v.primer) {
  const [pe, plr, per] = v.primer.split(',');
  const folder = path.join(v.out, `primer-${v.primer.replaceAll(',', '_')}${seed ? `-s${seed}` : ''}`);
  if (!existsSync(path.join(folder, 'config.json'))) {
    const examples = SKILLS.flatMap((s) => trainSet(s).slice(0, Number(per)));
    const model = await TinyLM.load(v.base);
    const m = await sft(model, examples, { learningRate: Number(plr), epochs: Number(pe), batchSize: 8, warmup: 0, seed: 7 + 31 * seed });
    await model.save(folder);
    model.dispose();
    console.error(`primer ${v.primer}: ${m.steps} steps loss ${m.initialLoss.toFixed(3)} -> ${m.finalLoss.toFixed(3)} ${m.seconds.toFixed(1)} s`);
  }
  v.base = folder;
  const s = await score(folder);
  console.log(`${recipe} s${seed} ${'primer'.padEnd(22)} ${fmt(s)}`);
  record({ model: 'primer', ...s });
}
const spec = {};
const parent = {};
for (const skill of SKILLS) {
  const folder = path.join(dir, `${skill}-light`);
  if (!existsSync(path.join(folder, 'config.json'))) {
    const examples = [
      ...trainSet(skill).slice(0, Number(v.train)),
      ...SKILLS.filter((o) => o !== skill).flatMap((o) => trainSet(o).slice(0, Number(v.replay))),
    ];
    const model = await TinyLM.load(v.base);
    const m = await sft(model, examples, {
      learningRate: Number(v.lr),
      epochs: Number(v.epochs),
      batchSize: 8,
      warmup: 0,
      seed: seed * 31 + SKILLS.indexOf(skill),
    });
    await model.save(folder);
    model.dispose();
    console.error(`${recipe} s${seed} ${skill}: ${m.steps} steps loss ${m.initialLoss.toFixed(3)} -> ${m.finalLoss.toFixed(3)} ${m.seconds.toFixed(1)} s`);
  }
  spec[skill] = folder;
  parent[skill] = await score(folder);
  console.log(`${recipe} s${seed} ${skill.padEnd(22)} ${fmt(parent[skill])}`);
  record({ model: skill, ...parent[skill] });
}
const tmp = path.join(dir, '.merge');
for (const pair of v.pairs.split(';')) {
  const skills = pair.split('+');
  const bestParent = Math.max(...skills.map((s) => parent[s].mean));
  for (const ms of v.merges.split(';')) {
    const [method, w, density] = ms.split(':');
    const ws = w.split(',').map(Number);
    const weights = skills.map((_, k) => ws[k] ?? ws[0]);
    const name = { ta: 'task_arithmetic', ties: 'ties', lin: 'linear' }[method] ?? method;
    rmSync(tmp, { recursive: true, force: true });
    await mergeCheckpoints({
      merge: { method: name, weights, ...(density ? { density: Number(density) } : {}) },
      base: v.base,
      models: skills.map((s) => spec[s]),
      outputDir: tmp,
      threads: 0,
    });
    const s = await score(tmp);
    const gain = s.mean - bestParent;
    console.log(`${recipe} s${seed} ${(pair + ' ' + ms).padEnd(22)} ${fmt(s)}  vs best parent ${gain >= 0 ? '+' : ''}${gain.toFixed(3)}`);
    record({ model: `${pair} ${ms}`, ...s, gain });
  }
}
rmSync(tmp, { recursive: true, force: true });
