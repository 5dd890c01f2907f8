// The same 8 embedded-world SFT trials with concurrency 1 and 2 on the local subprocess executor:
// prints the wall times and their ratio (2 cores: close to 2x is the goal). Each training job also
// evaluates its model (evaluateIn: job). Runs in the order 1, 2, 2, 1 (so a drift of the machine's speed
// cancels) and reports the ratio of the sums; single runs on this VM vary by 10-15%.
// Also prints how many cores one job keeps busy on its own (CPU time / wall time of its process), which
// keeps the ratio under 2x, and with --bare the same 8 job specs run by bare `lamdagent-runner` processes (no
// study around them) in one lane and in two.
// Usage: node benchmarks/concurrency.bench.mjs [--bare]   (after npm run build)
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runStudy } from '@lamdagent/core';
import { runnerBinPath } from '@lamdagent/core/kit';
import { buildWorld } from '@lamdagent/world';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const world = await buildWorld(path.join(root, 'examples', 'quickstart', 'world'), { seed: 0 }, { log: (l) => process.stderr.write(`${l}\n`) });
const dir = mkdtempSync(path.join(tmpdir(), 'bench-conc-'));
// A replay policy: trial i runs the i-th SFT action, whatever the concurrency, so both runs do the same work.
const replay = path.join(dir, 'replay-policy.mjs');
writeFileSync(
  replay,
  `export default { name: 'replay-policy', version: '1.0.0', apiVersion: 1, provides: { policies: ['replay'] },
  register(r) { r.policy({ name: 'replay', create: () => ({ name: 'replay', async select(ctx) { return { action: ctx.space.atFor(0, ctx.iteration % ctx.space.countFor(0)) }; } }) }); } };\n`,
);
const tasks = ['arith', 'mc', 'rc'].map((t) => ({
  name: t,
  options: { scorer: { arith: 'numeric', mc: 'choice', rc: 'exact' }[t], data: { validation: world.data.eval[t].validation } },
}));
// The 4th dataset: 1,000 examples of the all-skills mix, so the 8 actions are distinct and of similar size.
writeFileSync(path.join(dir, 'mix-1k.jsonl'), readFileSync(world.data.sft.all, 'utf8').split('\n').slice(0, 1000).join('\n'));
const config = (k) => ({
  seed: 1,
  budget: { iterations: 8 },
  policy: 'replay',
  concurrency: k,
  executor: 'subprocess',
  plugins: [replay, path.join(root, 'packages', 'action-sft'), path.join(root, 'packages', 'eval-suites')],
  discoverPlugins: false,
  objects: {
    models: { values: [world.baseModel, world.specialists.arith], names: ['base', 'arith-specialist'] },
    sft_dataset: {
      values: [world.data.sft.arith, world.data.sft.mc, world.data.sft.rc, path.join(dir, 'mix-1k.jsonl')],
      names: ['arith-sft', 'mc-sft', 'rc-sft', 'mix-1k'],
    },
    sft_lr: [0.003],
  },
  actions: { sft: { slots: ['models', 'sft_dataset', 'sft_lr'], params: { epochs: 1, batchSize: 32 } } },
  tasks,
});

const times = { 1: 0, 2: 0 };
let run = 0;
for (const k of [1, 2, 2, 1]) {
  const file = path.join(dir, `study-k${k}.json`);
  writeFileSync(file, JSON.stringify(config(k)));
  const t0 = performance.now();
  const s = await runStudy({ configPath: file, outDir: path.join(dir, `run${++run}-k${k}`) });
  const sec = (performance.now() - t0) / 1000;
  times[k] += sec;
  const done = s.trials.filter((t) => t.state === 'complete').length;
  const stage = (name) => s.trials.reduce((a, t) => a + (t.durations[name] ?? 0), 0);
  console.log(
    `study, concurrency ${k}: ${s.trials.length} trials (${done} complete) in ${sec.toFixed(1)} s  (per trial: execute ${(stage('execute') / 8).toFixed(2)} s, evaluate in the job ${(stage('evaluate') / 8).toFixed(2)} s)`,
  );
}

// The same 8 job specs (training + in-job evaluation) as bare processes: no study, no journal, no policy.
const specs = readdirSync(path.join(dir, 'run1-k1', 'jobs'))
  .sort()
  .map((j, i) => {
    const spec = JSON.parse(readFileSync(path.join(dir, 'run1-k1', 'jobs', j, 'spec.json'), 'utf8'));
    return { ...spec, jobId: `raw${i}`, jobDir: path.join(dir, 'raw', `j${i}`), outputDir: path.join(dir, 'raw', `j${i}`, 'out') };
  });
function runJob(spec, tag) {
  const jobDir = `${spec.jobDir}-${tag}`;
  mkdirSync(jobDir, { recursive: true });
  const file = path.join(jobDir, 'spec.json');
  writeFileSync(file, JSON.stringify({ ...spec, jobDir, outputDir: path.join(jobDir, 'out') }));
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [runnerBinPath(), file], { stdio: 'ignore' });
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`raw job ${spec.jobId} exited ${code}`));
      resolve((performance.now() - t0) / 1000);
    });
  });
}
async function lanes(n, tag) {
  const t0 = performance.now();
  await Promise.all(
    [...Array(n).keys()].map(async (lane) => {
      for (let i = lane; i < specs.length; i += n) await runJob(specs[i], tag);
    }),
  );
  return (performance.now() - t0) / 1000;
}
if (process.argv.includes('--bare')) {
  const raw1 = await lanes(1, 'l1');
  const raw2 = await lanes(2, 'l2');
  console.log(`bare processes, 1 lane: ${raw1.toFixed(1)} s; 2 lanes: ${raw2.toFixed(1)} s; ratio ${(raw1 / raw2).toFixed(2)}x (one run each)`);
}

// How many cores one job keeps busy on its own: its process's CPU time over its wall time.
const cpu = await childCpuSeconds(specs[1]);
console.log(
  `one job alone: ${cpu.wall.toFixed(1)} s wall, ${cpu.cpu.toFixed(1)} s CPU = ${(cpu.cpu / cpu.wall).toFixed(2)} cores busy (V8's compiler and GC threads beside the training), so at concurrency 1 the second core is not idle either`,
);

console.log(`study wall-time ratio (concurrency 1 / concurrency 2, two runs each): ${(times[1] / times[2]).toFixed(2)}x  (goal: close to 2x on 2 cores)`);

/** Wall and CPU seconds of one job process, read from /proc/<pid>/stat just before it exits (Linux). */
async function childCpuSeconds(spec) {
  const jobDir = path.join(dir, 'raw', 'cpu');
  mkdirSync(jobDir, { recursive: true });
  const file = path.join(jobDir, 'spec.json');
  writeFileSync(file, JSON.stringify({ ...spec, jobDir, outputDir: path.join(jobDir, 'out') }));
  const t0 = performance.now();
  const child = spawn(process.execPath, [runnerBinPath(), file], { stdio: 'ignore' });
  const ticks = 100; // USER_HZ
  let cpu = 0;
  const timer = setInterval(() => {
    try {
      const s = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      cpu = (Number(f[11]) + Number(f[12])) / ticks;
    } catch {
      /* exited */
    }
  }, 50);
  await new Promise((resolve) => child.once('exit', resolve));
  clearInterval(timer);
  return { wall: (performance.now() - t0) / 1000, cpu };
}
