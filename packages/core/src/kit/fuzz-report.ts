import { appendFileSync } from 'node:fs';

/**
 * Fuzz counts and reporting shared by the packages' `*.fuzz.test.ts`: a small count in unit tests,
 * `FUZZ_RUNS` (e.g. 100000) in the benchmark, which reads the JSON lines written to `FUZZ_REPORT`.
 */
export function fuzzRuns(defaultRuns = 300): number {
  const n = Number(process.env['FUZZ_RUNS'] ?? defaultRuns);
  return Number.isInteger(n) && n > 0 ? n : defaultRuns;
}

/** Runs `fn` (one property over `runs` inputs) and reports cases, time and peak memory when FUZZ_REPORT is set. */
export function reportFuzz(target: string, runs: number, fn: () => void): void {
  const t0 = performance.now();
  fn();
  const ms = performance.now() - t0;
  const file = process.env['FUZZ_REPORT'];
  if (file)
    appendFileSync(file, `${JSON.stringify({ target, cases: runs, ms: Math.round(ms), peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`);
}
