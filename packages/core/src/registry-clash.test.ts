import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { registerBuiltins } from './builtins.js';
import { CORE_API_VERSION, definePlugin } from './plugin.js';
import { registerPlugin } from './plugins.js';
import { Registry } from './registry.js';
import { runStudy } from './study-run.js';
import { makeToyWorld } from '../test-fixtures/toy-world.js';

const picker = (plugin: string) =>
  definePlugin({
    name: plugin,
    version: '1.0.0',
    apiVersion: CORE_API_VERSION,
    provides: { policies: ['pick'] },
    register: (r) => r.policy({ name: 'pick', description: plugin, create: () => ({ name: 'pick', select: () => Promise.reject(new Error(plugin)) }) }),
  });

describe('two plugins providing one name', () => {
  it('both load; the plain name is an error only when used, naming the qualified names; a qualified name works', async () => {
    const r = new Registry();
    await registerPlugin(r, picker('alpha'));
    await registerPlugin(r, picker('beta'));
    expect(r.has('policy', 'pick')).toBe(true);
    expect(() => r.policyFactory('pick')).toThrow('policy "pick" is provided by 2 plugins: use one of "alpha:pick", "beta:pick"');
    expect(r.policyFactory('beta:pick').description).toBe('beta');
    expect(r.policyFactory('alpha:pick').description).toBe('alpha');
    expect(r.names('policy')).toEqual(['alpha:pick', 'beta:pick']);
    expect(() => r.policyFactory('gamma:pick')).toThrow(/no policy named "gamma:pick" \(known: alpha:pick, beta:pick\)/);
  });

  it('one plugin registering a name twice is still refused', async () => {
    const r = new Registry();
    await registerPlugin(r, picker('alpha'));
    await expect(registerPlugin(r, picker('alpha'))).rejects.toThrow(/already provided by alpha/);
  });

  it('core built-ins and a plugin with the same policy name: a study picks by qualified name, and an unused clash is harmless', async () => {
    const w = makeToyWorld({ iterations: 2, policy: "'@lamdagent/core:random-type'" });
    const clash = path.join(w.dir, 'clash.mjs');
    writeFileSync(
      clash,
      `export default { name: 'clash', version: '1.0.0', apiVersion: ${CORE_API_VERSION}, provides: { policies: ['random-type'] },
        register(r) { r.policy({ name: 'random-type', create: () => ({ name: 'random-type', select: () => Promise.reject(new Error('the clashing one')) }) }); } };`,
    );
    const { readFileSync } = await import('node:fs');
    const withClash = readFileSync(w.configPath, 'utf8').replace(/^plugins: \[(.*)\]$/m, (_, a: string) => `plugins: [${a}, ${JSON.stringify(clash)}]`);
    writeFileSync(w.configPath, withClash);
    const s = await runStudy({ configPath: w.configPath, outDir: path.join(w.dir, 's') });
    expect(s.trials).toHaveLength(2);
    writeFileSync(w.configPath, withClash.replace(/^policy: .*$/m, 'policy: greedy'));
    expect((await runStudy({ configPath: w.configPath, outDir: path.join(w.dir, 's2') })).trials).toHaveLength(2);
    writeFileSync(w.configPath, withClash.replace(/^policy: .*$/m, 'policy: random-type'));
    await expect(runStudy({ configPath: w.configPath, outDir: path.join(w.dir, 's3') })).rejects.toThrow(
      'policy "random-type" is provided by 2 plugins: use one of "@lamdagent/core:random-type", "clash:random-type"',
    );
  });

  it('action types are found by qualified name and by alias', async () => {
    const r = new Registry();
    await registerBuiltins(r);
    const def = { type: 'mix', aliases: ['mixing'], description: 'd', runner: 'x', slots: [{ name: 'm', type: 'model' }] };
    for (const p of ['alpha', 'beta'])
      await registerPlugin(
        r,
        definePlugin({ name: p, version: '1.0.0', apiVersion: CORE_API_VERSION, provides: { actionTypes: ['mix'] }, register: (x) => x.actionType(def) }),
      );
    expect(r.hasActionType('mixing')).toBe(true);
    expect(() => r.actionType('mixing')).toThrow(/alias "mixing" is provided by 2 plugins: use one of "alpha:mix", "beta:mix"/);
    expect(r.actionType('beta:mix').type).toBe('mix');
  });
});
