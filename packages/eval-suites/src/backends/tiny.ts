import type { GenerationBackend } from '@lamdagent/core';
import { z } from 'zod';
import { BackendError } from '../errors.js';

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
  /** The last loaded model; an evicted one is disposed once no generation uses it any more. */
  interface Entry {
    path: string;
    model: Promise<M>;
    users: number;
    evicted: boolean;
  }
  let cached: Entry | undefined;

  function release(entry: Entry): void {
    if (entry.evicted && entry.users === 0 && runtime.dispose) {
      const dispose = runtime.dispose.bind(runtime);
      entry.model.then(dispose, () => undefined);
    }
  }

  function acquire(path: string): Entry {
    if (cached?.path !== path) {
      const previous = cached;
      const model = runtime.load(path).catch((err: unknown) => {
        if (cached === entry) cached = undefined;
        throw new BackendError('tiny', `cannot load the model at ${path}: ${(err as Error).message}`, { cause: err });
      });
      const entry: Entry = { path, model, users: 0, evicted: false };
      cached = entry;
      if (previous) {
        previous.evicted = true;
        release(previous);
      }
    }
    cached.users++;
    return cached;
  }

  return {
    name: 'tiny',
    async generate(modelPath, prompts, { maxNewTokens, stop, signal }) {
      const entry = acquire(modelPath);
      try {
        const model = await entry.model;
        const stops = [...new Set(['\n', ...(stop ?? [])])];
        const out: string[] = [];
        for (let i = 0; i < prompts.length; i += batchSize) {
          if (signal?.aborted) throw signal.reason;
          out.push(...(await runtime.generate(model, prompts.slice(i, i + batchSize), { maxNewTokens, stop: stops })));
        }
        return out;
      } finally {
        entry.users--;
        release(entry);
      }
    },
  };
}
