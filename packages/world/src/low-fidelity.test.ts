import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWorld } from './build.js';
import { generateWorldData, type WorldDataManifest } from './data.js';
import { generateLowFidelityData, readLowFidelityManifest, type LowFidelityManifest } from './low-fidelity.js';

// Small sizes: the same code paths as the defaults (1,000-item splits, fraction 0.25).
const SIZES = { seed: 3, trainSize: 40, valSize: 30, testSize: 30 };
const text = (f: string): Promise<string> => readFile(f, 'utf8');
const lines = async (f: string): Promise<string[]> => (await text(f)).split('\n').filter((l) => l !== '');

let dir: string;
let world: WorldDataManifest;
let m: LowFidelityManifest;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'world-low-fidelity-'));
  world = await generateWorldData(join(dir, 'a'), SIZES);
  m = await generateLowFidelityData(join(dir, 'a'), { fractions: [0.25, 0.5] });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('low-fidelity SFT data', () => {
  it('writes x.<f>x.jsonl beside each SFT set with round(f × n) of its lines, in file order', async () => {
    expect(m.sft['0.25']!.arith).toBe(join(dir, 'a', 'sft', 'arith.0.25x.jsonl'));
    expect(m.sft['0.5']!.all).toBe(join(dir, 'a', 'sft', 'all.0.5x.jsonl'));
    expect(m.counts).toEqual({
      'sft/arith.0.25x.jsonl': 10,
      'sft/mc.0.25x.jsonl': 10,
      'sft/rc.0.25x.jsonl': 10,
      'sft/all.0.25x.jsonl': 30,
      'sft/arith.0.5x.jsonl': 20,
      'sft/mc.0.5x.jsonl': 20,
      'sft/rc.0.5x.jsonl': 20,
      'sft/all.0.5x.jsonl': 60,
    });
    expect((await readLowFidelityManifest(join(dir, 'a'))).sft).toEqual(m.sft);
    for (const f of ['0.25', '0.5']) {
      for (const k of ['arith', 'mc', 'rc', 'all'] as const) {
        const full = await lines(world.sft[k]);
        const low = await lines(m.sft[f]![k]);
        expect(low.length).toBe(m.counts[`sft/${k}.${f}x.jsonl`]);
        // A subsequence of the full set: its lines, byte for byte, in the full set's order.
        let at = 0;
        for (const l of low) {
          at = full.indexOf(l, at) + 1;
          expect(at).toBeGreaterThan(0);
        }
      }
    }
  });

  it('makes all.<f>x the union of the skill variants in all.jsonl order, and nests the fractions', async () => {
    const low = m.sft['0.25']!;
    const union = [...(await lines(low.arith)), ...(await lines(low.mc)), ...(await lines(low.rc))];
    expect([...(await lines(low.all))].sort()).toEqual(union.sort());
    const allFull = await lines(world.sft.all);
    const held = new Set(union);
    expect(await lines(low.all)).toEqual(allFull.filter((l) => held.has(l)));
    for (const k of ['arith', 'mc', 'rc', 'all'] as const) {
      const half = new Set(await lines(m.sft['0.5']![k]));
      for (const l of await lines(low[k])) expect(half.has(l)).toBe(true);
    }
  });

  it('never holds a validation or test prompt of any task', async () => {
    const held = new Set<string>();
    for (const t of Object.values(world.eval)) {
      for (const f of [t.validation, t.test]) for (const l of await lines(f)) held.add((JSON.parse(l) as { prompt: string }).prompt);
    }
    for (const files of Object.values(m.sft)) {
      for (const f of Object.values(files)) for (const l of await lines(f)) expect(held.has((JSON.parse(l) as { prompt: string }).prompt)).toBe(false);
    }
  });

  it('same seed, same bytes; another seed, another sample; bad options name the field; an edited all.jsonl is refused', async () => {
    const again = await generateWorldData(join(dir, 'b'), SIZES);
    const m2 = await generateLowFidelityData(again.root, { fractions: [0.25, 0.5] });
    for (const k of ['arith', 'mc', 'rc', 'all'] as const) expect(await text(m2.sft['0.25']![k])).toBe(await text(m.sft['0.25']![k]));
    expect(await text(join(dir, 'b', 'low-fidelity.json'))).toBe(await text(join(dir, 'a', 'low-fidelity.json')));
    const other = await generateWorldData(join(dir, 'c'), { ...SIZES, seed: 4 });
    const m3 = await generateLowFidelityData(other.root, { fractions: [0.25] });
    expect(await text(m3.sft['0.25']!.arith)).not.toBe(await text(m.sft['0.25']!.arith));
    await expect(generateLowFidelityData(join(dir, 'a'), { fractions: [1] })).rejects.toThrow(/lowFidelity options: fractions\.0/);
    await expect(generateLowFidelityData(join(dir, 'a'), { fractions: [2.5e-7] })).rejects.toThrow(/lowFidelity options: fractions\.0: a decimal/);
    await expect(generateLowFidelityData(join(dir, 'a'), { fractions: [0.5, 0.5] })).rejects.toThrow(/lowFidelity options: fractions: each fraction once/);
    await expect(generateLowFidelityData(join(dir, 'a'), { fraction: 0.5 } as never)).rejects.toThrow(/lowFidelity options: \(root\)/);
    const all = await lines(other.sft.all);
    await writeFile(other.sft.all, [...all.slice(1), all[0]].join('\n') + '\n');
    await expect(generateLowFidelityData(other.root)).rejects.toThrow(/all\.jsonl: not the seeded shuffle/);
  });
});

describe('buildWorld lowFidelity', () => {
  it('is its own step: the digest and the full files are the same with and without it', async () => {
    const small = { seed: 2, trainSize: 16, valSize: 4, testSize: 4, skills: ['arith' as const], sft: { epochs: 1, batchSize: 8 } };
    const plain = await buildWorld(join(dir, 'w1'), small);
    const low = await buildWorld(join(dir, 'w2'), { ...small, lowFidelity: { fractions: [0.25] } });
    expect(low.digest).toBe(plain.digest);
    expect(low.built).toEqual(['data', 'low-fidelity', 'base', 'arith-specialist']);
    expect(plain.lowFidelity).toBeUndefined();
    expect(low.lowFidelity?.counts['sft/all.0.25x.jsonl']).toBe(12);
    for (const k of ['arith', 'mc', 'rc', 'all'] as const) expect(await text(low.data.sft[k])).toBe(await text(plain.data.sft[k]));
    expect(await text(join(dir, 'w2', 'models', 'arith-specialist', 'model.safetensors'))).toBe(
      await text(join(dir, 'w1', 'models', 'arith-specialist', 'model.safetensors')),
    );
    const again = await buildWorld(join(dir, 'w2'), { ...small, lowFidelity: { fractions: [0.25] } });
    expect(again.built).toEqual([]);
    expect(again.reused).toContain('low-fidelity');
    // Added later to a world built without it: only the new step runs.
    const later = await buildWorld(join(dir, 'w1'), { ...small, lowFidelity: {} });
    expect(later.built).toEqual(['low-fidelity']);
    expect(await text(later.lowFidelity!.sft['0.25']!.rc)).toBe(await text(low.lowFidelity!.sft['0.25']!.rc));
    await expect(buildWorld(join(dir, 'w3'), { ...small, lowFidelity: { fractions: [0] } })).rejects.toThrow(/buildWorld options: lowFidelity\.fractions\.0/);
  });
});
