import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MERGE_METHODS, mergeCheckpoints, type MergeSpecInput } from '@lamdagent/action-ties';
import { decodeToFloat32, openCheckpoint } from '@lamdagent/safetensors';
import { SHIPPED_BASE_MODEL } from '@lamdagent/world';
import { describe, expect, it } from 'vitest';
import { PACKAGE_DIR } from './test-study.js';
import { pythonGate } from './test-python.js';

/**
 * mergekit as the reference for our merging: one row per merge method we ship. Each row builds small
 * real checkpoints (the world's GPT-2 plus seeded changes, written by torch/safetensors), runs
 * `mergekit-yaml` on the equivalent config and our `mergeCheckpoints`, and compares every tensor.
 *
 * To add a method: add a row. `ours` is what `mergeCheckpoints` takes; `mergekit(paths)` returns the
 * mergekit config (written as JSON, which YAML reads) for the same merge.
 *
 * Both follow mergekit's precision steps for the checkpoints' dtype: float32 checkpoints merge in float32;
 * bf16 checkpoints merge with mergekit's default bf16 steps (action-ties follows them, see its README), and
 * the result is written as bf16 (`out_dtype`), as our merger writes the base's dtype. The tolerance, the same for every
 * row: an entry may differ by at most one ulp of the stored dtype at its magnitude plus 4 float32 ulps
 * of the tensor's largest magnitude. Why: our per-entry sums run in float64 and are rounded once,
 * torch's run in float32 in model order, so the float32 results can differ in the last bits (more
 * ulps only where terms cancel, which the tensor-scale term covers), and a bf16 entry whose float32
 * value lies next to a rounding boundary can then round one bf16 ulp apart. Everything else (which
 * entries TIES trims, elected signs, the disjoint mean, normalization, lambda) must agree exactly: a
 * wrong choice there moves an entry by a whole task-vector change, orders of magnitude over the bound.
 * TIES in bf16 runs at density 1: bf16 task vectors have many equal magnitudes at the trim threshold,
 * where mergekit's `torch.argsort` (not stable) keeps an unspecified subset and ours keeps the lower
 * indices (action-ties' trim.ts); trimming is compared in float32, where magnitudes do not tie.
 */
interface Paths {
  base: string;
  models: string[];
}
interface MergeRow {
  name: string;
  dtype: 'float32' | 'bfloat16';
  ours: MergeSpecInput;
  mergekit(p: Paths): Record<string, unknown>;
}

const W = [0.6, 0.4];
const modelsWith = (p: Paths, params: (i: number) => Record<string, number>): Record<string, unknown>[] =>
  p.models.map((m, i) => ({ model: m, parameters: params(i) }));

const ROWS: MergeRow[] = [];
for (const dtype of ['bfloat16', 'float32'] as const) {
  const density = dtype === 'bfloat16' ? 1 : 0.5;
  ROWS.push(
    {
      name: `ties ${dtype} density ${density}`,
      dtype,
      ours: { method: 'ties', weights: W, density, lambda: 1, normalize: true },
      mergekit: (p) => ({
        merge_method: 'ties',
        base_model: p.base,
        models: modelsWith(p, (i) => ({ weight: W[i]!, density })),
        parameters: { normalize: true, lambda: 1 },
      }),
    },
    {
      name: `task_arithmetic ${dtype}`,
      dtype,
      ours: { method: 'task_arithmetic', weights: W, lambda: 0.8, normalize: false },
      mergekit: (p) => ({
        merge_method: 'task_arithmetic',
        base_model: p.base,
        models: modelsWith(p, (i) => ({ weight: W[i]! })),
        parameters: { normalize: false, lambda: 0.8 },
      }),
    },
    {
      name: `linear ${dtype}`,
      dtype,
      ours: { method: 'linear', weights: W, normalize: true },
      mergekit: (p) => ({ merge_method: 'linear', models: modelsWith(p, (i) => ({ weight: W[i]! })), parameters: { normalize: true } }),
    },
  );
}

/** Methods compared bit for bit against mergekit in action-ties' own suite (src/mergekit-equality.int.test.ts). */
const COMPARED_IN_ACTION_TIES = ['breadcrumbs', 'breadcrumbs_ties', 'slerp', 'nuslerp', 'model_stock', 'dare_ties', 'passthrough'];
/**
 * Methods whose results depend on random drop masks: ours are seeded xoshiro draws, mergekit's come from
 * torch's generator, so outputs cannot be equal except where nothing is dropped (dare_ties at density 1 is
 * compared in action-ties). Their deterministic parts are covered by action-ties' hand-computed tests.
 */
const RANDOM_MASKS = ['dare_linear', 'della', 'della_linear'];

