import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scoreExact } from '@lamdagent/eval-suites';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWorldData, type WorldDataManifest } from './data.js';
import { chatAnswer, generateInterferenceData, readInterferenceManifest, type InterferenceManifest } from './interference.js';

// Small sizes: the same code paths as the defaults (300 / 700 / 1500 of 1,000-item splits).
const SIZES = { seed: 3, trainSize: 40, valSize: 30, testSize: 30 };
const OPTIONS = { rcPool: 12, rcSkip: 28, rcChat: 50 };
const lines = async (f: string): Promise<{ prompt: string; completion: string }[]> =>
  (await readFile(f, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { prompt: string; completion: string });

let dir: string;
let world: WorldDataManifest;
let m: InterferenceManifest;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'world-interference-'));
  world = await generateWorldData(join(dir, 'data'), SIZES);
  m = await generateInterferenceData(join(dir, 'a'), SIZES, OPTIONS);
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('interference data', () => {
  it('writes the clean rc pool, the chat-style rc set, their clean union and the mix, with the sizes asked for', async () => {
    expect(m.counts).toEqual({ 'sft/rc-12.jsonl': 12, 'sft/rc-chat-50.jsonl': 50, 'sft/clean.jsonl': 40 + 40 + 12, 'sft/mix.jsonl': 40 + 40 + 12 + 50 });
    expect((await readInterferenceManifest(join(dir, 'a'))).sft.mix).toBe(join(dir, 'a', 'sft', 'mix.jsonl'));
    // The rc pool is the head of the world's own rc set; arith and mc are the world's sets.
    const rc = await lines(m.sft.rc);
    expect(rc).toEqual((await lines(world.sft.rc)).slice(0, 12));
    const clean = await lines(m.sft.clean);
    const key = (r: { prompt: string; completion: string }): string => `${r.prompt}\t${r.completion}`;
    const want = [...(await lines(world.sft.arith)), ...(await lines(world.sft.mc)), ...rc].map(key).sort();
    expect(clean.map(key).sort()).toEqual(want);
    const chat = await lines(m.sft.rcChat);
    expect((await lines(m.sft.mix)).map(key).sort()).toEqual([...clean, ...chat].map(key).sort());
  });

  it('answers the chat set in a sentence that holds the gold value but fails the exact scorer', async () => {
    const chat = await lines(m.sft.rcChat);
    const rcPrompts = new Set((await lines(world.sft.rc)).map((r) => r.prompt));
    for (const r of chat) {
      expect(r.completion).toMatch(/^ [A-Z][a-z]+ .+\.$/);
      // not an item of the pool or of the specialist's data (the first 40 of the stream here)
      expect(rcPrompts.has(r.prompt)).toBe(false);
    }
    // a hand-written case: the sentence about the person asked for
    const prompt = 'C: Ann lives in Rome. Bob is a cook. Q: Where does Ann live? A:';
    expect(chatAnswer(prompt)).toBe(' Ann lives in Rome.');
    expect(scoreExact(chatAnswer(prompt), 'Rome')).toBe(false);
    expect(scoreExact(' Rome', 'Rome')).toBe(true);
    expect(() => chatAnswer('Q: 3 + 4? A:')).toThrow(/not a reading-comprehension prompt/);
  });

  it('never holds a validation or test prompt of any task', async () => {
    const held = new Set<string>();
    for (const t of Object.values(world.eval)) {
      for (const f of [t.validation, t.test]) for (const r of await lines(f)) held.add(r.prompt);
    }
    for (const f of [m.sft.rc, m.sft.rcChat, m.sft.mix]) for (const r of await lines(f)) expect(held.has(r.prompt)).toBe(false);
  });

  it('same options, same bytes; another seed, other data; bad options name the field', async () => {
    const again = await generateInterferenceData(join(dir, 'b'), SIZES, OPTIONS);
    for (const k of ['rc', 'rcChat', 'clean', 'mix'] as const) expect(await readFile(again.sft[k], 'utf8')).toBe(await readFile(m.sft[k], 'utf8'));
    const other = await generateInterferenceData(join(dir, 'c'), { ...SIZES, seed: 4 }, OPTIONS);
    expect(await readFile(other.sft.mix, 'utf8')).not.toBe(await readFile(m.sft.mix, 'utf8'));
    await expect(generateInterferenceData(join(dir, 'd'), SIZES, { rcPool: 0 })).rejects.toThrow(/interference options: rcPool/);
    await expect(generateInterferenceData(join(dir, 'd'), SIZES, { rcChat: 5, nope: 1 } as never)).rejects.toThrow(/interference options/);
  });
});
