#!/usr/bin/env node
// A real open-weight agent LLM choosing every action: Gemma 3 270M (GGUF Q4_K_M from PyPI, installed by
// scripts/ci/agent-llm.sh) running in-process through the llama-cpp provider, with constrained answers
// (llama.cpp grammar) and without (free text `[[k]]`), against the `random` policy at equal budget.
// Two worlds:
//  - default: the tabular benchmark, i.e. a study config replayed from a table (`lamdagent bench export`)
//    through @lamdagent/science's `replay` executor: an action the table does not hold fails as a TableMiss
//    (counted, never scored, not a crash). By default the shipped table of the embedded world,
//    `--table packages/science/tables/embedded-world.json --config examples/quickstart/study.yaml`; the
//    embedded world's files (examples/quickstart/world, whose digests the table is checked against) are
//    built first when missing, or reused, as science's compare benchmark does;
//  - `--toy`: the toy study of this package's tests (JSON-vector models: SFT moves toward a dataset's
//    target, merging averages, the reward is closeness to two task targets).
// Threads default to 1: llama.cpp's threads wait for each other by spinning, and on a machine loaded by
// other jobs 2 threads measured about 20 times slower per call than 1 (110-150 s against 5.4 s).
// Runs alternate per seed (constrained, free, random, then the reverse), so machine noise spreads over all
// modes. Seeds are paired: seed s is the same study seed for every mode.
//
//   npx turbo run build --filter=@lamdagent/policy-llm... --filter=@lamdagent/science
//   node packages/policy-llm/bench/agent.bench.mjs [--seeds 5] [--iterations 20] [--threads 1]
//        [--table FILE --config FILE [--fill] | --toy] [--modes constrained,free,hybrid,surrogate,random] [--order seeded|fixed] [--runs FILE [--report]] [--from K] [--json]
//
// Prints per mode: valid-first-time rate, retried, fell back, table misses, seconds per iteration, input
// tokens per iteration at the first and last iteration, how many of the seeds' runs chose different action
// sequences (distinct runs), best reward (mean over seeds and per seed), for the hybrid how many shortlist
// answers took the surrogate's first proposal (`shortlist #0`), then each mode against `random` (and the
// hybrid against `surrogate` and `constrained`) paired over seeds (mean difference with a 95% t interval, Wilcoxon
// signed-rank p; both from @lamdagent/science), the process's peak RSS, and the paper's 100-iteration
// budget extrapolated. Skips loudly (exit 0) when the model is missing.
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, openStudy, runStudy } from '@lamdagent/core';
import { replayOverrides, TABLE_FILL, TABLE_MISS, tInterval, wilcoxonSignedRank } from '@lamdagent/science';
import { makeToyStudy } from '@lamdagent/testkit';
import { buildWorld } from '@lamdagent/world';
import { agentModelOrSkip } from '../dist/testing/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const str = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const arg = (name, dflt) => {
  const v = str(name, undefined);
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--${name}: a positive integer, got ${v}`);
    process.exit(2);
  }
  return n;
};
const SEEDS = arg('seeds', 5);
const ITERATIONS = arg('iterations', 20);
const THREADS = arg('threads', 1);
const JSON_OUT = args.includes('--json');
const TOY = args.includes('--toy');
// --fill: an action the table misses runs for real (in-process) instead of failing as a TableMiss.
const FILL = args.includes('--fill');
const root = path.resolve(here, '../../..');
let TABLE = str('table', undefined);
let CONFIG = str('config', undefined);
const DEFAULT_WORLD = !TOY && TABLE === undefined && CONFIG === undefined;
if (DEFAULT_WORLD) {
  TABLE = 'packages/science/tables/embedded-world.json';
  CONFIG = 'examples/quickstart/study.yaml';
  process.chdir(root);
}
if (TOY && (TABLE !== undefined || CONFIG !== undefined)) {
  console.error('--toy runs the toy study: give it without --table and --config');
  process.exit(2);
}
const WANT = str('modes', 'constrained,free,random').split(',');
// --order fixed: the agent sees the candidates in the action space's order in every seed (candidateOrder: fixed).
const ORDER = str('order', 'seeded');
if (ORDER !== 'seeded' && ORDER !== 'fixed') {
  console.error(`--order: seeded or fixed, got ${ORDER}`);
  process.exit(2);
}
const ORDER_TAG = ORDER === 'fixed' ? ' (fixed order)' : '';
if ((TABLE === undefined) !== (CONFIG === undefined)) {
  console.error('--table and --config go together (the table replays that config)');
  process.exit(2);
}
for (const f of [TABLE, CONFIG].filter(Boolean))
  if (!existsSync(f)) {
    console.error(`${f}: not found`);
    process.exit(2);
  }

const model = agentModelOrSkip('agent LLM benchmark');
if (!model) {
  console.log('SKIPPED: no agent model (see the line above); nothing measured.');
  process.exit(0);
}
if (DEFAULT_WORLD) {
  const t = Date.now();
  const w = await buildWorld(path.join(root, 'examples', 'quickstart', 'world'), { seed: 0 }, { log: (l) => console.error(l) });
  console.error(`embedded world: ${w.built.length ? `built ${w.built.join(', ')}` : 'reused'} in ${((Date.now() - t) / 1000).toFixed(1)} s (not measured)`);
}

const llm = (constrain, extra = {}) => ({
  name: 'llm',
  options: { provider: 'llama-cpp', model, constrain, contextSize: 8192, threads: THREADS, maxOutputTokens: 64, candidateOrder: ORDER, ...extra },
});
// hybrid: the agent (constrained) chooses among the surrogate's 5 best proposals once the surrogate has a
// model (before that, type then objects as `constrained`); surrogate: @lamdagent/policy-search's, alone.
const ALL = [
  ['constrained', `llm constrained${ORDER_TAG}`, llm(true)],
  ['free', `llm free text${ORDER_TAG}`, llm(false)],
  ['hybrid', `llm hybrid${ORDER_TAG}`, llm(true, { shortlist: { policy: 'surrogate', size: 5 } })],
  ['surrogate', 'surrogate', { name: 'surrogate', options: {} }],
  ['random', 'random', { name: 'random', options: {} }],
];
for (const w of WANT)
  if (!ALL.some(([k]) => k === w)) {
    console.error(`--modes: unknown mode ${w} (${ALL.map(([k]) => k).join(', ')})`);
    process.exit(2);
  }
const MODES = ALL.filter(([k]) => WANT.includes(k)).map(([, name, policy]) => [name, policy]);
const policyLlm = path.resolve(here, '../dist/index.js');

// The study of one run: in a fresh temporary folder (removed afterwards).
async function makeStudy(policy, seed) {
  if (!TABLE) {
    // testkit's toy world with this package's built plugin and a dataset the runner rejects (a failed trial).
    const { dir, configPath } = makeToyStudy({
      policy,
      iterations: ITERATIONS,
      seed,
      plugins: [policyLlm],
      datasets: { a: { target: [1, 0, 0] }, b: { target: [0, 1, 0] }, c: { target: [0, 0, 1] }, broken: { fail: 'tokenizer mismatch' } },
    });
    return { dir, configPath, overrides: {} };
  }
  // The tabular benchmark: the config as it is, replayed from the table (checked to be of its world).
  const replay = await replayOverrides(CONFIG, TABLE, FILL);
  return {
    dir: mkdtempSync(path.join(os.tmpdir(), 'lamdagent-agent-bench-')),
    configPath: CONFIG,
    overrides: { ...replay, plugins: [...replay.plugins, policyLlm], seed, iterations: ITERATIONS, concurrency: 1, policy },
  };
}
const seed0 = CONFIG ? loadConfig(CONFIG).config.seed : 1000;

let inFlight;
async function runOne(policy, seed) {
  const { dir, configPath, overrides } = await makeStudy(policy, seed);
  inFlight = dir;
  const t0 = performance.now();
  const summary = await runStudy({ configPath, outDir: path.join(dir, 'study'), overrides });
  const seconds = (performance.now() - t0) / 1000;
  const view = openStudy(path.join(dir, 'study'));
  const inputAt = (index) => {
    const t = view.trials.find((x) => x.index === index);
    const sel = (t?.policy?.usage ?? []).reduce((s, u) => s + u.inputTokens, 0);
    const obs = view.journal.observes
      .filter((o) => o.index === index)
      .flatMap((o) => o.usage)
      .reduce((s, u) => s + u.inputTokens, 0);
    return sel + obs;
  };
  const answers = summary.trials.flatMap((t) => t.policy?.answers ?? []);
  // The hybrid's choices: the position of the chosen proposal in the surrogate's ranking (0: its own choice).
  const picks = summary.trials.flatMap((t) => {
    const file = t.policy?.transcript && path.join(dir, 'study', t.policy.transcript);
    if (!file || !existsSync(file)) return [];
    const chose = JSON.parse(readFileSync(file, 'utf8')).find((e) => e.step === 'shortlist' && e.role === 'system' && /^chose \d+:/.test(e.content));
    return chose ? [Number(/^chose (\d+):/.exec(chose.content)[1])] : [];
  });
  const rewards = summary.trials.map((t) => t.reward).filter((r) => typeof r === 'number');
  const out = {
    seconds,
    iterations: summary.trials.length,
    answers: answers.length,
    first: answers.filter((a) => a.outcome === 'first').length,
    retried: answers.filter((a) => a.outcome === 'retried').length,
    fellBack: answers.filter((a) => a.outcome === 'fallback').length,
    fallbackTrials: summary.trials.filter((t) => t.policy?.fallback).length,
    misses: summary.trials.filter((t) => t.error?.type === TABLE_MISS).length,
    // --fill: actions the table missed, trained and scored for real (their parents made first when replayed).
    filled: summary.trials.filter((t) => t.metrics?.[TABLE_FILL] === 1).length,
    failed: summary.trials.filter((t) => t.error !== undefined).length,
    inputFirst: inputAt(0),
    inputLast: inputAt(ITERATIONS - 1),
    best: rewards.length ? Math.max(...rewards) : Number.NaN,
    picks,
    // The actions chosen, in order: seeds that repeat one run show up as identical lists.
    actions: summary.trials.map((t) => `${t.action.name}(${t.action.inputs.map((o) => o.name).join(', ')})`),
  };
  rmSync(dir, { recursive: true, force: true });
  return out;
}

// --from K: run (and report) only seeds K.. of the SEEDS (another process, or a later one, runs the others).
const FROM = str('from', undefined) === undefined ? 0 : arg('from', 1);
const seeds = Array.from({ length: SEEDS }, (_, s) => seed0 + s).slice(FROM);
const world = TABLE ? `tabular benchmark ${TABLE} (config ${CONFIG}, replay executor${FILL ? ' with fill' : ''})` : 'toy study';
// --runs FILE: every finished run is appended there (one JSON line), and runs already there (same world,
// iterations and threads) are not run again: a long benchmark continues where it stopped, and modes can
// run in separate invocations (e.g. --modes constrained,random, later --modes free, then all three to report).
const RUNS = str('runs', undefined);
const runKey = (mode, seed) => JSON.stringify([world, ITERATIONS, THREADS, mode, seed]);
const stored = new Map();
if (RUNS && existsSync(RUNS))
  for (const line of readFileSync(RUNS, 'utf8').split('\n').filter(Boolean)) {
    const r = JSON.parse(line);
    // Agent runs recorded before --order existed saw the action space's order: they are fixed-order runs.
    const mode = r.order === undefined && r.mode.startsWith('llm') && !r.mode.endsWith(' (fixed order)') ? `${r.mode} (fixed order)` : r.mode;
    stored.set(runKey(mode, r.seed), { ...r, mode });
  }
const results = Object.fromEntries(MODES.map(([name]) => [name, new Map()]));
for (const [name] of MODES) for (const seed of seeds) if (stored.has(runKey(name, seed))) results[name].set(seed, stored.get(runKey(name, seed)));
const complete = () => seeds.filter((seed) => MODES.every(([name]) => results[name].has(seed)));
// Interrupted (SIGINT, SIGTERM: a deadline), the benchmark reports the seeds every mode finished and says so.
for (const sig of ['SIGINT', 'SIGTERM'])
  process.once(sig, () => {
    if (inFlight) rmSync(inFlight, { recursive: true, force: true });
    const done = complete();
    console.log(`INTERRUPTED by ${sig}: ${done.length} of ${seeds.length} seeds finished by every mode; the figures below are theirs.`);
    if (done.length > 0) report(done);
    process.exit(130);
  });
// --report: run nothing, report the seeds of --runs FILE that every mode finished.
if (args.includes('--report')) {
  const done = complete();
  console.log(
    `REPORT of ${RUNS ?? '(no --runs file)'}: ${done.length} of ${seeds.length} seeds finished by every mode (${
      seeds
        .filter((x) => !done.includes(x))
        .map((x) => `seed ${x} missing`)
        .join(', ') || 'none missing'
    }).`,
  );
  if (done.length > 0) report(done);
  process.exit(0);
}
for (const [s, seed] of seeds.entries()) {
  // Alternate the order per seed (A,B,C then C,B,A) so slow phases of a shared machine hit every mode.
  const order = (FROM + s) % 2 === 0 ? MODES : [...MODES].reverse();
  for (const [name, policy] of order) {
    if (results[name].has(seed)) continue;
    const r = {
      mode: name,
      seed,
      ...(name === 'random' ? {} : { order: ORDER }),
      ...(await runOne(policy, seed)),
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      at: new Date().toISOString(),
    };
    results[name].set(seed, r);
    if (RUNS) appendFileSync(RUNS, `${JSON.stringify({ world, iterations: ITERATIONS, threads: THREADS, ...r })}\n`);
    process.stderr.write(`seed ${seed} ${name}: ${JSON.stringify(r)}\n`);
  }
}
report(seeds);

function report(seeds) {
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const sum = (xs) => xs.reduce((a, b) => a + b, 0);
  const bySeed = Object.fromEntries(MODES.map(([name]) => [name, seeds.map((seed) => results[name].get(seed))]));
  // The largest peak RSS of the processes that ran these runs (this one, and earlier ones through --runs).
  const peakRssMb = Math.max(
    process.resourceUsage().maxRSS / 1024,
    ...Object.values(bySeed)
      .flat()
      .map((r) => r.peakRssMb ?? 0),
  );
  const lastKey = `inputTokensIteration${ITERATIONS}`;
  const rows = MODES.map(([name]) => {
    const rs = bySeed[name];
    const answers = sum(rs.map((r) => r.answers));
    return {
      mode: name,
      runs: rs.length,
      validFirstTime: answers ? sum(rs.map((r) => r.first)) / answers : null,
      retried: sum(rs.map((r) => r.retried)),
      fellBack: sum(rs.map((r) => r.fellBack)),
      fallbackTrials: sum(rs.map((r) => r.fallbackTrials)),
      answers,
      tableMisses: sum(rs.map((r) => r.misses)),
      filled: sum(rs.map((r) => r.filled ?? 0)),
      failedTrials: sum(rs.map((r) => r.failed)),
      secondsPerIteration: mean(rs.map((r) => r.seconds / r.iterations)),
      inputTokensIteration1: mean(rs.map((r) => r.inputFirst)),
      [lastKey]: mean(rs.map((r) => r.inputLast)),
      bestRewardMean: mean(rs.map((r) => r.best)),
      bestRewards: rs.map((r) => Number(r.best.toFixed(4))),
      // How many different action sequences the seeds produced (runs recorded before `actions` existed: unknown).
      distinctRuns: rs.every((r) => Array.isArray(r.actions)) ? new Set(rs.map((r) => JSON.stringify(r.actions))).size : null,
      // Shortlist answers, and how many took the surrogate's first proposal.
      shortlist: sum(rs.map((r) => (r.picks ?? []).length)),
      pickedFirst: sum(rs.map((r) => (r.picks ?? []).filter((k) => k === 0).length)),
    };
  });
  // Each mode against random, and the hybrid against its parts, paired by seed (the same study seed): mean difference of the best reward.
  const pair = (name, against) => {
    const x = bySeed[name].map((r) => r.best);
    const y = bySeed[against].map((r) => r.best);
    const d = tInterval(x.map((v, i) => v - y[i]));
    const w = wilcoxonSignedRank(x, y);
    const wins = x.filter((v, i) => v > y[i]).length;
    const ties = x.filter((v, i) => v === y[i]).length;
    return { mode: `${name} vs ${against}`, meanDiff: d.mean, lo: d.lo, hi: d.hi, wilcoxonP: w.p, wilcoxonN: w.n, wins, ties, losses: x.length - wins - ties };
  };
  const names = MODES.map(([name]) => name);
  const hybridName = names.find((n) => n.startsWith('llm hybrid'));
  const paired = [
    ...(names.includes('random') ? names.filter((n) => n !== 'random').map((n) => pair(n, 'random')) : []),
    ...(hybridName ? names.filter((n) => n === 'surrogate' || n.startsWith('llm constrained')).map((n) => pair(hybridName, n)) : []),
  ];
  const ref = rows.find((r) => r.mode.startsWith('llm'));
  const growth = ref ? (ref[lastKey] - ref.inputTokensIteration1) / Math.max(1, ITERATIONS - 1) : 0;
  const extrapolated = ref
    ? {
        mode: ref.mode,
        minutes: (ref.secondsPerIteration * 100) / 60,
        inputTokensPerIterationAt100: ref.inputTokensIteration1 + growth * 99,
        growthPerIteration: growth,
      }
    : null;

  if (JSON_OUT) {
    console.log(
      JSON.stringify({ model, world, seeds, iterations: ITERATIONS, threads: THREADS, loadavg: os.loadavg(), peakRssMb, rows, paired, extrapolated }, null, 2),
    );
  } else {
    console.log(`Gemma 3 270M (Q4_K_M) in-process via llama-cpp, ${THREADS} threads; ${world}; seeds ${seeds.join(',')} x ${ITERATIONS} iterations; ${model}`);
    const pct = (x) => (x === null ? '-' : `${(100 * x).toFixed(0)}%`);
    const table = (head, lines) => {
      const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
      for (const l of [head, ...lines]) console.log(l.map((c, i) => c.padEnd(widths[i])).join('  '));
    };
    table(
      [
        'mode',
        'valid 1st',
        'retried',
        'fell back',
        'answers',
        'fallback trials',
        FILL ? 'filled' : 'table misses',
        's/iter',
        'in tok it1',
        `in tok it${ITERATIONS}`,
        'distinct runs',
        'best reward (mean)',
        'per seed',
        'shortlist #0',
      ],
      rows.map((r) => [
        r.mode,
        pct(r.validFirstTime),
        String(r.retried),
        String(r.fellBack),
        String(r.answers),
        String(r.fallbackTrials),
        FILL ? String(r.filled) : String(r.tableMisses),
        r.secondsPerIteration.toFixed(2),
        r.inputTokensIteration1.toFixed(0),
        r[lastKey].toFixed(0),
        r.distinctRuns === null ? '-' : `${r.distinctRuns} of ${r.runs}`,
        r.bestRewardMean.toFixed(4),
        r.bestRewards.join(' '),
        r.shortlist ? `${r.pickedFirst}/${r.shortlist}` : '-',
      ]),
    );
    if (paired.length) {
      console.log('best reward, paired over seeds:');
      table(
        ['modes', 'mean diff', '95% t interval', 'wins/ties/losses', 'Wilcoxon p (n non-zero)'],
        paired.map((p) => [
          p.mode,
          p.meanDiff.toFixed(4),
          `[${p.lo.toFixed(4)}, ${p.hi.toFixed(4)}]`,
          `${p.wins}/${p.ties}/${p.losses}`,
          `${p.wilcoxonP.toFixed(3)} (${p.wilcoxonN})`,
        ]),
      );
    }
    console.log(
      `peak RSS of the benchmark process: ${peakRssMb.toFixed(0)} MB; load average at the end: ${os
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    );
    if (extrapolated)
      console.log(
        `paper's 100-iteration budget, extrapolated (${extrapolated.mode}, seconds per iteration held): ${extrapolated.minutes.toFixed(1)} min; ` +
          `input tokens per iteration at 100 (linear growth of ${extrapolated.growthPerIteration.toFixed(0)}/iteration): ~${extrapolated.inputTokensPerIterationAt100.toFixed(0)}`,
      );
  }
}
