// Shared by the table benchmarks (compare-interference, compare-tools): replay policies from a shipped
// table for 30 iterations against the config's baselines, and print how many actions the table missed
// and the comparison.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compare, parsePolicies } from '@lamdagent/science';

/** `name` labels the output; `policies` is a comma list (as `lamdagent compare --policies`), resolved from `root`. */
export async function replayCompare({ name, config, table, baselines, seeds, policies, root }) {
  const arms = parsePolicies(policies, root).map((p) => ({ label: p.label, policy: p }));
  const out = mkdtempSync(path.join(tmpdir(), `bench-compare-${name}-`));
  try {
    const t = Date.now();
    const r = await compare({ configPath: config, arms, seeds, iterations: 30, outDir: path.join(out, 'table'), table, parallel: 1, baselines });
    const all = r.report.arms.flatMap((a) => a.seeds);
    const executed = all.reduce((n, x) => n + x.executed, 0);
    const misses = all.reduce((n, x) => n + x.misses, 0);
    console.log(`\ncompare on the ${name} table: ${arms.length} policies × ${seeds} seeds × 30 iterations in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    console.log(`table misses: ${misses} of ${executed} executed actions (a miss fails as TableMiss and is never scored)`);
    console.log(r.text);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}
