import type { TaskSpec } from '@lamdagent/core';
import { jsonlHeadProblem } from '@lamdagent/core/kit';
import { EvalItemSchema } from './dataset.js';
import { resolveTask } from './task-options.js';

/**
 * What `validate` and the start of `run` can know about a task of the `suite` evaluator: its options
 * (scorer, preset), the validation file (required) and the test file (when given) exist and their first
 * lines are evaluation items. Paths are inside the task.
 */
export function preflightSuiteTask(task: TaskSpec, configDir: string): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  for (const split of ['validation', 'test'] as const) {
    const data = (task.options['data'] ?? {}) as Record<string, unknown>;
    if (split === 'test' && (typeof data !== 'object' || data === null || !('test' in data))) continue;
    let dataPath: string;
    try {
      dataPath = resolveTask(task, split, configDir, { backend: 'tiny', maxNewTokens: 32 }).dataPath;
    } catch (e) {
      // TaskOptionsError: "task NAME: options.x: what"; keep the field as the path.
      const msg = (e as Error).message.replace(/^task .*?: (?=options)/, '');
      const m = /^(options[.\w]*): ([\s\S]*)$/.exec(msg);
      out.push(m ? { path: m[1]!, message: m[2]! } : { path: /^options[.\w]*/.exec(msg)?.[0] ?? 'options', message: msg });
      return out;
    }
    const problem = jsonlHeadProblem(dataPath, EvalItemSchema, { folderFiles: [`${split}.jsonl`] });
    if (problem) out.push({ path: `options.data.${split}`, message: problem });
  }
  return out;
}
