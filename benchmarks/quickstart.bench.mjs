// Quickstart wall time: the 20-trial embedded-world study of examples/quickstart (world cached; the
// first run also builds it), measured as the user runs it. Goal: the study in at most 5 minutes on 2 cores.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const main = path.join(root, 'examples', 'quickstart', 'src', 'main.mjs');
const run = (args) => {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [main, ...args], { cwd: path.join(root, 'examples', 'quickstart'), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`quickstart failed: ${r.stderr.slice(-2000)}`);
  const studySec = Number(/study finished in (\d+) s/.exec(r.stderr)?.[1] ?? NaN);
  return { wall: (performance.now() - t0) / 1000, studySec };
};
const world = run(['--baselines-only', '--no-baselines']);
console.log(`world build (or reuse): ${world.wall.toFixed(1)} s`);
const study = run(['--no-baselines', '--out', path.join(mkdtempSync(path.join(tmpdir(), 'bench-qs-')), 'study')]);
console.log(`quickstart study (20 trials, greedy policy): ${study.studySec} s of study, ${study.wall.toFixed(1)} s wall including start-up  (goal: <= 300 s)`);
const full = run(['--out', path.join(mkdtempSync(path.join(tmpdir(), 'bench-qs-')), 'study')]);
console.log(`quickstart with baselines (prebuilt) and the test-split table: ${full.wall.toFixed(1)} s wall`);
