import { TinyLM } from '@lamdagent/tinylm';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHIPPED_TOOLS_BASE_MODEL, trainInstructBase, type InstructBaseReport } from './instruct-base.js';

const sha = async (file: string) =>
  createHash('sha256')
    .update(await readFile(file))
    .digest('hex');

/** model.safetensors of the small-scale rebuild below (a 1x16 model, 40 + 10 + 14 examples, one epoch). */
const SMALL_SCALE_SHA256 = 'd745b25c48bdfb97c654f7639cc7b19f9101d5e802d7e8c0ebfd8702e342fab3';

describe('trainInstructBase', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tools-base-'));
    const tiny = await TinyLM.init({ nEmbd: 16, nLayer: 1, nHead: 2, nPositions: 128 }, 3);
    await tiny.save(join(dir, 'from'));
    tiny.dispose();
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('rebuilds bit for bit at small scale (same options, same bytes as recorded)', async () => {
    const opts = { from: join(dir, 'from'), examples: 40, records: 10, plans: 14, epochs: 1, batchSize: 8 };
    const a = await trainInstructBase(join(dir, 'a'), opts);
    const b = await trainInstructBase(join(dir, 'b'), opts);
    expect(a.steps).toBe(8);
    expect(await sha(join(dir, 'a', 'model.safetensors'))).toBe(a.modelSha256);
    expect(b.modelSha256).toBe(a.modelSha256);
    expect(a.modelSha256).toBe(SMALL_SCALE_SHA256);
  });

  it('refuses bad options, naming the field', async () => {
    await expect(trainInstructBase(join(dir, 'x'), { epochs: 0 })).rejects.toThrow(/trainInstructBase options: epochs/);
  });

  it('the shipped model matches the digest its build recorded', async () => {
    expect(existsSync(join(SHIPPED_TOOLS_BASE_MODEL, 'config.json'))).toBe(true);
    const report = JSON.parse(await readFile(join(SHIPPED_TOOLS_BASE_MODEL, 'instruct.json'), 'utf8')) as InstructBaseReport;
    expect(await sha(join(SHIPPED_TOOLS_BASE_MODEL, 'model.safetensors'))).toBe(report.modelSha256);
    expect(report.options).toMatchObject({ seed: 0, examples: 3000, records: 1000 });
  });
});
