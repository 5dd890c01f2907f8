import { CORE_API_VERSION, definePlugin, type ActionTypeDefinition, type JsonValue, type SlotSpec } from '@lamdagent/core';
import type { z } from 'zod';
import pkg from '../package.json' with { type: 'json' };
import { LinearParamsSchema, TaskArithmeticParamsSchema, TiesParamsSchema } from './params.js';
import { createMergeRunner, RUNNER_NAMES } from './runner.js';

export const PLUGIN_NAME = '@lamdagent/action-ties';
export const PLUGIN_VERSION: string = pkg.version;

type Params = Record<string, JsonValue>;
/** The params schemas produce JSON (an absent optional key is simply left out). */
const asParams = (schema: z.ZodType): z.ZodType<Params> => schema as z.ZodType<Params>;

const baseSlot: SlotSpec = { name: 'base_model', type: 'model', description: 'the model the task vectors are taken from' };
const modelsSlot: SlotSpec = { name: 'models', type: 'model', repeat: { min: 2 }, description: 'the models to merge' };
const weightsSlot: SlotSpec = {
  name: 'weights',
  type: 'json',
  perPosition: 'models',
  description: 'an array of numbers, one weight per model, in the order of the models',
};
const densitySlot: SlotSpec = {
  name: 'density',
  type: 'number',
  description: 'fraction of each task vector kept (largest magnitudes), in (0, 1]; 1 keeps all',
};

/** `ties` (alias `ties_merging`): the paper's TIES action (base_model, models..., weights, density). */
export const tiesActionType: ActionTypeDefinition = {
  type: 'ties',
  aliases: ['ties_merging'],
  description:
    'TIES-merge two or more models into their base: keep the largest-magnitude fraction (density) of each task vector, elect each parameter\'s sign by the weighted sum, average the agreeing weighted changes',
  slots: [baseSlot, modelsSlot, weightsSlot, densitySlot],
  runner: RUNNER_NAMES.ties,
  paramsSchema: asParams(TiesParamsSchema.strict()),
};

/** `task_arithmetic`: base + lambda * sum of weighted task vectors. */
export const taskArithmeticActionType: ActionTypeDefinition = {
  type: 'task_arithmetic',
  description: 'Add the weighted task vectors (model minus base) of two or more models to their base',
  slots: [baseSlot, modelsSlot, weightsSlot],
  runner: RUNNER_NAMES.task_arithmetic,
  paramsSchema: asParams(TaskArithmeticParamsSchema.strict()),
};

/** `linear`: the weighted average of two or more models. */
export const linearActionType: ActionTypeDefinition = {
  type: 'linear',
  description: 'Average two or more models parameter by parameter with the given weights',
  slots: [modelsSlot, weightsSlot],
  runner: RUNNER_NAMES.linear,
  paramsSchema: asParams(LinearParamsSchema.strict()),
};

export const actionTypes: readonly ActionTypeDefinition[] = [tiesActionType, taskArithmeticActionType, linearActionType];

/** The plugin: action types `ties` (`ties_merging`), `task_arithmetic`, `linear` and their TypeScript runners. */
export const plugin = definePlugin({
  name: PLUGIN_NAME,
  version: PLUGIN_VERSION,
  apiVersion: CORE_API_VERSION,
  description: 'TIES, task arithmetic and linear merging over safetensors checkpoints of any size, in TypeScript',
  provides: {
    actionTypes: actionTypes.map((a) => a.type),
    runners: Object.values(RUNNER_NAMES),
  },
  register(registry) {
    for (const def of actionTypes) registry.actionType(def);
    registry.runner(createMergeRunner('ties'));
    registry.runner(createMergeRunner('task_arithmetic'));
    registry.runner(createMergeRunner('linear'));
  },
});
