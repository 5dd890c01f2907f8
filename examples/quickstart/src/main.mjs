#!/usr/bin/env node
// The embedded-world quickstart: build (or reuse) the world, then the generic commands a user runs on any
// config: `lamdagent run` (the study), `lamdagent baselines` (the paper's comparison points) and
// `lamdagent table` (the Table-1-style comparison, out-of-distribution tasks on the test split included).
// Usage: node src/main.mjs [--iterations N] [--policy NAME] [--out DIR] [--seeds N] [--fft-epochs E,...]
//                          [--compute-matched] [--baselines-only] [--no-baselines] [--compute-baselines]
//                          [--write-prebuilt] [--base-model DIR]
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { main as cli } from '@lamdagent/cli';
import { buildWorld } from '@lamdagent/world';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const HELP = `npm run quickstart [-- options]

Builds the embedded world into examples/quickstart/world (cached: a re-run reuses it), runs the study
in examples/quickstart/study.yaml (lamdagent run), computes the baselines (lamdagent baselines: the
initial models as they are, a TIES grid search, Fully Fine-Tuned; cached in world/baselines/) and prints
a comparison like the paper's Table 1 (lamdagent table), out-of-distribution tasks (ood-tasks.yaml)
scored on the test split. The default baselines come prebuilt (prebuilt/baselines.json, what
--compute-baselines computes, value for value; used while prebuilt/key.json matches the world's digest,
study.yaml and ood-tasks.yaml): the table then costs only the study's own top-3 on the test split.

  --iterations N     trials (default: study.yaml's budget, 20)
  --policy NAME      greedy (default), surrogate, evolution, halving, random-type, random (the paper's baseline), llm
  --out DIR          study folder (default: examples/quickstart/studies/<time>)
  --seeds N          training seeds of Fully Fine-Tuned (default 1, what the quickstart's time affords;
                     one seed can sit 0.03 below its own mean)
  --fft-epochs E,... also Fully Fine-Tuned at these epochs (e.g. 20)
  --compute-matched  also Fully Fine-Tuned with as many SFT examples as the study's top-1 pipeline (not cached
                     across studies: it trains once per study)
  --baselines-only   build the world and compute/print the baselines, run no study
  --no-baselines     skip the baselines and the table
  --compute-baselines  compute the baselines (about 4 min the first time; cached in world/baselines/) even
                     when prebuilt ones match this world; --seeds, --fft-epochs and --compute-matched imply it
  --write-prebuilt   compute the baselines and write them to prebuilt/ (after a change to the world,
                     study.yaml or ood-tasks.yaml; commit both files)
  --base-model DIR   start the world from another base model folder (default: the shipped one)`;

