#!/usr/bin/env node
// A stand-in for a user's training script: node train.mjs --model DIR --data FILE --lr X --out DIR --seed N [--mode M]
// Modes: ok, exit, signal, nomodel, badmetrics, notjson, hang, linger, noconfig.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import path from 'node:path';

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
const mode = args.mode ?? 'ok';
console.log(`train.mjs: argv ${JSON.stringify(process.argv.slice(2))}`);
console.log(`train.mjs: cwd ${process.cwd()} TRAIN_TAG=${process.env.TRAIN_TAG ?? ''}`);
if (mode === 'exit') {
  console.error('train.mjs: CUDA out of memory (pretend)');
  process.exit(7);
}
if (mode === 'signal') process.kill(process.pid, 'SIGKILL');
if (mode === 'hang') {
  process.on('SIGTERM', () => {
    console.log('train.mjs: got SIGTERM, stopping');
    process.exit(143);
  });
  setInterval(() => {}, 1000);
} else {
  if (mode === 'linger') spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'inherit' }).unref();
  const w = args.model ? JSON.parse(readFileSync(path.join(args.model, 'model.json'), 'utf8')).w : [0, 0, 0];
  const target = args.data ? JSON.parse(readFileSync(args.data, 'utf8')).target : [1, 1, 1];
  const lr = Number(args.lr ?? 0.5);
  for (let step = 1; step <= 4; step++) {
    process.stdout.write(`progress ${step}/4\r`);
    console.log(`lamdagent:progress ${step / 4} step ${step}/4`);
  }
  if (mode !== 'nomodel') {
    mkdirSync(args.out, { recursive: true });
    writeFileSync(path.join(args.out, 'model.json'), JSON.stringify({ w: w.map((x, i) => x + lr * (target[i] - x)) }));
    if (mode !== 'noconfig') writeFileSync(path.join(args.out, 'config.json'), JSON.stringify({ model_type: 'toy', seed: Number(args.seed) }));
  }
  if (mode === 'badmetrics') writeFileSync(path.join(args.out, 'metrics.json'), JSON.stringify({ loss: 'low', steps: 4 }));
  else if (mode === 'notjson') writeFileSync(path.join(args.out, 'metrics.json'), '{"loss": ');
  else if (args.out && mode !== 'nomodel') writeFileSync(path.join(args.out, 'metrics.json'), JSON.stringify({ loss: 0.25, steps: 4 }));
}
