import { generate, TinyLM } from '@lamdagent/tinylm';
import type { TinyRuntime } from './tiny.js';

/** The default tiny runtime: `@lamdagent/tinylm` (load a Hugging Face folder, batched greedy decoding). */
export function tinylmRuntime(): TinyRuntime<TinyLM> {
  return {
    load: (path) => TinyLM.load(path),
    generate: (model, prompts, { maxNewTokens, stop }) => generate(model, prompts, { maxNewTokens, stop, batchSize: prompts.length }),
    dispose: (model) => model.dispose(),
  };
}
