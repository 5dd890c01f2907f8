import { CORE_API_VERSION, definePlugin } from '@lamdagent/core';
import { replayExecutorFactory } from './replay-executor.js';
import { scriptedPolicyFactory } from './scripted-policy.js';

/** The plugin: contributes the `replay` executor (tabular benchmark). */
export const sciencePlugin = definePlugin({
  name: '@lamdagent/science',
  version: '0.1.0',
  apiVersion: CORE_API_VERSION,
  description: 'replay executor for tabular benchmarks; scripted policy for pipeline replays',
  provides: { executors: ['replay'], policies: ['scripted'] },
  register(r) {
    r.executor(replayExecutorFactory);
    r.policy(scriptedPolicyFactory);
  },
});
