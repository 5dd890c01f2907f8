import { CORE_API_VERSION, PluginManifestSchema, type FactoryContext, type PluginRegistry } from '@lamdagent/core';
import { describe, expect, it } from 'vitest';
import plugin from './index.js';

describe('plugin manifest', () => {
  it('is a valid manifest for this core API', () => {
    expect(PluginManifestSchema.safeParse(plugin).success).toBe(true);
    expect(plugin.apiVersion).toBe(CORE_API_VERSION);
    expect(plugin.name).toBe('@lamdagent/eval-suites');
  });

  it('registers what it declares: two evaluators, the five built-in scorers and three generation backends', async () => {
    const names: Record<string, string[]> = { evaluator: [], generationBackend: [], scorer: [] };
    const factories: Record<string, { create: (o: unknown, ctx: FactoryContext) => unknown }> = {};
    const unexpected = (): never => {
      throw new Error('unexpected registration');
    };
    const registry: PluginRegistry = {
      actionType: unexpected,
      runner: unexpected,
      policy: unexpected,
      executor: unexpected,
      aggregator: unexpected,
      observer: unexpected,
      evaluator(f) {
        names.evaluator?.push(f.name);
        factories[f.name] = f as never;
      },
      generationBackend(f) {
        names.generationBackend?.push(f.name);
        factories[f.name] = f as never;
      },
      scorer(d) {
        names.scorer?.push(d.name);
      },
    };
    await plugin.register(registry);
    expect(names.evaluator).toEqual(plugin.provides.evaluators);
    expect(names.generationBackend).toEqual(plugin.provides.generationBackends);
    expect(names.scorer).toEqual(['numeric', 'choice', 'exact', 'toolcall', 'judge']);
    const ctx: FactoryContext = { configDir: '/', seed: 0, env: { K: 'v' }, generationBackend: () => Promise.reject(new Error('x')) };
    const openai = (await factories['openai-compatible']?.create({ baseUrl: 'http://127.0.0.1:9' }, ctx)) as { name: string };
    expect(openai.name).toBe('openai-compatible');
    const onnx = (await factories.onnx?.create({ batchSize: 8 }, ctx)) as { name: string };
    expect(onnx.name).toBe('onnx');
    const suite = (await factories.suite?.create({}, ctx)) as { name: string };
    expect(suite.name).toBe('suite');
  });
});
