import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from './cli.js';

/** A project with one installed plugin that declares itself, and a config that may opt out of discovery. */
function project(discover: boolean): { dir: string; config: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'cli-plugins-'));
  const pkg = path.join(dir, 'node_modules', 'found-plugin');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(
    path.join(pkg, 'package.json'),
    JSON.stringify({ name: 'found-plugin', version: '1.0.0', type: 'module', main: 'index.js', lamdagent: { plugin: true } }),
  );
  writeFileSync(
    path.join(pkg, 'index.js'),
    "export default { name: 'found-plugin', version: '1.0.0', apiVersion: 1, provides: { aggregators: ['found'] }, register(r) { r.aggregator({ name: 'found', create: () => ({ name: 'found', aggregate: () => 0 }) }); } };",
  );
  const config = path.join(dir, 'study.yaml');
  writeFileSync(config, `discoverPlugins: ${discover}\nobjects: { models: [m] }\nactions: {}\ntasks: [[a, acc]]\n`);
  return { dir, config };
}

async function pluginNames(argv: string[], cwd: string): Promise<string[]> {
  const out: string[] = [];
  const code = await main(['plugins', ...argv, '--json'], { out: (t) => out.push(t), err: () => undefined, env: {}, cwd });
  expect(code).toBe(0);
  return (JSON.parse(out.join('\n')) as { name: string }[]).map((p) => p.name);
}

describe('lamdagent plugins', () => {
  it('lists installed plugins without --config, and only what the config loads with it (discoverPlugins: false respected)', async () => {
    const off = project(false);
    expect(await pluginNames([], off.dir)).toEqual(['@lamdagent/core', 'found-plugin']);
    expect(await pluginNames(['--config', off.config], off.dir)).toEqual(['@lamdagent/core']);
    const on = project(true);
    expect(await pluginNames(['--config', on.config], on.dir)).toEqual(['@lamdagent/core', 'found-plugin']);
  });
});
