import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openStudy } from '@lamdagent/core';
import { TinyLM } from '@lamdagent/tinylm';
import { describe, expect, it } from 'vitest';
import { main } from './cli.js';
import { initCommand } from './init-command.js';

const jsonl = (file: string, rows: object[]): void => {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
};

/** A tiny world on disk as a user would have it: two tiny HF-layout models, SFT and preference JSONL, an evaluation task, and a file init cannot use. */
async function tinyWorld(): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'init-world-'));
  for (const [name, seed] of [
    ['base', 1],
    ['variant', 2],
  ] as const) {
    const m = await TinyLM.init({}, seed);
    await m.save(path.join(dir, 'models', name));
    m.dispose();
  }
  const sums = (n: number, off: number): { a: number; b: number }[] =>
    Array.from({ length: n }, (_, i) => ({ a: (i * 7 + off) % 10, b: (i * 3 + 1 + off) % 10 }));
  jsonl(
    path.join(dir, 'data', 'sums.jsonl'),
    sums(48, 0).map(({ a, b }) => ({ prompt: `${a}+${b}=`, completion: ` ${a + b}` })),
  );
  jsonl(
    path.join(dir, 'data', 'prefs.jsonl'),
    sums(24, 3).map(({ a, b }) => ({ prompt: `${a}+${b}=`, chosen: ` ${a + b}`, rejected: ` ${a + b + 1}` })),
  );
  jsonl(path.join(dir, 'data', 'notes.jsonl'), [{ note: 'not a dataset' }]);
  jsonl(
    path.join(dir, 'eval', 'sums', 'validation.jsonl'),
    sums(12, 5).map(({ a, b }, i) => ({ id: `v${i}`, prompt: `${a}+${b}=`, answer: a + b })),
  );
  jsonl(
    path.join(dir, 'eval', 'sums', 'test.jsonl'),
    sums(12, 9).map(({ a, b }, i) => ({ id: `t${i}`, prompt: `${a}+${b}=`, answer: a + b })),
  );
  return dir;
}

function capture(cwd: string): { io: { out(t: string): void; err(t: string): void; env: Record<string, string>; cwd: string }; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t) => out.push(t), err: (t) => err.push(t), env: {}, cwd }, out, err };
}

