// kill -9 at many seeded instants during toy studies on the subprocess executor (concurrency 1 and 2),
// each followed by `lamdagent resume`, then a final resume to the end. Counts what matters: completed
// trials lost, jobs run twice, trials left running, runner processes left, temporary artifacts left.
// Usage: node benchmarks/crash.bench.mjs [kills per concurrency, default 60]
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readJournal } from '@lamdagent/core';
import { Rng } from '@lamdagent/core/kit';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(root, 'packages/cli/dist/bin.js');
const TOY = path.join(root, 'packages/core/test-fixtures/toy-plugin/index.mjs');
const kills = Number(process.argv[2] ?? 60);
const ITER = 16;

function world(concurrency) {
  const dir = mkdtempSync(path.join(tmpdir(), 'crash-bench-'));
  mkdirSync(path.join(dir, 'models/base'), { recursive: true });
  writeFileSync(path.join(dir, 'models/base/model.json'), '{"w":[0,0,0]}');
  for (const [n, t] of [
    ['a', [1, 0, 0]],
    ['b', [0, 1, 0]],
    ['c', [0, 0, 1]],
  ])
    writeFileSync(path.join(dir, `${n}.json`), JSON.stringify({ target: t }));
  writeFileSync(
    path.join(dir, 'study.yaml'),
    `seed: 5\nbudget: { iterations: ${ITER} }\npolicy: random\nconcurrency: ${concurrency}\nplugins: [${JSON.stringify(TOY)}]\ndiscoverPlugins: false\nexecutor: { name: subprocess, options: { passEnv: [TOY_EXEC_LOG] } }\nobjects:\n  models: [models/base]\n  datasets: [a.json, b.json, c.json]\n  lr: [0.5, 0.25, 0.125, 0.0625]\nactions:\n  sft: { slots: [models, datasets, lr], params: { sleepMs: 200 } }\ntasks:\n  - { name: ta, evaluator: toy, options: { target: [1, 0, 0] } }\n`,
  );
  return dir;
}

function runners(st) {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(path.join(st, 'jobs'));
      } catch {
        return false;
      }
    }).length;
}

function cli(args, cwd, execLog) {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, TOY_EXEC_LOG: execLog }, stdio: 'ignore' });
  return { child, exited: new Promise((r) => child.once('exit', (c) => r(c))) };
}

// Each resume is given STEP more trials, so that the seeded instant (0.6-3 s) mostly lands while jobs run.
const STEP = 4;
const rng = new Rng(20261129, 1);
for (const concurrency of [1, 2]) {
  const dir = world(concurrency);
  const st = path.join(dir, 'st');
  const execLog = path.join(dir, 'exec.log');
  const c = { kills: 0, killedMidJob: 0, finishedBeforeKill: 0, lost: 0 };
  let before = new Map();
  const t0 = Date.now();
  for (let k = 0; k < kills; k++) {
    const started = existsSync(path.join(st, 'study.json'));
    const r = cli(started ? ['resume', 'st', '--iterations', String(ITER + STEP * k)] : ['run', 'study.yaml', '--out', 'st'], dir, execLog);
    const timer = setTimeout(
      () => {
        if (runners(st) > 0) c.killedMidJob++;
        r.child.kill('SIGKILL');
        c.kills++;
      },
      600 + rng.int(2400),
    );
    const code = await r.exited;
    clearTimeout(timer);
    if (code === 0) c.finishedBeforeKill++;
    if (!existsSync(path.join(st, 'study.json'))) continue;
    const j = readJournal(path.join(st, 'journal.jsonl'));
    for (const [i, key] of before) if (j.trials.get(i)?.action.key !== key) c.lost++;
    before = new Map([...j.trials.values()].map((t) => [t.index, t.action.key]));
  }
  const fin = cli(['resume', 'st', '--iterations', String(ITER + STEP * kills)], dir, execLog);
  const finCode = await fin.exited;
  const j = readJournal(path.join(st, 'journal.jsonl'));
  for (const [i, key] of before) if (j.trials.get(i)?.action.key !== key) c.lost++;
  const starts = existsSync(execLog) ? readFileSync(execLog, 'utf8').trim().split('\n') : [];
  const executed = [...j.trials.values()].filter((t) => t.state === 'complete' && t.cachedFrom === undefined);
  const startsOf = (t) => starts.filter((l) => l === `${t.action.key} t${String(t.index).padStart(4, '0')}`).length;
  const twice = executed.filter((t) => startsOf(t) > 1).length;
  for (const t of executed.filter((x) => startsOf(x) > 1)) {
    const recs = readFileSync(path.join(st, 'journal.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const about = recs
      .map((r, i) => [i, r])
      .filter(([, r]) => r.index === t.index || r.trial?.index === t.index || (r.kind === 'resume' && r.rerun.includes(t.index)))
      .map(([i, r]) => `${i}:${r.kind}${r.externalId ? `(pid ${r.externalId})` : ''}`);
    if (process.env.CRASH_DEBUG) console.log(`trial ${t.index} started ${startsOf(t)} times: ${about.join(' ')}`);
  }
  const tmpLeft = readdirSync(path.join(st, 'artifacts')).filter((n) => n.startsWith('.tmp')).length;
  console.log(
    `concurrency ${concurrency}: ${c.kills} kill -9 (${c.killedMidJob} while a job ran), ${c.finishedBeforeKill} runs finished first; final resume exit ${finCode}; ` +
      `trials ${j.trials.size} (${executed.length} executed, ${[...j.trials.values()].filter((t) => t.state === 'cached').length} cached, ${[...j.trials.values()].filter((t) => t.state === 'failed').length} failed); ` +
      `completed trials lost ${c.lost}; jobs run twice ${twice}; trials left running ${j.running.size}; runner processes left ${runners(st)}; .tmp artifacts left ${tmpLeft}; ${((Date.now() - t0) / 1000).toFixed(0)} s`,
  );
}
