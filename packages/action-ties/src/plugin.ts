import { CORE_API_VERSION, definePlugin, type ActionTypeDefinition } from '@lamdagent/core';
import pkg from '../package.json' with { type: 'json' };
import { mergeMethodActionType } from './action-types.js';
import { MERGEKIT_RUNNER, createMergekitRunner, mergekitActionType } from './mergekit-action.js';
import { getMergeMethod } from './method/index.js';
import { MERGE_METHODS } from './methods.js';
import './method/index.js';
import { createMethodRunner } from './runner.js';

export const PLUGIN_NAME = '@lamdagent/action-ties';
export const PLUGIN_VERSION: string = pkg.version;

/** Methods offered as action types (passthrough needs slices, so it is YAML-only). */
const ACTION_METHODS = MERGE_METHODS.filter((m) => m !== 'passthrough');

export const tiesActionType: ActionTypeDefinition = mergeMethodActionType(getMergeMethod('ties'));
export const taskArithmeticActionType: ActionTypeDefinition = mergeMethodActionType(getMergeMethod('task_arithmetic'));
export const linearActionType: ActionTypeDefinition = mergeMethodActionType(getMergeMethod('linear'));

/** Every action type: one per method (from its definition), then `mergekit`. */
export const actionTypes: readonly ActionTypeDefinition[] = [
  ...ACTION_METHODS.map((m) =>
    m === 'ties'
      ? tiesActionType
      : m === 'task_arithmetic'
        ? taskArithmeticActionType
        : m === 'linear'
          ? linearActionType
          : mergeMethodActionType(getMergeMethod(m)),
  ),
  mergekitActionType,
];

const runners = [...ACTION_METHODS.map((m) => createMethodRunner(getMergeMethod(m))), createMergekitRunner()];

/** The plugin: mergekit's methods as action types, a `mergekit` YAML action, and their TypeScript runners. */
export const plugin = definePlugin({
  name: PLUGIN_NAME,
  version: PLUGIN_VERSION,
  apiVersion: CORE_API_VERSION,
  description:
    "Model merging with mergekit's methods (TIES, DARE, breadcrumbs, DELLA, SLERP, model stock, ...) and YAML, over safetensors checkpoints of any size, in TypeScript",
  provides: {
    actionTypes: actionTypes.map((a) => a.type),
    runners: [...runners.map((r) => r.name)],
  },
  register(registry) {
    for (const def of actionTypes) registry.actionType(def);
    for (const r of runners) registry.runner(r);
  },
});

export { MERGEKIT_RUNNER };
