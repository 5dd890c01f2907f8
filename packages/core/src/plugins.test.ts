import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { registerBuiltins } from './builtins.js';
import { discoverPlugins, loadPlugins } from './plugins.js';
import { Registry } from './registry.js';
import { TOY_PLUGIN } from '../test-fixtures/toy-world.js';

/** A temporary user project with packages installed in node_modules. */
function project(pkgs: Record<string, { manifest?: string; pkg?: object; copyToy?: boolean }>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'proj-'));
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'user-project', private: true }));
  for (const [name, p] of Object.entries(pkgs)) {
    const pdir = path.join(dir, 'node_modules', ...name.split('/'));
    mkdirSync(pdir, { recursive: true });
    if (p.copyToy) cpSync(path.dirname(TOY_PLUGIN), pdir, { recursive: true });
    writeFileSync(
      path.join(pdir, 'package.json'),
      JSON.stringify({ name, version: '1.0.0', type: 'module', exports: { '.': { import: './index.mjs' } }, lamdagent: { plugin: true }, ...p.pkg }),
    );
    if (p.manifest) writeFileSync(path.join(pdir, 'index.mjs'), p.manifest);
  }
  return dir;
}

const manifest = (name: string, apiVersion: number, extra = ''): string => `export default {
  name: '${name}', version: '1.0.0', apiVersion: ${apiVersion},
  provides: { policies: ['greedy-${name.replace(/\W/g, '')}'] },
  register(r) { r.policy({ name: 'greedy-${name.replace(/\W/g, '')}', create: () => ({ name: 'g', select: async (ctx) => ({ action: ctx.space.at(0) }) }) }); ${extra} },
};`;

async function fresh(): Promise<Registry> {
  const r = new Registry();
  await registerBuiltins(r);
  return r;
}

describe('plugin discovery and loading', () => {
  it('discovers plugins installed in a project (scoped too) and skips packages that do not declare themselves', async () => {
    const dir = project({
      'toy-plugin': { copyToy: true },
      '@acme/lamdagent-greedy': { manifest: manifest('@acme/lamdagent-greedy', 1) },
      'left-pad': { pkg: { lamdagent: undefined } },
    });
    expect(discoverPlugins(path.join(dir, 'configs'))).toEqual(['@acme/lamdagent-greedy', 'toy-plugin']);
    const r = await fresh();
    const loaded = await loadPlugins(r, { configured: [], fromDir: dir, discover: true });
    expect(loaded.map((p) => [p.name, p.source])).toEqual([
      ['@acme/lamdagent-greedy', 'discovered'],
      ['toy-plugin', 'discovered'],
    ]);
    expect(r.hasActionType('ties_merging')).toBe(true);
    expect(r.policyFactory('greedy-acmelamdagentgreedy').name).toBe('greedy-acmelamdagentgreedy');
  });

  it('loads a configured plugin by relative path once, even when also discovered', async () => {
    const dir = project({ 'toy-plugin': { copyToy: true } });
    const r = await fresh();
    const loaded = await loadPlugins(r, { configured: ['./node_modules/toy-plugin'], fromDir: dir, discover: true });
    expect(loaded).toHaveLength(1);
    expect(loaded[0]!.source).toBe('config');
  });

  it('refuses a plugin that targets another core API version, naming it', async () => {
    const dir = project({ 'old-plugin': { manifest: manifest('old-plugin', 0) } });
    await expect(loadPlugins(await fresh(), { configured: ['old-plugin'], fromDir: dir, discover: false })).rejects.toThrow(
      'plugin old-plugin: targets core API version 0, but this @lamdagent/core implements version 1; upgrade the plugin or core',
    );
  });

  it('gives one clear error for a missing or malformed plugin', async () => {
    const dir = project({
      'bad-plugin': { manifest: 'export default { name: "bad-plugin" };' },
      'liar-plugin': { manifest: manifest('liar-plugin', 1).replace("provides: { policies: ['greedy-liarplugin'] }", 'provides: {}') },
    });
    await expect(loadPlugins(await fresh(), { configured: ['nope-plugin'], fromDir: dir, discover: false })).rejects.toThrow(
      /plugin nope-plugin: not installed \(looked in node_modules from .* upward\); run npm install nope-plugin/,
    );
    await expect(loadPlugins(await fresh(), { configured: ['bad-plugin'], fromDir: dir, discover: false })).rejects.toThrow(
      /plugin bad-plugin: default export is not a plugin manifest \(version: .*apiVersion: .*register: /,
    );
    await expect(loadPlugins(await fresh(), { configured: ['liar-plugin'], fromDir: dir, discover: false })).rejects.toThrow(
      'plugin liar-plugin: register() registered policy "greedy-liarplugin" that provides.policies does not declare',
    );
    await expect(loadPlugins(await fresh(), { configured: ['./missing.mjs'], fromDir: dir, discover: false })).rejects.toThrow(
      /plugin \.\/missing\.mjs: not found at/,
    );
  });

  it('loads two plugins that provide the same name; the plain name is ambiguous where used, the qualified names work', async () => {
    const dir = project({
      a: { manifest: manifest('a', 1).replace(/greedy-a/g, 'greedy-x') },
      b: { manifest: manifest('b', 1).replace(/greedy-b/g, 'greedy-x') },
    });
    const r = await fresh();
    await loadPlugins(r, { configured: ['a', 'b'], fromDir: dir, discover: false });
    expect(() => r.policyFactory('greedy-x')).toThrow('policy "greedy-x" is provided by 2 plugins: use one of "a:greedy-x", "b:greedy-x"');
    expect(r.policyFactory('b:greedy-x').name).toBe('greedy-x');
  });
});
