import { CORE_API_VERSION, definePlugin } from '@lamdagent/core';
import { epsGreedy } from './eps-greedy.js';
import { linear, linearRunner } from './linear.js';

export { epsGreedy, linear, linearRunner };

export default definePlugin({
  name: 'lamdagent-plugin-linear',
  version: '0.1.0',
  apiVersion: CORE_API_VERSION,
  provides: { actionTypes: ['linear'], runners: ['linear-ts'], policies: ['eps-greedy'] },
  register(r) {
    r.actionType(linear);
    r.runner(linearRunner);
    r.policy(epsGreedy);
  },
});
