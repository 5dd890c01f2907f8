import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStudy } from '@lamdagent/core';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('the quickstart, end to end on the embedded world', () => {
  it('builds the world, runs a short study, computes the baselines and prints the comparison table', () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'qs-')), 'study');
    const r = spawnSync(process.execPath, [path.join(root, 'src', 'main.mjs'), '--iterations', '6', '--out', out], { cwd: root, encoding: 'utf8', timeout: 900_000 });
    expect(r.status, r.stderr.slice(-3000)).toBe(0);
    expect(r.stderr).toMatch(/\[6\/6\]/);
    expect(r.stdout).toContain('Top-1 pipeline:');
    for (const row of ['Base model', 'arith-specialist', 'mc-specialist', 'rc-specialist', 'TIES (Grid Search', 'Fully Fine-Tuned', 'Top-1 ']) expect(r.stdout).toContain(row);
    const view = openStudy(out);
    expect(view.trials).toHaveLength(6);
    expect(view.trials.filter((t) => t.state === 'complete').length).toBeGreaterThan(0);
    expect(view.journal.evaluations.length).toBeGreaterThan(0);
    expect(view.journal.evaluations.every((e) => e.split === 'test' && Object.keys(e.scores).length === 6)).toBe(true);
    expect(existsSync(path.join(out, 'baselines.json'))).toBe(true);
    expect(JSON.parse(readFileSync(path.join(out, 'baselines.json'), 'utf8')).length).toBeGreaterThanOrEqual(12);
    // A second run reuses the cached world.
    const again = spawnSync(process.execPath, [path.join(root, 'src', 'main.mjs'), '--baselines-only', '--no-baselines'], { cwd: root, encoding: 'utf8' });
    expect(again.stderr).toContain('all reused');
  }, 900_000);
});
