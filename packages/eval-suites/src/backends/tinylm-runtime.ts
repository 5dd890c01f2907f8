import type { TinyRuntime } from './tiny.js';

/** The default tiny runtime, backed by `@lamdagent/tinylm` (filled in once tinylm's API lands). */
export function tinylmRuntime(): TinyRuntime<unknown> {
  return {
    load: () => Promise.reject(new Error('@lamdagent/tinylm is not available yet')),
    generate: () => Promise.reject(new Error('@lamdagent/tinylm is not available yet')),
  };
}
