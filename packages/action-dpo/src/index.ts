import { CORE_API_VERSION, definePlugin, type ActionTypeDefinition } from '@lamdagent/core';
import { jsonlHeadProblem } from '@lamdagent/core/kit';
import { DpoParamsSchema, PreferencePairSchema, tinyDpoRunner } from './tiny-runner.js';

export { DpoParamsSchema, PreferencePairSchema, tinyDpoRunner } from './tiny-runner.js';

const positive =
  (name: string) =>
  (v: unknown): string | undefined =>
    typeof v === 'number' && v > 0 && Number.isFinite(v) ? undefined : `${name} must be a positive number, got ${JSON.stringify(v)}`;

/** Direct preference optimisation: (model, preference dataset, learning rate, beta) -> model. */
export const dpoActionType: ActionTypeDefinition = {
  type: 'dpo',
  description: 'preference learning (DPO, sigmoid loss) of a model on {prompt, chosen, rejected} pairs against a frozen copy of itself',
  slots: [
    { name: 'model', type: 'model' },
    {
      name: 'dataset',
      type: 'dataset',
      description: 'JSON lines of {prompt, chosen, rejected}',
      check: (v) => (typeof v === 'string' ? jsonlHeadProblem(v, PreferencePairSchema) : 'expected a path'),
    },
    { name: 'learning_rate', type: 'number', check: positive('learning_rate') },
    { name: 'beta', type: 'number', description: 'KL strength (TRL default 0.1)', check: positive('beta') },
  ],
  runner: 'dpo-tiny',
  paramsSchema: DpoParamsSchema,
  smoke: { params: { maxSteps: 2, maxExamples: 16 } },
};

export default definePlugin({
  name: '@lamdagent/action-dpo',
  version: '0.1.0',
  apiVersion: CORE_API_VERSION,
  description: 'DPO action type; runner for the tiny embedded-world model',
  provides: { actionTypes: ['dpo'], runners: ['dpo-tiny'] },
  register(r) {
    r.actionType(dpoActionType);
    r.runner(tinyDpoRunner);
  },
});
