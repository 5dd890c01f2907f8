#!/usr/bin/env node
// A real open-weight agent LLM choosing every action: Gemma 3 270M (GGUF Q4_K_M from PyPI, installed by
// scripts/ci/agent-llm.sh) running in-process through the llama-cpp provider, with constrained answers
// (llama.cpp grammar) and without (free text `[[k]]`), against the `random` policy at equal budget, on
// the toy study of this package's tests (JSON-vector models: SFT moves toward a dataset's target, merging
// averages, the reward is closeness to two task targets). Runs alternate per seed (constrained, free,
// random), so machine noise spreads over all three.
//
//   npx turbo run build --filter=@lamdagent/policy-llm...
//   node packages/policy-llm/bench/agent.bench.mjs [--seeds 5] [--iterations 20] [--threads 2] [--json]
//
// Prints per mode: valid-first-time rate, retried, fell back, seconds per iteration, input tokens per
// iteration at the first and last iteration, best reward (mean over seeds), and the process's peak RSS;
// then the paper's 100-iteration budget extrapolated. Skips loudly (exit 0) when the model is missing.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStudy, runStudy } from '@lamdagent/core';
import { makeToyStudy } from '@lamdagent/testkit';
import { agentModelOrSkip } from '../dist/testing/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const arg = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const SEEDS = arg('seeds', 5);
const ITERATIONS = arg('iterations', 20);
const THREADS = arg('threads', 2);
const JSON_OUT = args.includes('--json');

const model = agentModelOrSkip('agent LLM benchmark');
if (!model) {
  console.log('SKIPPED: no agent model (see the line above); nothing measured.');
  process.exit(0);
}

// testkit's toy world with this package's built plugin and a dataset the runner rejects (a failed trial).
const makeStudy = (policy, seed) =>
  makeToyStudy({
    policy,
    iterations: ITERATIONS,
    seed,
    plugins: [path.resolve(here, '../dist/index.js')],
    datasets: { a: { target: [1, 0, 0] }, b: { target: [0, 1, 0] }, c: { target: [0, 0, 1] }, broken: { fail: 'tokenizer mismatch' } },
  });

const llm = (constrain) => ({
  name: 'llm',
  options: { provider: 'llama-cpp', model, constrain, contextSize: 8192, threads: THREADS, maxOutputTokens: 64 },
});
const MODES = [
  ['llm constrained', llm(true)],
  ['llm free text', llm(false)],
  ['random', { name: 'random', options: {} }],
];

async function runOne(policy, seed) {
  const { dir, configPath } = makeStudy(policy, seed);
  const t0 = performance.now();
  const summary = await runStudy({ configPath, outDir: path.join(dir, 'study') });
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
  const rewards = summary.trials.map((t) => t.reward).filter((r) => typeof r === 'number');
  const out = {
    seconds,
    iterations: summary.trials.length,
    answers: answers.length,
    first: answers.filter((a) => a.outcome === 'first').length,
    retried: answers.filter((a) => a.outcome === 'retried').length,
    fellBack: answers.filter((a) => a.outcome === 'fallback').length,
    fallbackTrials: summary.trials.filter((t) => t.policy?.fallback).length,
    inputFirst: inputAt(0),
    inputLast: inputAt(ITERATIONS - 1),
    best: rewards.length ? Math.max(...rewards) : Number.NaN,
  };
  rmSync(dir, { recursive: true, force: true });
  return out;
}

const results = Object.fromEntries(MODES.map(([name]) => [name, []]));
for (let s = 0; s < SEEDS; s++) {
  // Alternate the order per seed (A,B,C then C,B,A) so slow phases of a shared machine hit every mode.
  const order = s % 2 === 0 ? MODES : [...MODES].reverse();
  for (const [name, policy] of order) {
    const r = await runOne(policy, 1000 + s);
    results[name].push(r);
    process.stderr.write(`seed ${s} ${name}: ${JSON.stringify(r)}\n`);
  }
}

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sum = (xs) => xs.reduce((a, b) => a + b, 0);
const peakRssMb = process.resourceUsage().maxRSS / 1024;
const rows = MODES.map(([name]) => {
  const rs = results[name];
  const answers = sum(rs.map((r) => r.answers));
  return {
    mode: name,
    runs: rs.length,
    validFirstTime: answers ? sum(rs.map((r) => r.first)) / answers : null,
    retried: sum(rs.map((r) => r.retried)),
    fellBack: sum(rs.map((r) => r.fellBack)),
    answers,
    secondsPerIteration: mean(rs.map((r) => r.seconds / r.iterations)),
    inputTokensIteration1: mean(rs.map((r) => r.inputFirst)),
    [`inputTokensIteration${ITERATIONS}`]: mean(rs.map((r) => r.inputLast)),
    bestRewardMean: mean(rs.map((r) => r.best)),
    bestRewards: rs.map((r) => Number(r.best.toFixed(4))),
  };
});

if (JSON_OUT) {
  console.log(JSON.stringify({ model, seeds: SEEDS, iterations: ITERATIONS, threads: THREADS, peakRssMb, rows }, null, 2));
} else {
  console.log(`Gemma 3 270M (Q4_K_M) in-process via llama-cpp, ${THREADS} threads; toy study, ${SEEDS} seeds x ${ITERATIONS} iterations; ${model}`);
  const pct = (x) => (x === null ? '-' : `${(100 * x).toFixed(0)}%`);
  const head = ['mode', 'valid 1st', 'retried', 'fell back', 'answers', 's/iter', `in tok it1`, `in tok it${ITERATIONS}`, 'best reward (mean)', 'per seed'];
  const lines = rows.map((r) => [
    r.mode,
    pct(r.validFirstTime),
    String(r.retried),
    String(r.fellBack),
    String(r.answers),
    r.secondsPerIteration.toFixed(2),
    r.inputTokensIteration1.toFixed(0),
    r[`inputTokensIteration${ITERATIONS}`].toFixed(0),
    r.bestRewardMean.toFixed(4),
    r.bestRewards.join(' '),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  for (const l of [head, ...lines]) console.log(l.map((c, i) => c.padEnd(widths[i])).join('  '));
  console.log(`peak RSS of the benchmark process: ${peakRssMb.toFixed(0)} MB`);
  const c = rows[0];
  const growth = (c[`inputTokensIteration${ITERATIONS}`] - c.inputTokensIteration1) / Math.max(1, ITERATIONS - 1);
  console.log(
    `paper's 100-iteration budget, extrapolated (constrained, seconds per iteration held): ${((c.secondsPerIteration * 100) / 60).toFixed(1)} min; ` +
      `input tokens per iteration at 100 (linear growth of ${growth.toFixed(0)}/iteration): ~${(c.inputTokensIteration1 + growth * 99).toFixed(0)}`,
  );
}
