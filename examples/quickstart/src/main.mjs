#!/usr/bin/env node
// The embedded-world quickstart: build (or reuse) the world, run a study, compute the paper's baselines,
// and print the leaderboard, the best pipeline and a Table-1-style comparison.
// Usage: node src/main.mjs [--iterations N] [--policy NAME] [--out DIR] [--baselines-only] [--no-baselines]
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { main as cli } from '@lamdagent/cli';
import { openStudy, recordEvaluations, topK } from '@lamdagent/core';
import { writeFileAtomic } from '@lamdagent/core/kit';
import { buildWorld } from '@lamdagent/world';
import { computeBaselines } from './baselines.mjs';
import { createEvaluator } from './evaluate.mjs';
import { baselinesJson, table1 } from './report.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const HELP = `npm run quickstart [-- options]

Builds the embedded world into examples/quickstart/world (cached: a re-run reuses it), runs the study
in examples/quickstart/study.yaml, computes the baselines (specialists, TIES grid search, Fully
Fine-Tuned; cached) and prints a comparison like the paper's Table 1.

  --iterations N     trials (default: study.yaml's budget, 20)
  --policy NAME      greedy (default), surrogate, evolution, halving, random-type, random (the paper's baseline), llm
  --out DIR          study folder (default: examples/quickstart/studies/<time>)
  --baselines-only   build the world and compute/print the baselines, run no study
  --no-baselines     skip the baselines and the table
  --base-model DIR   start the world from another base model folder (default: the shipped one)`;

const { values } = parseArgs({
  options: {
    iterations: { type: 'string' },
    policy: { type: 'string' },
    out: { type: 'string' },
    'baselines-only': { type: 'boolean' },
    'no-baselines': { type: 'boolean' },
    'base-model': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const log = (line) => process.stderr.write(`${line}\n`);
const t0 = Date.now();
const secs = () => `${((Date.now() - t0) / 1000).toFixed(0)} s`;
const config = path.join(root, 'study.yaml');
const worldDir = path.join(root, 'world');

log('== building the embedded world (cached after the first run)');
const world = await buildWorld(worldDir, { seed: 0, ...(values['base-model'] ? { baseModel: path.resolve(values['base-model']) } : {}) }, { log });
log(`world ready: ${world.built.length ? `built ${world.built.join(', ')}` : 'all reused'} (${secs()})`);

let studyDir;
if (!values['baselines-only']) {
  studyDir = path.resolve(values.out ?? path.join(root, 'studies', new Date().toISOString().replace(/[:.]/g, '-')));
  log(`\n== running the study (${config})`);
  const argv = ['run', config, '--out', studyDir];
  if (values.iterations) argv.push('--iterations', values.iterations);
  if (values.policy) argv.push('--policy', values.policy);
  const studyStart = Date.now();
  const code = await cli(argv, { out: (t) => console.log(t), err: log, env: process.env, cwd: process.cwd() }).catch((e) => {
    log(`lamdagent: ${e.message}`);
    return e.exitCode ?? 1;
  });
  if (code !== 0) process.exit(code);
  log(`study finished in ${((Date.now() - studyStart) / 1000).toFixed(0)} s`);
}

if (!values['no-baselines']) {
  log('\n== baselines and the comparison table');
  const evaluator = await createEvaluator(config, worldDir);
  const baselines = await computeBaselines(world, evaluator, log);
  const rows = [];
  for (const b of baselines)
    rows.push({ group: 'Baselines', name: b.name, validation: await evaluator.scores(b.path, 'validation'), test: await evaluator.scores(b.path, 'test') });
  if (studyDir) {
    const view = openStudy(studyDir);
    const top = topK(view.trials, 3);
    const evals = [];
    for (const [i, t] of top.entries()) {
      const test = await evaluator.scores(t.produced.path, 'test');
      rows.push({
        group: `Study (${view.snapshot.config.policy?.name ?? view.snapshot.config.policy} policy), top-k by validation reward`,
        name: `Top-${i + 1} ${t.produced.name}`,
        validation: await evaluator.scores(t.produced.path, 'validation'),
        test,
      });
      evals.push({ index: t.index, split: 'test', scores: test });
    }
    recordEvaluations(studyDir, evals);
    writeFileAtomic(path.join(studyDir, 'baselines.json'), JSON.stringify(baselinesJson(rows), null, 2));
  }
  console.log(`\n${table1(rows)}`);
}
if (studyDir) console.log(`\nlook at it:  npx lamdagent dashboard ${studyDir}\n             npx lamdagent report ${studyDir} -o report.html`);
log(`quickstart done in ${secs()}`);
