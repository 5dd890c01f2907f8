import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStudy } from '@lamdagent/core';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

describe('the quickstart, end to end on the embedded world', () => {
  it('builds the world, runs a short study, computes the baselines (equal to the prebuilt ones) and prints the comparison table (lamdagent run, baselines, table)', () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'qs-')), 'study');
    const r = spawnSync(process.execPath, [path.join(root, 'src', 'main.mjs'), '--iterations', '6', '--out', out, '--compute-baselines'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 900_000,
    });
    expect(r.status, r.stderr.slice(-3000)).toBe(0);
    expect(r.stderr).toMatch(/\[6\/6\]/);
    expect(r.stdout).toContain('Top-1 pipeline:');
    for (const row of [
      '  base ',
      'arith-specialist',
      'mc-specialist',
      'rc-specialist',
      'ties_merging (grid search, best of 12',
      'Fully Fine-Tuned (1 epoch, 1 seeds)',
      'Top-1 ',
    ])
      expect(r.stdout).toContain(row);
    // The out-of-distribution tasks (ood-tasks.yaml): test-split columns, starred.
    expect(r.stdout).toMatch(/arith_ood\*\s+mc_ood\*\s+rc_ood\*/);
    const view = openStudy(out);
    expect(view.trials).toHaveLength(6);
    expect(view.trials.filter((t) => t.state === 'complete').length).toBeGreaterThan(0);
    expect(view.journal.evaluations.length).toBeGreaterThan(0);
    expect(view.journal.evaluations.every((e) => e.split === 'test' && Object.keys(e.scores).length === 6)).toBe(true);
    expect(existsSync(path.join(out, 'baselines.json'))).toBe(true);
    const computed: unknown[] = JSON.parse(readFileSync(path.join(out, 'baselines.json'), 'utf8'));
    expect(computed.length).toBeGreaterThanOrEqual(12);
    // The shipped prebuilt baselines are these, value for value, for this very world, study.yaml and
    // ood-tasks.yaml (after a change: node src/main.mjs --baselines-only --write-prebuilt, and commit prebuilt/).
    expect(r.stderr).not.toContain('the prebuilt baselines are for another world');
    expect(JSON.parse(readFileSync(path.join(root, 'prebuilt', 'key.json'), 'utf8')).world).toBe(
      JSON.parse(readFileSync(path.join(root, 'world', 'world.json'), 'utf8')).digest,
    );
    expect(JSON.parse(readFileSync(path.join(root, 'prebuilt', 'baselines.json'), 'utf8'))).toEqual(computed);
    // The world also holds the interference sets, so the variant config validates (its files exist).
    const cli = path.resolve(root, '..', '..', 'packages', 'cli', 'dist', 'bin.js');
    const variant = spawnSync(process.execPath, [cli, 'validate', 'study-interference.yaml'], { cwd: root, encoding: 'utf8' });
    expect(variant.status, variant.stderr).toBe(0);
    expect(variant.stdout).toContain('study-interference.yaml: valid');
    // And the quarter samples of the SFT sets (buildWorld's lowFidelity), so the halving config validates.
    const halving = spawnSync(process.execPath, [cli, 'validate', 'study-halving.yaml'], { cwd: root, encoding: 'utf8' });
    expect(halving.status, halving.stderr).toBe(0);
    expect(halving.stdout).toContain('study-halving.yaml: valid');
    expect(halving.stdout).toContain('policy halving');
    expect(
      readFileSync(path.join(root, 'world', 'data', 'sft', 'all.0.25x.jsonl'), 'utf8')
        .trim()
        .split('\n'),
    ).toHaveLength(750);
    // The opt-in mergeable specialists (src/build-mergeable.mjs) join the same world, and their config validates.
    const mergeable = spawnSync(process.execPath, [path.join(root, 'src', 'build-mergeable.mjs')], { cwd: root, encoding: 'utf8', timeout: 600_000 });
    expect(mergeable.status, mergeable.stderr).toBe(0);
    expect(mergeable.stderr).toMatch(/world ready: (built .*mergeable-primer|all reused)/);
    for (const m of ['primer', 'arith-light', 'mc-light', 'rc-light'])
      expect(existsSync(path.join(root, 'world', 'mergeable', 'models', m, 'config.json')), m).toBe(true);
    const merges = spawnSync(process.execPath, [cli, 'validate', 'study-mergeable.yaml'], { cwd: root, encoding: 'utf8' });
    expect(merges.status, merges.stderr).toBe(0);
    expect(merges.stdout).toContain('study-mergeable.yaml: valid');
    // A second run reuses the cached world, and by default the prebuilt baselines (it computes nothing).
    const again = spawnSync(process.execPath, [path.join(root, 'src', 'main.mjs'), '--baselines-only'], { cwd: root, encoding: 'utf8' });
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toContain('all reused');
    expect(again.stderr).toContain('== baselines: prebuilt for this world and study');
    expect(again.stderr).not.toContain('lamdagent baselines');
    expect(again.stdout).toContain('Fully Fine-Tuned (1 epoch, 1 seeds)');
  }, 900_000);
});

