import { mkdirSync, readdirSync, unlinkSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { floatValues, writeModel, type TensorDef } from '../test-models.js';
import { runMerge } from './execute.js';
import type { MergeRequest } from './request.js';

// A small tensor first, then three tensors large enough to be split across the worker threads (their
// ranges are written by the workers straight into the output shard).
const BIG = [2048, 2048];
const ARCH: TensorDef[] = [
  { name: 'a.norm.weight', dtype: 'BF16', shape: [64] },
  { name: 'b.big.weight', dtype: 'BF16', shape: BIG },
  { name: 'c.big.weight', dtype: 'BF16', shape: BIG },
  { name: 'd.big.weight', dtype: 'BF16', shape: BIG },
];

let dir: string;
let request: MergeRequest;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'action-ties-split-failure-'));
  const baseValues = floatValues(ARCH, 1);
  const base = join(dir, 'base');
  await writeModel(base, ARCH, baseValues);
  const models: string[] = [];
  for (let i = 0; i < 2; i++) {
    const path = join(dir, `m${i}`);
    await writeModel(path, ARCH, floatValues(ARCH, 20 + i, baseValues));
    models.push(path);
  }
  request = {
    method: 'ties',
    base,
    models: models.map((path, i) => ({ path, params: { weight: 0.6 - 0.2 * i, density: 0.5 } })),
  };
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a worker that fails while writing a split tensor', () => {
  it('fails the merge with the OS error, leaves no output folder, and the next merge is exact', async () => {
    const target = join(dir, 'out');
    const seen: string[] = [];
    let injected = '';
    const run = runMerge(request, {
      outputDir: target,
      refuseExisting: true,
      threads: 2,
      // one tensor per worker in flight, no read-ahead: the last large tensors start after the injection
      inflightBytes: 1,
      onProgress: (p) => {
        seen.push(p.tensor);
        if (p.done !== 1) return;
        // The output shard is still a temporary file in a temporary sibling folder. Put a folder in
        // its place (synchronously, before the next large tensor starts): the workers' positional writes
        // into it fail (EISDIR).
        const staging = readdirSync(dir).find((f) => f.startsWith('.out.tmp-')) as string;
        const shard = readdirSync(join(dir, staging)).find((f) => f.includes('.tmp-')) as string;
        injected = join(dir, staging, shard);
        unlinkSync(injected);
        mkdirSync(injected);
      },
    });
    await expect(run).rejects.toThrow(/EISDIR.*\.model\.safetensors\.tmp-/);
    expect(injected).toContain('.model.safetensors.tmp-');
    expect(seen[0]).toBe('a.norm.weight');
    // the failure came while the large tensors were being written: not every tensor was reported done
    expect(seen.length).toBeLessThan(ARCH.length);
    // nothing half-written: neither the target nor its temporary sibling folder is left
    expect((await readdir(dir)).sort()).toEqual(['base', 'm0', 'm1']);

    // the same merge again, on workers, gives the bytes of a main-thread merge
    const whole = await runMerge(request, { outputDir: join(dir, 'whole'), threads: 0 });
    const split = await runMerge(request, { outputDir: join(dir, 'split'), threads: 2, refuseExisting: true });
    expect(whole.splitTensors).toBe(0);
    expect(split.splitTensors).toBe(3);
    const a = await readFile(join(dir, 'whole', 'model.safetensors'));
    const b = await readFile(join(dir, 'split', 'model.safetensors'));
    expect(b.equals(a)).toBe(true);
  }, 120_000);
});
