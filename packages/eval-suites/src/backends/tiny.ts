import type { GenerationBackend } from '@lamdagent/core';
import { z } from 'zod';
import { BackendError } from '../errors.js';
import { lastModelCache } from './model-cache.js';

/** The part of a tiny-model runtime the backend uses (default: `@lamdagent/tinylm`). */
export interface TinyRuntime<M> {
  load(path: string): Promise<M>;
  generate(model: M, prompts: string[], options: { maxNewTokens: number; stop: string[] }): Promise<string[]>;
  dispose?(model: M): void;
}

export const TinyBackendOptionsSchema = z
  .object({
    /** Prompts generated together (one forward pass per new token for the whole batch). */
    batchSize: z.number().int().min(1).default(32),
  })
  .strict();
export type TinyBackendOptions = z.input<typeof TinyBackendOptionsSchema>;

/**
 * Generation with a tiny model in-process: greedy decoding that stops at EOS or a newline (and any
 * other stop sequence given). The last loaded model is kept, keyed by its path, so evaluating the
 * same model on several tasks loads it once.
 */
export function createTinyBackend<M>(options: TinyBackendOptions, runtime: TinyRuntime<M>): GenerationBackend {
  const parsed = TinyBackendOptionsSchema.safeParse(options ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BackendError('tiny', `options.${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
  }
  const { batchSize } = parsed.data;
  const cache = lastModelCache<M>(
    (path) =>
      runtime.load(path).catch((err: unknown) => {
        throw new BackendError('tiny', `cannot load the model at ${path}: ${(err as Error).message}`, { cause: err });
      }),
    runtime.dispose ? (model) => runtime.dispose?.(model) : undefined,
  );

  return {
    name: 'tiny',
    async generate(modelPath, prompts, { maxNewTokens, stop, signal }) {
      return cache.use(modelPath, async (model) => {
        const stops = [...new Set(['\n', ...(stop ?? [])])];
        const out: string[] = [];
        for (let i = 0; i < prompts.length; i += batchSize) {
          if (signal?.aborted) throw signal.reason;
          out.push(...(await runtime.generate(model, prompts.slice(i, i + batchSize), { maxNewTokens, stop: stops })));
        }
        return out;
      });
    },
  };
}