const { values } = parseArgs({
  options: {
    iterations: { type: 'string' },
    policy: { type: 'string' },
    out: { type: 'string' },
    seeds: { type: 'string', default: '1' },
    'fft-epochs': { type: 'string' },
    'compute-matched': { type: 'boolean' },
    'baselines-only': { type: 'boolean' },
    'no-baselines': { type: 'boolean' },
    'compute-baselines': { type: 'boolean' },
    'write-prebuilt': { type: 'boolean' },
    'base-model': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
const log = (line) => process.stderr.write(`${line}\n`);
if (values['write-prebuilt'] && (values.seeds !== '1' || values['fft-epochs'] || values['compute-matched'] || values['no-baselines'])) {
  log('--write-prebuilt: only the default baselines are prebuilt (no --seeds, --fft-epochs, --compute-matched or --no-baselines)');
  process.exit(2);
}
const t0 = Date.now();
const secs = () => `${((Date.now() - t0) / 1000).toFixed(0)} s`;
const config = path.join(root, 'study.yaml');
const oodTasks = path.join(root, 'ood-tasks.yaml');
const worldDir = path.join(root, 'world');

/** One `lamdagent` command in this process; exits with its code when it fails. `out`: where its output goes. */
async function lamdagent(argv, out = (t) => console.log(t)) {
  const code = await cli(argv, { out, err: log, env: process.env, cwd: process.cwd() }).catch((e) => {
    log(`lamdagent: ${e.message}`);
    return e.exitCode ?? 1;
  });
  if (code !== 0) process.exit(code);
}

log('== building the embedded world (cached after the first run)');
const world = await buildWorld(
  worldDir,
  { seed: 0, interference: {}, lowFidelity: { fractions: [0.25] }, ...(values['base-model'] ? { baseModel: path.resolve(values['base-model']) } : {}) },
  { log },
);
log(`world ready: ${world.built.length ? `built ${world.built.join(', ')}` : 'all reused'} (${secs()})`);

let studyDir;
if (!values['baselines-only']) {
  studyDir = path.resolve(values.out ?? path.join(root, 'studies', new Date().toISOString().replace(/[:.]/g, '-')));
  log(`\n== running the study: lamdagent run ${config}`);
  const argv = ['run', config, '--out', studyDir];
  if (values.iterations) argv.push('--iterations', values.iterations);
  if (values.policy) argv.push('--policy', values.policy);
  const studyStart = Date.now();
  await lamdagent(argv);
  log(`study finished in ${((Date.now() - studyStart) / 1000).toFixed(0)} s`);
}

if (!values['no-baselines']) {
  // One folder per world build: another base model makes another world, with its own baselines.
  const baselines = path.join(worldDir, 'baselines', world.digest.slice(0, 12));
  // The prebuilt baselines are the default ones (1 seed, the action's own epochs) of this world, study.yaml and
  // ood-tasks.yaml: any other options or inputs compute them.
  const prebuilt = path.join(root, 'prebuilt');
  const sha = (file) => createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 16);
  const key = { world: world.digest, study: sha(config), oodTasks: sha(oodTasks) };
  const keyFile = path.join(prebuilt, 'key.json');
  const matches =
    existsSync(keyFile) && existsSync(path.join(prebuilt, 'baselines.json')) && readFileSync(keyFile, 'utf8') === `${JSON.stringify(key, null, 2)}\n`;
  const defaults = values.seeds === '1' && !values['fft-epochs'] && !values['compute-matched'];
  const compute = values['compute-baselines'] || values['write-prebuilt'] || !defaults || !matches;
  if (defaults && !matches && !values['write-prebuilt'])
    log('\nthe prebuilt baselines are for another world, study.yaml or ood-tasks.yaml (prebuilt/key.json): computing them');
  let from = baselines;
  if (compute) {
    // The TIES grid: each pair of specialists × weights {0.5, 1}² (12 merges): with 1,000 validation items per
    // task, each merge costs a full evaluation, and the default {0.3, 0.5, 0.7}² would take 27.
    const argv = ['baselines', config, '--seeds', values.seeds, '--out', baselines, '--test-tasks', oodTasks, '--merge-weights', '0.5,1'];
    if (values['fft-epochs']) argv.push('--fft-epochs', values['fft-epochs']);
    if (values['compute-matched'] && studyDir) argv.push('--match-study', studyDir);
    log(`\n== baselines (cached in ${path.relative(root, baselines)}): lamdagent ${argv.join(' ')}`);
    const started = Date.now();
    // With a study, its table (below) shows the baselines: theirs alone goes to the log.
    await lamdagent(argv, studyDir ? log : undefined);
    log(`baselines in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    if (values['write-prebuilt']) {
      mkdirSync(prebuilt, { recursive: true });
      copyFileSync(path.join(baselines, 'baselines.json'), path.join(prebuilt, 'baselines.json'));
      writeFileSync(keyFile, `${JSON.stringify(key, null, 2)}\n`);
      log('wrote prebuilt/baselines.json and prebuilt/key.json');
    }
  } else {
    from = prebuilt;
    log('\n== baselines: prebuilt for this world and study (prebuilt/baselines.json; --compute-baselines computes them)');
    if (!studyDir) await lamdagent(['table', prebuilt]);
  }
  if (studyDir) {
    // The study folder's baselines.json: what `lamdagent table` and the dashboard's leaderboard read.
    copyFileSync(path.join(from, 'baselines.json'), path.join(studyDir, 'baselines.json'));
    log(`\n== the comparison table: lamdagent table ${studyDir} -k 3 --evaluate --test-tasks ${oodTasks}`);
    await lamdagent(['table', studyDir, '-k', '3', '--evaluate', '--test-tasks', oodTasks]);
  }
}
if (studyDir) console.log(`\nlook at it:  npx lamdagent dashboard ${studyDir}\n             npx lamdagent report ${studyDir} -o report.html`);
log(`quickstart done in ${secs()}`);
