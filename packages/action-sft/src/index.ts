import { CORE_API_VERSION, definePlugin, type ActionTypeDefinition } from '@lamdagent/core';
import { jsonlHeadProblem } from '@lamdagent/core/kit';
import { SftExampleSchema, SftParamsSchema, tinySftRunner } from './tiny-runner.js';

export { SftParamsSchema, SftExampleSchema, tinySftRunner, sftInputs, type SftParams } from './tiny-runner.js';

/** Supervised fine-tuning: (model, dataset, learning rate) -> model. Slots as in the paper's Figure 11. */
export const sftActionType: ActionTypeDefinition = {
  type: 'sft',
  description: 'supervised fine-tuning of a model on a dataset of prompt/completion pairs (loss on the completion)',
  slots: [
    { name: 'model', type: 'model', description: 'model to train' },
    {
      name: 'dataset',
      type: 'dataset',
      description: 'JSON lines of {prompt, completion}',
      check: (v) => (typeof v === 'string' ? jsonlHeadProblem(v, SftExampleSchema) : 'expected a path'),
    },
    {
      name: 'learning_rate',
      type: 'number',
      check: (v) => (typeof v === 'number' && v > 0 && Number.isFinite(v) ? undefined : `learning_rate must be a positive number, got ${JSON.stringify(v)}`),
    },
  ],
  runner: 'sft-tiny',
  paramsSchema: SftParamsSchema,
  smoke: { params: { maxSteps: 2, maxExamples: 32 } },
};

export default definePlugin({
  name: '@lamdagent/action-sft',
  version: '0.1.0',
  apiVersion: CORE_API_VERSION,
  description: 'SFT action type; runner for the tiny embedded-world model',
  provides: { actionTypes: ['sft'], runners: ['sft-tiny'] },
  register(r) {
    r.actionType(sftActionType);
    r.runner(tinySftRunner);
  },
});
