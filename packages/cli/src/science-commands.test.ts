import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TOY_PLUGIN_MODULE } from '@lamdagent/testkit';
import { runCli } from './run-main.test-helper.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const TOY = path.join(here, '..', '..', 'core', 'test-fixtures', 'toy-plugin', 'index.mjs');

function toyConfig(target = [1, 0, 0]): { dir: string; config: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'cli-science-'));
  mkdirSync(path.join(dir, 'models', 'base'), { recursive: true });
  writeFileSync(path.join(dir, 'models', 'base', 'model.json'), JSON.stringify({ w: [0, 0, 0] }));
  writeFileSync(path.join(dir, 'a.json'), JSON.stringify({ target }));
  writeFileSync(path.join(dir, 'b.json'), JSON.stringify({ target: [0, 1, 0] }));
  const config = path.join(dir, 'study.yaml');
  writeFileSync(
    config,
    `seed: 0\nbudget: { iterations: 4 }\npolicy: random-type\nplugins: [${JSON.stringify(TOY)}]\ndiscoverPlugins: false\nobjects:\n  base_models: [models/base]\n  models: [models/base]\n  datasets: [a.json, b.json]\n  lr: [0.5]\n  weights: [[0.5, 0.5]]\n  density: [0.5]\nactions:\n  sft: [models, datasets, lr]\n  ties_merging: [base_models, models, models, weights, density]\ntasks:\n  - { name: ta, evaluator: toy, options: { target: [1, 0, 0] } }\n  - { name: tb, evaluator: toy, options: { target: [0, 1, 0] } }\n`,
  );
  return { dir, config };
}

const run = runCli;

