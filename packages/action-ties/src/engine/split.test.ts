import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { floatValues, writeModel, type TensorDef } from '../test-models.js';
import { runMerge } from './execute.js';
import type { MergeRequest } from './request.js';
import { SPLIT_MIN_ELEMENTS } from './split.js';

// One tensor large enough to be split across the workers, one small one merged whole.
const ARCH: TensorDef[] = [
  { name: 'model.embed_tokens.weight', dtype: 'BF16', shape: [2048, 2056] },
  { name: 'model.norm.weight', dtype: 'BF16', shape: [64] },
];

let dir: string;
let base: string;
let models: string[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'action-ties-split-'));
  const baseValues = floatValues(ARCH, 1);
  base = join(dir, 'base');
  await writeModel(base, ARCH, baseValues);
  models = [];
  for (let i = 0; i < 3; i++) {
    const path = join(dir, `m${i}`);
    await writeModel(path, ARCH, floatValues(ARCH, 10 + i, baseValues));
    models.push(path);
  }
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const requests: [string, (m: string[]) => MergeRequest][] = [
  [
    'ties, 2 models',
    (m) => ({
      method: 'ties',
      base,
      models: [
        { path: m[0] as string, params: { weight: 0.7, density: 0.3 } },
        { path: m[1] as string, params: { weight: 0.3, density: 0.6 } },
      ],
    }),
  ],
  [
    'ties, 3 models, lambda',
    (m) => ({ method: 'ties', base, params: { lambda: 0.8 }, models: m.map((path, i) => ({ path, params: { weight: 0.2 + 0.1 * i, density: 0.5 } })) }),
  ],
  [
    'task arithmetic',
    (m) => ({
      method: 'task_arithmetic',
      base,
      models: [
        { path: m[0] as string, params: { weight: 0.5 } },
        { path: m[2] as string, params: { weight: -0.25 } },
      ],
    }),
  ],
];

describe('a large tensor split across worker threads', () => {
  it('is large enough to be split', () => {
    expect(2048 * 2056).toBeGreaterThanOrEqual(SPLIT_MIN_ELEMENTS);
  });
  for (const [label, request] of requests) {
    it(`gives the same bytes as one thread: ${label}`, async () => {
      const whole = await runMerge(request(models), { outputDir: join(dir, `${label}-0`), threads: 0 });
      const split = await runMerge(request(models), { outputDir: join(dir, `${label}-2`), threads: 2 });
      expect(whole.splitTensors).toBe(0);
      expect(split.threads).toBe(2);
      expect(split.splitTensors).toBe(1);
      for (const f of split.files) {
        const a = await readFile(join(dir, `${label}-0`, f));
        const b = await readFile(join(dir, `${label}-2`, f));
        expect(b.equals(a), `${label} ${f}`).toBe(true);
      }
      // and the merge changed the large tensor (it is not a copy of the base)
      const out = await readFile(join(dir, `${label}-2`, 'model.safetensors'));
      expect(out.equals(await readFile(join(base, 'model.safetensors')))).toBe(false);
    }, 120_000);
  }
});
