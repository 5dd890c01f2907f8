#!/usr/bin/env node
// The paper's Experiment 2 on the embedded tools world: build (or reuse) the world, run a study whose
// reward is tool_call + 1/10 x instruct, compute the baselines (the base as it is, each dataset's SFT,
// Fully Fine-Tuned over seeds) and print a Figure-4-style comparison on the held-out test split.
// Two variants: `learnable` (default: study-learnable.yaml on world/learnable, where tool use is learned)
// and `first` (study.yaml on world/, the first edition, where it is not).
// Usage: node src/main.mjs [--variant learnable|first] [--iterations N] [--policy NAME] [--out DIR] [--seeds N] [--no-study] [--no-baselines]
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { main as cli } from '@lamdagent/cli';
import { openStudy, recordEvaluations, topK } from '@lamdagent/core';
import { writeFileAtomic } from '@lamdagent/core/kit';
import { buildToolsWorld } from '@lamdagent/world';
import { createEvaluator } from './evaluate.mjs';
import { datasetsConfig, figure4 } from './report.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const HELP = `node src/main.mjs [options]   (npm start in examples/tool-use)

  --variant V      learnable (default): study-learnable.yaml on world/learnable, the variant where tool
                   use is learned (30 trials, surrogate policy); first: study.yaml on world/, the first
                   edition (20 trials, greedy), where tool use stays at 0
  --iterations N   study trials (default: the config's)
  --policy NAME    the config's (surrogate / greedy), or random-type, random, evolution, llm
  --out DIR        study folder (default: studies/<time>)
  --seeds N        training seeds of Fully Fine-Tuned (default 1)
  --no-study       baselines and the comparison only
  --no-baselines   the study only`;

const { values } = parseArgs({
  options: {
    variant: { type: 'string', default: 'learnable' },
    iterations: { type: 'string' },
    policy: { type: 'string' },
    out: { type: 'string' },
    seeds: { type: 'string', default: '1' },
    'no-study': { type: 'boolean' },
    'no-baselines': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const log = (line) => process.stderr.write(`${line}\n`);
const t0 = Date.now();
const secs = (since = t0) => `${((Date.now() - since) / 1000).toFixed(0)} s`;
if (values.variant !== 'learnable' && values.variant !== 'first') {
  console.error(`--variant: learnable or first, got ${values.variant}\n\n${HELP}`);
  process.exit(2);
}
const LEARNABLE = values.variant === 'learnable';
const config = path.join(root, LEARNABLE ? 'study-learnable.yaml' : 'study.yaml');
const worldDir = path.join(root, 'world');
// The variant's world: its data, models, baselines and evaluation cache.
const variantDir = LEARNABLE ? path.join(worldDir, 'learnable') : worldDir;
const io = { out: (t) => console.log(t), err: log, env: process.env, cwd: root };
async function lamdagent(argv) {
  const code = await cli(argv, io).catch((e) => {
    log(`lamdagent: ${e.message}`);
    return e.exitCode ?? 1;
  });
  if (code !== 0) process.exit(code);
}

log('== building the tools world (cached after the first run)');
const world = await buildToolsWorld(worldDir, { seed: 0 }, { log });
log(`world ready: ${world.built.length ? `built ${world.built.join(', ')}` : 'all reused'} (${secs()})`);
// The learnable variant (study-learnable.yaml): tool-json lists two signatures and a tool-mix set mixes
// target-shaped calls with instructions, so tool use is learned by chained one-epoch trials (world README).
const learnable = await buildToolsWorld(
  path.join(worldDir, 'learnable'),
  { seed: 0, toolJsonListing: 'two', toolMix: true, toolMixWording: 'target' },
  { log },
);
log(`learnable variant (world/learnable): ${learnable.built.length ? `built ${learnable.built.join(', ')}` : 'all reused'} (${secs()})`);

let studyDir;
if (!values['no-study']) {
  studyDir = path.resolve(values.out ?? path.join(root, 'studies', new Date().toISOString().replace(/[:.]/g, '-')));
  log(`\n== running the study (${config})`);
  const argv = ['run', config, '--out', studyDir];
  if (values.iterations) argv.push('--iterations', values.iterations);
  if (values.policy) argv.push('--policy', values.policy);
  const started = Date.now();
  await lamdagent(argv);
  log(`study finished in ${secs(started)}`);
}

if (!values['no-baselines']) {
  log("\n== baselines: Fully Fine-Tuned (lamdagent baselines), each dataset's SFT (a scripted study)");
  const started = Date.now();
  const blDir = path.join(variantDir, 'baselines');
  await lamdagent(['baselines', config, '--seeds', values.seeds, '--out', blDir]);
  const dsConfig = path.join(root, LEARNABLE ? 'datasets-learnable.yaml' : 'datasets.yaml');
  const ds = datasetsConfig(readFileSync(config, 'utf8'), path.basename(config));
  writeFileAtomic(dsConfig, ds.yaml, { durable: false });
  const dsDir = path.join(variantDir, 'datasets-study');
  const done = existsSync(dsDir) && openStudy(dsDir).trials.filter((t) => t.state === 'complete').length === ds.count;
  if (!done) {
    rmSync(dsDir, { recursive: true, force: true });
    await lamdagent(['run', dsConfig, '--out', dsDir]);
  }
  log(`baselines ready in ${secs(started)}`);

  const evaluator = await createEvaluator(config, variantDir);
  const rows = [];
  const add = async (group, name, modelPath) =>
    rows.push({ group, name, validation: await evaluator.scores(modelPath, 'validation'), test: await evaluator.scores(modelPath, 'test') });
  await add('Baselines', 'Base model (instruction-tuned)', (LEARNABLE ? learnable : world).baseModel);
  for (const t of openStudy(dsDir).trials) if (t.produced) await add('Baselines', `SFT ${t.action.inputs[1]?.name ?? '?'}`, t.produced.path);
  const bl = JSON.parse(readFileSync(path.join(blDir, 'baselines.json'), 'utf8'));
  const fft = (split) => bl.find((r) => r.name.startsWith('Fully Fine-Tuned') && r.split === split);
  if (fft('test')) {
    const scores = (split) => ({ ...fft(split).scores, reward: fft(split).scores.tool_call + fft(split).scores.instruct / 10 });
    rows.push({ group: 'Baselines', name: fft('test').name, validation: scores('validation'), test: scores('test') });
  }
  if (studyDir) {
    const view = openStudy(studyDir);
    const evals = [];
    for (const [i, t] of topK(view.trials, 3).entries()) {
      await add(
        `Study (${view.snapshot.config.policy?.name ?? view.snapshot.config.policy} policy), top-k by validation reward`,
        `Top-${i + 1} ${t.produced.name}`,
        t.produced.path,
      );
      const test = rows.at(-1).test;
      evals.push({ index: t.index, split: 'test', scores: { tool_call: test.tool_call, instruct: test.instruct } });
    }
    recordEvaluations(studyDir, evals);
  }
  console.log(`\n${figure4(rows)}`);
}
if (studyDir) console.log(`\nlook at it:  npx lamdagent dashboard ${studyDir}`);
log(`tool-use example done in ${secs()}`);