describe('lamdagent compare / ablate / bench export / run --table', () => {
  it('compare prints the statistics and --json the per-seed data; bench export + run --table replays it', async () => {
    const w = toyConfig();
    const r = await run(['compare', 'study.yaml', '--policies', 'random,greedy', '--seeds', '2', '--iterations', '4', '--out', 'cmp'], w.dir);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/greedy .*\d\.\d{3} ± /);
    expect(existsSync(path.join(w.dir, 'cmp', 'figure.html'))).toBe(true);
    const j = await run(['compare', 'study.yaml', '--policies', 'random,greedy', '--seeds', '2', '--iterations', '4', '--out', 'cmp', '--json'], w.dir);
    const doc = JSON.parse(j.out) as { arms: { label: string; perSeed: { bestSoFar: number[]; top1Test: number }[] }[] };
    expect(doc.arms.map((a) => a.label)).toEqual(['random', 'greedy']);
    expect(doc.arms[1]!.perSeed[0]!.bestSoFar).toHaveLength(4);
    const e = await run(['bench', 'export', 'cmp/studies/random-s0', 'cmp/studies/greedy-s0', '-o', 't.json'], w.dir);
    expect(e.code).toBe(0);
    expect(e.out).toMatch(/table .*t\.json: \d+ actions/);
    const rr = await run(['run', 'study.yaml', '--out', 'replayed', '--table', 't.json', '--policy', 'random', '--seed', '0', '--json'], w.dir);
    expect(rr.code).toBe(0);
    const live = readFileSync(path.join(w.dir, 'cmp', 'studies', 'random-s0', 'journal.jsonl'), 'utf8');
    const rewards = (text: string): number[] =>
      text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { kind: string; trial?: { reward?: number } })
        .filter((x) => x.kind === 'trial-end')
        .map((x) => x.trial!.reward ?? -1);
    expect(rewards(readFileSync(path.join(w.dir, 'replayed', 'journal.jsonl'), 'utf8'))).toEqual(rewards(live));
  });

  it('bad input: unknown policy, 0 seeds, unknown ablated action, a table of another config: exit 2, nothing written', async () => {
    const w = toyConfig();
    const cases = [
      ['compare', 'study.yaml', '--policies', 'random,bogus', '--seeds', '2', '--iterations', '2', '--out', 'x1'],
      ['compare', 'study.yaml', '--policies', 'random', '--seeds', '0', '--iterations', '2', '--out', 'x2'],
      ['ablate', 'study.yaml', '--without', 'dpo', '--seeds', '1', '--iterations', '2', '--out', 'x3'],
    ];
    for (const argv of cases) {
      const r = await run(argv, w.dir);
      expect(r.code).toBe(2);
      expect(existsSync(path.join(w.dir, argv[argv.length - 1]!))).toBe(false);
    }
    expect((await run(cases[0]!, w.dir)).err).toMatch(/unknown policy "bogus"/);
    expect((await run(cases[1]!, w.dir)).err).toMatch(/--seeds must be a positive integer, got 0/);
    const noPlugin = ['compare', 'study.yaml', '--policies', 'random', '--seeds', '1', '--iterations', '1', '--plugin', './no-such-plugin.mjs', '--out', 'x5'];
    const np = await run(noPlugin, w.dir);
    expect(np.code).toBe(2);
    expect(np.err).toMatch(/--plugin .*no-such-plugin\.mjs: .*not found/);
    expect(existsSync(path.join(w.dir, 'x5'))).toBe(false);
    // A plugin given with --plugin is recorded in the comparison and loaded by its studies.
    const ok = await run(['compare', 'study.yaml', '--policies', 'random', '--seeds', '1', '--iterations', '1', '--plugin', TOY, '--out', 'x6'], w.dir);
    expect(ok.code).toBe(0);
    expect(JSON.parse(readFileSync(path.join(w.dir, 'x6', 'compare.json'), 'utf8')).plugins).toEqual([TOY]);
    const s = await run(['run', 'study.yaml', '--out', 's', '--iterations', '2'], w.dir);
    expect(s.code).toBe(0);
    await run(['bench', 'export', 's', '-o', 't.json'], w.dir);
    const other = toyConfig([0.3, 0.3, 0.3]);
    const table = path.join(w.dir, 't.json');
    for (const argv of [
      ['compare', 'study.yaml', '--policies', 'random', '--seeds', '1', '--iterations', '2', '--out', 'x4', '--table', table],
      ['run', 'study.yaml', '--out', 'x4', '--table', table],
    ]) {
      const r = await run(argv, other.dir);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/t\.json: table was built for another config/);
      expect(existsSync(path.join(other.dir, 'x4'))).toBe(false);
    }
  });

  it('replay refuses a study whose initial files changed: exit 2, naming the file, nothing written', async () => {
    const w = toyConfig();
    expect((await run(['run', 'study.yaml', '--out', 's', '--iterations', '3'], w.dir)).code).toBe(0);
    writeFileSync(path.join(w.dir, 'a.json'), JSON.stringify({ target: [0, 0, 1] }));
    const r = await run(['replay', 's', '--top', '2', '--data-scale', '1'], w.dir);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/a\.json: changed since study .* ran \(content digest mismatch\)/);
    expect(existsSync(path.join(w.dir, 's-replay'))).toBe(false);
  });

  it('top shows 95% intervals from the per-item results and flags differences inside the noise', async () => {
    const w = toyConfig();
    expect((await run(['run', 'study.yaml', '--out', 's', '--iterations', '4'], w.dir)).code).toBe(0);
    const plain = await run(['top', 's', '-k', '2'], w.dir);
    expect(plain.out).not.toContain('bootstrap interval');
    const top = (JSON.parse((await run(['top', 's', '-k', '2', '--json'], w.dir)).out) as { index: number }[]).map((t) => t.index);
    for (const [n, idx] of top.entries()) {
      const dir = path.join(w.dir, 's', 'jobs', `t${String(idx).padStart(4, '0')}`, 'eval');
      mkdirSync(dir, { recursive: true });
      for (const task of ['ta', 'tb'])
        writeFileSync(
          path.join(dir, `${task}.validation.jsonl`),
          Array.from({ length: 100 }, (_, i) => JSON.stringify({ correct: i < 50 - 2 * n })).join('\n'),
        );
    }
    const r = await run(['top', 's', '-k', '2'], w.dir);
    expect(r.out).toMatch(/Top-1: 0\.500 \[0\.4\d\d, 0\.5\d\d\]/);
    expect(r.out).toMatch(/Top-2: 0\.480 \[.*\]  \(inside the noise of the top-1\)/);
    const j = JSON.parse((await run(['top', 's', '-k', '2', '--json'], w.dir)).out) as { validationInterval: { mean: number } }[];
    expect(j[1]!.validationInterval.mean).toBeCloseTo(0.48, 12);
  });

  it('baselines --fft-epochs and --match-study: labelled rows; bad values are exit 2 with nothing written', async () => {
    const w = toyConfig();
    // testkit's toy plugin: it trains on a JSON-lines union (Fully Fine-Tuned's dataset); the core fixture's does not.
    writeFileSync(
      w.config,
      readFileSync(w.config, 'utf8')
        .replace(JSON.stringify(TOY), JSON.stringify(TOY_PLUGIN_MODULE))
        .replace(/actions:\n  sft: \[models, datasets, lr\]/, 'actions:\n  sft: { type: toy-sft, slots: [models, datasets, lr] }')
        .replace('ties_merging: [base_models, models, models, weights, density]', 'merge: { type: toy-merge, slots: [models, models] }'),
    );
    expect((await run(['run', 'study.yaml', '--out', 's', '--iterations', '4'], w.dir)).code).toBe(0);
    const bad = await run(['baselines', 'study.yaml', '--seeds', '1', '--fft-epochs', '3,0', '--out', 'bl'], w.dir);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--fft-epochs expects positive numbers, got 0');
    const notStudy = await run(['baselines', 'study.yaml', '--seeds', '1', '--match-study', 'nope', '--out', 'bl'], w.dir);
    expect(notStudy.code).toBe(2);
    expect(notStudy.err).toMatch(/--match-study .*nope: not a study folder/);
    expect(existsSync(path.join(w.dir, 'bl'))).toBe(false);
    const r = await run(['baselines', 'study.yaml', '--seeds', '1', '--fft-epochs', '3', '--match-study', 's', '--out', 'bl'], w.dir);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('Fully Fine-Tuned (1 seeds)');
    expect(r.out).toContain('Fully Fine-Tuned (3 epochs, 1 seeds)');
    expect(r.out).toMatch(/Fully Fine-Tuned, compute-matched to s top-1 \([\d.]+ epochs? = \d+ examples of \d+ SFT steps \/ 2, 1 seeds\)/);
  });

  it('--help shows each command', async () => {
    for (const c of ['compare', 'ablate', 'bench', 'replay', 'table', 'baselines'])
      expect((await run([c, '--help'], process.cwd())).out).toContain(`lamdagent ${c}`);
    expect((await run(['--help'], process.cwd())).out).toContain('lamdagent compare CONFIG --policies');
  });
});