describe('lamdagent init', () => {
  it('writes a commented config from a folder (models, SFT and preference data, tasks, installed action types) that validates and runs', async () => {
    const dir = await tinyWorld();
    // An installed plugin that does not load (declared, never built): left out with a warning, init goes on.
    mkdirSync(path.join(dir, 'node_modules', '@acme', 'unbuilt'), { recursive: true });
    writeFileSync(
      path.join(dir, 'node_modules', '@acme', 'unbuilt', 'package.json'),
      JSON.stringify({ name: '@acme/unbuilt', main: 'dist/index.js', lamdagent: { plugin: true } }),
    );
    const c = capture(dir);
    expect(await main(['init', '.', '--iterations', '3', '--yes'], c.io)).toBe(0);
    expect(c.err.join('\n')).toMatch(/init: plugin @acme\/unbuilt left out: .*is it built\?/);
    const file = path.join(dir, 'study.yaml');
    const text = readFileSync(file, 'utf8');
    // What it found, and the comments that explain it.
    expect(text).toMatch(/# Models found \(Hugging Face layout.*\): 2/);
    expect(text).toContain('sft_datasets:');
    expect(text).toContain('preference_datasets:');
    // data/sums.jsonl beside the task eval/sums/: the dataset takes another name (task and object names differ)
    expect(text).toMatch(/^ {4}names: \["sums-sft"\]$/m);
    expect(text).toMatch(/# skipped "data\/notes.jsonl": fields fit no known shape/);
    expect(text).toMatch(/^ {2}sft: \["models", "sft_datasets", "sft_learning_rate"\]$/m);
    expect(text).toMatch(/^ {2}dpo: \["models", "preference_datasets", "dpo_learning_rate", "dpo_beta"\]$/m);
    expect(text).toMatch(/^ {2}ties: \["base_models", "models", "models", "ties_weights", "ties_density"\]$/m);
    expect(text).toMatch(/# Also installed .*\n(\s+#\s+\w+.*\n)+/);
    expect(text).toContain('sft_learning_rate: [0.002]');
    expect(text).toMatch(/options: \{ scorer: numeric, data: \{ validation: "eval\/sums\/validation.jsonl", test: "eval\/sums\/test.jsonl" \} \}/);
    expect(text).toMatch(/^policy: greedy$/m);
    expect(c.out.join('\n')).toContain('next: lamdagent run study.yaml --out studies/first');

    const v = capture(dir);
    expect(await main(['validate', 'study.yaml'], v.io)).toBe(0);
    const r = capture(dir);
    expect(await main(['run', 'study.yaml', '--out', 'studies/first'], r.io)).toBe(0);
    const view = openStudy(path.join(dir, 'studies', 'first'));
    expect(view.trials).toHaveLength(3);
    expect(view.trials.some((t) => t.state === 'complete' && typeof t.reward === 'number' && t.scores['sums'] !== undefined)).toBe(true);
  }, 600_000);

  it('asks on a terminal: the answers choose the actions, policy, budget and file', async () => {
    const dir = await tinyWorld();
    const asked: string[] = [];
    const answers: Record<string, string> = { 'Action types': 'sft', Policy: 'random', 'Iterations (trials)': '4', 'Write the config to': 'mine.yaml' };
    const c = capture(dir);
    const code = await initCommand([], {
      ...c.io,
      ask: async (q, d) => {
        asked.push(`${q} [${d}]`);
        return Object.entries(answers).find(([k]) => q.startsWith(k))?.[1] ?? '';
      },
    });
    expect(code).toBe(0);
    expect(asked[0]).toBe('Folder with models [.]');
    expect(asked.some((a) => a.startsWith('Action types (installed: ') && a.includes('[dpo,sft,ties]'))).toBe(true);
    const text = readFileSync(path.join(dir, 'mine.yaml'), 'utf8');
    expect(text).toMatch(/^policy: random$/m);
    expect(text).toMatch(/^ {2}iterations: 4 /m);
    expect(text).toMatch(/^ {2}sft: /m);
    expect(text).not.toMatch(/^ {2}ties: /m);
    expect(text).toMatch(/^ {2}#\s+ties: /m);
  }, 120_000);

  it('a folder with nothing usable: exit 2, says what it looked for, writes nothing', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'init-empty-'));
    writeFileSync(path.join(dir, 'readme.txt'), 'hello');
    jsonl(path.join(dir, 'stuff.jsonl'), [{ x: 1 }]);
    const c = capture(dir);
    let err: unknown;
    try {
      await main(['init', '--yes'], c.io);
    } catch (e) {
      err = e;
    }
    expect((err as { exitCode?: number }).exitCode).toBe(2);
    const msg = (err as Error).message;
    expect(msg).toContain('nothing to build a study from');
    expect(msg).toMatch(/models \(folders with config\.json and model\.safetensors.*found 0/);
    expect(msg).toMatch(/datasets \(\.jsonl with prompt\+completion, or prompt\+chosen\+rejected\).*found 0/);
    expect(msg).toMatch(/evaluation tasks \(<task>\/validation\.jsonl.*found 0/);
    expect(msg).toContain('skipped');
    expect(readdirSync(dir).sort()).toEqual(['readme.txt', 'stuff.jsonl']);
    expect(existsSync(path.join(dir, 'study.yaml'))).toBe(false);
  });

  it('refuses unknown actions, policies and tasks with exit 2', async () => {
    const dir = await tinyWorld();
    const c = capture(dir);
    await expect(main(['init', '--yes', '--actions', 'sft,nope'], c.io)).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining('no action type "nope"'),
    });
    await expect(main(['init', '--yes', '--policy', 'psychic'], c.io)).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining('no policy "psychic"'),
    });
    await expect(main(['init', '--yes', '--tasks', 'gsm8k'], c.io)).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining('no evaluation files for gsm8k'),
    });
    expect(existsSync(path.join(dir, 'study.yaml'))).toBe(false);
  }, 120_000);
});
