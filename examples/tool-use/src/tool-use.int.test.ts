import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStudy } from '@lamdagent/core';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('the tool-use example (Experiment 2), end to end on the tools world', () => {
  it('builds the world, runs a short study, computes the baselines and prints the Figure-4-style comparison', () => {
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
    expect(existsSync(path.join(root, 'world', 'baselines', 'baselines.json'))).toBe(true);
    expect(JSON.parse(readFileSync(path.join(root, 'world', 'baselines', 'baselines.json'), 'utf8')).length).toBeGreaterThanOrEqual(4);
    // The learnable variant is built beside it, so its config validates (its files exist).
    expect(
      readFileSync(path.join(root, 'world', 'learnable', 'data', 'sft', 'tool-mix.jsonl'), 'utf8')
        .trim()
        .split('\n'),
    ).toHaveLength(1000);
    const cliBin = path.resolve(root, '..', '..', 'packages', 'cli', 'dist', 'bin.js');
    const variant = spawnSync(process.execPath, [cliBin, 'validate', 'study-learnable.yaml'], { cwd: root, encoding: 'utf8' });
    expect(variant.status, variant.stderr).toBe(0);
    expect(variant.stdout).toContain('study-learnable.yaml: valid');
  }, 1_500_000);
});
