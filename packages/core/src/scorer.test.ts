import { describe, expect, it } from 'vitest';
import { CORE_API_VERSION, definePlugin } from './plugin.js';
import { registerPlugin } from './plugins.js';
import { Registry } from './registry.js';
import { defineScorer } from './scorer.js';

const scorerPlugin = (plugin: string, declared: string[] = ['len']) =>
  definePlugin({
    name: plugin,
    version: '1.0.0',
    apiVersion: CORE_API_VERSION,
    provides: { scorers: declared },
    register: (r) => r.scorer(defineScorer({ name: 'len', description: plugin, range: [0, 10], score: (reply) => Math.min(10, reply.length) })),
  });

describe('scorers as a plugin contribution', () => {
  it('a plugin registers a scorer; evaluators look it up through the catalog, by plain or qualified name', async () => {
    const r = new Registry();
    await registerPlugin(r, scorerPlugin('alpha'));
    const cat = r.scorerCatalog();
    expect(cat.names()).toEqual(['len']);
    expect(cat.get('len').score('abc', 'x', { id: '1', prompt: 'p' }, undefined)).toBe(3);
    expect(cat.get('alpha:len').range).toEqual([0, 10]);
    expect(cat.problem('len')).toBeUndefined();
    expect(cat.problem('width')).toBe('no scorer named "width" (known: len); is its plugin listed in plugins: or installed?');
    expect(() => cat.get('width')).toThrow(expect.objectContaining({ exitCode: 2 }));
  });

  it('two plugins with one scorer name: the plain name names the qualified ones', async () => {
    const r = new Registry();
    await registerPlugin(r, scorerPlugin('alpha'));
    await registerPlugin(r, scorerPlugin('beta'));
    expect(r.scorerCatalog().problem('len')).toBe('scorer "len" is provided by 2 plugins: use one of "alpha:len", "beta:len"');
    expect(r.scorerCatalog().get('beta:len').description).toBe('beta');
  });

  it('the manifest must declare its scorers in provides.scorers', async () => {
    await expect(registerPlugin(new Registry(), scorerPlugin('alpha', []))).rejects.toThrow(/registered scorer "len" that provides.scorers does not declare/);
  });
});
