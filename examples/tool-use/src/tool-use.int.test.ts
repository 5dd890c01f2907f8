import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStudy } from '@lamdagent/core';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('the tool-use example (Experiment 2), end to end on the tools world', () => {
  it('builds both variants, runs a short study of the learnable one, computes its baselines and prints the Figure-4-style comparison', () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'tu-')), 'study');
    const r = spawnSync(process.execPath, [path.join(root, 'src', 'main.mjs'), '--iterations', '3', '--out', out], {
      cwd: root,
      encoding: 'utf8',
      timeout: 1_500_000,
    });
    expect(r.status, r.stderr.slice(-3000)).toBe(0);
    for (const row of [
      'Base model (instruction-tuned)',
      'SFT tool-json',
      'SFT tool-python',
      'SFT tool-react',
      'SFT general',
      'SFT tool-mix',
      'Fully Fine-Tuned (1 epoch, 1 seeds)',
      'Top-1 ',
    ])
      expect(r.stdout).toContain(row);
    const view = openStudy(out);
    expect(view.trials).toHaveLength(3);
    const done = view.trials.filter((t) => t.state === 'complete');
    expect(done.length).toBeGreaterThan(0);
    // The reward is the paper's weighted sum: tool_call + instruct / 10.
    for (const t of done) expect(t.reward).toBeCloseTo((t.scores?.tool_call ?? NaN) + (t.scores?.instruct ?? NaN) / 10, 9);
    expect(view.journal.evaluations.every((e) => e.split === 'test' && Object.keys(e.scores).length === 2)).toBe(true);
    // The base as it is follows instructions and makes no tool calls.
    const base = r.stdout.split('\n').find((l) => l.includes('Base model (instruction-tuned)')) ?? '';
    const [tool, judge] = (base.match(/\d+\.\d+/g) ?? []).map(Number);
    expect(tool).toBe(0);
    expect(judge).toBeGreaterThan(7);
    // The default variant is the learnable one: its baselines sit in world/learnable.
    const bl = path.join(root, 'world', 'learnable', 'baselines', 'baselines.json');
    expect(existsSync(bl)).toBe(true);
    expect(JSON.parse(readFileSync(bl, 'utf8')).length).toBeGreaterThanOrEqual(4);
    expect(view.snapshot.config.name).toBe('tool-use-learnable');
    expect(
      readFileSync(path.join(root, 'world', 'learnable', 'data', 'sft', 'tool-mix.jsonl'), 'utf8')
        .trim()
        .split('\n'),
    ).toHaveLength(1000);
    // The first edition is built beside it, so its config validates (its files exist).
    const cliBin = path.resolve(root, '..', '..', 'packages', 'cli', 'dist', 'bin.js');
    const first = spawnSync(process.execPath, [cliBin, 'validate', 'study.yaml'], { cwd: root, encoding: 'utf8' });
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain('study.yaml: valid');
    const bad = spawnSync(process.execPath, [path.join(root, 'src', 'main.mjs'), '--variant', 'second'], { cwd: root, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--variant: learnable or first, got second');
  }, 1_500_000);
});
