import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWorldData, readWorldManifest, type WorldDataManifest } from './data.js';
import { TASK_NAMES } from './skills/index.js';

async function readJsonl(path: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(path, 'utf8');
  return text
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('generateWorldData', () => {
  let root: string;
  let m: WorldDataManifest;
  const sizes = { seed: 3, trainSize: 300, valSize: 50, testSize: 80 };

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'world-data-'));
    m = await generateWorldData(join(root, 'data'), sizes);
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes every file with the requested sizes', async () => {
    for (const skill of ['arith', 'mc', 'rc'] as const) {
      expect(await readJsonl(m.sft[skill])).toHaveLength(300);
      expect(await readJsonl(m.preference[skill])).toHaveLength(300);
    }
    expect(await readJsonl(m.sft.all)).toHaveLength(900);
    expect(await readJsonl(m.preference.all)).toHaveLength(900);
    for (const task of TASK_NAMES) {
      expect(await readJsonl(m.eval[task].validation)).toHaveLength(50);
      expect(await readJsonl(m.eval[task].test)).toHaveLength(80);
    }
    expect(m.counts['sft/all.jsonl']).toBe(900);
  });

  it('keeps splits disjoint, within and across tasks', async () => {
    const owner = new Map<string, string>();
    for (const task of TASK_NAMES) {
      const files: [string, string][] = [
        [`${task}/validation`, m.eval[task].validation],
        [`${task}/test`, m.eval[task].test],
      ];
      if (task === 'arith' || task === 'mc' || task === 'rc') files.push([`${task}/train`, m.sft[task]]);
      for (const [label, file] of files) {
        for (const r of await readJsonl(file)) {
          const prompt = String(r.prompt);
          expect(owner.get(prompt), `${prompt} in ${label} and ${owner.get(prompt)}`).toBeUndefined();
          owner.set(prompt, label);
        }
      }
    }
    expect(owner.size).toBe(3 * 300 + 6 * 130);
  });

  it('uses the documented record formats', async () => {
    const [sft] = await readJsonl(m.sft.mc);
    expect(Object.keys(sft ?? {}).sort()).toEqual(['completion', 'prompt']);
    expect(String(sft?.completion)).toMatch(/^ \[\[[A-D]\]\]$/);
    const [mcEval] = await readJsonl(m.eval.mc.validation);
    expect(Object.keys(mcEval ?? {}).sort()).toEqual(['answer', 'choices', 'id', 'prompt']);
    const [arithEval] = await readJsonl(m.eval.arith.test);
    expect(Object.keys(arithEval ?? {}).sort()).toEqual(['answer', 'id', 'prompt']);
    expect(arithEval?.id).toBe('arith-test-0000');
    for (const p of await readJsonl(m.preference.all)) {
      expect(Object.keys(p).sort()).toEqual(['chosen', 'prompt', 'rejected']);
      expect(p.chosen).not.toBe(p.rejected);
      expect(String(p.chosen).startsWith(' ')).toBe(true);
      expect(String(p.rejected).startsWith(' ')).toBe(true);
    }
    const completions = (await readJsonl(m.sft.all)).map((r) => String(r.completion));
    expect(completions.every((c) => c.startsWith(' ') && !c.includes('\n'))).toBe(true);
  });

  it('shuffles the all-skills mix (skills interleave)', async () => {
    const head = (await readJsonl(m.sft.all)).slice(0, 30).map((r) => String(r.prompt).slice(0, 2));
    expect(new Set(head).size).toBe(2);
    const kinds = (await readJsonl(m.sft.all))
      .slice(0, 30)
      .map((r) => (String(r.completion).includes('[[') ? 'mc' : String(r.prompt).startsWith('C:') ? 'rc' : 'arith'));
    expect(new Set(kinds).size).toBe(3);
  });

  it('is byte-for-byte reproducible, and the test split does not depend on the train size', async () => {
    const again = await generateWorldData(join(root, 'again'), sizes);
    expect(await readFile(again.sft.all, 'utf8')).toBe(await readFile(m.sft.all, 'utf8'));
    const bigger = await generateWorldData(join(root, 'bigger'), { ...sizes, trainSize: 400 });
    expect(await readFile(bigger.eval.rc.test, 'utf8')).toBe(await readFile(m.eval.rc.test, 'utf8'));
    const other = await generateWorldData(join(root, 'other'), { ...sizes, seed: 4 });
    expect(await readFile(other.eval.rc.test, 'utf8')).not.toBe(await readFile(m.eval.rc.test, 'utf8'));
  });

  it('replaces an existing folder atomically and leaves no temporary folders', async () => {
    const dir = join(root, 'replace');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'stale.txt'), 'old');
    await generateWorldData(dir, { ...sizes, trainSize: 10, valSize: 5, testSize: 5 });
    expect((await readdir(dir)).sort()).toEqual(['eval', 'manifest.json', 'preference', 'sft']);
    expect((await readdir(root)).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('reads the manifest back with absolute paths', async () => {
    const back = await readWorldManifest(join(root, 'data'));
    expect(back).toEqual(m);
  });

  it('names the bad option', async () => {
    await expect(generateWorldData(join(root, 'bad'), { seed: 1, trainSize: 0 })).rejects.toThrow(/trainSize/);
    await expect(generateWorldData(join(root, 'bad'), { seed: -1 })).rejects.toThrow(/seed/);
  });

  it('names the manifest file when it is broken', async () => {
    const dir = join(root, 'broken');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'manifest.json'), JSON.stringify({ format: 'lamdagent-world-data/1', seed: 'x' }));
    await expect(readWorldManifest(dir)).rejects.toThrow(/broken\/manifest\.json: seed/);
  });
});