describe('the mergekit table', () => {
  it('has a row, an action-ties comparison or a stated reason for every merge method action-ties ships', () => {
    const covered = new Set([...ROWS.map((r) => r.ours.method as string), ...COMPARED_IN_ACTION_TIES, ...RANDOM_MASKS]);
    const missing = MERGE_METHODS.filter((m) => !covered.has(m));
    expect(missing, `add a row for ${missing.join(', ')} to ROWS in packages/runner-command/src/mergekit.int.test.ts`).toEqual([]);
  });
});

const gate = pythonGate('mergekit equality tests', ['torch', 'safetensors', 'mergekit']);

/** One ulp of a float with `mantissaBits` explicit mantissa bits at magnitude `x` (normal range). */
const ulp = (x: number, mantissaBits: number): number => (x === 0 ? 0 : 2 ** (Math.floor(Math.log2(Math.abs(x))) - mantissaBits));

describe.skipIf(!gate.run)(gate.title('our merges equal mergekit-yaml, tensor by tensor'), () => {
  const fixtures = new Map<string, Paths>();
  const checkpoints = (dtype: string): Paths => {
    let p = fixtures.get(dtype);
    if (!p) {
      const dir = mkdtempSync(path.join(tmpdir(), `mergekit-${dtype}-`));
      const r = spawnSync(gate.python, [path.join(PACKAGE_DIR, 'test-fixtures', 'make_checkpoints.py'), SHIPPED_BASE_MODEL, dir, dtype, '2'], {
        encoding: 'utf8',
      });
      if (r.status !== 0) throw new Error(`make_checkpoints.py: ${r.stderr}`);
      p = { base: path.join(dir, 'base'), models: [path.join(dir, 'm1'), path.join(dir, 'm2')] };
      fixtures.set(dtype, p);
    }
    return p;
  };

  it.each(ROWS)(
    '$name',
    async (row) => {
      const p = checkpoints(row.dtype);
      const dir = mkdtempSync(path.join(tmpdir(), 'mergekit-row-'));
      writeFileSync(
        path.join(dir, 'config.yml'),
        JSON.stringify({ ...row.mergekit(p), ...(row.dtype === 'float32' ? { dtype: 'float32' } : {}), out_dtype: row.dtype }, null, 1),
      );
      const mergekitYaml = path.join(path.dirname(gate.python), 'mergekit-yaml');
      const r = spawnSync(mergekitYaml, [path.join(dir, 'config.yml'), path.join(dir, 'mergekit')], { encoding: 'utf8', timeout: 600_000 });
      expect(r.status, r.stderr.slice(-2000)).toBe(0);
      const ours = path.join(dir, 'ours');
      await mergeCheckpoints({ merge: row.ours, base: row.ours.method === 'linear' ? p.models[0]! : p.base, models: p.models, outputDir: ours });

      const a = await openCheckpoint(ours);
      const b = await openCheckpoint(path.join(dir, 'mergekit'));
      expect(a.names().sort()).toEqual(b.names().sort());
      let entries = 0;
      let differing = 0;
      let maxAbs = 0;
      let worst = 0; // largest |difference| / allowed
      for (const name of a.names()) {
        const ia = a.info(name);
        const ib = b.info(name);
        expect([ia.dtype, ia.shape], name).toEqual([ib.dtype, ib.shape]);
        const fa = decodeToFloat32(await a.readBytes(name), ia.dtype);
        const fb = decodeToFloat32(await b.readBytes(name), ib.dtype);
        const mantissa = ia.dtype === 'BF16' ? 7 : 23;
        let scale = 0;
        for (const v of fb) scale = Math.max(scale, Math.abs(v));
        for (let i = 0; i < fa.length; i++) {
          entries++;
          const d = Math.abs(fa[i]! - fb[i]!);
          if (d === 0) continue;
          differing++;
          maxAbs = Math.max(maxAbs, d);
          const allowed = ulp(Math.max(Math.abs(fa[i]!), Math.abs(fb[i]!)), mantissa) + 4 * ulp(scale, 23);
          worst = Math.max(worst, d / allowed);
          if (d > allowed) expect.fail(`${name}[${i}]: ours ${fa[i]} vs mergekit ${fb[i]} (allowed ${allowed.toExponential(2)})`);
        }
      }
      await Promise.all([a.close(), b.close()]);
      process.stdout.write(
        `[runner-command] mergekit equality ${row.name}: ${entries} entries, ${differing} differ in the last bits (max ${maxAbs.toExponential(2)}, ${(worst * 100).toFixed(0)}% of the bound), none beyond\n`,
      );
      expect(entries).toBe(214_720);
    },
    600_000,
  );
});
