import { CORE_API_VERSION, definePlugin, z, type PluginManifest, type Runner } from '@lamdagent/core';
import { writeToyModel } from './toy-plugin.js';

/** What the scripted runner does, chosen by the job's `params.behaviour`. */
export const SCRIPTED_BEHAVIOURS = ['ok', 'throw', 'exit', 'signal', 'hang', 'no-model'] as const;
export type ScriptedBehaviour = (typeof SCRIPTED_BEHAVIOURS)[number];

const Params = z.object({ behaviour: z.enum(SCRIPTED_BEHAVIOURS), sleepMs: z.number().int().min(0).default(0) });

/**
 * A scripted runner, the test double executors are checked with: it completes (writing a toy model),
 * throws, exits with code 3, kills itself with SIGKILL, hangs until cancelled, or completes without
 * writing a model, as its job's `params.behaviour` says.
 */
export const scriptedRunner: Runner = {
  name: 'testkit-scripted',
  version: '1',
  async run(spec, ctx) {
    const p = Params.parse(spec.params);
    ctx.log(`scripted behaviour ${p.behaviour}`);
    if (p.sleepMs) await new Promise((r) => setTimeout(r, p.sleepMs));
    switch (p.behaviour) {
      case 'ok':
        writeToyModel(spec.outputDir, [1, 2, 3]);
        return { metrics: { steps: 1 } };
      case 'throw':
        throw new Error('scripted runner error');
      case 'exit':
        process.exit(3);
      case 'signal':
        process.kill(process.pid, 'SIGKILL');
        return new Promise(() => undefined);
      case 'hang':
        return new Promise((_, reject) => {
          const t = setInterval(() => undefined, 1000);
          ctx.signal.addEventListener(
            'abort',
            () => (clearInterval(t), reject(ctx.signal.reason instanceof Error ? ctx.signal.reason : new Error('aborted'))),
            {
              once: true,
            },
          );
        });
      case 'no-model':
        return {};
    }
  },
};

export const scriptedPlugin: PluginManifest = definePlugin({
  name: 'testkit-scripted',
  version: '1.0.0',
  apiVersion: CORE_API_VERSION,
  provides: { runners: ['testkit-scripted'] },
  register(r) {
    r.runner(scriptedRunner);
  },
});
