// Property-based fuzzing at scale (issue 16): the packages' *.fuzz.test.ts with FUZZ_RUNS generated
// inputs per property (default 100000), reporting cases, time and the test process's peak RSS.
// Usage: node benchmarks/fuzz.bench.mjs [runs]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.argv[2] ?? 100_000);
const report = path.join(mkdtempSync(path.join(tmpdir(), 'fuzz-')), 'report.jsonl');
const targets = [
  ['packages/safetensors', 'src/header.fuzz.test.ts'],
  ['packages/policy-llm', 'src/parse.fuzz.test.ts'],
  ['packages/core', 'src/config.fuzz.test.ts'],
  ['packages/core', 'src/journal.fuzz.test.ts'],
];
let failed = 0;
for (const [pkg, file] of targets) {
  const r = spawnSync('npx', ['vitest', 'run', '--config', '../../vitest.shared.ts', '--testTimeout', '3600000', file], {
    cwd: path.join(root, pkg),
    env: { ...process.env, FUZZ_RUNS: String(runs), FUZZ_REPORT: report },
    stdio: ['ignore', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    failed++;
    console.log(`FAILED ${pkg}/${file}\n${(r.stdout + r.stderr).slice(-3000)}`);
  }
}
const rows = existsSync(report)
  ? readFileSync(report, 'utf8')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
  : [];
console.log(`fuzz: ${runs} generated inputs per property`);
console.log('target'.padEnd(44), 'cases'.padStart(8), 'seconds'.padStart(9), 'cases/s'.padStart(9), 'peak RSS MB'.padStart(12));
for (const r of rows)
  console.log(
    r.target.padEnd(44),
    String(r.cases).padStart(8),
    (r.ms / 1000).toFixed(1).padStart(9),
    String(Math.round(r.cases / (r.ms / 1000))).padStart(9),
    String(r.peakRssMb).padStart(12),
  );
process.exit(failed ? 1 : 0);