// README's Quick start from a fresh clone: after `npm install && npm run quickstart`, `npx lamdagent ...` from
// the root and from an example resolves the workspace's own command (never a package of that name from the
// registry). Clones this checkout's HEAD; runs in CI, or on a developer machine with LAMDAGENT_FRESH_CLONE=1.
const repo = path.resolve(root, '..', '..');
const freshClone = process.env['CI'] === 'true' || process.env['LAMDAGENT_FRESH_CLONE'] === '1';
if (!freshClone) console.log('fresh-clone test skipped: set LAMDAGENT_FRESH_CLONE=1 (CI runs it)');

function sh(cmd: string, args: string[], cwd: string, timeout = 300_000): SpawnSyncReturns<string> {
  // argv arrays, no shell; npx --no-install and npm_config_yes=false: never install from the registry.
  return spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout, env: { ...process.env, npm_config_yes: 'false' } });
}

describe.runIf(freshClone)('a fresh clone, as README says', () => {
  it('links the lamdagent command at install: npx lamdagent --help and validate work from the root and from examples/quickstart', () => {
    const tmp = mkdtempSync(path.join(tmpdir(), 'lamdagent-clone-'));
    const dest = path.join(tmp, 'repo');
    try {
      const c = sh('git', ['clone', '--quiet', '--no-hardlinks', repo, dest], tmp);
      expect(c.status, c.stderr).toBe(0);
      const install = sh('npm', ['install', '--no-audit', '--no-fund'], dest, 600_000);
      expect(install.status, install.stderr.slice(-2000)).toBe(0);
      // npm links the bin at install, before anything is built; unbuilt, it says what to do.
      expect(existsSync(path.join(dest, 'node_modules', '.bin', 'lamdagent'))).toBe(true);
      const unbuilt = sh('npx', ['--no-install', 'lamdagent', '--help'], dest);
      expect(unbuilt.status).toBe(2);
      expect(unbuilt.stderr).toContain('@lamdagent/cli is not built yet');
      // README's `npm run quickstart` up to its run: it builds the quickstart's packages (JavaScript only) and
      // then main.mjs, here with --help, which exits before the world; the world the test above built is copied.
      const quick = sh('npm', ['run', 'quickstart', '--', '--help'], dest, 900_000);
      expect(quick.status, quick.stdout.slice(-2000) + quick.stderr.slice(-2000)).toBe(0);
      expect(quick.stderr).toContain('building the packages the quickstart runs (JavaScript only)');
      expect(quick.stdout).toContain('npm run quickstart [-- options]');
      expect(existsSync(path.join(dest, 'packages', 'cli', 'dist', 'index.js'))).toBe(true);
      expect(existsSync(path.join(dest, 'packages', 'cli', 'dist', 'index.d.ts')), 'declarations are skipped (LAMDAGENT_DTS=0)').toBe(false);
      expect(existsSync(path.join(root, 'world', 'models', 'base')), 'the quickstart world (built by the test above)').toBe(true);
      cpSync(path.join(root, 'world'), path.join(dest, 'examples', 'quickstart', 'world'), { recursive: true });
      for (const cwd of [dest, path.join(dest, 'examples', 'quickstart')]) {
        const help = sh('npx', ['--no-install', 'lamdagent', '--help'], cwd);
        expect(help.status, help.stderr).toBe(0);
        expect(help.stdout).toMatch(/Usage:/);
      }
      // README's exact words, without --no-install: npx runs the linked bin; offline, so were it missing npx would fail, never fetch.
      const plain = spawnSync('npx', ['lamdagent', '--help'], {
        cwd: dest,
        encoding: 'utf8',
        timeout: 300_000,
        env: { ...process.env, npm_config_yes: 'false', npm_config_offline: 'true' },
      });
      expect(plain.status, plain.stderr).toBe(0);
      expect(plain.stdout).toMatch(/Usage:/);
      const v = sh('npx', ['--no-install', 'lamdagent', 'validate', 'examples/quickstart/study.yaml'], dest);
      expect(v.status, v.stdout + v.stderr).toBe(0);
      const v2 = sh('npx', ['--no-install', 'lamdagent', 'validate', 'study.yaml'], path.join(dest, 'examples', 'quickstart'));
      expect(v2.status, v2.stdout + v2.stderr).toBe(0);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 1_500_000);
});
