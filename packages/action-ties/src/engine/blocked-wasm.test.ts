import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path, { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { mergeBf16Blocked } from './blocked.js';
import { mergeBf16Wasm, selectionsFrom, trimmedModels } from './blocked-wasm.js';
import { rangeHistograms, rangeMix } from './range.js';
import type { ComputeJob } from './compute.js';

/** bf16 bits of random values, with specials (±0, ±inf, NaN) and many repeated magnitudes sprinkled in. */
function tensor(n: number, seed: number, base?: Uint16Array, specials = true): Uint16Array {
  const out = new Uint16Array(n);
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  let s = (seed * 2654435761) >>> 0;
  const next = (): number => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 4294967296;
  for (let i = 0; i < n; i++) {
    const r = next();
    if (r < 0.002 && specials) u[0] = [0, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc12345][Math.floor(next() * 6)] as number;
    else if (r < 0.05)
      f[0] = (next() < 0.5 ? -1 : 1) * 0.0078125; // ties at one magnitude
    else {
      const b = base ? new Float32Array(new Uint32Array([(base[i] as number) << 16]).buffer)[0] : 0;
      f[0] = (b as number) + (next() - 0.5) * (base ? 0.02 : 0.1);
    }
    const x = u[0] as number;
    out[i] = (x & 0x7f800000) === 0x7f800000 ? x >>> 16 : ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
  }
  return out;
}

function job(n: number, count: number, method: string, params: Record<string, number | boolean>, mp: Record<string, number>[], specials = true): ComputeJob {
  const base = tensor(n, 1, undefined, specials);
  const raw = (t: Uint16Array) => ({ bytes: new Uint8Array(t.buffer), dtype: 'BF16' as const, shape: [n] });
  return {
    method,
    name: 'w',
    shape: [n],
    work: 'BF16',
    dtype: 'BF16',
    base: raw(base),
    models: Array.from({ length: count }, (_, i) => raw(tensor(n, 7 + i, base, specials))),
    params,
    modelParams: mp,
    seed: 0,
  };
}

/** A deep copy: the JavaScript kernel writes task vectors over its inputs. */
function clone(j: ComputeJob): ComputeJob {
  const copy = (t: NonNullable<ComputeJob['base']>) => ({ ...t, bytes: t.bytes.slice() });
  return { ...j, base: j.base ? copy(j.base) : null, models: j.models.map(copy) };
}

const dir = mkdtempSync(join(tmpdir(), 'action-ties-range-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('mergeBf16Wasm gives the same bits as the JavaScript kernel', () => {
  const cases: [string, number, boolean, boolean, Record<string, number | boolean>, Record<string, number>[]][] = [
    [
      'ties, 2 models, normalize',
      2,
      true,
      true,
      { normalize: true, lambda: 1 },
      [
        { weight: 0.6, density: 0.5 },
        { weight: 0.4, density: 0.5 },
      ],
    ],
    [
      'ties, 2 models, lambda, negative weight',
      2,
      true,
      true,
      { normalize: true, lambda: 0.7 },
      [
        { weight: 1.3, density: 0.3 },
        { weight: -0.4, density: 0.9 },
      ],
    ],
    [
      'ties, 2 models, no normalize, density 1 for one',
      2,
      true,
      true,
      { normalize: false, lambda: 1 },
      [
        { weight: 0.5, density: 1 },
        { weight: 0.5, density: 0.2 },
      ],
    ],
    [
      'ties, 3 models',
      3,
      true,
      true,
      { normalize: true, lambda: 1.5 },
      [
        { weight: 0.2, density: 0.4 },
        { weight: 0.3, density: 0.6 },
        { weight: 0.5, density: 0.5 },
      ],
    ],
    ['ties, 1 model', 1, true, true, { normalize: true, lambda: 1 }, [{ weight: 0.9, density: 0.1 }]],
    ['task arithmetic, 3 models, normalize', 3, false, false, { normalize: true, lambda: 1 }, [{ weight: 0.2 }, { weight: 0.3 }, { weight: -0.5 }]],
    ['task arithmetic, 2 models, lambda', 2, false, false, { normalize: false, lambda: 0.9 }, [{ weight: 1 }, { weight: 1 }]],
  ];
  // 40_003 elements without infinities and NaN: the 2-model kernel's chunks take its rounding without fix-ups
  for (const [n, specials] of [
    [37, true],
    [40_003, true],
    [40_003, false],
  ] as const) {
    for (const [label0, count, consensus, trim, params, mp] of cases) {
      const label = specials ? label0 : `${label0}, finite inputs`;
      it(`${label}, ${n} elements`, () => {
        const j = job(n, count, consensus ? 'ties' : 'task_arithmetic', params, mp, specials);
        const expected = mergeBf16Blocked(clone(j), consensus, trim);
        const got = mergeBf16Wasm(clone(j), consensus, trim);
        expect(got.byteLength).toBe(expected.byteLength);
        const a = new Uint16Array(expected.buffer);
        const b = new Uint16Array(got.buffer);
        const diff = a.findIndex((v, i) => v !== b[i]);
        expect(diff, `first difference at ${diff}: js ${a[diff]?.toString(16)} wasm ${b[diff]?.toString(16)}`).toBe(-1);
        // the merge did something: the output differs from the base somewhere
        expect(Buffer.compare(Buffer.from(got), Buffer.from(j.base?.bytes ?? new Uint8Array()))).not.toBe(0);
      });
      it(`${label}, ${n} elements, in 2 ranges read from a file (range.ts, as split across workers)`, () => {
        const j = job(n, count, consensus ? 'ties' : 'task_arithmetic', params, mp, specials);
        const expected = mergeBf16Blocked(clone(j), consensus, trim);
        // the inputs one after the other in a file, 3 bytes in (offsets need no alignment)
        const inputs = [j.base, ...j.models].map((t) => (t as NonNullable<ComputeJob['base']>).bytes);
        const file = join(dir, `inputs-${n}-${count}-${String(specials)}`);
        writeFileSync(file, Buffer.concat([Buffer.from([1, 2, 3]), ...inputs]));
        const bounds = [0, Math.floor(n / 2 / 8) * 8, n];
        const spans = (r: number) =>
          inputs.map((_, i) => ({
            path: file,
            offset: 3 + 2 * n * i + 2 * (bounds[r] as number),
            length: 2 * ((bounds[r + 1] as number) - (bounds[r] as number)),
          }));
        const trimmed = trimmedModels(n, mp, trim);
        const hists = [0, 1].map((r) => rangeHistograms(`t${r}`, spans(r), trimmed));
        const whole = selectionsFrom(n, mp, trim, trimmed.some(Boolean) ? hists : []);
        const parts = [0, 1].map((r) => {
          const selections = whole.map((sel, i) =>
            sel.active && r === 1 ? { ...sel, remaining: Math.max(0, sel.remaining - ((hists[0]?.[i] as Uint32Array)[sel.threshold >>> 16] as number)) } : sel,
          );
          return rangeMix(`t${r}`, { params, modelParams: mp }, consensus, selections);
        });
        const got = new Uint16Array(new Uint8Array(Buffer.concat(parts)).buffer);
        const a = new Uint16Array(expected.buffer);
        expect(got.length).toBe(a.length);
        const diff = a.findIndex((v, i) => v !== got[i]);
        expect(diff, `first difference at ${diff}: js ${a[diff]?.toString(16)} wasm ${got[diff]?.toString(16)}`).toBe(-1);
      });
    }
  }
});

describe('entries equal to the trim threshold', () => {
  // every task-vector entry has the same magnitude: the quota of threshold-equal entries runs out inside a
  // group of 8 elements, at an even or an odd element, and the lowest indices must be the ones kept
  for (const [n, d0, d1] of [
    [4003, 0.3, 0.55],
    [4011, 0.7, 0.45],
  ] as const) {
    it(`keeps the lowest indices, as the JavaScript kernel does (${n} elements, densities ${d0}, ${d1})`, () => {
      const base = new Uint16Array(n).fill(0x3f40); // 0.75
      let s = n;
      const model = () => Uint16Array.from({ length: n }, () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) & 0x10000 ? 0x3f42 : 0x3f3e)); // 0.75 ± 2^-7: every task vector entry ±2^-7
      const raw = (t: Uint16Array) => ({ bytes: new Uint8Array(t.buffer), dtype: 'BF16' as const, shape: [n] });
      const j: ComputeJob = {
        method: 'ties',
        name: 'w',
        shape: [n],
        work: 'BF16',
        dtype: 'BF16',
        base: raw(base),
        models: [raw(model()), raw(model())],
        params: { normalize: true, lambda: 1 },
        modelParams: [
          { weight: 0.6, density: d0 },
          { weight: 0.4, density: d1 },
        ],
        seed: 0,
      };
      const expected = new Uint16Array(mergeBf16Blocked(clone(j), true, true).buffer);
      const got = new Uint16Array(mergeBf16Wasm(clone(j), true, true).buffer);
      const diff = expected.findIndex((v, i) => v !== got[i]);
      expect(diff, `first difference at ${diff}`).toBe(-1);
      expect(new Set(expected).size).toBeGreaterThan(2); // kept and dropped entries of both models
    });
  }
});

const pkg = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const hasToolchain = ['clang', 'wasm-ld'].every((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status === 0);

describe('the merge kernel', () => {
  it.skipIf(!hasToolchain && process.env.CI !== 'true')('the committed src/engine/gta-wasm.ts matches a rebuild of native/gta_bf16.c', () => {
    if (!hasToolchain) console.log('skipped: clang and wasm-ld (Debian clang, lld) are not installed');
    expect(hasToolchain, 'clang and wasm-ld must be installed in CI (scripts/ci/wasm-toolchain.sh)').toBe(true);
    const r = spawnSync('bash', [path.join(pkg, 'native', 'build.sh'), '--check'], { encoding: 'utf8' });
    if (r.status === 3) {
      console.log(`not compared: ${r.stderr.trim()}`); // another compiler version emits other (equally valid) bytes
      return;
    }
    expect(r.stderr + r.stdout).toMatch(/matches a rebuild/);
    expect(r.status).toBe(0);
  });
});
