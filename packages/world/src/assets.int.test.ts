import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { digestFolder } from '@lamdagent/core/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readShippedIndex, SHIPPED_SPECIALISTS, type ShippedIndex } from './assets.js';
import { buildWorld, SHIPPED_BASE_MODEL } from './build.js';
import { runProbes } from './probes.js';
import { SKILL_NAMES } from './skills/index.js';

/**
 * The shipped base model and specialists are what scripts/build-assets.mjs produces: their files
 * match the digests it recorded, a small-scale rerun of the recipes (probes) gives the recorded
 * weights bit for bit, and buildWorld with the default options copies the shipped specialists
 * (the recorded step digests are today's).
 */
describe('the shipped assets', () => {
  let index: ShippedIndex;
  let dir: string;
  beforeAll(async () => {
    const read = await readShippedIndex();
    if (!read) throw new Error(`no ${join(SHIPPED_SPECIALISTS, 'index.json')}: run scripts/build-assets.mjs`);
    index = read;
    dir = await mkdtemp(join(tmpdir(), 'world-assets-test-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('match the digests recorded by scripts/build-assets.mjs', async () => {
    expect(await digestFolder(SHIPPED_BASE_MODEL)).toBe(index.baseFolderDigest);
    expect(Object.keys(index.specialists).sort()).toEqual(SKILL_NAMES.map((s) => `${s}-specialist`).sort());
    for (const [name, s] of Object.entries(index.specialists)) expect(await digestFolder(join(SHIPPED_SPECIALISTS, name)), name).toBe(s.folderDigest);
  });

  it('are reproduced bit for bit by a small-scale rerun of their recipes', async () => {
    const probes = await runProbes(SHIPPED_BASE_MODEL);
    expect(probes).toEqual(index.probes);
  }, 120_000);

  it('stand in for the default build steps (no training)', async () => {
    const world = await buildWorld(join(dir, 'w'), { seed: 0 });
    expect(world.built).toEqual(['data', 'base', 'arith-specialist', 'mc-specialist', 'rc-specialist']);
    for (const skill of SKILL_NAMES) {
      expect(world.metrics[skill]?.prebuilt, skill).toBe(1);
      expect(await digestFolder(world.specialists[skill] ?? ''), skill).toBe(index.specialists[`${skill}-specialist`]?.folderDigest);
    }
    // The interference sets (opt-in) are one more step: the data, the base and the shipped specialists
    // are reused as they are (no retraining), and the world's digest does not change.
    const withSets = await buildWorld(join(dir, 'w'), { seed: 0, interference: {} });
    expect(withSets.built).toEqual(['interference']);
    expect(withSets.reused).toEqual(['data', 'base', 'arith-specialist', 'mc-specialist', 'rc-specialist']);
    expect(withSets.digest).toBe(world.digest);
    expect(withSets.interference?.counts).toEqual({
      'sft/rc-300.jsonl': 300,
      'sft/rc-chat-1500.jsonl': 1500,
      'sft/clean.jsonl': 2300,
      'sft/mix.jsonl': 3800,
    });
  }, 120_000);
});
