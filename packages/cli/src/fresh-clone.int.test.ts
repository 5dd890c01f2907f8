import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

// README's Quick start from a fresh clone: `npm install`, the build part of `npm run quickstart`, then
// `npx lamdagent ...` from the root and from an example resolve the workspace's own command (never a
// package of that name from the registry). Runs in CI (clone + install take about a minute); on a
// developer machine set LAMDAGENT_FRESH_CLONE=1 to run it.
const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..', '..');
const enabled = process.env['CI'] === 'true' || process.env['LAMDAGENT_FRESH_CLONE'] === '1';
if (!enabled) console.log('fresh-clone test skipped: set LAMDAGENT_FRESH_CLONE=1 (CI runs it)');

const clone = mkdtempSync(path.join(tmpdir(), 'lamdagent-clone-'));
afterAll(() => rmSync(clone, { recursive: true, force: true }));

function sh(cmd: string, args: string[], cwd: string, timeout = 300_000): SpawnSyncReturns<string> {
  // argv arrays, no shell; npm_config_yes=false: npx must never offer to install from the registry.
  const env = { ...process.env, npm_config_yes: 'false', CI: 'true' };
  return spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout, env });
}

describe.runIf(enabled)('fresh clone (README Quick start)', () => {
  it('links the lamdagent command: npx lamdagent --help and validate work from the root and from examples/quickstart', () => {
    const dest = path.join(clone, 'repo');
    const c = sh('git', ['clone', '--quiet', '--no-hardlinks', repo, dest], clone);
    expect(c.status, c.stderr).toBe(0);
    const install = sh('npm', ['install', '--no-audit', '--no-fund'], dest, 600_000);
    expect(install.status, install.stderr.slice(-2000)).toBe(0);
    // The bin is linked by the install itself, before anything is built.
    expect(existsSync(path.join(dest, 'node_modules', '.bin', 'lamdagent'))).toBe(true);
    const unbuilt = sh('npx', ['--no-install', 'lamdagent', '--help'], dest);
    expect(unbuilt.status).toBe(2);
    expect(unbuilt.stderr).toContain('@lamdagent/cli is not built yet');
    // The build part of `npm run quickstart` (turbo's cache of this checkout is reused where the inputs match).
    const cache = path.join(repo, '.turbo', 'cache');
    const build = sh('npx', ['turbo', 'run', 'build', '--filter=@lamdagent/example-quickstart...', '--output-logs=errors-only', ...(existsSync(cache) ? [`--cache-dir=${cache}`] : [])], dest, 900_000);
    expect(build.status, build.stdout.slice(-2000) + build.stderr.slice(-2000)).toBe(0);
    for (const cwd of [dest, path.join(dest, 'examples', 'quickstart')]) {
      const help = sh('npx', ['--no-install', 'lamdagent', '--help'], cwd);
      expect(help.status, help.stderr).toBe(0);
      expect(help.stdout).toMatch(/Usage:/);
    }
    const v = sh('npx', ['--no-install', 'lamdagent', 'validate', 'examples/quickstart/study.yaml'], dest);
    expect(v.status, v.stdout + v.stderr).toBe(0);
    expect(v.stdout + v.stderr).toMatch(/valid/i);
  }, 1_200_000);
});
